"""`juesuan import`: the examples' 公开表 from four independently written workbook families (fixture script
tests/fixtures/workbooks/make_workbooks.py, not `export`) import to the figures the examples print."""
from __future__ import annotations

import dataclasses
import importlib.util
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.facts.compute import compute
from generator.input.load import load

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "workbooks"
EXAMPLES = ["yanzhou-2024", "zaozhuang-2024", "shanxi-2024"]
FAMILIES = ["sheets", "stacked", "yuan", "vertical"]


def _maker():
    spec = importlib.util.spec_from_file_location("make_workbooks", FIXTURES / "make_workbooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[tuple[str, str], Path]:
    return _maker().make_all(tmp_path_factory.mktemp("workbooks"))


def import_into(target: Path, *books: Path, check: bool = False):
    args = ["import", *map(str, books), "-o", str(target)] + ([] if check else ["--no-check"])
    return CliRunner().invoke(main, args)


def with_imported_tables(example: str, book: Path, tmp_path: Path) -> Path:
    """The example's own unit/narrative/performance files with tables.yaml imported from `book`."""
    target = tmp_path / example
    shutil.copytree(ROOT / "inputs" / example, target)
    (target / "tables.yaml").unlink()
    result = import_into(target, book)
    assert result.exit_code == 0, result.output
    return target


def printed(path: Path) -> dict:
    """Every figure the publication prints in 公开01–09表, as the tool computes it."""
    facts = compute(load(path).unit)
    out = {}
    for name in ("income", "expenditure", "gpb", "gf", "soe"):
        table = getattr(facts, name)
        out[name] = [(line.code, line.name, {k: v for k, v in line.values.items() if v})
                     for line in [table.total] + table.lines]
    out["t01"] = {k: v for k, v in facts.t01.items() if v}
    out["t04"] = ({k: v for k, v in facts.t04_left.items() if v}, {k: v for k, v in facts.t04_right.items() if any(v)})
    out["basic"] = ({k: v for k, v in facts.basic.amounts.items() if v}, facts.basic.personnel_total,
                    facts.basic.public_total)
    out["three_public"] = (dataclasses.astuple(facts.three_public_budget),
                           dataclasses.astuple(facts.three_public_actual))
    return out


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_layout_imports_the_published_tables(example, workbooks, tmp_path):
    want = printed(ROOT / "inputs" / example)
    for family in FAMILIES:
        got = printed(with_imported_tables(example, workbooks[(example, family)], tmp_path / family))
        for table in want:
            assert got[table] == want[table], (family, table)


def test_fixture_families_differ_as_claimed(workbooks):
    xls = workbooks[("zaozhuang-2024", "stacked")]
    assert xls.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")        # a real BIFF8 (OLE2) file
    sheets = openpyxl.load_workbook(workbooks[("zaozhuang-2024", "sheets")])
    assert sheets.sheetnames[:4] == ["封面", "公开01表", "02 收入决算表", "C03"]
    yuan = openpyxl.load_workbook(workbooks[("zaozhuang-2024", "yuan")])
    assert not any("公开" in name for name in yuan.sheetnames)
    income = next(ws for ws in yuan.worksheets if ws["A1"].value == "收入决算表")
    assert [income.cell(6, c).value for c in (1, 2, 3)] == ["类", "款", "项"]
    assert any(str(r).startswith("A4:D4") or str(r).startswith("E4:E6") for r in income.merged_cells.ranges)


def test_yaml_names_each_figures_cell_and_keeps_yuan_exact(workbooks, tmp_path):
    target = tmp_path / "z"
    assert import_into(target, workbooks[("zaozhuang-2024", "sheets")]).exit_code == 0
    text = (target / "tables.yaml").read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if '"2010301"' in l and "income" not in l)
    assert "fiscal: 1043.28" in line and "# 02 收入决算表!A" in line and " D" in line
    # 208 prints 266.68 while its 项 add up to 266.67: kept as a typed subtotal, as a person would type it
    assert any('code: "208"' in l and "266.68" in l for l in text.splitlines())
    target = tmp_path / "y"
    assert import_into(target, workbooks[("zaozhuang-2024", "yuan")]).exit_code == 0
    text = (target / "tables.yaml").read_text(encoding="utf-8")
    assert '"10432800.00元"' in text                        # 行政运行 1,043.28 万元, read exactly in 元
    unit = (target / "unit.yaml").read_text(encoding="utf-8")
    assert "枣庄市人民政府办公室本级" in unit


def test_reimport_updates_only_table_data(workbooks, tmp_path):
    example = "zaozhuang-2024"
    target = tmp_path / example
    shutil.copytree(ROOT / "inputs" / example, target)
    kept = {p.name: p.read_bytes() for p in target.glob("*.yaml") if p.name != "tables.yaml"}
    book = workbooks[(example, "sheets")]
    first = import_into(target, book, check=True)
    assert first.exit_code == 0, first.output
    assert "vehicles_held: 7" in (target / "tables.yaml").read_text(encoding="utf-8")   # counts kept
    again = import_into(target, book, check=True)
    assert again.exit_code == 0 and "表格数据没有变化" in again.output
    changed = tmp_path / "changed.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["02 收入决算表"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "2010301")
    ws.cell(row, 4).value = 1044.28
    ws.cell(row, 3).value = 1044.28
    wb.save(changed)
    result = import_into(target, changed, check=True)
    assert "公开02表 2010301 财政拨款收入：1,043.28 → 1,044.28" in result.output
    assert result.exit_code == 1 and "校验错误" in result.output      # 201 and 合计 no longer add up
    assert {p.name: p.read_bytes() for p in target.glob("*.yaml") if p.name != "tables.yaml"} == kept


def test_numbers_not_placed_are_listed(workbooks, tmp_path):
    wb = openpyxl.load_workbook(workbooks[("yanzhou-2024", "sheets")])
    ws = wb["02 收入决算表"]
    ws.cell(ws.max_row + 1, 3).value = 5.5          # a number under 本年收入合计 in a row with no code
    path = tmp_path / "extra.xlsx"
    wb.save(path)
    result = import_into(tmp_path / "out", path)
    assert result.exit_code == 0
    assert f"02 收入决算表!C{ws.max_row}（5.5）：该行没有科目编码" in result.output


def test_format_is_told_by_content_not_by_suffix(workbooks, tmp_path):
    """Reporting software often names an .xlsx “.xls” (and the reverse); the workbook still opens."""
    renamed = tmp_path / "公开表.xls"
    renamed.write_bytes(workbooks[("shanxi-2024", "sheets")].read_bytes())
    result = import_into(tmp_path / "out", renamed)
    assert result.exit_code == 0, result.output
    assert '"2019999"' in (tmp_path / "out" / "tables.yaml").read_text(encoding="utf-8")


def test_shanxi_table_10_goes_to_procurement_unless_another_file_holds_it(workbooks, tmp_path):
    book = workbooks[("shanxi-2024", "yuan")]
    assert import_into(tmp_path / "fresh", book).exit_code == 0
    text = (tmp_path / "fresh" / "tables.yaml").read_text(encoding="utf-8")
    assert 'procurement:' in text and 'goods: "3000.00元"  # Sheet10!C7' in text
    # the example keeps procurement in narrative.yaml: compared, not written twice
    target = tmp_path / "shanxi"
    shutil.copytree(ROOT / "inputs" / "shanxi-2024", target)
    result = import_into(target, book)
    assert result.exit_code == 0 and "procurement" not in (target / "tables.yaml").read_text(encoding="utf-8")
    assert "公开10表" not in result.output
    wb = openpyxl.load_workbook(book)
    wb["Sheet10"]["C7"] = 4000
    wb.save(tmp_path / "changed.xlsx")
    result = import_into(target, tmp_path / "changed.xlsx")
    assert "Sheet10!C7：公开10表 procurement.goods 为 4000.00元，而 narrative.yaml 中为 0.30" in result.output


def test_three_public_with_a_row_per_item(workbooks, tmp_path):
    """Some units print 公开09表 transposed: 合计, 因公出国（境）费 … down, 预算数 | 决算数 across."""
    book = openpyxl.load_workbook(workbooks[("zaozhuang-2024", "sheets")])
    wide = [book["三公"].cell(8, c).value for c in range(1, 13)]
    book.remove(book["三公"])
    ws = book.create_sheet("三公经费")
    ws["A1"], ws["C2"] = "财政拨款“三公”经费支出决算表", "公开09表"
    ws["A3"], ws["C3"] = "单位：枣庄市人民政府办公室本级", "金额单位：万元"
    ws["A4"], ws["B4"], ws["C4"] = "项目", "预算数", "决算数"
    labels = ["合计", "1．因公出国（境）费", "2．公务用车购置及运行维护费", "（1）公务用车购置费",
              "（2）公务用车运行维护费", "3．公务接待费"]
    for i, label in enumerate(labels):
        ws.cell(5 + i, 1, label), ws.cell(5 + i, 2, wide[i]), ws.cell(5 + i, 3, wide[6 + i])
    path = tmp_path / "transposed.xlsx"
    book.save(path)
    want = printed(with_imported_tables("zaozhuang-2024", workbooks[("zaozhuang-2024", "sheets")], tmp_path / "a"))
    got = printed(with_imported_tables("zaozhuang-2024", path, tmp_path / "b"))
    assert got["three_public"] == want["three_public"]
    assert got["three_public"][1][-1] == Decimal("72.55")


def test_tables_split_over_several_workbooks(workbooks, tmp_path):
    source = workbooks[("yanzhou-2024", "sheets")]
    first, second = openpyxl.load_workbook(source), openpyxl.load_workbook(source)
    for name in first.sheetnames[6:]:
        first.remove(first[name])
    for name in second.sheetnames[:6]:
        second.remove(second[name])
    first.save(tmp_path / "一.xlsx")
    second.save(tmp_path / "二.xlsx")
    target = tmp_path / "yanzhou-2024"
    shutil.copytree(ROOT / "inputs" / "yanzhou-2024", target)
    result = import_into(target, tmp_path / "一.xlsx", tmp_path / "二.xlsx")
    assert result.exit_code == 0 and "印出的表格数据没有变化" in result.output, result.output
    assert '"30101": 100.22  # [二.xlsx]表六!C7' in (target / "tables.yaml").read_text(encoding="utf-8")


def test_hidden_sheets_are_named_not_read(workbooks, tmp_path):
    book = openpyxl.load_workbook(workbooks[("yanzhou-2024", "sheets")])
    book.create_sheet("旧数据")["A1"] = "收入决算表"
    book["旧数据"].sheet_state = "hidden"
    book.save(tmp_path / "hidden.xlsx")
    result = import_into(tmp_path / "out", tmp_path / "hidden.xlsx")
    assert result.exit_code == 0, result.output
    assert "hidden.xlsx：工作表“旧数据”是隐藏的，未读取" in result.output
