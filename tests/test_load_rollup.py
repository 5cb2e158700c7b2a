"""Loading every example, amounts in 万元 and 元, and the rollup rules with their 尾数误差 tolerance."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from conftest import EXAMPLES, INPUTS
from generator.compute import compute
from generator.load import InputError, load
from generator.model import UnitYear
from generator.money import rounding_tolerance


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
    assert rounding_tolerance(2) == D("0.01")
    assert rounding_tolerance(3) == D("0.02")
    assert rounding_tolerance(15) == D("0.08")


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
