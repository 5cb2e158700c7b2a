"""Builds of one unit in a worker thread, and the last good one the pages show.

A request while a build runs is remembered and starts one more build when it ends, so a burst of saves
costs at most two builds. The last good snapshot is replaced only when a new build has finished, so a page
never shows half a build; a failed build keeps it and records the message instead.
"""
from __future__ import annotations

import itertools
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .preview import Preview, build_preview, relative_in

FORMATS = ("pdf", "docx")
# one build at a time in this process: matplotlib and WeasyPrint keep process-wide state
BUILD_LOCK = threading.Lock()
_generations = itertools.count(1)


@dataclass
class Snapshot:
    generation: int
    title: str
    stem: str
    preview: Preview
    findings: list[dict]
    outputs: dict[str, bytes]
    profile_roots: list[Path]
    watched: list[Path]
    html: str
    extra: dict[str, bytes] = field(default_factory=dict)   # made on demand (the tables workbook)
    notes: list[str] = field(default_factory=list)          # the build's warnings (profile, CSS)


@dataclass
class State:
    """What a page needs to know to decide whether to reload."""
    generation: int = 0           # the last finished build, good or failed
    building: bool = True
    error: str | None = None
    seconds: float | None = None  # how long the last build took

    def as_dict(self) -> dict:
        return {"generation": self.generation, "building": self.building, "error": self.error,
                "seconds": self.seconds}


class UnitBuilder:
    def __init__(self, key: str, path: Path, profile: str | None, on_built=None):
        self.key, self.path, self.profile = key, path, profile
        self.on_built = on_built      # called from the worker thread after each build
        self.snapshot: Snapshot | None = None
        self.state = State()
        self._lock = threading.Lock()
        self._pending = False
        self._running = False
        self._done = threading.Condition(self._lock)

    def request(self) -> None:
        """Build now, or once more after the build that is running."""
        with self._lock:
            if self._running:
                self._pending = True
                return
            self._running = True
            self.state = State(self.state.generation, True, self.state.error, self.state.seconds)
        threading.Thread(target=self._loop, name=f"juesuan-serve-build-{self.key}", daemon=True).start()

    def view(self) -> tuple[State, Snapshot | None]:
        """The state and the snapshot of the same moment."""
        with self._lock:
            return self.state, self.snapshot

    def wait(self, timeout: float | None = None) -> bool:
        """Until no build runs (tests and the first page of a unit)."""
        with self._done:
            return self._done.wait_for(lambda: not self._running, timeout)

    def watched(self) -> list[Path]:
        snapshot = self.snapshot
        return snapshot.watched if snapshot else [self.path.resolve()]

    def _loop(self) -> None:
        while True:
            snapshot, error = None, None
            try:
                # builds are one at a time, so catching their warnings (deprecated profile settings, CSS the
                # column estimate does not model) for the page does not mix two builds' warnings
                with BUILD_LOCK, warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    started = time.perf_counter()
                    snapshot = make_snapshot(self.key, self.path, self.profile)
                snapshot.notes = list(dict.fromkeys(str(w.message) for w in caught))
            except Exception as exc:  # noqa: BLE001 — any failure is a message on the page, never a dead server
                error = describe(exc)
            with self._lock:
                if snapshot is not None:
                    self.snapshot = snapshot
                self.state = State(next(_generations), self._pending, error,
                                   round(time.perf_counter() - started, 1))
                if self._pending:
                    self._pending = False
                    continue
                self._running = False
                self._done.notify_all()
            if self.on_built:
                self.on_built(self)
            return


def describe(exc: Exception) -> str:
    """A failed build as the Chinese message the page shows."""
    from ..errors import InputError
    from ..fonts import FontError
    from ..pipeline import BuildError
    from ..profile import ProfileError

    if isinstance(exc, (InputError, ProfileError, FontError, BuildError)):
        return f"无法生成：\n{exc}"
    if isinstance(exc, OSError):
        return f"读写文件失败：{exc.filename or ''}（{exc.strerror or exc}）"
    return f"内部错误（{type(exc).__name__}：{exc}）。请将输入与此信息报告给维护者。"


def make_snapshot(key: str, path: Path, profile: str | None) -> Snapshot:
    from ..outputs import output_stem
    from ..pipeline import run

    result = run(path, formats=FORMATS, profile=profile)
    roots = [Path(layer.path).resolve() for layer in result.profile.layers]

    def sheet_url(sheet: Path) -> str:
        found = relative_in(sheet, roots)
        return f"/u/{quote(key)}/profile/{found[0]}/{found[1]}" if found else ""

    preview = build_preview(result.html, result.findings, result.profile, result.facts, sheet_url)
    base = result.loaded.base_dir.resolve()
    findings = [finding_view(f, base, placed, index)
                for index, (f, placed) in enumerate(zip(result.findings, preview.placed))]
    findings.sort(key=lambda view: view["severity"] != "错误")        # errors first, each kind in check order
    watched = [base, *roots]
    if result.loaded.prior is not None:
        watched.append(result.loaded.prior.base_dir.resolve())
    watched += [Path(p).resolve().parent for p in result.loaded.pdfs.values()]
    stem = output_stem(result)
    return Snapshot(next(_generations), stem, stem, preview, findings, dict(result.outputs), roots,
                    list(dict.fromkeys(watched)), result.html)


def finding_view(finding, base: Path, placed: bool, index: int) -> dict:
    """A finding as the page lists it; `index` is the number its places carry in the preview."""
    view = finding.as_dict()
    view["index"] = index
    try:
        view["file"] = Path(finding.file).resolve().relative_to(base).as_posix() if finding.file else ""
    except ValueError:
        view["file"] = Path(finding.file).name
    view["placed"] = placed
    return view
