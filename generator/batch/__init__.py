"""Batch builds: many units, in parallel, on every core (a process pool) or on a Dask cluster.

    units.py     which units the PATHs name; each unit's output folder OUTDIR/<name>/
    manifest.py  OUTDIR/manifest.json + .csv, content hashes, what can be skipped
    work.py      one unit's build inside a worker (outputs come back as bytes)
    pool.py      the local worker pool (forkserver, crash and time-limit isolation, recycling)
    cluster.py   the same on dask.distributed
    progress.py  the bar or the periodic lines
    runner.py    the batch: skip, dispatch, write, record, summarise, exit code
"""
from .runner import Options, run_batch

__all__ = ["Options", "run_batch"]
