"""WeasyPrint's import without cffi's library search.

WeasyPrint opens each native library (GObject, Pango, HarfBuzz, Fontconfig…) by trying its Windows, macOS and
Linux file names in turn. For every name that fails, cffi asks `ctypes.util.find_library`, which on Linux runs
ldconfig, gcc and ld: about fifty child processes and 0.4 s, half of WeasyPrint's import and a tenth of a
build (Kozea/WeasyPrint#1125). On Linux the names it tries include the sonames (libpango-1.0.so.0 …), which
the dynamic loader finds directly, so the search cannot find anything the loader would not.
"""
from __future__ import annotations

import ctypes.util
import sys
from contextlib import contextmanager


@contextmanager
def loader_only():
    """Within this block, a library name the dynamic loader cannot open fails at once (Linux only; no effect
    once WeasyPrint's libraries are loaded)."""
    if not sys.platform.startswith("linux") or "weasyprint.text.ffi" in sys.modules:
        yield
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search
