"""Font files found through fontconfig: the system's fonts plus a directory given by `--fonts DIR` or
JUESUAN_FONTS, and the families' prepared common parts (parts.py).

Both directories are added with fontconfig's documented FONTCONFIG_FILE: a small configuration in the juesuan
cache that includes the system's own (or the user's FONTCONFIG_FILE) and adds them, set in the environment
before WeasyPrint makes its font configuration and for every `fc-match` we run, so the PDF, the column widths,
the charts and the glyph check all see the same faces. A family found in the font directory hides the
installed files of that family, so "these fonts" means these files.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
PART_MARK = " juesuan "          # in the family name of a prepared part: "<family> juesuan <hash>" (parts.py)
# Where fontconfig's own configuration lives on Linux distributions, Homebrew and MSYS2.
SYSTEM_CONFIGS = ("/etc/fonts/fonts.conf", "/usr/local/etc/fonts/fonts.conf", "/opt/homebrew/etc/fonts/fonts.conf",
                  "C:/msys64/mingw64/etc/fonts/fonts.conf", "C:/msys64/ucrt64/etc/fonts/fonts.conf")


class FontError(RuntimeError):
    """A font the profile names cannot be found; the message says how to install or point at it."""


@dataclass(frozen=True)
class Face:
    family: str          # as the profile names it (and the PDF's CSS asks for it)
    bold: bool
    file: str
    index: int           # face inside a collection (.ttc)
    style: str           # as the font calls itself, e.g. "Bold"


def font_dir() -> Path | None:
    value = os.environ.get("JUESUAN_FONTS", "").strip()
    return Path(value).expanduser().resolve() if value else None


def fc_available() -> bool:
    return shutil.which("fc-match") is not None


def run_fc(args: list[str], env: dict[str, str] | None = None) -> str:
    if not fc_available():
        raise FontError("找不到 fontconfig 的 fc-match 命令：请安装 fontconfig（Debian/Ubuntu：apt-get install "
                        "fontconfig；Fedora：dnf install fontconfig；macOS：brew install fontconfig），"
                        "然后运行 juesuan doctor 检查。")
    done = subprocess.run(["fc-" + args[0], *args[1:]], capture_output=True, text=True, env=env or os.environ,
                          check=False)
    return done.stdout


# A FONTCONFIG_FILE the user set is what our configuration includes (read before we set our own).
_USER_CONFIG = None if os.environ.get("FONTCONFIG_FILE", "").endswith("juesuan-fonts.conf") \
    else os.environ.get("FONTCONFIG_FILE")


def _system_config() -> str | None:
    for candidate in (os.environ.get("JUESUAN_SYSTEM_FONTCONFIG"), *SYSTEM_CONFIGS):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def _dir_families(directory: Path) -> set[str]:
    """Every family name of every face in `directory` (fc-scan reads the files themselves)."""
    files = [str(path) for path in sorted(directory.rglob("*")) if path.suffix.lower() in FONT_SUFFIXES]
    if not files:
        return set()
    out = run_fc(["scan", "--format", "%{family}\n", *files])
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


def activate() -> None:
    """Make fontconfig (ours and WeasyPrint's) see the prepared parts (parts.py) and JUESUAN_FONTS; idempotent,
    cheap after the first call."""
    directory = font_dir()
    if directory is not None and not directory.is_dir():
        raise FontError(f"字体目录 {directory} 不存在或不是目录：请检查 --fonts / JUESUAN_FONTS。")
    conf = _activate(str(directory or ""), str(parts_dir()))
    if os.environ.get("FONTCONFIG_FILE") != conf:
        os.environ["FONTCONFIG_FILE"] = conf
        _clear()


def parts_dir() -> Path:
    """Where the families' common parts are kept: the cache's fonts/parts, else a private temporary directory
    (removed at exit), so a build prints with the same parts whether or not the cache can be used."""
    from ..cache import cache_root

    return _parts_dir(str(cache_root()))


@lru_cache(maxsize=4)
def _parts_dir(cache: str) -> Path:
    """parts_dir() for the cache at `cache` (JUESUAN_CACHE may change within a process)."""
    import atexit
    import tempfile

    from ..cache import cache_dir

    fonts_cache = cache_dir("fonts")
    if fonts_cache is not None:
        try:
            (fonts_cache / "parts").mkdir(exist_ok=True)
            return fonts_cache / "parts"
        except OSError:
            pass
    folder = Path(tempfile.mkdtemp(prefix="juesuan-font-parts-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


@lru_cache(maxsize=8)
def _activate(directory: str, parts: str) -> str:
    """The fontconfig file: the system's configuration, the parts, the font directory (its families hiding the
    installed files of the same families)."""
    import tempfile

    from ..cache import cache_dir, discard

    system = _USER_CONFIG or _system_config()
    hidden = []
    if directory:
        env = {**os.environ}
        if system:
            env["FONTCONFIG_FILE"] = system
        else:
            env.pop("FONTCONFIG_FILE", None)
        for family in sorted(_dir_families(Path(directory))):
            # installed files of a family the directory brings: rejected, so the directory's files are used
            listed = run_fc(["list", "--format", "%{file}\n", family], env)
            hidden += [line for line in listed.splitlines() if line and not line.startswith(directory)]
    rejects = "".join(f"<glob>{escape(path)}</glob>" for path in sorted(set(hidden)))
    root = cache_dir("fonts") or Path(tempfile.mkdtemp(prefix="juesuan-fonts-"))    # unusable cache: a private one
    key = f"{directory}\0{parts}\0{system}"
    conf = root / f"{hashlib.sha256(key.encode()).hexdigest()[:12]}-juesuan-fonts.conf"   # stable name
    text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
            + (f'  <include ignore_missing="yes">{escape(system)}</include>\n' if system else "")
            + f"  <dir>{escape(parts)}</dir>\n"
            + (f"  <dir>{escape(directory)}</dir>\n" if directory else "")
            + f"  <cachedir>{escape(str(root / 'fontconfig'))}</cachedir>\n"
            + (f"  <selectfont><rejectfont>{rejects}</rejectfont></selectfont>\n" if rejects else "")
            + "</fontconfig>\n")
    tmp = conf.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    if conf.is_dir() and not conf.is_symlink():
        discard(conf)                          # a directory in the file's place (generator/cache.py's rules)
    os.replace(tmp, conf)
    return str(conf)


def _clear() -> None:
    match.cache_clear()
    having.cache_clear()


def parse(spec: str) -> tuple[str, bool]:
    """"Noto Serif CJK SC:bold" → ("Noto Serif CJK SC", True): a family, then fontconfig-style properties."""
    family, _, props = str(spec).partition(":")
    props = props.lower().replace(" ", "")
    bold = any(p in ("bold", "weight=bold", "style=bold", "weight=200", "weight=700") for p in props.split(":"))
    return family.strip(), bold


@lru_cache(maxsize=64)
def match(spec: str) -> Face | None:
    """The face fontconfig gives for `spec`, or None when the family itself is not installed (fontconfig would
    silently substitute another)."""
    family, bold = parse(spec)
    out = run_fc(["match", "--format", "%{file}\t%{index}\t%{family}\t%{style[0]}",
               f"{family}:weight={'bold' if bold else 'regular'}"])
    parts = out.split("\t")
    if len(parts) != 4:
        return None
    path, index, families, style = parts
    if family.lower() not in {name.strip().lower() for name in families.split(",")}:
        return None
    return Face(family, bold, path, int(index or 0), style)


@lru_cache(maxsize=256)
def having(char: str) -> tuple[str, ...]:
    """Families of installed fonts that draw `char` (for a message: which font would print it)."""
    out = run_fc(["list", "--format", "%{family[0]}\n", f":charset={ord(char):x}"])
    return tuple(sorted({line.strip() for line in out.splitlines() if line.strip() and PART_MARK not in line}))[:3]
