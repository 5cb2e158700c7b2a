"""`juesuan new DIR [--profile NAME] [--name 单位名称] [--year 2025]`: a new unit's input directory — commented
YAML files for everything the publication needs, and 公开表.xlsx, an input workbook in the profile's table
layout (the empty tables as the profile prints them, rows to fill, data validation, an instruction sheet).
The scaffold builds as a draft whose 【待补充】 markers say what is still missing."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import click

from . import fail

UNIT = """# 单位信息与第一部分“概况”。各字段说明见 docs/input-format.md，完整结构可用 `juesuan schema` 查看。
unit:
  name: {name}
  # table_entity: 表头“单位：”后的名称，默认同 name
  scope: 部门              # 公开范围：部门 或 单位（封面“部门决算”/“单位决算”）
  kind: 行政单位           # 单位性质：行政单位 / 参公事业单位 / 事业单位 / 其他
  level: 市级              # 预算级次用语：省级 / 市级 / 区级 / 县级
  year: {year}
  profile: {profile}
  # publish_date: {next_year}-09-30

overview:
  duties: ""               # 部门职责（可分段，编号条目）
  organization: ""         # 机构设置
"""
TABLES = """# 公开01–09表的数据。可以直接填写（格式见 docs/input-format.md），也可以填写同目录的 公开表.xlsx 后运行
#   juesuan import 公开表.xlsx -o {dir}
# 导入会改写本文件的表格数据。
tables: {{}}
"""
NARRATIVE = """# 第三部分“情况说明”所需的数字与文字。未填写的内容在草稿中显示为【待补充：…】。
prior: {{}}                # 上年数：total、income、expenditure、fiscal_total、gpb_expenditure…；或 path: ../上年目录
budget: {{}}               # 年初预算：gpb_total、gpb_items（按项编码）…
reasons: {{}}              # 变动原因，如 total: 人员增加…（键见 docs/input-format.md）
texts: {{}}                # 其他说明文字
procurement: {{}}          # 政府采购：goods、works、services、sme_total…
office_running: {{}}       # 机关运行经费：amount、budget
assets: {{}}               # 国有资产占用：vehicles、equipment_over_1m
"""
PERFORMANCE = """# 预算绩效：项目支出绩效自评表与重点评价（字段见 `juesuan schema` 中的 performance）。
performance:
  projects: []
  key_evaluations: []
"""
INSTRUCTIONS = [
    "填表说明",
    "1. 本工作簿按{profile}版式列出公开01–09表，每表一个工作表；请按部门决算报表填写金额（万元，两位小数）。",
    "2. 功能分类表（收入决算表、支出决算表等）：在“合计”行下方逐行填写科目编码（类3位、款5位、项7位）、"
    "科目名称和各栏金额；项级行必填，类、款和合计行可填所印数字（含尾数误差），不填则由程序汇总。",
    "3. 金额为 0 的单元格可以留空；不要改动表名、“公开NN表”字样和表头，程序据此识别各表。",
    "4. 金额可以按元填写：把表头上方的“金额单位：万元”改为“金额单位：元”。",
    "5. 填好后在命令行运行：juesuan import 公开表.xlsx -o {dir}，再运行 juesuan build {dir} 生成公开文件。",
    "6. 导入时会列出每个没有用上的数字（工作表、单元格、原因）和校验发现的问题；修改工作簿后可以重新导入。",
]
FUNCTIONAL = ("公开02表", "公开03表", "公开05表", "公开07表", "公开08表")
AMOUNT_COLUMNS = {"公开01表": "CF", "公开04表": "CFGHI", "公开06表": "CFIL", "公开09表": "ABCDEFGHIJKL",
                  "公开10表": "C"}
ENTRY_ROWS = 30


@click.command(name="new")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--profile", default="shandong-2024", show_default=True, help="版式名称")
@click.option("--name", default="【待补充：单位名称】", help="单位名称")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="决算年度（默认上一年）")
def new_command(directory: Path, profile: str, name: str, year: int | None) -> None:
    """新建一个单位的输入目录：带注释的 YAML 文件和按版式排好的公开表工作簿 公开表.xlsx。"""
    import datetime as dt

    from ..outputs import write_atomically

    year = year or dt.date.today().year - 1
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        fail(f"{directory} 已存在且不是空目录；请换一个新目录名。", 2)
    files = {
        "unit.yaml": UNIT.format(name=json.dumps(name, ensure_ascii=False), year=year, profile=profile,
                                 next_year=year + 1),
        "tables.yaml": TABLES.format(dir=directory),
        "narrative.yaml": NARRATIVE.format(),
        "performance.yaml": PERFORMANCE,
    }
    import tempfile

    try:
        with tempfile.TemporaryDirectory(prefix="juesuan-new-") as draft:   # nothing half-made in DIR
            for file, text in files.items():
                (Path(draft) / file).write_text(text, encoding="utf-8")
            workbook = _workbook(Path(draft), directory, profile)
        for file, text in files.items():
            write_atomically(directory / file, text.encode("utf-8"))
        write_atomically(directory / "公开表.xlsx", workbook)
    except OSError as exc:
        fail(f"无法写入 {exc.filename or directory}：{exc.strerror or exc}。请检查目录是否可写，磁盘是否已满。", 2)
    for file in [*files, "公开表.xlsx"]:
        click.echo(str(directory / file))
    click.echo(f"已新建。填写 公开表.xlsx 后运行 juesuan import {directory / '公开表.xlsx'} -o {directory}；"
               f"随时可用 juesuan build {directory} 生成草稿。")
    sys.exit(0)


def _workbook(draft: Path, directory: Path, profile: str) -> bytes:
    """The empty tables as the profile composes them, made fillable."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..errors import InputError
    from ..pipeline import run
    from ..profile import ProfileError
    from ..render.xlsx import workbook_bytes

    try:
        html = run(draft, formats=("html",)).html
    except (InputError, ProfileError) as exc:
        fail(f"无法按版式“{profile}”生成：\n{exc}", 2)
    book = load_workbook(io.BytesIO(workbook_bytes(html)))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for sheet in book.worksheets:
        label = sheet.title
        first_body = sheet.freeze_panes and int("".join(ch for ch in sheet.freeze_panes if ch.isdigit()))
        if not first_body:
            continue
        for row in sheet.iter_rows(min_row=first_body):       # “故本表无数据” describes the empty scaffold only
            if isinstance(row[0].value, str) and "无数据" in row[0].value:
                for merged in [m for m in sheet.merged_cells.ranges if m.min_row == row[0].row]:
                    sheet.unmerge_cells(str(merged))
                row[0].value = None
        amounts = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                 error="请填写不小于0的金额（万元，两位小数）", errorTitle="金额")
        sheet.add_data_validation(amounts)
        if label in FUNCTIONAL:
            notes = [(row[0].row, row[0].value) for row in sheet.iter_rows(min_row=first_body + 1)
                     if isinstance(row[0].value, str) and row[0].value.startswith(("注", "说明"))]
            for merged in [m for m in sheet.merged_cells.ranges if m.min_row > first_body]:
                sheet.unmerge_cells(str(merged))
            for row, _ in notes:
                sheet.cell(row, 1).value = None
            width = sheet.max_column
            for row in range(first_body + 1, first_body + 1 + ENTRY_ROWS):
                for col in range(1, width + 1):
                    cell = sheet.cell(row, col)
                    cell.border = border
                    cell.font = Font(name="SimSun", size=10)
                    if col == 1:
                        cell.number_format = "@"
                    elif col > 2:
                        cell.number_format = "#,##0.00"
            for offset, (_, text) in enumerate(notes):
                row = first_body + 1 + ENTRY_ROWS + offset
                sheet.cell(row, 1, text).alignment = Alignment(wrap_text=True)
                sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            codes = DataValidation(type="custom", allow_blank=True,
                                   formula1=f"OR(LEN(A{first_body + 1})=3,LEN(A{first_body + 1})=5,"
                                            f"LEN(A{first_body + 1})=7)",
                                   error="科目编码应为3位（类）、5位（款）或7位（项）数字", errorTitle="科目编码")
            sheet.add_data_validation(codes)
            codes.add(f"A{first_body + 1}:A{first_body + ENTRY_ROWS}")
            last = get_column_letter(width)
            amounts.add(f"C{first_body}:{last}{first_body + ENTRY_ROWS}")
        elif label in AMOUNT_COLUMNS:
            last_row = max(first_body, sheet.max_row)
            if label == "公开09表" and sheet.cell(first_body, 1).value is None:
                for col in range(1, 13):
                    sheet.cell(first_body, col).border = border
            for column in AMOUNT_COLUMNS[label]:
                amounts.add(f"{column}{first_body}:{column}{last_row}")
    guide = book.create_sheet("填表说明", 0)
    for row, text in enumerate(INSTRUCTIONS, start=1):
        cell = guide.cell(row, 1, text.format(profile=profile, dir=directory))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(name="SimSun", size=14 if row == 1 else 11, bold=row == 1)
    guide.column_dimensions["A"].width = 110
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
