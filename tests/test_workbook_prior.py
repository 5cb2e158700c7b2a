"""`prior: {path: 上年公开表.xlsx}`: last year's figures from last year's 公开表 workbook, nothing typed by hand."""
from __future__ import annotations

import importlib.util
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.facts.compute import compute
from generator.input.load import load

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "workbooks"


@pytest.fixture(scope="module")
def maker():
    spec = importlib.util.spec_from_file_location("make_workbooks", FIXTURES / "make_workbooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def last_year(maker, tmp_path_factory) -> Path:
    return maker.make("zaozhuang-2024", "sheets", tmp_path_factory.mktemp("prior"))    # writes no year


def with_prior(tmp_path: Path, path: str) -> Path:
    target = tmp_path / "unit"
    shutil.copytree(ROOT / "inputs" / "zaozhuang-2024", target)
    narrative = (target / "narrative.yaml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(narrative) if line.startswith("prior:"))
    end = next(i for i in range(start + 1, len(narrative)) if narrative[i] and not narrative[i].startswith((" ", "#")))
    narrative[start:end] = [f"prior: {{path: {path}}}"]
    (target / "narrative.yaml").write_text("\n".join(narrative) + "\n", encoding="utf-8")
    return target


def test_prior_year_figures_come_from_last_years_workbook(last_year, tmp_path):
    target = with_prior(tmp_path, "上年.xls")
    shutil.copy(last_year, target / "上年.xls")
    loaded = load(target)
    assert loaded.prior is not None and loaded.prior.unit.unit.year == 2023
    facts = compute(loaded.unit, loaded.prior.unit)
    assert facts.prior.total == Decimal("4299.91")
    assert facts.prior.expenditure.project == Decimal("2209.95")
    assert facts.prior.gpb_classes["201"] == Decimal("3736.62")
    assert facts.prior.three_public.reception == Decimal("32.46")


def test_an_unusable_prior_workbook_is_named(tmp_path):
    target = with_prior(tmp_path, "上年.xlsx")
    (target / "上年.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(target)
    assert "上年输入" in str(caught.value) and "上年.xlsx：无法作为工作簿打开" in str(caught.value)


def test_a_workbook_of_the_wrong_year_is_refused(maker, tmp_path):
    target = with_prior(tmp_path, "上年.xls")
    shutil.copy(maker.make("zaozhuang-2024", "stacked", tmp_path), target / "上年.xls")   # titled 2024年度…
    with pytest.raises(InputError) as caught:
        load(target)
    assert "上年输入的年度为 2024，应为 2023" in str(caught.value)
