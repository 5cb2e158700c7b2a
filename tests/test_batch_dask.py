"""The same batch on dask.distributed (a LocalCluster on 127.0.0.1, no dashboard): same outputs, same
manifest, same exit code, and the unchanged rerun is skipped."""
from __future__ import annotations

import shutil

import pytest

pytest.importorskip("distributed")

from test_batch import EXPECTED_FOLDERS, SHANXI_TITLE, ZAOZHUANG_TITLE, juesuan, make_units, manifest  # noqa: E402


@pytest.fixture(scope="module")
def dask_batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("dask")
    units, more = make_units(root)
    outdir = root / "out"
    done = juesuan("build", str(units), str(more), "-o", str(outdir), "--to", "pdf", "-j", "2",
                   "--executor", "dask")
    return root, outdir, done


def test_dask_batch_writes_the_same_publications_and_manifest(dask_batch):
    root, outdir, done = dask_batch
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    pdfs = sorted(p.relative_to(outdir).as_posix() for p in outdir.rglob("*.pdf"))
    assert len(pdfs) == 7
    assert f"zaozhuang-copy/{ZAOZHUANG_TITLE}.pdf" in pdfs and f"shanxi-2024-2/{SHANXI_TITLE}.pdf" in pdfs
    entries = manifest(outdir)
    assert {key: e["name"] for key, e in entries.items()} == EXPECTED_FOLDERS
    assert entries["units/broken"]["status"] == "unusable"
    assert "YAML 语法错误" in entries["units/broken"]["messages"][0]
    built = [e for key, e in entries.items() if key != "units/broken"]
    assert all(e["status"] in ("ok", "warnings", "draft_with_errors") and e["timings"]["pdf"] > 0 for e in built)
    assert len({e["worker"]["pid"] for e in built}) == 2          # both LocalCluster workers built units
    assert (outdir / pdfs[0]).read_bytes().startswith(b"%PDF-")


def test_dask_rerun_skips_unchanged_units(dask_batch):
    root, outdir, _ = dask_batch
    shutil.rmtree(root / "units" / "broken")      # nothing left to build: the cluster is not even started
    done = juesuan("build", str(root / "units"), str(root / "more"), "-o", str(outdir), "--to", "pdf",
                   "-j", "2", "--executor", "dask")
    assert done.returncode == max(e["exit_code"] for key, e in manifest(outdir).items() if key != "units/broken")
    assert done.stdout == ""
    assert "共 7 个单位" in done.stderr and "未改变而跳过 7 个" in done.stderr
