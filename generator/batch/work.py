"""One unit's build inside a batch worker (a pool process or a Dask worker): the same pipeline as
`juesuan build`, its outcome as plain data. The worker reads the input from its path and returns the
outputs as bytes; the batch's own process writes them (atomically), so a worker that is killed never
leaves a file behind.
"""
from __future__ import annotations

import gc
import os
import resource
import time
from pathlib import Path

from ..pipeline import BuildError, Timings

FIRST_MESSAGES = 5
_built_here = 0     # units this process has built (the manifest shows it beside the worker's memory)
_frozen = False


# imported once per worker; with the forkserver start method once per batch, before any worker is forked
PRELOAD = ("weasyprint", "docx", "matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg",
           "generator.pipeline", "generator.charts", "generator.checks", "generator.compose.document",
           "generator.render.docx", "generator.render.pdf", "generator.batch.work")


def quiet_environment() -> None:
    """Settings every worker inherits: one BLAS thread (numpy, under matplotlib, would start one per core
    at import, and a forkserver must not hold threads), matplotlib's cache where the charts keep theirs."""
    from ..cache import foreign_dir

    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    if "MPLCONFIGDIR" not in os.environ:      # cleared of irregular entries; a temp dir when the cache is unusable
        os.environ["MPLCONFIGDIR"] = foreign_dir("matplotlib")


def warm() -> None:
    """Import what every build needs once per worker; a process-wide cache then keeps each profile's
    stylesheets and fonts (render/pdf/engine.engine_for), so only a worker's first unit prepares them."""
    import importlib

    global _frozen
    for name in PRELOAD:
        importlib.import_module(name)
    if not _frozen:
        gc.freeze()             # the imported modules: never rescanned by the cyclic collector
        _frozen = True


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    """Resident memory now (Linux /proc; elsewhere the peak, which is what getrusage knows)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return _peak_mb()


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if os.uname().sysname == "Darwin" else peak / 1024


def _dependencies(result) -> list[str]:
    """Files and folders besides the unit's own that this build read: the profile's layers (built-in ones
    by name, since the package may live elsewhere on another machine), last year's input, attachments."""
    from ..profile import builtin_root

    builtin = builtin_root().resolve()
    found = []
    for layer in result.profile.layers:
        path = Path(layer.path).resolve()
        found.append(f"builtin:{path.relative_to(builtin).as_posix()}" if builtin in path.parents or
                     path == builtin else str(path))
    base = result.loaded.base_dir.resolve()
    read = [Path(p).resolve() for p in result.loaded.pdfs.values()]
    read += [(base / rel).resolve() for rel in result.loaded.documents]
    if result.loaded.prior is not None:
        read.append(result.loaded.prior.source.root.resolve())
    unit = Path(result.loaded.source.root).resolve()
    # files inside the unit's own folder are hashed as its input already (and copies must hash alike)
    found += [str(p) for p in read if not (unit.is_dir() and (p == unit or unit in p.parents))]
    return list(dict.fromkeys(found))


def build_unit(task: dict) -> dict:
    """Build task["path"]; never raises for anything a unit can do wrong (the outcome says it)."""
    from ..fonts import FontError
    from ..errors import InputError
    from ..outputs import output_stem
    from ..pipeline import run
    from ..profile import ProfileError

    global _built_here
    started, cpu = time.perf_counter(), _cpu()
    timings = Timings()
    outcome: dict = {"outputs": {}, "errors": 0, "warnings": 0, "messages": [], "deps": []}
    for name, value in task.get("environment", {}).items():     # --fonts, --pdfa of the batch
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    # The worker's choice, not the library's: no cyclic collection during a build (its rescans of WeasyPrint's
    # live boxes and styles cost ~5 % CPU), then one of the build's young objects, so no garbage accumulates.
    gc.disable()
    try:
        if os.environ.get("JUESUAN_TEST_BATCH_HOOKS") == "1":
            _test_hook(Path(task["path"]))
        result = run(task["path"], tuple(task["formats"]), profile=task.get("profile"),
                     final=bool(task.get("final")), timings=timings)
    except (InputError, ProfileError, FontError) as exc:
        outcome.update(status="unusable", exit_code=2, messages=str(exc).splitlines()[:FIRST_MESSAGES])
        outcome["errors"] = len(getattr(exc, "problems", None) or [exc])
    except BuildError as exc:
        lines = str(exc).splitlines()
        outcome.update(status="failed", exit_code=1, messages=lines[:FIRST_MESSAGES], errors=len(lines) - 1)
    except OSError as exc:
        outcome.update(status="failed", exit_code=2,
                       messages=[f"读写文件失败：{exc.filename or ''}（{exc.strerror or exc}）"])
    except Exception as exc:  # noqa: BLE001 — one unit's bug must not stop the batch; the manifest keeps it
        outcome.update(status="failed", exit_code=3, messages=[f"内部错误（{type(exc).__name__}：{exc}）"])
    else:
        errors = [f for f in result.findings if f.severity == "错误"]
        warnings = [f for f in result.findings if f.severity != "错误"]
        status = "draft_with_errors" if errors else "warnings" if warnings else "ok"
        outcome.update(status=status, exit_code=1 if errors else 0, errors=len(errors), warnings=len(warnings),
                       messages=[str(f) for f in (errors + warnings)[:FIRST_MESSAGES]],
                       outputs=result.outputs, stem=output_stem(result), deps=_dependencies(result))
    finally:
        gc.enable()
    result = None
    gc.collect(0)
    _built_here += 1
    outcome.update(timings={k: round(v, 3) for k, v in timings.stages.items()},
                   wall_s=round(time.perf_counter() - started, 3), cpu_s=round(_cpu() - cpu, 3),
                   worker={"pid": os.getpid(), "host": os.uname().nodename, "units": _built_here,
                           "rss_mb": round(_rss_mb(), 1), "peak_mb": round(_peak_mb(), 1)})
    return outcome


def _test_hook(path: Path) -> None:
    """Tests only (JUESUAN_TEST_BATCH_HOOKS=1 and a marker file in the unit): a worker that dies or hangs."""
    if (path / ".test-crash-worker").exists():
        os._exit(70)
    if (path / ".test-hang-worker").exists():
        time.sleep(3600)
