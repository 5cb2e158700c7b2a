"""Profile templates run with limits: Jinja's sandbox (no Python internals) plus bounded work, so a template
can neither hang a build nor take the machine's memory, and a template that fails names its file and line.

Limits of one render (docs/reliability.md):
- RENDER_SECONDS of wall time: checked every 256 calls, 1024 range steps or outputs and 4096 chunks; in the
  main thread a timer signal also interrupts loops that do none of those;
- OUTPUT_CHARS of HTML; RANGE_ITEMS per range() and RANGE_TOTAL range steps in all;
- `*`, `**` and `%` results and the widths given to filters and string methods stay below MAX_SIZE.
Templates are read only from the profile chain's directories and the built-in templates, symlinks resolved.
"""
from __future__ import annotations

import functools
import math
import os
import re
import signal
import threading
import time
import traceback
from pathlib import Path

from jinja2 import BytecodeCache, FileSystemLoader, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from ..cache import cache_dir, read_entry, write_entry
from ..profile import ProfileError, builtin_root
from ..profile.confine import confine

RENDER_SECONDS = 60.0          # a real publication composes in 0.1–0.5 s; 60 is room for slow hosts
OUTPUT_CHARS = 30_000_000
RANGE_ITEMS = 100_000
RANGE_TOTAL = 1_000_000
MAX_SIZE = 1_000_000
# a format width or precision of a million or more ("%9999999s", "{:>9999999}", "%*s")
_WIDTH = re.compile(r"%[-+ #0]*(\d{7,}|\*)|%[-+ #0]*\d*\.\d{7,}|\{[^{}]*:[^{}]*\d{7,}")
_SIZED_FILTERS = {"center", "indent", "wordwrap", "truncate", "format", "batch", "slice"}
_SIZED_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map"}


class TemplateLimit(Exception):
    """A template went over one of the limits above."""


class BoundedRange:
    """range() for templates: a size limit, and every step counts towards the render's budget."""

    def __init__(self, env: "BoundedEnvironment", *args: int):
        self.env, self.range = env, range(*args)
        if len(self.range) > RANGE_ITEMS:
            raise TemplateLimit(f"range() 过大（{len(self.range)} 项，上限 {RANGE_ITEMS}）")

    def __len__(self) -> int:
        return len(self.range)

    def __iter__(self):
        for value in self.range:
            self.env.step()
            yield value

    def __reversed__(self):
        for value in reversed(self.range):
            self.env.step()
            yield value

    def __getitem__(self, index):
        return self.range[index]

    def __contains__(self, value) -> bool:
        return value in self.range


def _size(value) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _check_args(args, kwargs) -> None:
    """Widths and counts a filter or string method would allocate: refused above MAX_SIZE."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE:
            raise TemplateLimit(f"参数 {value} 过大（上限 {MAX_SIZE}）")


def _check_format(text) -> None:
    if isinstance(text, str) and _WIDTH.search(text):
        raise TemplateLimit("格式宽度过大")


def _guarded(name: str, function):
    @functools.wraps(function)          # keeps Jinja's pass_context/pass_environment marks
    def guarded(*args, **kwargs):
        _check_args(args, kwargs)
        if name == "format":
            _check_format(args[0])
        return function(*args, **kwargs)
    return guarded


class BoundedEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "%"])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("finalize", self.counted)      # every {{ … }} output counts, in the template's frame
        super().__init__(*args, **kwargs)
        self.globals["range"] = lambda *a: BoundedRange(self, *a)
        self.deadline = time.monotonic() + RENDER_SECONDS
        self.steps = self.calls = self.outputs = 0

    # -- the budget
    def step(self) -> None:
        self.steps += 1
        if self.steps > RANGE_TOTAL:
            raise TemplateLimit(f"循环次数过多（range 合计超过 {RANGE_TOTAL} 次）")
        if not self.steps & 1023:
            self.tick()

    def counted(self, value):
        self.outputs += 1
        if not self.outputs & 1023:
            self.tick()
        return value

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"模板运行超过 {RENDER_SECONDS:g} 秒")

    def concat(self, chunks) -> str:
        """The top-level render: starts the clock, bounds the output, and arms a timer in the main thread."""
        self.deadline = time.monotonic() + RENDER_SECONDS
        self.steps = self.calls = self.outputs = 0
        alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
        if alarm:
            retries = [20]

            def expire(_signum, frame):
                # raised in a template's frame, so the message can name its file and line
                if retries[0] and not (frame and frame.f_code.co_filename.endswith(".j2")):
                    retries[0] -= 1
                    signal.setitimer(signal.ITIMER_REAL, 0.05)
                    return
                raise TemplateLimit(f"模板运行超过 {RENDER_SECONDS:g} 秒")
            previous = signal.signal(signal.SIGALRM, expire)
            signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS + 1)
        try:
            parts: list[str] = []
            size = 0
            for chunk in chunks:
                parts.append(chunk)
                size += len(chunk)
                try:
                    if size > OUTPUT_CHARS:
                        raise TemplateLimit(f"模板输出过大（超过 {OUTPUT_CHARS} 字符）")
                    if len(parts) >= 4096:        # the clock is checked in the template's own frames
                        parts = ["".join(parts)]
                except TemplateLimit as exc:
                    chunks.throw(exc)       # raised where the template is, so the message names its line
                    raise
            return "".join(parts)
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)

    # -- sandbox hooks
    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 — Jinja's own signature
        __self.calls += 1
        if not __self.calls & 255:
            __self.tick()
        method = getattr(__obj, "__wrapped__", __obj)        # the sandbox wraps str.format
        if isinstance(getattr(method, "__self__", None), str) and getattr(method, "__name__", "") in _SIZED_METHODS:
            _check_format(method.__self__)
            _check_args(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        self.tick()
        if operator == "**" and isinstance(left, (int, float)) and isinstance(right, (int, float)):
            if abs(left) > 1 and right > 0 and right * math.log2(abs(left)) > 4096:
                raise TemplateLimit("乘方结果过大")
        elif operator == "*" and isinstance(right, int) and _size(left) * abs(right) > MAX_SIZE or \
                operator == "*" and isinstance(left, int) and _size(right) * abs(left) > MAX_SIZE:
            raise TemplateLimit(f"重复后的文字或列表过长（上限 {MAX_SIZE}）")
        elif operator == "%":
            _check_format(left)
        result = super().call_binop(context, operator, left, right)
        if _size(result) > OUTPUT_CHARS:
            raise TemplateLimit(f"文字或列表过长（上限 {OUTPUT_CHARS}）")
        return result

    # -- errors name the template file and line
    def handle_exception(self, source=None):
        try:
            super().handle_exception(source)
        except (TemplateSyntaxError, ProfileError):
            raise
        except Exception as exc:  # noqa: BLE001 — anything a template does wrong is the profile's error
            file, line = _template_frame(exc)
            raise ProfileError(f"模板运行出错：{_describe(exc)}", file, line) from None


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost frame of the traceback that is a template (Jinja rewrites them to file and line)."""
    found = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".j2") or "/templates/" in frame.filename:
            found = (frame.filename, frame.lineno)
    return found


def _describe(exc: BaseException) -> str:
    known = {ZeroDivisionError: "除以零", RecursionError: "递归过深（宏或循环调用自身）",
             OverflowError: "数值或范围过大", MemoryError: "内存不足（结果过大）"}
    for kind, text in known.items():
        if isinstance(exc, kind):
            return text
    text = str(exc)
    text = text if len(text) <= 300 else text[:300] + "…"
    if isinstance(exc, TemplateLimit):
        return text
    if isinstance(exc, UndefinedError):
        return f"未定义的名称或属性（{text}）"
    if isinstance(exc, SecurityError):
        return f"模板试图访问不允许的内容（{text}）"
    return f"{type(exc).__name__}：{text}"


class ConfinedLoader(FileSystemLoader):
    """Templates of the profile's layers; a file whose real path (symlinks followed) lies outside the
    profile chain's directories and the built-in templates is refused by name."""

    def __init__(self, searchpath: list[str], roots: list[Path]):
        super().__init__(searchpath)
        self.roots = [Path(os.path.realpath(root)) for root in roots]

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(os.path.realpath(filename))
        if not any(real == root or root in real.parents for root in self.roots):
            raise ProfileError(f"模板“{template}”是指向版式目录以外（{real}）的符号链接，已拒绝读取", filename)
        return source, filename, uptodate


def bounded_environment(profile, **options) -> BoundedEnvironment:
    """The sandboxed, bounded environment of `profile`'s templates (document.py adds its filters)."""
    roots = confine([layer.path for layer in profile.layers], builtin_root())   # again: the files may have changed
    env = BoundedEnvironment(loader=ConfinedLoader(profile.template_dirs(), roots),
                             bytecode_cache=bytecode_cache(), **options)
    return env


def guard_filters(env: BoundedEnvironment) -> None:
    """Filters get no width, count or size argument above MAX_SIZE (center(10**9), indent(10**9), …)."""
    for name in _SIZED_FILTERS & set(env.filters):
        env.filters[name] = _guarded(name, env.filters[name])


class CheckedBytecodeCache(BytecodeCache):
    """Compiled templates kept by generator/cache.py's rules (checksummed, atomic, healed when damaged)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def load_bytecode(self, bucket) -> None:
        data = read_entry(self.folder / f"{bucket.key}.bin")
        if data is not None:
            bucket.bytecode_from_string(data)     # a different Python's bytecode is ignored by Jinja's magic

    def dump_bytecode(self, bucket) -> None:
        write_entry(self.folder / f"{bucket.key}.bin", bucket.bytecode_to_string())


def bytecode_cache() -> CheckedBytecodeCache | None:
    """Compiled templates, keyed by source checksum (compiling them costs ~0.15 s per build); None when the
    cache cannot be used."""
    folder = cache_dir("templates")
    return CheckedBytecodeCache(folder) if folder is not None else None


__all__ = ["BoundedEnvironment", "ConfinedLoader", "TemplateLimit", "TemplateNotFound", "bounded_environment",
           "bytecode_cache", "guard_filters", "RENDER_SECONDS", "OUTPUT_CHARS"]
