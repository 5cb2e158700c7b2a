"""Batch bench: throughput of `juesuan build` on many synthetic units (bench/make_units.py, fixed seed).

Prints, for the same units:
- the process pool with -j 1 and -j 2: units per minute, CPU-seconds per unit (each unit's CPU as its worker
  measured it, from the manifest), and the speed-up from 1 to 2 workers;
- the Dask LocalCluster with 2 workers against the pool's -j 2 throughput (cluster start included, as the
  pool's forkserver start is);
- each worker's resident memory after its first unit and after its last, over a run where no worker is
  replaced (--rss-units units on 2 workers), i.e. the memory a worker gains per unit built;
- a warm worker's CPU for inputs/yanzhou-2024 (PDF + DOCX, and the PDF alone) against the CPU that
  LibreOffice (`soffice --headless --convert-to pdf`, children's CPU via getrusage) needs to turn that same
  DOCX into a PDF, measured in this one run.

    .venv/bin/python bench/batch.py [--units 24] [--rss-units 120] [--dask-rounds 2] [--skip-dask] [--skip-rss]
                                    [--skip-peer]

Wall times depend on what else the machine runs: the bench prints the load average before and after.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
JUESUAN = [sys.executable, "-m", "generator"]


def batch(units: Path, outdir: Path, *extra: str) -> tuple[float, list[dict]]:
    """Wall seconds of one `juesuan build` batch (all units rebuilt) and its manifest entries."""
    start = time.perf_counter()
    done = subprocess.run([*JUESUAN, "build", str(units), "-o", str(outdir), "--to", "pdf", "--force", *extra],
                          capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"batch failed ({done.returncode}):\n{done.stderr[-2000:]}")
    entries = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))["units"]
    failed = [e for e in entries if e["status"] in ("failed", "unusable")]
    if failed:
        raise SystemExit(f"{len(failed)} units failed: {failed[0]['messages']}")
    return wall, entries


def building(entries: list[dict], workers: int) -> float:
    """Units per minute while the workers build: the units over their summed build time per worker (a
    pool's forkserver or a cluster's start, and the wait for the last unit, left out)."""
    return len(entries) / (sum(e["wall_s"] for e in entries) / workers) * 60


def throughput(label: str, wall: float, entries: list[dict], workers: int = 1) -> float:
    per_minute = len(entries) / wall * 60
    cpu = statistics.mean(e["cpu_s"] for e in entries)
    print(f"{label:28} {len(entries):4d} units {wall:7.1f} s  {per_minute:6.1f} units/min  "
          f"({building(entries, workers):5.1f} while building)  {cpu:5.2f} CPU-s/unit")
    return per_minute


def rss_growth(entries: list[dict], settled: int = 10) -> None:
    """Per worker: RSS after its first unit, after unit `settled` (its caches filled) and after its last."""
    by_worker: dict[int, list[dict]] = defaultdict(list)
    for e in entries:
        by_worker[e["worker"]["pid"]].append(e["worker"])
    for pid, seen in sorted(by_worker.items()):
        seen.sort(key=lambda w: w["units"])
        first, last = seen[0], seen[-1]
        warm = seen[min(settled, len(seen)) - 1]
        print(f"  worker {pid}: {len(seen)} units; RSS after unit 1 {first['rss_mb']:.0f} MB, after unit "
              f"{warm['units']} {warm['rss_mb']:.0f} MB, after unit {last['units']} {last['rss_mb']:.0f} MB "
              f"(growth since unit {warm['units']}: {last['rss_mb'] - warm['rss_mb']:+.0f} MB); "
              f"peak {max(w['peak_mb'] for w in seen):.0f} MB")


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peer(runs: int = 3) -> None:
    """A warm worker's CPU for yanzhou (PDF + DOCX; PDF alone) vs LibreOffice converting that DOCX."""
    from generator.batch import work

    work.quiet_environment()
    work.warm()
    example = str(ROOT / "inputs" / "yanzhou-2024")
    docx = work.build_unit({"path": example, "formats": ["pdf", "docx"]})["outputs"]["docx"]   # warms its engine
    both, alone = [], []
    for _ in range(runs):                    # a unit as a batch worker builds it (work.build_unit)
        start = cpu_self()
        work.build_unit({"path": example, "formats": ["pdf", "docx"]})
        both.append(cpu_self() - start)
        start = cpu_self()
        work.build_unit({"path": example, "formats": ["pdf"]})
        alone.append(cpu_self() - start)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice not installed: no peer figure")
        return
    times = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "yanzhou.docx"
        source.write_bytes(docx)
        profile = Path(folder) / "lo-profile"
        for attempt in range(runs + 1):          # the first run creates LibreOffice's profile: not counted
            start = cpu_children()
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", folder, str(source)], capture_output=True, check=True, timeout=600)
            if attempt:
                times.append(cpu_children() - start)
    lo = statistics.median(times)
    print(f"yanzhou warm worker: PDF+DOCX {statistics.median(both):.2f} CPU-s, PDF {statistics.median(alone):.2f} "
          f"CPU-s; LibreOffice DOCX→PDF {lo:.2f} CPU-s → ratio {statistics.median(both) / lo:.2f} (PDF+DOCX), "
          f"{statistics.median(alone) / lo:.2f} (PDF)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=24)
    parser.add_argument("--rss-units", type=int, default=120)
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--dask-rounds", type=int, default=2)
    parser.add_argument("--skip-rss", action="store_true")
    parser.add_argument("--skip-peer", action="store_true")
    args = parser.parse_args()
    from bench.make_units import make

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        make(max(args.units, args.rss_units if not args.skip_rss else 0), scratch / "all")
        units = scratch / "units"
        units.mkdir()
        for unit in sorted((scratch / "all").iterdir())[: args.units]:
            unit.rename(units / unit.name)
        batch(units, scratch / "warm", "-j", "2")                 # fonts, caches, OS page cache
        one_wall, one = batch(units, scratch / "j1", "-j", "1")
        two_wall, two = batch(units, scratch / "j2", "-j", "2")
        throughput("pool -j 1", one_wall, one)
        throughput("pool -j 2", two_wall, two, 2)
        print(f"speed-up -j 1 → -j 2: {one_wall / two_wall:.2f}")
        if not args.skip_dask:
            # alternated with the pool, so that both see the same machine (other load comes and goes)
            pool_walls, dask_walls, pool_rates, dask_rates = [two_wall], [], [building(two, 2)], []
            for round_ in range(args.dask_rounds):
                if round_:
                    wall, entries = batch(units, scratch / "j2", "-j", "2")
                    pool_walls.append(wall)
                    pool_rates.append(building(entries, 2))
                    throughput("pool -j 2", wall, entries, 2)
                dask_wall, dask = batch(units, scratch / "dask", "-j", "2", "--executor", "dask")
                dask_walls.append(dask_wall)
                dask_rates.append(building(dask, 2))
                throughput("dask LocalCluster 2 workers", dask_wall, dask, 2)
            print(f"dask / pool -j 2 throughput: {sum(pool_walls) / sum(dask_walls):.2f} with each one's start "
                  f"(each round: {', '.join(f'{p / d:.2f}' for p, d in zip(pool_walls, dask_walls))}); "
                  f"{statistics.mean(dask_rates) / statistics.mean(pool_rates):.2f} while building")
        if not args.skip_rss:
            for unit in sorted((scratch / "all").iterdir()):
                unit.rename(units / unit.name)
            wall, entries = batch(units, scratch / "rss", "-j", "2", "--units-per-worker", str(args.rss_units + 1))
            throughput("pool -j 2, no worker replaced", wall, entries, 2)
            rss_growth(entries)
    if not args.skip_peer:
        peer()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
