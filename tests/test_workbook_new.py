"""`juesuan new`: a scaffold that builds as a draft, and an input workbook in the profile's layout that staff
fill and import."""
from __future__ import annotations

import openpyxl
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.pipeline import run


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory):
    target = tmp_path_factory.mktemp("new") / "某单位"
    result = CliRunner().invoke(main, ["new", str(target), "--name", "某某市某某局", "--year", "2025"])
    assert result.exit_code == 0, result.output
    return target


def test_scaffold_files_and_workbook(scaffold):
    assert sorted(p.name for p in scaffold.iterdir()) == sorted(
        ["unit.yaml", "tables.yaml", "narrative.yaml", "performance.yaml", "公开表.xlsx"])
    assert "name: \"某某市某某局\"" in (scaffold / "unit.yaml").read_text(encoding="utf-8")
    book = openpyxl.load_workbook(scaffold / "公开表.xlsx")
    assert book.sheetnames == ["填表说明"] + [f"公开{n:02d}表" for n in range(1, 10)]
    assert "juesuan import" in "".join(str(c.value) for c in book["填表说明"]["A"])
    income = book["公开02表"]
    assert income["A1"].value == "收入决算表" and income["A3"].value == "单位：某某市某某局"
    assert [income.cell(6, c).value for c in (1, 3, 9)] == ["栏次", 1, 7]
    kinds = {dv.type for dv in income.data_validations.dataValidation}
    assert kinds == {"decimal", "custom"}
    assert book["公开01表"]["A7"].value == "一、一般公共预算财政拨款收入"


def test_filled_workbook_imports_and_builds_as_a_draft(scaffold, tmp_path):
    book = openpyxl.load_workbook(scaffold / "公开表.xlsx")
    rows = [("2010301", "行政运行", 120.50), ("2080505", "机关事业单位基本养老保险缴费支出", 30.25)]
    for label, column in (("公开02表", 4), ("公开03表", 5), ("公开05表", 5)):   # 财政拨款收入; 项目支出
        ws = book[label]
        for offset, (code, name, value) in enumerate(rows):
            ws.cell(8 + offset, 1, code)
            ws.cell(8 + offset, 2, name)
            ws.cell(8 + offset, column, value)
    book["公开01表"]["C7"] = 150.75
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    result = CliRunner().invoke(main, ["import", str(filled), "-o", str(scaffold)])
    assert result.exit_code == 0, result.output
    tables = (scaffold / "tables.yaml").read_text(encoding="utf-8")
    assert '{code: "2010301", name: "行政运行", fiscal: 120.50}  # 公开02表!A8 D8' in tables
    built = run(scaffold, ("pdf",))
    document = pdfium.PdfDocument(built.outputs["pdf"])
    text = "".join(page.get_textpage().get_text_range() for page in document).replace("\r\n", "")
    assert "150.75" in text and "行政运行" in text and "120.50" in text
    assert "【待补充" in text
