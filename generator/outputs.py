"""Writing a build's outputs: safe short file names from the cover title, every file written atomically.

File names (docs/reliability.md): the document title with path separators, characters Windows forbids and
control characters replaced by "_", leading dots and spaces and trailing dots and spaces removed (no hidden
files, no ".."); a title longer than STEM_CHARS characters or STEM_BYTES bytes of UTF-8 keeps its first part
and ends in "-" and 8 hex digits of its SHA-256, so two long titles stay apart; an empty one is "决算公开".

A build writes every output to a temp file beside its target (`.NAME.PID.XXXX.tmp`) and renames them only
when all are written, so a failed run leaves the old outputs as they were. Temp files of builds that were
killed (their process is gone, or they are an hour old) are removed by the next build to the same place.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from .pipeline import FORMATS, Result

STEM_CHARS = 60
STEM_BYTES = 180          # + ".docx" and a temp file's ".….12345.abcdefgh.tmp" stay under 255 bytes
_UNSAFE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_TEMP = re.compile(r"^\..+\.(\d+)\.[A-Za-z0-9_]+\.tmp$")


class OutputError(Exception):
    """An output location the user has to fix (exit code 2); the message names the path and what to do."""


def safe_stem(title: str) -> str:
    stem = _UNSAFE.sub("_", title).strip()
    stem = stem.lstrip(". ").rstrip(". ")
    if not stem:
        return "决算公开"
    if len(stem) > STEM_CHARS or len(stem.encode("utf-8")) > STEM_BYTES:
        digest = hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]
        head = stem[:STEM_CHARS - 9]
        while len(head.encode("utf-8")) > STEM_BYTES - 9:
            head = head[:-1]
        stem = f"{head.rstrip('. ')}-{digest}"
    return stem


def output_stem(result: Result) -> str:
    from .compose.document import document_title

    return safe_stem(document_title(result.profile, result.facts))


_ADVICE = {
    errno.EACCES: "没有写入权限：请修改该目录的权限，或用 -o 指定一个可写的输出目录",
    errno.EPERM: "操作不被允许：请修改该目录的权限，或用 -o 指定一个可写的输出目录",
    errno.EROFS: "位于只读文件系统：请用 -o 指定一个可写的输出目录",
    errno.ENOSPC: "磁盘空间不足：请清理磁盘空间，或用 -o 指定其他磁盘上的输出目录",
    errno.EDQUOT: "超出磁盘配额：请清理空间，或用 -o 指定其他输出目录",
    errno.ENOTDIR: "路径中的某一级是文件而不是目录：请检查路径，或用 -o 指定其他输出目录",
    errno.EISDIR: "是一个目录：请删除或改名该目录，或用 -o 指定其他输出目录",
    errno.ENOENT: "不存在（可能在构建过程中被删除或移动）：请检查该路径后重新运行",
    errno.ENAMETOOLONG: "路径过长：请使用较短的输出目录",
    errno.EEXIST: "已存在且不是目录：请删除或改名，或用 -o 指定其他输出目录",
    errno.EMFILE: "打开的文件过多：请关闭其他程序后重试",
    errno.EIO: "读写出错（输入输出错误）：请检查磁盘或网络存储后重试",
}


def describe_os_error(exc: OSError, path: Path | str | None = None) -> str:
    """A Chinese line naming the path and what the user can do about `exc`."""
    where = exc.filename if exc.filename is not None else path
    if path is not None and (where is None or _TEMP.match(Path(str(where)).name)):
        where = path                 # the output the user asked for, not our temp file beside it
    advice = _ADVICE.get(exc.errno, f"无法读写（{exc.strerror or type(exc).__name__}）：请检查该路径后重试")
    return f"{where if where is not None else '（未知路径）'}：{advice}。"


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temp file beside the target, then rename: a failed build never leaves a partial file."""
    replace_all([(target, _write_temp(target, data))])


def _write_temp(target: Path, data: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)   # mkstemp creates 0600; outputs are ordinary files
    except BaseException:
        _remove(Path(tmp))
        raise
    return Path(tmp)


def replace_all(pairs: list[tuple[Path, Path]]) -> None:
    """Rename each temp file onto its target; on failure the temp files not yet renamed are removed."""
    try:
        for target, tmp in pairs:
            os.replace(tmp, target)
    except BaseException:
        for _, tmp in pairs:
            _remove(tmp)
        raise


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True            # another user's process
    return True


def remove_stale_temps(outdir: Path, max_age: float = 3600.0) -> list[Path]:
    """Temp files of killed builds in `outdir`: their process is gone (or they are `max_age` seconds old)."""
    removed = []
    try:
        entries = list(os.scandir(outdir))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP.match(entry.name)
        if not match:
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > max_age
        except OSError:
            continue
        pid = int(match.group(1))
        if old or (pid != os.getpid() and not _alive(pid)):
            _remove(Path(entry.path))
            removed.append(Path(entry.path))
    return removed


def write_outputs(result: Result, outdir: Path) -> list[Path]:
    """Every requested output written, or none (OutputError names the path and what to do)."""
    stem = output_stem(result)
    targets = [(outdir / f"{stem}.{fmt}", result.outputs[fmt]) for fmt in FORMATS if fmt in result.outputs]
    pairs: list[tuple[Path, Path]] = []
    current = outdir
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(outdir)
        for target, data in targets:
            current = target
            pairs.append((target, _write_temp(target, data)))
        replace_all(pairs)
    except OSError as exc:
        for _, tmp in pairs:
            _remove(tmp)
        raise OutputError("无法写出 " + describe_os_error(exc, current)) from None
    return [target for target, _ in targets]
