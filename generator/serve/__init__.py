"""`juesuan serve`: a live preview in the browser.

app.py      starlette application: pages, server-sent events, downloads, served profile files, upload
builder.py  builds of one unit in a worker thread; the last good snapshot the pages show
preview.py  the composed HTML as the preview frame shows it (profile CSS, paper geometry, finding marks)
units.py    a directory of units, the batch manifest's status, a 公开表 workbook uploaded as a unit
watch.py    watchfiles over the served input and profile directories, debounced
assets/     the page's script and styles (shipped in the wheel: the preview works offline)
"""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
