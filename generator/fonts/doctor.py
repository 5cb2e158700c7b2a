"""What `juesuan doctor` checks: the Python, the libraries WeasyPrint draws with, the fonts of each role and
how much of GB 2312 they cover, fontconfig, LibreOffice (optional) and the cache directory. Each failed
check carries the command that fixes it on Debian/Ubuntu/UOS (apt), Fedora/Kylin (dnf), macOS (brew) and
Windows (WeasyPrint's documented route: MSYS2's Pango)."""
from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass, field


PLATFORMS = ("Debian/Ubuntu/统信UOS", "Fedora/麒麟", "macOS", "Windows")
FIX = {
    "python": ("sudo apt-get install python3 python3-venv", "sudo dnf install python3.11",
               "brew install python@3.12", "winget install Python.Python.3.12"),
    "pango": ("sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b",
              "sudo dnf install pango harfbuzz", "brew install pango",
              "安装 MSYS2 后：pacman -S mingw-w64-x86_64-pango，并设 WEASYPRINT_DLL_DIRECTORIES=C:\\msys64\\mingw64\\bin"),
    "subset": ("sudo apt-get install libharfbuzz-subset0", "sudo dnf install harfbuzz", "brew install harfbuzz",
               "pacman -S mingw-w64-x86_64-harfbuzz（MSYS2）"),
    "fontconfig": ("sudo apt-get install fontconfig", "sudo dnf install fontconfig", "brew install fontconfig",
                   "pacman -S mingw-w64-x86_64-fontconfig（MSYS2），并把 C:\\msys64\\mingw64\\bin 加入 PATH"),
    "fonts": ("sudo apt-get install fonts-noto-cjk fonts-arphic-ukai",
              "sudo dnf install google-noto-serif-cjk-fonts google-noto-sans-cjk-fonts cjkuni-ukai-fonts",
              "brew install --cask font-noto-serif-cjk-sc font-noto-sans-cjk-sc",
              "从 https://github.com/notofonts/noto-cjk/releases 下载 Noto Serif/Sans CJK SC 装入，"
              "或 juesuan build --fonts 字体目录"),
    "libreoffice": ("sudo apt-get install libreoffice-writer", "sudo dnf install libreoffice-writer",
                    "brew install --cask libreoffice", "winget install TheDocumentFoundation.LibreOffice"),
    "cache": ("设置 JUESUAN_CACHE=可写目录",) * 4,
}


@dataclass
class Row:
    item: str
    ok: bool
    detail: str
    fix: str | None = None                 # key of FIX for a failed check
    optional: bool = False
    notes: list[str] = field(default_factory=list)


def _python() -> Row:
    ok = sys.version_info >= (3, 11)
    return Row("Python", ok, f"{platform.python_version()}（需要 ≥ 3.11）", None if ok else "python")


def _weasyprint() -> list[Row]:
    try:
        import weasyprint
    except (ImportError, OSError) as error:          # OSError: Pango's library could not be loaded
        return [Row("WeasyPrint / Pango", False, f"无法加载：{str(error).splitlines()[0][:120]}", "pango")]
    info = subprocess.run([sys.executable, "-m", "weasyprint", "--info"], capture_output=True, text=True,
                          check=False).stdout
    pango = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Pango")), "?")
    rows = [Row("WeasyPrint / Pango", True, f"WeasyPrint {weasyprint.__version__}，Pango {pango}")]
    # WeasyPrint's own handles on the C libraries (its text.ffi module): HarfBuzz and its subsetter,
    # without which WeasyPrint subsets fonts with fontTools, seconds per document
    import uharfbuzz
    from weasyprint.text import ffi

    subset = ffi.harfbuzz_subset is not None
    rows.append(Row("HarfBuzz / 子集化库", subset,
                    f"libharfbuzz-subset {'已找到' if subset else '未找到（字体子集化会很慢）'}；"
                    f"uharfbuzz {uharfbuzz.__version__}（HarfBuzz {uharfbuzz.version_string()}，量列宽用）",
                    None if subset else "subset"))
    return rows


def _fontconfig() -> Row:
    from .find import fc_available

    ok = fc_available()
    return Row("fontconfig（fc-match）", ok, shutil.which("fc-match") or "未找到 fc-match", None if ok else "fontconfig")


def _fonts(settings: dict) -> list[Row]:
    from . import FontError, face_for, font_dir, roles_of, unicodes
    from .parts import gb2312

    rows = []
    if font_dir():
        rows.append(Row("字体目录（--fonts / JUESUAN_FONTS）", font_dir().is_dir(), str(font_dir())))
    common = gb2312()
    for role, spec in roles_of(settings).items():
        try:
            face = face_for(spec)
        except FontError:
            rows.append(Row(f"字体：{role}", False, f"{spec}：未安装", "fonts"))
            continue
        covered = unicodes(face)
        share = len(common & covered) / len(common)
        missing = sorted(common - covered)
        fake = face.bold and not any(word in face.style.lower() for word in ("bold", "heavy", "black", "粗"))
        detail = (f"{spec} → {face.file}#{face.index}{'（无粗体字面：将以合成粗体印出）' if fake else ''}"
                  f"；GB 2312 覆盖 {share:.1%}"
                  + (f"（缺 {len(missing)} 字，如 {''.join(chr(p) for p in missing[:8])}）" if missing else ""))
        rows.append(Row(f"字体：{role}", share >= 0.999, detail, None if share >= 0.999 else "fonts"))
    return rows


def _libreoffice() -> Row:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        return Row("LibreOffice（可选：DOCX 检查）", False, "未安装", "libreoffice", optional=True)
    return Row("LibreOffice（可选：DOCX 检查）", True, found, optional=True)


def _cache() -> Row:
    from ..cache import cache_root

    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".doctor.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return Row("缓存目录", True, str(root))
    except OSError as error:
        return Row("缓存目录", False, f"{root} 不可写：{error.strerror}", "cache", optional=True)


# Names Word documents use for the 公文 faces, and the names the same faces have in Windows' own files.
WINDOWS_NAMES = {"仿宋_GB2312": ["FangSong", "仿宋"], "仿宋": ["FangSong"], "楷体_GB2312": ["KaiTi", "楷体"],
                 "楷体": ["KaiTi"], "黑体": ["SimHei"], "宋体": ["SimSun"], "方正小标宋简体": ["方正小标宋_GBK"]}


def fontconfig_aliases(settings: dict) -> str:
    """A fontconfig file that resolves the DOCX's East Asian font names on Linux: the name itself, then its
    Windows name (FangSong…), then the profile's PDF family for that role. LibreOffice finds fonts through
    fontconfig, so with this file in ~/.config/fontconfig/conf.d/ a DOCX in 仿宋_GB2312 shows in Noto Serif
    CJK SC instead of a generic sans-serif face."""
    from xml.sax.saxutils import escape

    from . import parse, roles_of

    families = roles_of(settings)
    word = {**{"title": "方正小标宋简体", "heading1": "黑体", "heading2": "楷体_GB2312", "body": "仿宋_GB2312"},
            **(settings.get("docx_fonts") or {})}
    rules = []
    for role, name in word.items():
        if role == "latin" or role not in families:
            continue
        chain = [*WINDOWS_NAMES.get(name, []), parse(families[role])[0]]
        prefer = "".join(f"<family>{escape(family)}</family>" for family in chain)
        rules.append(f'  <alias binding="same"><family>{escape(name)}</family><prefer>{prefer}</prefer></alias>')
    return ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
            "<!-- juesuan doctor 生成：DOCX 中文字体名 → Windows 名 → 版式的 PDF 字体 -->\n<fontconfig>\n"
            + "\n".join(rules) + "\n</fontconfig>\n")


def diagnose(settings: dict) -> list[Row]:
    rows = [_python(), *_weasyprint(), _fontconfig()]
    if rows[-1].ok:
        rows += _fonts(settings)
    return [*rows, _libreoffice(), _cache()]
