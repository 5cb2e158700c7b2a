"""One test per sentence rule of the library (narrative.md §3), with the seeds' figures and edge cases."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from generator.input.money import cents, pct
from generator.facts.narrative import change, completion, grade, shares
from generator.profile.numfmt import amount, chinese_number, percent, table_cell

SD = {"text_trim_zeros": True, "text_thousands": True, "percent_trim_zeros": True,
      "table_thousands": True, "table_zero": "blank"}
SX = {**SD, "text_trim_zeros": False, "percent_trim_zeros": False}


def test_change_down_uses_prior_as_denominator():
    c = change(D("336.88"), D("397.20"))
    assert (c.kind, c.amount, c.percent) == ("down", D("60.32"), D("15.19"))   # 000 一


def test_change_up():
    c = change(D("21.18"), D("14.38"))
    assert (c.kind, c.amount, c.percent) == ("up", D("6.80"), D("47.29"))      # 002 社会保障和就业


def test_change_equal_values_and_both_zero_print_no_percentage():
    assert change(D("5"), D("5")).kind == "same" and change(D("5"), D("5")).percent is None
    assert change(D("0"), D("0")).kind == "zero" and change(D("0"), D("0")).percent is None


def test_change_from_zero_prior_has_no_percentage():
    c = change(D("12.5"), D("0"))
    assert (c.kind, c.amount, c.percent) == ("new", D("12.5"), None)


def test_change_without_prior_is_unknown():
    assert change(D("1"), None).kind == "unknown"


def test_change_to_zero_is_a_full_decrease():
    c = change(D("0"), D("8"))
    assert (c.kind, c.amount, c.percent) == ("down", D("8"), D("100.00"))


def test_rounding_half_up_at_the_half_cent():
    assert cents(D("0.125")) == D("0.13") and cents(D("2.675")) == D("2.68")
    assert pct(D("1"), D("8")) == D("12.50")
    assert pct(D("1.625"), D("100")) == D("1.63")   # 002's 1.625 → 1.63 (half up, not half even)


def test_shares_sum_to_100_with_the_complement_rule():
    assert shares([D("324.81"), D("0.02")], D("324.82")) == [D("99.99"), D("0.01")]   # 002 二
    assert shares([D("200.55"), D("136.32")], D("336.88")) == [D("59.53"), D("40.47")]
    assert sum(shares([D("289.65"), D("21.29"), D("9.53"), D("16.40")], D("336.88"))) == 100


def test_nonzero_part_never_prints_as_zero_share():
    values = shares([D("10000"), D("0.01")], D("10000.01"))
    assert values[1] == D("0.01") and sum(values) == 100


def test_share_of_a_zero_whole_is_none():
    assert shares([D("0"), D("0")], D("0")) == [None, None]


@pytest.mark.parametrize("actual,budget,kind,rate", [
    ("26.37", "26.37", "equal", "100.00"), ("483.79", "481.19", "about", "100.54"),
    ("49.54", "49.68", "about", "99.72"), ("336.44", "333.08", "over", "101.01"),
    ("1849.30", "1962", "under", "94.26"), ("23.81", "0", "none", None), ("154.88", "138.78", "over", "111.60")])
def test_completion_against_the_budget(actual, budget, kind, rate):
    c = completion(D(actual), D(budget))
    assert c.kind == kind and c.rate == (D(rate) if rate else None)


def test_about_band_is_configurable():
    assert completion(D("483.79"), D("481.19"), D("0.5")).kind == "over"


def test_amounts_and_percentages_print_by_profile():
    assert amount(D("16.40"), SD) == "16.4" and amount(D("4275.70"), SD) == "4,275.7"
    assert amount(D("1962"), SD) == "1,962" and amount(D("0"), SD) == "0"
    assert amount(D("22.80"), SX) == "22.80" and percent(D("100"), SX) == "100.00"
    assert percent(D("48.60"), SD) == "48.6" and percent(D("100.00"), SD) == "100"
    assert table_cell(D("0"), SD) == "" and table_cell(D("0"), {**SD, "table_zero": "0.00"}) == "0.00"
    assert table_cell(D("4299.91"), {**SD, "table_thousands": False}) == "4299.91"


def test_chinese_ordinals():
    assert [chinese_number(i) for i in (1, 9, 10, 11, 20, 26, 99)] == ["一", "九", "十", "十一", "二十", "二十六", "九十九"]


def test_grade_bands_inclusive_at_the_lower_bound():
    assert [grade(D(s)) for s in ("90.00", "89.99", "80", "60", "59.62")] == ["优", "良", "良", "中", "差"]
