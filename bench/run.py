"""Benchmark one build: each example several times, median wall time and peak RSS per stage.

Each repetition runs in a fresh process (like a user's `juesuan build`), so imports, font loading and
caches count as they do in real use; "import" is generator.pipeline alone, the stages import the rest when
they first run. For many units in parallel see bench/batch.py.

    .venv/bin/python bench/run.py [--runs 5] [--to pdf,docx] [--peer] [example ...]

--peer also times LibreOffice converting our DOCX to PDF (soffice --headless), the figure a user would
otherwise pay to get a PDF from a Word document.

Before and after the builds a fixed probe times the host itself (a pure-Python arithmetic loop and a
pointer chase through a 400,000-node object graph, in a fresh process): on a virtual machine whose host
slows it down for minutes at a time, it tells a slow host from a slower build.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = r"""
import json, resource, sys, time
start = time.perf_counter()
from generator.pipeline import Timings, run
imports = time.perf_counter() - start
peaks = {}
class Probe(Timings):
    def stage(self, name):
        parent = super().stage(name)
        class Ctx:
            def __enter__(s): return parent.__enter__()
            def __exit__(s, *exc):
                out = parent.__exit__(*exc)
                peaks[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                return out
        return Ctx()
t = Probe()
run(sys.argv[1], tuple(sys.argv[2].split(",")), timings=t)
total = time.perf_counter() - start
print(json.dumps({"import": imports, **t.stages, "total": total, "peaks": peaks}))
"""


def once(example: Path, formats: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(example), formats], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


PROBE = r"""
import random, time
start = time.perf_counter()
total = 0
for i in range(3_000_000):
    total += i * i
arithmetic = time.perf_counter() - start
random.seed(1)
nodes = [{"value": i, "next": None} for i in range(400_000)]
order = list(range(len(nodes)))
random.shuffle(order)
for a, b in zip(order, order[1:]):
    nodes[a]["next"] = nodes[b]
start = time.perf_counter()
for _ in range(3):
    node = nodes[order[0]]
    while node is not None:
        total += node["value"]
        node = node["next"]
print(arithmetic, time.perf_counter() - start)
"""


def host_probe() -> str:
    """The host's speed now: seconds for the probe's arithmetic and its memory-bound pointer chase."""
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    arithmetic, memory = (float(value) for value in done.stdout.split())
    return f"arithmetic {arithmetic:.2f} s, memory {memory:.2f} s"


def libreoffice_seconds(example: Path, runs: int) -> float | None:
    """Median time for `soffice --headless --convert-to pdf` on the DOCX juesuan builds for `example`."""
    import shutil
    import tempfile
    import time

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    sys.path.insert(0, str(ROOT))
    from generator.pipeline import run

    data = run(example, ("docx",)).outputs["docx"]
    times = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "input.docx"
        source.write_bytes(data)
        profile = Path(folder) / "lo-profile"
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", folder, str(source)], capture_output=True, check=True, timeout=600)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def example_dir(name: str) -> Path | None:
    """An example by its name under inputs/ or by its path."""
    for folder in (ROOT / "inputs" / name, Path(name).resolve()):
        if folder.is_dir():
            return folder
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("examples", nargs="*", default=["yanzhou-2024", "zaozhuang-2024", "shanxi-2024"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--to", default="pdf")
    parser.add_argument("--peer", action="store_true", help="also time LibreOffice converting the DOCX to PDF")
    args = parser.parse_args()
    folders = {name: example_dir(name) for name in args.examples}
    missing = [name for name, folder in folders.items() if folder is None]
    if missing:
        parser.error("找不到示例：" + "、".join(missing) + "（写 inputs/ 下的目录名或目录路径）")
    once(folders[args.examples[0]], args.to)  # warm the font cache and the OS page cache
    print(f"host probe before: {host_probe()}")
    print(f"{'example':16} {'stage':8} {'median s':>9} {'peak RSS MB':>12}")
    for name, folder in folders.items():
        name = folder.name
        results = [once(folder, args.to) for _ in range(args.runs)]
        stages = [k for k in results[0] if k not in ("peaks",)]
        for stage in stages:
            median = statistics.median(r[stage] for r in results)
            peak = max((r["peaks"].get(stage, 0) for r in results), default=0)
            peak_text = f"{peak:12.0f}" if peak else " " * 12
            print(f"{name:16} {stage:8} {median:9.3f} {peak_text}")
        overall = max(max(r["peaks"].values()) for r in results)
        print(f"{name:16} {'peak':8} {'':9} {overall:12.0f}")
        if args.peer:
            seconds = libreoffice_seconds(folder, args.runs)
            peer = f"{seconds:9.3f}" if seconds is not None else "  (soffice not installed)"
            print(f"{name:16} {'LO docx→pdf':8} {peer}")
    print(f"host probe after:  {host_probe()}")


if __name__ == "__main__":
    main()
