"""The user's cache (~/.cache/juesuan; JUESUAN_CACHE or XDG_CACHE_HOME move it): a convenience, never a dependency.

The rules every cache follows (kept charts, compiled templates, fonts), so that a power cut, a full disk, a
stray symlink or a read-only home never stops a build:
- an entry is written atomically: a temp file beside it, then a rename, so there is the old entry or the new one;
- an entry is verified when read: it starts with the SHA-256 of its body, and only a regular file of bounded
  size is opened — without following a symlink and without blocking (a FIFO, /dev/zero);
- a damaged or irregular entry (symlink, device, a directory where a file should be) is removed with a
  one-line notice and made again;
- a location that cannot be created or written means building without that cache: one line, slower, no error.
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import sys
import time
from pathlib import Path

MAGIC = b"juesuan-cache 1 "
MAX_ENTRY_BYTES = 64 << 20          # far above any entry (a chart set is ~250 KB)
STALE_TEMP_SECONDS = 3600           # temp files older than this belong to builds that were killed

_noticed: set[str] = set()


def cache_root() -> Path:
    """Where kept charts, compiled templates and fonts live (JUESUAN_CACHE overrides)."""
    root = os.environ.get("JUESUAN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "juesuan")
    return Path(root)


def notice(message: str) -> None:
    """One line on stderr, once per process for the same message (a batch does not repeat it per unit)."""
    if message not in _noticed:
        _noticed.add(message)
        print(f"注意：{message}", file=sys.stderr, flush=True)


_REASONS = {errno.ENOTDIR: "路径中有一级不是目录", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
            errno.EROFS: "只读文件系统", errno.ENOSPC: "磁盘已满", errno.EDQUOT: "超出磁盘配额",
            errno.ELOOP: "符号链接", errno.EEXIST: "已存在同名文件", errno.ENOENT: "不存在"}


def _reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno, exc.strerror or type(exc).__name__)


def _usable(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if not stat.S_ISDIR(os.stat(folder).st_mode):
        raise NotADirectoryError(errno.ENOTDIR, "不是目录")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES if not _read_only(folder) else errno.EROFS, "不可写")


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def cache_dir(name: str) -> Path | None:
    """cache_root()/name, created when missing; None, with a one-line notice, when it cannot be used."""
    root = cache_root()
    for folder in (root, root / name):
        try:
            _usable(folder)
        except OSError as exc:
            notice(f"缓存目录 {folder} 无法使用（{_reason(exc)}），本次不使用缓存（构建会慢一些）。"
                   f"可设置 JUESUAN_CACHE 指向一个可写的目录。")
            return None
    return root / name


def discard(path: Path) -> None:
    """Remove whatever sits at `path` (file, symlink, device node or directory); errors are ignored."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def _damaged(path: Path, what: str) -> None:
    discard(path)
    notice(f"缓存文件 {path} {what}，已丢弃并重新生成。")


def read_entry(path: Path, max_bytes: int = MAX_ENTRY_BYTES) -> bytes | None:
    """The verified body of the entry at `path`, or None (absent, or damaged and removed)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:      # ELOOP: a symlink; anything else unreadable is made again
        _damaged(path, "不是普通文件" if os.path.islink(path) else f"无法读取（{_reason(exc)}）")
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                handle.close()
                _damaged(path, "不是普通文件")
                return None
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        _damaged(path, f"无法读取（{_reason(exc)}）")
        return None
    head, _, body = data.partition(b"\n")
    if (len(data) > max_bytes or not head.startswith(MAGIC)
            or head[len(MAGIC):] != hashlib.sha256(body).hexdigest().encode("ascii")):
        _damaged(path, "已损坏或不完整")
        return None
    return body


def write_entry(path: Path, body: bytes) -> bool:
    """Store `body` at `path` atomically with its checksum; False (with a notice) when it cannot be written."""
    data = MAGIC + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
        if os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode):
            discard(path)       # a directory or device in the entry's place
        os.replace(tmp, path)
        return True
    except OSError as exc:
        discard(tmp)
        notice(f"缓存目录 {path.parent} 无法写入（{_reason(exc)}），本次不保存缓存。")
        return False


def sweep_temp(folder: Path, older_than: float = STALE_TEMP_SECONDS) -> None:
    """Remove temp files (`.NAME.….tmp`) that killed processes left behind in `folder`."""
    limit = time.time() - older_than
    try:
        for entry in os.scandir(folder):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                try:
                    if entry.stat(follow_symlinks=False).st_mtime < limit:
                        discard(Path(entry.path))
                except OSError:
                    pass
    except OSError:
        pass


def foreign_dir(name: str) -> str:
    """A directory of our cache handed to another library's own cache (matplotlib's font list): its irregular
    entries (symlinks, FIFOs, devices, directories) are removed first, since that library reads whatever it
    finds; a private temp directory when the cache cannot be used."""
    folder = cache_dir(name)
    if folder is None:
        import tempfile

        return tempfile.mkdtemp(prefix=f"juesuan-{name}-")
    try:
        for entry in os.scandir(folder):
            if not entry.is_file(follow_symlinks=False):
                discard(Path(entry.path))
    except OSError:
        pass
    return str(folder)
