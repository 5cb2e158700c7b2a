"""`juesuan import WORKBOOK... -o DIR`: 公开表 workbooks (.xlsx/.xls) → DIR/tables.yaml, then the checks.

Exit codes: 0 imported (warnings allowed), 1 imported but the figures have validation errors (e.g. totals that
do not add up), 2 the workbook cannot be used (not a workbook, a table missing or twice, a bad cell) or the
directory cannot be written; nothing is written then.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import fail


@click.command(name="import")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path), required=True, help="输入目录（写入 tables.yaml）")
@click.option("--profile", default="shandong-2024", show_default=True, help="新建 unit.yaml 时使用的版式")
@click.option("--no-check", is_flag=True, help="只导入，不做校验")
@click.option("--performance", "merge_performance", is_flag=True,
              help="把工作簿中的项目支出绩效自评表合并进手写的 performance.yaml（其中的注释不保留）")
def import_command(workbooks: tuple[Path, ...], outdir: Path, profile: str, no_check: bool,
                   merge_performance: bool) -> None:
    """从部门决算软件导出的公开表工作簿（.xlsx/.xls，可多个）导入表格数据到 OUTDIR/tables.yaml。"""
    from ..input.workbook import WorkbookError, read_workbooks
    from ..input.workbook.emit import changes, plain_tables, tables_yaml

    try:
        assembled = read_workbooks(list(workbooks))
    except WorkbookError as exc:
        fail("无法导入工作簿：\n" + "\n".join(f"  {p}" for p in exc.problems), 2)
    target, unit_file, old = _existing(outdir)
    before = _printed(outdir) if old is not None else None
    counts = ((old or {}).get("three_public") or {}).get("counts") if isinstance(old, dict) else None
    extra = _info_blocks(assembled, outdir, target)
    text = tables_yaml(assembled, counts if isinstance(counts, dict) else None,
                       dt.datetime.now().strftime("%Y-%m-%d %H:%M"), extra)
    if assembled.tables:
        _validate_tables(text, target)
    performance = _performance(assembled, outdir, merge_performance) if assembled.projects else None
    from ..outputs import write_atomically

    try:
        if performance:
            write_atomically(*performance)
            click.echo(f"已写出 {performance[0]}：{len(assembled.projects)} 张项目支出绩效自评表")
        if not assembled.tables:
            sys.exit(0 if no_check else _check(outdir))
        write_atomically(target, text.encode("utf-8"))
        if unit_file is None:
            from ..input.workbook.unit_file import unit_yaml

            year, source = assembled.year if assembled.year else (None, None)
            text = unit_yaml("juesuan import", assembled.entity[0] if assembled.entity else None, year, source, profile)
            write_atomically(outdir / "unit.yaml", text.encode("utf-8"))
            click.echo(f"已写出 {outdir / 'unit.yaml'}（请核对单位性质、公开范围等）")
    except OSError as exc:
        fail(f"无法写入 {exc.filename or outdir}：{exc.strerror or exc}。请检查目录是否存在、可写，磁盘是否已满。", 2)
    rows = sum(len(t.get("rows", [])) for t in assembled.tables.values() if isinstance(t, dict))
    click.echo(f"已写出 {target}：{len(assembled.tables)} 张表，{rows} 行科目")
    if old is not None:
        after = _printed(outdir) if before is not None else None
        if before is not None and after is not None:
            changed = [f"  {key}：{before.get(key, '空')} → {after.get(key, '空')}"
                       for key in sorted(set(before) | set(after), key=_order) if before.get(key) != after.get(key)]
        else:
            changed = changes(old, plain_tables(assembled))
        click.echo(f"与原 {target.name} 相比，印出的表格" + (f"有 {len(changed)} 处变化：" if changed else "数据没有变化"))
        for line in changed:
            click.echo(line)
    for note in assembled.notes:
        click.echo(f"警告：{note}", err=True)
    if no_check:
        sys.exit(0)
    sys.exit(_check(outdir))


def _existing(outdir: Path) -> tuple[Path, Path | None, dict | None]:
    """The file that holds `tables:` (tables.yaml unless another file already does), the file holding
    `unit:`, and the tables there now."""
    from ..errors import InputError
    from ..input.load import read_tree

    if outdir.exists() and not outdir.is_dir():
        fail(f"{outdir} 不是目录：-o 应为输入目录", 2)
    if not outdir.exists() or not any(p.suffix.lower() in (".yaml", ".yml", ".json") for p in outdir.iterdir()):
        return outdir / "tables.yaml", None, None
    try:
        data, source = read_tree(outdir)
    except InputError as exc:
        fail(f"无法读取 {outdir} 中已有的输入：\n{exc}\n请先修正，或导入到新目录。", 2)
    holder = source.nodes.get("tables", (outdir / "tables.yaml", None))[0]
    others = [k for k, (f, _) in source.nodes.items() if f == holder and k != "tables" and k not in INFO_KEYS]
    if others:
        fail(f"{holder} 中除 tables 外还有 {'、'.join(others)}；导入只改写表格数据，请把 tables 移到单独的 "
             f"tables.yaml 后再导入。", 2)
    unit_file = source.nodes.get("unit", (None, None))[0]
    return holder, unit_file, data.get("tables") if isinstance(data.get("tables"), dict) else None


def _performance(assembled, outdir: Path, merge: bool) -> tuple[Path, bytes] | None:
    """(file, text) for the self-evaluation tables, or None when a hand-written performance file is to be
    left alone (then say how to merge)."""
    from pydantic import ValidationError

    from ..errors import InputError
    from ..input.load import read_tree
    from ..input.model import Performance
    from ..input.workbook.emit import PERFORMANCE_MARK, merged_projects, performance_yaml

    holder, data, others = outdir / "performance.yaml", {}, {}
    if outdir.is_dir() and any(p.suffix.lower() in (".yaml", ".yml", ".json") for p in outdir.iterdir()):
        try:
            tree, source = read_tree(outdir)
        except InputError:
            tree, source = {}, None
        if source is not None and "performance" in source.nodes:
            holder = source.nodes["performance"][0]
            data = tree.get("performance") if isinstance(tree.get("performance"), dict) else {}
            others = {k: tree[k] for k, (f, _) in source.nodes.items() if f == holder and k != "performance"}
            written_by_import = PERFORMANCE_MARK in holder.read_text(encoding="utf-8", errors="replace")
            if not written_by_import and not merge:
                click.echo(f"提示：工作簿中有 {len(assembled.projects)} 张项目支出绩效自评表；{holder.name} 是手写的，"
                           f"未改动。加 --performance 选项可把自评表合并进去（该文件中的注释不保留）。", err=True)
                return None
    data = {**data, "projects": merged_projects(data.get("projects") or [], assembled.projects)}
    try:
        Performance.model_validate(data)
    except ValidationError as exc:
        where = dict((i, w) for i, (_, w) in enumerate(assembled.projects))
        messages = [f"  performance.{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in exc.errors(include_url=False)]
        fail("项目支出绩效自评表不能使用（各表位置：" + "；".join(where.values()) + "）：\n" + "\n".join(messages[:20]), 2)
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return holder, performance_yaml({"performance": data, **others}, assembled.projects, when).encode("utf-8")


INFO_KEYS = ("procurement", "office_running", "assets")


def _info_blocks(assembled, outdir: Path, target: Path) -> dict:
    """公开10表's blocks to write beside the tables: those no other file holds. Where another file (say
    narrative.yaml) holds one, its figures are compared with the workbook's and differences reported."""
    from decimal import Decimal, InvalidOperation

    from ..errors import InputError
    from ..input.load import read_tree

    if not assembled.info:
        return {}
    tree, nodes = {}, {}
    if outdir.is_dir() and any(p.suffix.lower() in (".yaml", ".yml", ".json") for p in outdir.iterdir()):
        try:
            tree, source = read_tree(outdir)
            nodes = source.nodes
        except InputError:
            pass
    extra = {}
    for key in INFO_KEYS:
        block = assembled.info.get(key, {})
        if key in nodes and nodes[key][0] != target:
            held = tree.get(key) if isinstance(tree.get(key), dict) else {}
            flat = {**block.get("vehicles", {}), **{k: v for k, v in block.items() if k != "vehicles"}}
            have = {**(held.get("vehicles") or {}), **{k: v for k, v in held.items() if k != "vehicles"}}
            for field, val in flat.items():
                try:
                    held_value = str(have.get(field, 0)).replace(",", "")
                    mine = val.value / 10000 if val.unit == "元" else Decimal(str(val.value))
                    theirs = Decimal(held_value[:-1]) / 10000 if held_value.endswith("元") and \
                        not held_value.endswith("万元") else Decimal(held_value.removesuffix("万元"))
                    same = mine == theirs
                except InvalidOperation:
                    same = False
                if not same:
                    assembled.notes.append(f"{val.cell}：公开10表 {key}.{field} 为 {val.plain()}，"
                                           f"而 {nodes[key][0].name} 中为 {have.get(field, 0)}（保留 {nodes[key][0].name} 所填）")
        elif block:
            extra[key] = block
    return extra


def _validate_tables(text: str, target: Path) -> None:
    """The written YAML must read back as the model's tables: a figure the model refuses (e.g. negative)
    is reported now, naming the cell, and nothing is written."""
    from pydantic import ValidationError

    from ..input import yamlio
    from ..input.model import Assets, OfficeRunning, Procurement, Tables

    data, root = yamlio.load_with_nodes(text)
    try:
        Tables.model_validate(data["tables"], context={"amount_unit": "万元"})
        for key, model in (("procurement", Procurement), ("office_running", OfficeRunning), ("assets", Assets)):
            if key in data:
                model.model_validate(data[key], context={"amount_unit": "万元"})
    except ValidationError as exc:
        lines = text.splitlines()
        messages = []
        for err in exc.errors(include_url=False):
            loc = ("tables", *err["loc"]) if err["loc"] and err["loc"][0] not in INFO_KEYS else err["loc"]
            line = yamlio.line_of(root, tuple(loc))
            cells = lines[line - 1].partition("  # ")[2] if line else ""
            message = str(err["msg"]).removeprefix("Value error, ")
            messages.append(f"  {'.'.join(map(str, loc))}：{message}" + (f"〔工作簿：{cells}〕" if cells else ""))
        fail(f"导入的数据不符合输入格式，未写出 {target}：\n" + "\n".join(messages[:20]), 2)


def _cells_of(finding) -> str:
    """The workbook cells behind a finding, from the source comment on the YAML line it names."""
    if not finding.file or not finding.line:
        return ""
    try:
        line = Path(finding.file).read_text(encoding="utf-8").splitlines()[finding.line - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        return ""
    _, _, comment = line.partition("  # ")
    return f"〔工作簿：{comment.strip()}〕" if comment and "!" in comment else ""


def _check(outdir: Path) -> int:
    from ..checks import check
    from ..errors import InputError
    from ..facts.compute import compute
    from ..input.load import load
    from ..pipeline import profile_for
    from ..profile import ProfileError

    try:
        loaded = load(outdir)
        findings = check(loaded, compute(loaded.unit, loaded.prior.unit if loaded.prior else None),
                         profile=profile_for(loaded, None))
    except (InputError, ProfileError) as exc:
        click.echo(f"导入完成，但输入目录尚不能使用：\n{exc}", err=True)
        return 2
    errors = [f for f in findings if f.severity == "错误"]
    for finding in errors:
        click.echo(f"校验错误：{finding}{_cells_of(finding)}", err=True)
    if errors:
        click.echo(f"共 {len(errors)} 个校验错误：请核对工作簿中的数字（见上），修正后重新导入。", err=True)
    return 1 if errors else 0


COLUMN_NAMES = {"total": "合计", "fiscal": "财政拨款收入", "superior": "上级补助收入", "business": "事业收入",
                "operating": "经营", "affiliated": "附属单位上缴收入", "other": "其他收入", "basic": "基本支出",
                "project": "项目支出", "upper": "上缴上级支出", "subsidiary": "对附属单位补助支出",
                "opening": "年初结转和结余", "income": "本年收入", "closing": "年末结转和结余"}
TABLE_NAMES = {"income": "公开02表", "expenditure": "公开03表", "gpb": "公开05表", "gf": "公开07表", "soe": "公开08表"}


def _printed(path: Path) -> dict[str, str] | None:
    """Every figure 公开01–09表 print for the input at `path` (None when it cannot be computed), so a
    re-import reports what changes in print, not how the YAML spells it."""
    from ..facts.compute import compute
    from ..input.load import load

    try:
        facts = compute(load(path).unit)
    except Exception:  # noqa: BLE001 — an input that does not load yet: the YAML comparison is used instead
        return None
    out: dict[str, str] = {}
    for name, label in TABLE_NAMES.items():
        table = getattr(facts, name)
        for line in [table.total] + table.lines:
            for column, value in line.values.items():
                if value:
                    out[f"{label} {line.code or '合计'} {COLUMN_NAMES.get(column, column)}"] = f"{value:,.2f}"
    for row, value in facts.t01.items():
        if value:
            out[f"公开01表 行{row}"] = f"{value:,.2f}"
    for row, value in facts.t04_left.items():
        if value:
            out[f"公开04表 行{row}"] = f"{value:,.2f}"
    for row, values in facts.t04_right.items():
        for column, value in zip(("合计", "一般公共预算", "政府性基金", "国有资本经营"), values):
            if value:
                out[f"公开04表 行{row} {column}"] = f"{value:,.2f}"
    for code, value in facts.basic.amounts.items():
        if value:
            out[f"公开06表 {code}"] = f"{value:,.2f}"
    for label, figures in (("预算数", facts.three_public_budget), ("决算数", facts.three_public_actual)):
        for key, value in vars(figures).items():
            if value:
                out[f"公开09表 {label} {key}"] = f"{value:,.2f}"
    return out


def _order(key: str) -> tuple:
    parts = key.split()
    return (parts[0], parts[1] if len(parts) > 1 else "", key)
