"""Stage 1: read a unit-year from a directory of YAML/JSON files (or one file) into `UnitYear`.

Every failure becomes an `InputError` whose messages name the file, the line where known and the
field, in Chinese; nothing here lets a Python exception reach the user.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import yamlio
from .limits import markdown_problem
from .pdfsafe import SafePdf, safe_pdf
from .model import UnitYear
from ..errors import InputError, Problem

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ECHO = 300          # characters of a bad value echoed in a message
INPUT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Source:
    """Where each top-level key came from, so a field path maps back to a file and line."""
    root: Path
    nodes: dict[str, tuple[Path, Any]] = field(default_factory=dict)

    def locate_path(self, path: str) -> tuple[str, int | None]:
        """File and line of a dotted field path (tables.income.rows.3.fiscal); digits are list indexes,
        while codes such as 2010301 or 01 stay mapping keys (they match either way)."""
        parts = tuple(int(p) if p.isdigit() and (p == "0" or not p.startswith("0")) and len(p) < 6 else p
                      for p in path.split("."))
        return self.locate(parts)

    def locate(self, loc: tuple) -> tuple[str, int | None]:
        if not loc or loc[0] not in self.nodes:
            return (str(self.root), None)
        path, root = self.nodes[loc[0]]
        return (str(path), yamlio.line_of(root, loc))


@dataclass
class Loaded:
    unit: UnitYear
    source: Source
    prior: "Loaded | None" = None     # last year's input when unit.prior.path names one
    documents: dict[str, str] = field(default_factory=dict)   # Markdown attachments by their input path
    pdfs: dict[str, SafePdf] = field(default_factory=dict)    # PDF attachments to append (actions removed)

    @property
    def base_dir(self) -> Path:
        return self.source.root if self.source.root.is_dir() else self.source.root.parent


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
            hint = "看起来是 GBK/GB18030 编码（常见于 Windows 记事本和 Excel 导出），请另存为 UTF-8"
        except UnicodeDecodeError:
            hint = "请另存为 UTF-8 编码"
        raise InputError([Problem(str(path), f"文件不是 UTF-8 编码：{hint}", line)]) from None


def _parse(path: Path) -> tuple[dict, yaml.Node]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError([Problem(str(path), f"无法读取文件（{exc.strerror}）")]) from None
    if size > MAX_FILE_BYTES:
        raise InputError([Problem(str(path), f"文件过大（{size // (1024 * 1024)} MB，上限 50 MB）")])
    try:
        text = _decode(path, path.read_bytes())
    except OSError as exc:
        raise InputError([Problem(str(path), f"无法读取文件（{exc.strerror}）")]) from None
    if not text.strip():
        raise InputError([Problem(str(path), "文件为空")])
    try:
        tree, root = yamlio.load_with_nodes(text)
    except yamlio.DuplicateKey as exc:
        raise InputError([Problem(str(path), f"键“{exc.key}”重复出现", exc.line)]) from None
    except yaml.reader.ReaderError as exc:
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        at = text.find(char)
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
        raise InputError([Problem(str(path), f"文件含有不允许的控制字符（U+{ord(char[:1] or ' '):04X}）：请删除该字符",
                                  line)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "语法错误"
        raise InputError([Problem(str(path), f"YAML 语法错误（{what}）", mark.line + 1 if mark else None)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(str(path), f"YAML 无法解析：{exc}", getattr(exc, "line", None))]) from None
    except (RecursionError, ValueError) as exc:
        raise InputError([Problem(str(path), f"YAML 无法解析：{type(exc).__name__}")]) from None
    if tree is None:
        raise InputError([Problem(str(path), "文件为空")])
    if not isinstance(tree, dict):
        raise InputError([Problem(str(path), "顶层应为“键: 值”的映射（如 unit:、tables:）", 1)])
    return tree, root


def _plain(node: Any, depth: int = 0) -> Any:
    """Keys as text (codes may be typed unquoted); bounded depth so hostile nesting cannot recurse away."""
    if depth > 50:
        raise ValueError("嵌套过深")
    if isinstance(node, dict):
        return {k if isinstance(k, (int, str)) else str(k): _plain(v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, depth + 1) for v in node]
    return node


def input_files(path: Path) -> list[Path]:
    if not path.exists():
        raise InputError([Problem(str(path), "输入目录或文件不存在")])
    if path.is_file():
        return [path]
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in INPUT_SUFFIXES and p.is_file())
    if not files:
        raise InputError([Problem(str(path), "目录中没有 .yaml/.yml/.json 输入文件")])
    return files


def read_tree(path: Path) -> tuple[dict, Source]:
    source = Source(root=path)
    merged: dict[str, Any] = {}
    for file in input_files(path):
        tree, root = _parse(file)
        for key, value in tree.items():
            line = yamlio.top_level_line(root, str(key))
            if str(key) in merged:
                first = source.nodes[str(key)][0]
                raise InputError([Problem(str(file), f"顶层键“{key}”已在 {first.name} 中出现", line)])
            source.nodes[str(key)] = (file, root)
            try:
                merged[str(key)] = _plain(value)
            except ValueError as exc:
                raise InputError([Problem(str(file), str(exc), line)]) from None
    return merged, source


def load(path: str | Path, follow_prior: bool = True) -> Loaded:
    root = Path(path)
    data, source = read_tree(root)
    unit_block = data.get("unit") if isinstance(data.get("unit"), dict) else {}
    amount_unit = unit_block.get("amount_unit") if unit_block.get("amount_unit") in ("万元", "元") else "万元"
    try:
        unit = UnitYear.model_validate(data, context={"amount_unit": amount_unit})
    except ValidationError as exc:
        raise InputError([_problem(err, source) for err in exc.errors(include_url=False)]) from None
    except RecursionError:
        raise InputError([Problem(str(root), "输入嵌套过深")]) from None
    loaded = Loaded(unit=unit, source=source)
    _read_attachments(loaded)
    if follow_prior and unit.prior.path:
        loaded.prior = _load_prior(loaded)
    return loaded


def _attachment_refs(unit: UnitYear) -> list[tuple[str, str, str]]:
    """(field path, relative path, kind) of every file the input refers to."""
    refs = [(f"performance.key_evaluations.{i}.report", k.report, "markdown")
            for i, k in enumerate(unit.performance.key_evaluations) if k.report]
    for i, item in enumerate(unit.attachments):
        if item.markdown:
            refs.append((f"attachments.{i}.markdown", item.markdown, "markdown"))
        if item.pdf:
            refs.append((f"attachments.{i}.pdf", item.pdf, "pdf"))
    return refs


def _inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


def _read_attachments(loaded: Loaded) -> None:
    """Attachment files must lie inside the input directory (symlinks resolved): input text never reaches other
    files. Markdown over the documented limits and PDFs that are encrypted, damaged or bombs are refused."""
    base = loaded.base_dir.resolve()
    problems = []
    for field_path, rel, kind in _attachment_refs(loaded.unit):
        file, line = loaded.source.locate_path(field_path)
        try:
            target = (base / rel).resolve()
            readable = target.is_file()
            lexical = Path(os.path.normpath(base / rel))
        except (ValueError, OSError):   # NUL bytes, over-long names
            problems.append(Problem(file, f"附件路径“{rel!r}”无效", line, field_path))
            continue
        if not _inside(target, base):
            linked = _inside(lexical, base)
            why = f"是指向输入目录以外（{target}）的符号链接" if linked else "必须位于输入目录内"
            problems.append(Problem(file, f"附件“{rel}”{why}，已拒绝读取", line, field_path))
            continue
        if not readable:
            problems.append(Problem(file, f"附件文件“{rel}”不存在", line, field_path))
            continue
        try:
            if target.stat().st_size > MAX_FILE_BYTES:
                problems.append(Problem(file, f"附件“{rel}”过大（上限 50 MB）", line, field_path))
                continue
            data = target.read_bytes()
        except OSError as exc:
            problems.append(Problem(file, f"无法读取附件“{rel}”（{exc.strerror or exc}）", line, field_path))
            continue
        if kind == "pdf":
            problem, safe = safe_pdf(data, target)
            if problem:
                problems.append(Problem(file, f"附件“{rel}”{problem}", line, field_path))
                continue
            loaded.pdfs[rel] = safe
        else:
            try:
                text = _decode(target, data)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            problem = markdown_problem(text)
            if problem:
                problems.append(Problem(str(target), f"{problem}，已拒绝（{field_path}）"))
                continue
            loaded.documents[rel] = text
    if problems:
        raise InputError(problems)


def allowed_roots(loaded: Loaded) -> list[Path]:
    """Where `prior.path` may point: the directory holding this input's directory, and the directories of
    the JUESUAN_ALLOWED_ROOTS environment variable (separated by os.pathsep)."""
    roots = [loaded.base_dir.resolve().parent]
    extra = os.environ.get("JUESUAN_ALLOWED_ROOTS", "")
    roots += [Path(p).resolve() for p in extra.split(os.pathsep) if p.strip()]
    return roots


def _load_prior(loaded: Loaded) -> Loaded:
    """Last year's input, relative to this one; its own prior.path is not followed."""
    file, line = loaded.source.locate(("prior", "path"))
    try:
        target = (loaded.base_dir / loaded.unit.prior.path).resolve()
    except (ValueError, OSError):
        raise InputError([Problem(file, "上年输入路径无效", line, "prior.path")]) from None
    roots = allowed_roots(loaded)
    if not any(_inside(target, root) for root in roots):
        raise InputError([Problem(file, f"上年输入 {target} 不在允许的目录内（{'、'.join(map(str, roots))}）："
                                        f"请把上年输入放在本年输入的同级目录，或用环境变量 JUESUAN_ALLOWED_ROOTS "
                                        f"列出允许的目录", line, "prior.path")])
    if target == loaded.source.root.resolve():
        raise InputError([Problem(file, "上年输入不能指向本年输入自身", line, "prior.path")])
    try:
        prior = _workbook_prior(target, loaded) if target.suffix.lower() in WORKBOOK_SUFFIXES else \
            load(target, follow_prior=False)
    except InputError as exc:
        head = Problem(file, f"上年输入 {target} 无法使用：", line, "prior.path")
        raise InputError([head, *exc.problems]) from None
    if prior.unit.unit.year != loaded.unit.unit.year - 1:
        raise InputError([Problem(file, f"上年输入的年度为 {prior.unit.unit.year}，应为 "
                                        f"{loaded.unit.unit.year - 1}", line, "prior.path")])
    return prior


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _workbook_prior(target: Path, loaded: Loaded) -> Loaded:
    """Last year's 公开表 workbook as last year's input (juesuan import reads it the same way)."""
    from .workbook import WorkbookError, as_input

    this = loaded.unit.unit
    unit = {"name": this.name, "scope": this.scope, "kind": this.kind, "level": this.level,
            "year": this.year - 1, "profile": this.profile}
    try:
        data = as_input(target, unit)
        return Loaded(unit=UnitYear.model_validate(data, context={"amount_unit": "万元"}), source=Source(root=target))
    except WorkbookError as exc:
        raise InputError([Problem(p.where, p.message) for p in exc.problems]) from None
    except ValidationError as exc:
        raise InputError([Problem(str(target), f"{'.'.join(map(str, e['loc']))}：{e['msg']}")
                          for e in exc.errors(include_url=False)]) from None


_MESSAGES = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文字",
    "bool_parsing": "应为 true 或 false",
    "dict_type": "应为“键: 值”的映射",
    "list_type": "应为列表（每项以“- ”开头）",
    "model_type": "应为“键: 值”的映射",
    "date_from_datetime_parsing": "应为日期，如 2025-09-30",
    "date_parsing": "应为日期，如 2025-09-30",
    "date_type": "应为日期，如 2025-09-30",
    "decimal_parsing": "应为数字",
    "string_pattern_mismatch": "格式不正确",
    "decimal_max_places": "小数位数过多（最多两位）",
    "decimal_max_digits": "数字位数过多",
    "decimal_whole_digits": "数字位数过多",
    "finite_number": "应为有限的数字",
}


def _field_names(loc: tuple) -> list[str]:
    """Allowed field names at the parent of `loc`, for the “是否想写…” suggestion."""
    model: Any = UnitYear
    for key in loc[:-1]:
        if isinstance(key, int):
            continue
        info = getattr(model, "model_fields", {}).get(key)
        if info is None:
            return []
        annotation = info.annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            inner = getattr(candidate, "__args__", None)
            for option in (candidate, *(inner or ())):
                if isinstance(option, type) and issubclass(option, BaseModel):
                    model = option
                    break
            else:
                continue
            break
    return list(getattr(model, "model_fields", {}))


def _problem(err: dict, source: Source) -> Problem:
    loc = tuple(err.get("loc", ()))
    file, line = source.locate(loc)
    path = ".".join(str(p) for p in loc) or "（顶层）"
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        names = _field_names(loc)
        guess = difflib.get_close_matches(str(loc[-1]), names, n=1, cutoff=0.5) if loc else []
        message = f"未知字段“{loc[-1]}”" + (f"，是否想写“{guess[0]}”？" if guess else
                                           (f"；此处可用的字段：{'、'.join(names)}" if names else ""))
    elif kind in ("value_error", "assertion_error"):
        message = str(err.get("ctx", {}).get("error", err.get("msg", "")))
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        ctx = err.get("ctx", {})
        bound = next(iter(ctx.values()), "")
        words = {"greater_than_equal": "不能小于", "less_than_equal": "不能大于",
                 "greater_than": "应大于", "less_than": "应小于"}[kind]
        message = f"取值 {err.get('input')!r} {words} {bound}"
    elif kind in ("literal_error", "enum"):
        message = f"取值 {err.get('input')!r} 不在允许范围内（{err.get('ctx', {}).get('expected', '')}）"
    elif kind.startswith("string_too_long"):
        message = f"文字过长（上限 {err.get('ctx', {}).get('max_length')} 字）"
    elif kind.startswith("string_too_short"):
        message = "不能为空"
    else:
        message = _MESSAGES.get(kind, f"取值不正确（{err.get('msg', '')}）")
    return Problem(file, clip(message), line, path)


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """A message that echoes a huge value keeps its start and end."""
    return text if len(text) <= limit else f"{text[:limit // 2]}……（共 {len(text)} 字符）……{text[-40:]}"
