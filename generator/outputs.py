"""Writing a build's outputs: file names from the cover title, each file written atomically."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .pipeline import FORMATS, Result


def output_stem(result: Result) -> str:
    from .compose.document import document_title

    stem = document_title(result.profile, result.facts)
    return "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in stem)[:150]


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temp file beside the target, then rename: a failed build never leaves a partial file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)   # mkstemp creates 0600; outputs are ordinary files
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_outputs(result: Result, outdir: Path) -> list[Path]:
    written = []
    stem = output_stem(result)
    for fmt in FORMATS:
        if fmt in result.outputs:
            target = outdir / f"{stem}.{fmt}"
            write_atomically(target, result.outputs[fmt])
            written.append(target)
    return written
