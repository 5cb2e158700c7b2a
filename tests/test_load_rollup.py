"""Loading every example, amounts in 万元 and 元, and the rollup rules with their 尾数误差 tolerance."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from conftest import EXAMPLES, INPUTS
from generator.facts.compute import compute
from generator.input.load import InputError, load
from generator.input.model import UnitYear
from generator.input.money import rounding_tolerance


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_loads_and_computes(name):
    loaded = load(INPUTS / name)
    facts = compute(loaded.unit)
    assert facts.t01[31] == facts.t01[62]
    assert not [d for d in facts.discrepancies if d.kind == "error"]


def unit(**tables) -> UnitYear:
    return UnitYear.model_validate({"unit": {"name": "测试", "scope": "单位", "year": 2024}, "tables": tables})


def test_rollup_computes_kuan_lei_and_total_from_xiang():
    facts = compute(unit(gpb={"rows": [{"code": "2010301", "basic": "10.10"}, {"code": "2010302", "project": 5},
                                       {"code": "2080505", "basic": "1.25"}]}))
    assert facts.gpb.line("20103").values == {"total": D("15.10"), "basic": D("10.10"), "project": D("5")}
    assert facts.gpb.line("201").get("total") == D("15.10")
    assert facts.gpb.total.get("total") == D("16.35")
    assert [l.code for l in facts.gpb.lines] == ["201", "20103", "2010301", "2010302", "208", "20805", "2080505"]


def test_typed_subtotal_within_tolerance_is_kept_and_reported_as_tail():
    facts = compute(unit(gpb={"rows": [{"code": "2080505", "basic": "20.34"}, {"code": "2080506", "basic": "0.96"},
                                       {"code": "20805", "basic": "21.29", "total": "21.29"}]}))
    assert facts.gpb.line("20805").get("basic") == D("21.29")
    tails = [d for d in facts.discrepancies if d.kind == "tail"]
    assert tails and tails[0].computed == D("21.30") and tails[0].typed == D("21.29")


def test_typed_subtotal_beyond_tolerance_is_an_error_and_computed_value_printed():
    facts = compute(unit(gpb={"rows": [{"code": "2080505", "basic": "20.34"}, {"code": "2080506", "basic": "0.96"},
                                       {"code": "20805", "basic": "21.50"}]}))
    assert facts.gpb.line("20805").get("basic") == D("21.30")
    errors = [d for d in facts.discrepancies if d.kind == "error"]
    assert errors and errors[0].path == "tables.gpb.rows.2.basic"


def test_amounts_in_yuan_are_summed_exactly_then_rounded_half_up():
    facts = compute(unit(gpb={"rows": [{"code": "2010301", "basic": "12345.50元"},
                                       {"code": "2010302", "basic": "12345.50元"}]}))
    # each 项 is 1.234550万元 → 1.23; their exact sum 2.4691 → 2.47 (not 1.23 + 1.23 = 2.46)
    assert facts.gpb.line("2010301").get("basic") == D("1.23")
    assert facts.gpb.line("20103").get("basic") == D("2.47")


def test_wan_amount_with_three_decimals_is_rejected(tmp_path):
    (tmp_path / "a.yaml").write_text("unit: {name: 测试, scope: 单位, year: 2024}\n"
                                     "tables:\n  gpb:\n    rows:\n      - {code: '2010301', basic: 1.234}\n",
                                     encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(tmp_path)
    problem = caught.value.problems[0]
    assert problem.line == 5 and problem.field == "tables.gpb.rows.0.basic"
    assert "最多两位小数" in problem.message


def test_tolerance_grows_with_the_number_of_parts():
    # |Σ n rounded parts − rounded total| < (n + 1) × 0.005: one part leaves no tail, ⌊n/2⌋ cents otherwise
    assert rounding_tolerance(1) == D("0")
    assert rounding_tolerance(2) == D("0.01")
    assert rounding_tolerance(3) == D("0.01")
    assert rounding_tolerance(15) == D("0.07")


def test_gbk_file_is_detected(tmp_path):
    (tmp_path / "unit.yaml").write_bytes("unit:\n  name: 测试单位\n".encode("gbk"))
    with pytest.raises(InputError) as caught:
        load(tmp_path)
    assert "GBK" in caught.value.problems[0].message


def test_single_file_input(tmp_path):
    merged = "".join((INPUTS / "zaozhuang-2024" / f).read_text(encoding="utf-8")
                     for f in ("unit.yaml", "tables.yaml"))
    (tmp_path / "all.yaml").write_text(merged, encoding="utf-8")
    loaded = load(tmp_path / "all.yaml")
    assert compute(loaded.unit).t01[31] == D("4299.91")


def _input_with_prior_path(tmp_path, last_year: int):
    """A copy of zaozhuang-2024 whose prior block only names a copy of itself (with `last_year`)."""
    import shutil

    last = tmp_path / "last"
    shutil.copytree(INPUTS / "zaozhuang-2024", last)
    unit_yaml = (last / "unit.yaml").read_text(encoding="utf-8")
    (last / "unit.yaml").write_text(unit_yaml.replace("year: 2024", f"year: {last_year}"), encoding="utf-8")
    tables = (last / "tables.yaml").read_text(encoding="utf-8")
    assert tables.count("154.88") == 3       # 2210201 in 公开02、03、05表
    (last / "tables.yaml").write_text(tables.replace("154.88", "150.00"), encoding="utf-8")
    this = tmp_path / "this"
    shutil.copytree(INPUTS / "zaozhuang-2024", this)
    narrative = (this / "narrative.yaml").read_text(encoding="utf-8")
    start, end = narrative.index("prior:"), narrative.index("\nbudget:")
    (this / "narrative.yaml").write_text(narrative[:start] + "prior:\n  path: ../last\n  gpb_expenditure: 4895.56\n"
                                         + narrative[end:], encoding="utf-8")
    return this


def test_prior_path_reads_last_years_input(tmp_path):
    from generator.pipeline import run

    this = _input_with_prior_path(tmp_path, 2023)
    loaded = load(this)
    assert loaded.prior is not None and loaded.prior.unit.unit.year == 2023
    facts = compute(loaded.unit, loaded.prior.unit)
    assert facts.prior.gpb_expenditure == D("4895.56")          # a typed prior field wins
    # last year: 住房公积金 150.00 instead of 154.88 → totals 4,295.03
    assert facts.prior.total == D("4295.03")
    assert facts.prior.expenditure.basic == D("2085.08")   # Σ类 2,089.96 (seed tail) − 4.88
    html = run(this, ("html",)).html
    assert "收、支总计各增加4.88万元，增长0.11%" in html
    assert "基本支出2,089.95万元。与2023年度相比，增加4.87万元，增长0.23%" in html


def test_prior_path_with_the_wrong_year_is_reported(tmp_path):
    this = _input_with_prior_path(tmp_path, 2022)
    with pytest.raises(InputError) as caught:
        load(this)
    assert any("年度为 2022，应为 2023" in p.message and p.field == "prior.path" for p in caught.value.problems)
