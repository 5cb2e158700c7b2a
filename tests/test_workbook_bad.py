"""Bad workbooks: a Chinese message naming the file, sheet and cell, exit 2 for an unusable workbook (and
nothing written), exit 1 for figures the checks reject; never a traceback."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "workbooks"


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("make_workbooks", FIXTURES / "make_workbooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make("yanzhou-2024", "sheets", tmp_path_factory.mktemp("good"))


@pytest.fixture
def target(tmp_path) -> Path:
    """An input directory with a tables.yaml that a failed import must leave byte for byte."""
    path = tmp_path / "unit"
    shutil.copytree(ROOT / "inputs" / "yanzhou-2024", path)
    return path


def run_import(book: Path, target: Path, *extra: str):
    before = (target / "tables.yaml").read_bytes()
    result = CliRunner().invoke(main, ["import", str(book), "-o", str(target), *extra])
    assert "Traceback" not in result.output and not isinstance(result.exception, (KeyError, TypeError, ValueError))
    if result.exit_code == 2:
        assert (target / "tables.yaml").read_bytes() == before
        assert not [p for p in target.iterdir() if p.name.startswith(".")]     # no temp file left behind
    return result


def edited(good: Path, tmp_path: Path, change) -> Path:
    wb = openpyxl.load_workbook(good)
    change(wb)
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    return path


def row_of(ws, code: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == code)


def test_not_a_spreadsheet(tmp_path, target):
    book = tmp_path / "收入.xlsx"
    book.write_text("这不是工作簿", encoding="utf-8")
    result = run_import(book, target)
    assert result.exit_code == 2
    assert "收入.xlsx：无法作为工作簿打开：不是 Excel 工作簿" in result.output


def test_password_protected(good, tmp_path, target):
    from msoffcrypto.format.ooxml import OOXMLFile

    book = tmp_path / "locked.xlsx"
    with good.open("rb") as source, book.open("wb") as out:
        OOXMLFile(source).encrypt("secret", out)
    result = run_import(book, target)
    assert result.exit_code == 2 and "locked.xlsx：工作簿设有打开密码" in result.output


def test_empty_workbook(tmp_path, target):
    book = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(book)
    result = run_import(book, target)
    assert result.exit_code == 2 and "empty.xlsx：工作簿是空的" in result.output


def test_table_missing(good, tmp_path, target):
    book = edited(good, tmp_path, lambda wb: wb.remove(wb["Sheet5"]))
    result = run_import(book, target)
    assert result.exit_code == 2 and "缺少：公开05表 一般公共预算财政拨款支出决算表" in result.output


def test_table_twice(good, tmp_path, target):
    book = edited(good, tmp_path, lambda wb: setattr(wb.copy_worksheet(wb["C03"]), "title", "支出表副本"))
    result = run_import(book, target)
    assert result.exit_code == 2
    assert "edited.xlsx 支出表副本!A1：公开03表（支出决算表）出现两次（另见 edited.xlsx C03!A1）" in result.output


def test_unit_name_differs_between_sheets(good, tmp_path, target):
    def rename(wb):
        wb["C03"]["A3"] = "单位：另一个单位"
    result = run_import(edited(good, tmp_path, rename), target)
    assert result.exit_code == 2
    assert "单位名称不一致" in result.output and "C03!A3：另一个单位" in result.output


def test_text_that_is_not_an_amount(good, tmp_path, target):
    def spoil(wb):
        ws = wb["02 收入决算表"]
        ws.cell(row_of(ws, "2010301"), 4).value = "约153万"
    result = run_import(edited(good, tmp_path, spoil), target)
    assert result.exit_code == 2 and "02 收入决算表!D10：“约153万”不是金额" in result.output


def test_negative_in_parentheses(good, tmp_path, target):
    def spoil(wb):
        ws = wb["02 收入决算表"]
        ws.cell(row_of(ws, "2010301"), 4).value = "(153.33)"
    result = run_import(edited(good, tmp_path, spoil), target)
    assert result.exit_code == 2 and "02 收入决算表!D10：金额为负数（-153.33）" in result.output


def test_formula_without_saved_value(good, tmp_path, target):
    def formula(wb):
        ws = wb["02 收入决算表"]
        ws.cell(row_of(ws, "2010301"), 4).value = "=D12+0"   # openpyxl saves no cached result
    result = run_import(edited(good, tmp_path, formula), target)
    assert result.exit_code == 2 and "edited.xlsx 02 收入决算表!D10：公式没有保存计算结果" in result.output


def test_more_than_two_decimals_of_fen(good, tmp_path, target):
    def spoil(wb):
        ws = wb["02 收入决算表"]
        ws.cell(row_of(ws, "2010301"), 4).value = 153.3333333   # 1533333.333 元
    result = run_import(edited(good, tmp_path, spoil), target)
    assert result.exit_code == 2 and "D10：153.3333333万元 不是整分" in result.output


def test_unknown_code_is_named_with_its_cell(good, tmp_path, target):
    def recode(wb):
        for name in ("02 收入决算表", "C03", "Sheet5"):
            ws = wb[name]
            ws.cell(row_of(ws, "2010301"), 1).value = "2010398"
    result = run_import(edited(good, tmp_path, recode), target)
    assert "02 收入决算表!A10：科目编码 2010398 不在 2024 年支出功能分类科目目录中" in result.output
    assert result.exit_code in (0, 1)


def test_totals_that_do_not_add_up_are_findings(good, tmp_path, target):
    def spoil(wb):
        ws = wb["02 收入决算表"]
        row = row_of(ws, "2010301")
        ws.cell(row, 3).value = ws.cell(row, 4).value = 160.00
    result = run_import(edited(good, tmp_path, spoil), target)
    assert result.exit_code == 1
    assert "校验错误" in result.output and "〔工作簿：02 收入决算表!" in result.output


def test_unwritable_directory(good, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["import", str(good), "-o", str(blocker)])
    assert result.exit_code == 2 and "不是目录" in result.output


def test_a_figure_the_input_format_refuses_names_its_cells(good, tmp_path, target):
    def spoil(wb):
        ws = wb["02 收入决算表"]
        ws.cell(row_of(ws, "2010301"), 4).value = 2e12          # beyond any 万元 figure
    result = run_import(edited(good, tmp_path, spoil), target)
    assert result.exit_code == 2 and "未写出" in result.output
    assert "金额过大：2000000000000.00〔工作簿：02 收入决算表!A10 D10" in result.output
