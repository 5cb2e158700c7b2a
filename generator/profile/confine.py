"""Nothing of a profile is read from outside it: every template, stylesheet and profile.yaml of the chain must
really lie (symlinks resolved) inside the chain's directories, the built-in templates or the font directories,
and be a regular file — a FIFO or a device (/dev/zero) would hang whatever reads it. Checked when a profile is
resolved, before the words check, the keys check, Jinja or a renderer reads any of its files."""
from __future__ import annotations

import os
import stat
from pathlib import Path

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")


def allowed_roots(layer_paths, builtin: Path) -> list[Path]:
    return [Path(os.path.realpath(p)) for p in (builtin, *layer_paths, *map(os.path.expanduser, FONT_DIRS))]


def confine(layer_paths, builtin: Path) -> list[Path]:
    """Raise ProfileError naming the first file that leads outside or is not a regular file; returns the roots."""
    from . import ProfileError

    roots = allowed_roots(layer_paths, builtin)

    def check(path: str) -> None:
        real = Path(os.path.realpath(path))
        if not any(real == root or root in real.parents for root in roots):
            raise ProfileError(f"版式文件是指向版式目录以外（{real}）的符号链接，已拒绝读取", path)
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return                   # a dangling link: whoever looks for the file reports it missing
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise ProfileError("版式文件不是普通文件（管道或设备），已拒绝读取", path)

    for layer in map(Path, layer_paths):
        if os.path.lexists(layer / "profile.yaml"):
            check(str(layer / "profile.yaml"))
        for folder in (layer / "templates", layer / "styles"):
            if not os.path.lexists(folder):
                continue
            check(str(folder))
            for top, dirs, files in os.walk(folder):
                for name in dirs + files:
                    check(os.path.join(top, name))
    return roots
