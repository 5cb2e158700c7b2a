"""公开表 workbooks (.xlsx, .xls) as input: `read_workbooks` finds the tables in the sheets by title and
公开NN表 label and returns the input's `tables:` data with the cell each figure came from; emit.py writes it
as YAML in the hand-written format."""
from __future__ import annotations

from pathlib import Path

from .assemble import Assembled, basic_detail, check_agreement, functional, label_of, three_public
from .cells import WorkbookError, WorkbookProblem, formulas_without_values, read_sheets
from .find import KINDS, Region, find_regions
from .selfeval import find_projects, read_project
from .summary import SummaryBuilder
from .info import read_info
from .tables import Reading, read_basic_detail, read_functional, read_labelled, read_three_public

__all__ = ["Assembled", "WorkbookError", "WorkbookProblem", "read_workbooks", "REQUIRED"]

FUNCTIONAL = ("income", "expenditure", "gpb", "gf", "soe")
REQUIRED = ("summary", "income", "expenditure", "fiscal", "gpb", "basic_detail", "gf", "soe", "three_public")


def read_workbooks(paths: list[Path], required: tuple[str, ...] = REQUIRED) -> Assembled:
    """Raises WorkbookError (exit 2) for an unusable workbook; figures that disagree are `notes`."""
    regions: list[Region] = []
    problems: list[WorkbookProblem] = []
    projects: list[tuple[dict, str]] = []
    notes: list[str] = []
    for path in paths:
        hidden: list[str] = []
        sheets = read_sheets(path, hidden)
        notes.extend(f"{path.name}：工作表“{name}”是隐藏的，未读取；其中的表如需导入，请先取消隐藏" for name in hidden)
        if len(paths) > 1:
            for sheet in sheets:
                sheet.prefix = f"[{path.name}]"
        for cell in formulas_without_values(path):
            problems.append(WorkbookProblem(f"{path.name} {cell}", "公式没有保存计算结果；请在 Excel 中打开、"
                                                                    "重新计算并保存后再导入"))
        found = [region for sheet in sheets for region in find_regions(sheet)]
        for sheet in sheets:
            for start, stop in find_projects(sheet):
                projects.append((read_project(sheet, start, stop, problems), f"{sheet.book} {sheet.ref(start, 0)}"))
        if not any(sheet.height for sheet in sheets):
            problems.append(WorkbookProblem(path.name, "工作簿是空的"))
        elif not found and not projects:
            problems.append(WorkbookProblem(path.name, "没有找到任何公开表（按表名如“收入决算表”或“公开02表”字样识别）"))
        regions.extend(found)
    by_kind: dict[str, Region] = {}
    for region in regions:
        if region.kind in by_kind:
            first = by_kind[region.kind]
            problems.append(WorkbookProblem(region.where, f"{label_of(region.kind)}（{KINDS[region.kind][1][0]}）"
                                                          f"出现两次（另见 {first.where}）"))
            continue
        by_kind[region.kind] = region
    missing = [k for k in required if k not in by_kind]
    if missing and (regions or not projects):
        listing = "、".join(f"{label_of(k)} {KINDS[k][1][0]}" for k in missing)
        problems.append(WorkbookProblem("、".join(p.name for p in paths), f"缺少：{listing}"))
    assembled = Assembled(sources=[p.name for p in paths], projects=projects, notes=notes)
    check_agreement(list(by_kind.values()), assembled)
    problems.extend(assembled.problems)
    if problems:
        raise WorkbookError(problems)
    if not by_kind:              # self-evaluation tables only
        return assembled
    reading = Reading()
    parsed = {kind: read_functional(by_kind[kind], reading) for kind in FUNCTIONAL if kind in by_kind}
    detail = read_basic_detail(by_kind["basic_detail"], reading) if "basic_detail" in by_kind else None
    blocks = read_three_public(by_kind["three_public"], reading) if "three_public" in by_kind else None
    halves = {k: read_labelled(by_kind[k], reading) for k in ("summary", "fiscal") if k in by_kind}
    if reading.problems:
        raise WorkbookError(reading.problems)
    notes = assembled.notes
    tables: dict = {}
    for kind, table in parsed.items():
        tables[kind] = functional(table, notes)
    totals = {kind: {c: _printed_total(table, c) for c in ("total", "fiscal", "superior", "business", "operating",
                                                          "affiliated", "other")}
              for kind, table in parsed.items()}
    classes = {kind: _class_totals(table) for kind, table in parsed.items()}
    classes.update({"gpb": classes.get("gpb", {}), "gf": classes.get("gf", {}), "soe": classes.get("soe", {})})
    builder = SummaryBuilder(notes, by_kind[next(iter(by_kind))].sheet.book if by_kind else "")
    if "summary" in halves:
        builder.book = by_kind["summary"].sheet.book
        builder.t01_lines(*halves["summary"], _defaults(totals), classes)
    if "fiscal" in halves:
        builder.book = by_kind["fiscal"].sheet.book
        builder.t04_lines(*halves["fiscal"], _defaults(totals), classes)
    tables = {"summary": builder.result(), **tables}
    if detail is not None:
        tables["basic_detail"] = basic_detail(detail)
    if blocks is not None:
        tables["three_public"] = three_public(blocks)
    order = ("summary", "income", "expenditure", "gpb", "basic_detail", "gf", "soe", "three_public")
    assembled.tables = {k: tables[k] for k in order if k in tables}
    assembled.notes = notes + reading.unplaced
    if "info" in by_kind:
        info_reading = Reading()
        assembled.info = info_blocks(read_info(by_kind["info"], info_reading), info_reading)
        if info_reading.problems:
            raise WorkbookError(info_reading.problems)
        assembled.notes.extend(info_reading.unplaced)
    return assembled


def info_blocks(found: dict, reading: Reading) -> dict:
    """公开10表 → the input's procurement / office_running / assets (counts as whole numbers)."""
    from .assemble import ZERO, Val, cents, printed

    out: dict = {}
    for (group, field), fig in found.items():
        if group in ("vehicles", "assets"):
            if fig.value != fig.value.to_integral_value():     # a count, whatever the amount unit
                reading.problems.append(WorkbookProblem(f"{fig.cell}", f"车辆数、设备台（套）数应为整数：{fig.value}"))
                continue
            if fig.value:
                target = out.setdefault("assets", {})
                if group == "vehicles":
                    target.setdefault("vehicles", {})[field] = Val(str(int(fig.value)), cell=fig.cell)
                else:
                    target[field] = Val(str(int(fig.value)), cell=fig.cell)
        elif field == "total":
            continue
        elif fig.value:
            out.setdefault(group, {})[field] = Val.of(fig)
    total = found.get(("procurement", "total"))
    parts = sum((found[("procurement", f)].wan for f in ("goods", "works", "services") if ("procurement", f) in found),
                ZERO)
    if total is not None and printed(total) != cents(parts):
        out.setdefault("procurement", {})["total"] = Val.typed(total)
    return out


def _printed_total(table, column: str):
    from .assemble import ZERO, cents, printed

    if column in table.total:
        return printed(table.total[column])
    leaves = [row for row in table.rows if len(row.code) == 7]
    if column == "total":
        return cents(sum((f.wan for row in leaves for c, f in row.figs.items() if c != "total"), ZERO))
    return cents(sum((row.figs[column].wan for row in leaves if column in row.figs), ZERO))


def _class_totals(table) -> dict:
    from .assemble import ZERO, cents, printed

    out = {}
    leaves = [row for row in table.rows if len(row.code) == 7]
    for code in sorted({row.code[:3] for row in table.rows}):
        typed = next((row for row in table.rows if row.code == code), None)
        parts = ("basic", "project") if table.kind == "gf" else \
            tuple(c for c in ("basic", "project", "upper", "operating", "subsidiary", "fiscal", "superior",
                              "business", "affiliated", "other") if c != "total")
        if typed and "total" in typed.figs:
            out[code] = printed(typed.figs["total"])
        else:
            out[code] = cents(sum((f.wan for row in leaves if row.code.startswith(code)
                                   for c, f in row.figs.items() if c in parts), ZERO))
    return out


def _defaults(totals: dict) -> dict:
    return {"income": totals.get("income", {}), "expenditure": totals.get("expenditure", {})}


def as_input(path: Path, unit: dict) -> dict:
    """A 公开表 workbook as an input's data (`unit` completed with the workbook's name and year), for
    `prior.path` naming last year's workbook; raises WorkbookError."""
    from .emit import plain_tables

    assembled = read_workbooks([path])
    if assembled.year:
        unit = {**unit, "year": assembled.year[0]}
    if assembled.entity:
        unit = {**unit, "name": assembled.entity[0]}
    return {"unit": unit, "tables": plain_tables(assembled)}
