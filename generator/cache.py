from pathlib import Path
import os


def cache_root() -> Path:
    """Where extracted fonts and compiled catalogues are kept (JUESUAN_CACHE overrides)."""
    root = os.environ.get("JUESUAN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "juesuan")
    return Path(root)
