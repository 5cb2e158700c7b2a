"""The PDF carries every table with the published figures, in document order."""
from __future__ import annotations

import pytest

from conftest import normalize

TABLES_SD24 = [("公开01表", "收入支出决算总表"), ("公开02表", "收入决算表"), ("公开03表", "支出决算表"),
               ("公开04表", "财政拨款收入支出决算总表"), ("公开05表", "一般公共预算财政拨款支出决算表"),
               ("公开06表", "一般公共预算财政拨款基本支出决算明细表"),
               ("公开07表", "政府性基金预算财政拨款收入支出决算表"), ("公开08表", "国有资本经营预算财政拨款支出决算表"),
               ("公开09表", "财政拨款“三公”经费支出决算表")]


def test_yanzhou_cover_toc_and_all_tables_in_order(built):
    b = built("yanzhou-2024")
    assert "2024年度济宁市兖州区社会治理服务中心部门决算" in b.flat
    assert "目录" in b.flat
    positions = []
    for label, title in TABLES_SD24:
        page = next(i for i, p in enumerate(b.pages) if label in normalize(p))
        assert title in normalize(b.pages[page]), f"{title} not on the page of {label}"
        positions.append(page)
    assert positions == sorted(positions)


@pytest.mark.parametrize("figure", ["336.88", "200.55", "136.32", "195.59", "4.96", "289.65", "21.29",
                                    "9.53", "16.40", "153.33", "20.34", "0.96", "100.22", "19.67", "25.70",
                                    "18.89", "2.29", "0.05", "0.56", "1.30", "0.76"])
def test_yanzhou_published_figures(built, figure):
    assert figure in built("yanzhou-2024").text


def test_yanzhou_table_rows_and_tails(built):
    b = built("yanzhou-2024")
    page = next(p for p in b.pages if "公开05表" in normalize(p))
    flat = normalize(page)
    # 合计 keeps the published 336.88 although 200.55 + 136.32 = 336.87 (尾数误差)
    assert "合计336.88200.55136.32" in flat
    # 款 20805 keeps the published 21.29 although its 项 add to 21.30
    assert "20805行政事业单位养老支出21.2921.29" in flat
    assert "2080505机关事业单位基本养老保险缴费支出20.3420.34" in flat


def test_yanzhou_empty_tables_carry_their_notes(built):
    flat = built("yanzhou-2024").flat
    assert "本单位没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。" in flat
    assert "本单位没有使用国有资本经营预算安排的支出，故本表无数据。" in flat
    assert "本单位无财政拨款安排的“三公”经费支出，故本表无数据。" in flat


def test_zaozhuang_figures_with_thousands_separators(built):
    b = built("zaozhuang-2024")
    for figure in ["4,299.91", "4,275.70", "3,736.62", "2,089.95", "2,209.95", "1,924.68", "165.27",
                   "1,852.78", "72.55", "17.72", "22.37", "32.46", "24.21", "1,043.28", "1,849.30"]:
        assert figure in b.text, figure
    page = next(p for p in b.pages if "公开09表" in normalize(p))
    assert "72.5517.7222.3722.3732.4672.5517.7222.3722.3732.46" in normalize(page)
    page = next(p for p in b.pages if "公开07表" in normalize(p))
    assert "2120899其他国有土地使用权出让收入安排的支出24.2124.2124.21" in normalize(page)


def test_summary_table_lines(built):
    flat = built("zaozhuang-2024").flat
    for line in ["一、一般公共预算财政拨款收入14,275.70一、一般公共服务支出323,736.62",
                 "本年收入合计274,299.91本年支出合计584,299.91", "总计314,299.91总计624,299.91"]:
        assert normalize(line) in flat


def test_summary_table_fits_one_page(built):
    for name in ("yanzhou-2024", "zaozhuang-2024"):
        b = built(name)
        pages = [i for i, p in enumerate(b.pages) if "二十六、抗疫特别国债安排的支出57" in normalize(p)]
        first = next(i for i, p in enumerate(b.pages) if "公开01表" in normalize(p))
        assert pages == [first], name


def test_landscape_pages_for_wide_tables(built):
    b = built("zaozhuang-2024")
    for label, landscape in [("公开01表", False), ("公开02表", True), ("公开06表", True), ("公开09表", True)]:
        index = next(i for i, p in enumerate(b.pages) if label in normalize(p))
        width, height = b.pdf[index].get_size()
        assert (width > height) == landscape, label


def test_header_rows_repeat_on_continuation_pages(built):
    b = built("zaozhuang-2024")
    first = next(i for i, p in enumerate(b.pages) if "公开04表" in normalize(p))
    continuation = normalize(b.pages[first + 1])
    assert "公开04表" not in continuation
    assert continuation.startswith("收入支出项目行次金额项目行次合计")


def test_shanxi_tables(built):
    b = built("shanxi-2024")
    for figure in ["324.86", "324.82", "324.81", "319.74", "313.52", "6.22", "298.56", "21.18", "291.44",
                   "22.08", "5.12", "5.07", "0.02", "0.04"]:
        assert figure in b.text, figure
