"""`juesuan export xlsx`: the printed 公开表 as a formatted workbook; export → import → build gives the same
PDF text for every example."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.pipeline import run
from generator.render.xlsx import workbook_bytes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["yanzhou-2024", "zaozhuang-2024", "shanxi-2024"]


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


@pytest.mark.parametrize("example", EXAMPLES)
def test_export_import_build_gives_the_same_pdf_text(example, built, tmp_path):
    original = built(example)
    book = tmp_path / f"{example}.xlsx"
    book.write_bytes(workbook_bytes(original.result.html))
    target = tmp_path / example
    shutil.copytree(ROOT / "inputs" / example, target)
    result = CliRunner().invoke(main, ["import", str(book), "-o", str(target), "--no-check"])  # PDFs compared
    assert result.exit_code == 0, result.output
    assert "印出的表格数据没有变化" in result.output
    rebuilt = run(target, ("pdf",))
    assert pdf_text(rebuilt.outputs["pdf"]) == pdf_text(original.pdf_bytes)


@pytest.fixture(scope="module")
def zaozhuang(tmp_path_factory) -> openpyxl.Workbook:
    out = tmp_path_factory.mktemp("export") / "z.xlsx"
    result = CliRunner().invoke(main, ["export", "xlsx", str(ROOT / "inputs" / "zaozhuang-2024"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(io.BytesIO(out.read_bytes()))


def test_a_formatted_sheet_per_table(zaozhuang):
    assert zaozhuang.sheetnames == [f"公开{n:02d}表" for n in range(1, 10)] + ["自评表1"]   # 单位运行经费 is published
    project = zaozhuang["自评表1"]
    assert project["A1"].value == "单位运行经费预算项目支出绩效自评表（2024年度）"
    assert project.page_setup.orientation == "landscape"
    income = zaozhuang["公开02表"]
    assert income["A1"].value == "收入决算表" and income["A1"].font.b
    assert income["A3"].value == "单位：枣庄市人民政府办公室本级" and income["I3"].value == "金额单位：万元"
    assert "A4:B4" in {str(r) for r in income.merged_cells.ranges}       # 项目 over code and name
    assert "C4:C5" in {str(r) for r in income.merged_cells.ranges}       # 本年收入合计 over two header rows
    assert income.freeze_panes == "A7"
    assert income.print_title_rows == "$4:$6"
    assert income.page_setup.orientation == "landscape" and int(income.page_setup.paperSize) == 9   # A4
    assert zaozhuang["公开01表"].page_setup.orientation == "portrait"
    row = next(r for r in range(7, income.max_row + 1) if income.cell(r, 1).value == "2010301")
    assert income.cell(row, 2).value == "行政运行"
    assert float(income.cell(row, 4).value) == 1043.28 and income.cell(row, 4).number_format == "#,##0.00"
    assert income.cell(row, 4).border.left.style == "thin"
    assert income.column_dimensions["B"].width > income.column_dimensions["D"].width


def test_printed_figures_not_recomputed(zaozhuang):
    """The 208 row prints the typed 266.68 (its 项 add up to 266.67): the workbook shows what the PDF shows."""
    expenditure = zaozhuang["公开03表"]
    row = next(r for r in range(1, expenditure.max_row + 1) if expenditure.cell(r, 1).value == "208")
    assert str(expenditure.cell(row, 3).value) == "266.68"
    three = zaozhuang["公开09表"]
    assert [float(three.cell(8, c).value or 0) for c in (1, 2, 6)] == [72.55, 17.72, 32.46]
    notes = [c.value for c in three["A"] if isinstance(c.value, str) and c.value.startswith("注")]
    assert notes and "三公" in notes[0]


def test_export_refuses_other_suffixes_and_unreadable_input(tmp_path):
    result = CliRunner().invoke(main, ["export", "xlsx", str(ROOT / "inputs" / "yanzhou-2024"), "-o",
                                       str(tmp_path / "a.pdf")])
    assert result.exit_code == 2 and ".xlsx" in result.output
    result = CliRunner().invoke(main, ["export", "xlsx", str(tmp_path / "missing"), "-o", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 2 and "无法读取输入" in result.output and not (tmp_path / "a.xlsx").exists()


def test_tables_are_known_by_title_not_number(tmp_path):
    """The 2020 Shandong layout numbers 三公 as 公开07表 and 政府性基金 as 公开08表: the titles decide."""
    book = tmp_path / "sd20.xlsx"
    result = CliRunner().invoke(main, ["export", "xlsx", str(ROOT / "inputs" / "zaozhuang-2024"), "--profile",
                                       "shandong-2020", "-o", str(book)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(book)["公开07表"]["A1"].value == "一般公共预算财政拨款“三公”经费支出决算表"
    target = tmp_path / "z"
    shutil.copytree(ROOT / "inputs" / "zaozhuang-2024", target)
    result = CliRunner().invoke(main, ["import", str(book), "-o", str(target), "--no-check"])
    assert result.exit_code == 0 and "印出的表格数据没有变化" in result.output, result.output
