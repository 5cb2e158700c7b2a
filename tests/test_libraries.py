"""WeasyPrint's native libraries are opened by the dynamic loader alone (render/libraries.py)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys
spawned = []
sys.addaudithook(lambda event, args: spawned.append(args) if event in ("subprocess.Popen", "os.posix_spawn") else None)
import generator.render.pdf
from weasyprint.text.ffi import pango, harfbuzz, fontconfig
print(len(spawned), pango.pango_version() > 0)
"""


def test_importing_the_pdf_writer_runs_no_library_search():
    # without loader_only(), cffi's fallback to ctypes.util.find_library runs ldconfig/gcc/ld ~50 times
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "True"]


def test_the_library_search_is_restored_afterwards():
    import ctypes.util

    from generator.render.libraries import loader_only

    before = ctypes.util.find_library
    with loader_only():
        pass
    assert ctypes.util.find_library is before
