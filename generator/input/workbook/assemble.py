"""From the tables read out of the workbooks to the input's `tables:` data, as a person would type it.

项 rows and leaf amounts are written exactly as the workbook holds them (in 元 when it is kept in 元). A 类/款
row, a 合计 or a 总计 is written only where the printed figure differs from what the tool would compute
from the parts (a 尾数误差, or an error the checks then report), so typed totals behave as in hand-written
YAML. Lines of 公开01/04表 that other tables determine are compared with them and differences are reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ... import catalogue
from .cells import WorkbookProblem, norm
from .find import KINDS, Region
from .tables import ORDER, Fig, Functional

CENT = Decimal("0.01")
ZERO = Decimal(0)
PERSONNEL_GROUPS = ("301", "303")      # 人员经费 = 工资福利支出 + 对个人和家庭的补助 (tables.md §2.6)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Val:
    """One figure or text as it will stand in the YAML, with the cell it came from."""
    value: Decimal | str
    unit: str = "万元"
    cell: str | None = None

    @staticmethod
    def of(fig: Fig) -> "Val":
        return Val(fig.value, fig.unit, fig.cell)

    @staticmethod
    def typed(fig: Fig) -> "Val":
        """A printed total: the rounded 万元 figure the publication shows."""
        return Val(cents(fig.wan), "万元", fig.cell)

    def plain(self) -> str:
        if isinstance(self.value, str):
            return self.value
        text = format(self.value.quantize(CENT) if self.value.as_tuple().exponent > -2 else self.value, "f")
        return f"{text}元" if self.unit == "元" else text


@dataclass
class Assembled:
    tables: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[WorkbookProblem] = field(default_factory=list)
    entity: tuple[str, str] | None = None
    year: tuple[int, str] | None = None
    sources: list[str] = field(default_factory=list)
    projects: list[tuple[dict, str]] = field(default_factory=list)   # 自评表: (project, where it starts)
    info: dict = field(default_factory=dict)     # 公开10表 → procurement, office_running, assets


def printed(fig: Fig | None) -> Decimal:
    return cents(fig.wan) if fig else ZERO


def functional(table: Functional, notes: list[str]) -> dict:
    columns = ORDER[table.kind]
    components = [c for c in columns if c != "total"]
    leaves = [row for row in table.rows if len(row.code) == 7]
    exact: dict[str, dict[str, Decimal]] = {}
    out_rows = []
    for row in leaves:
        values = {c: row.figs[c].wan for c in components if c in row.figs}
        exact[row.code] = {**values, "total": sum(values.values(), ZERO)}
        entry: dict = {"code": Val(row.code, cell=row.where), "name": Val(row.name)} if row.name else \
            {"code": Val(row.code, cell=row.where)}
        for c in components:
            if c in row.figs and row.figs[c].value != 0:
                entry[c] = Val.of(row.figs[c])
        total = row.figs.get("total")
        if total is not None and printed(total) != cents(exact[row.code]["total"]):
            entry["total"] = Val.typed(total)
        out_rows.append((row.code, entry))
        if catalogue.functional(row.code) is None:
            notes.append(f"{table.region.sheet.book} {row.where}：科目编码 {row.code} 不在 2024 年支出功能分类"
                         f"科目目录中，请核对")

    def computed(prefix: str, column: str) -> Decimal:
        return cents(sum((v.get(column, ZERO) for code, v in exact.items() if code.startswith(prefix)), ZERO))

    for row in table.rows:
        if len(row.code) == 7:
            continue
        typed = {c: Val.typed(row.figs[c]) for c in columns
                 if printed(row.figs.get(c)) != computed(row.code, c) and c in row.figs}
        typed.update({c: Val(ZERO) for c in columns if c not in row.figs and computed(row.code, c) != 0})
        if typed:
            entry = {"code": Val(row.code, cell=row.where)}
            if row.name:
                entry["name"] = Val(row.name)
            entry.update({c: typed[c] for c in columns if c in typed})
            out_rows.append((row.code, entry))
    out: dict = {}
    total = {c: Val.typed(table.total[c]) for c in columns
             if c in table.total and printed(table.total[c]) != computed("", c)}
    total.update({c: Val(ZERO) for c in columns if c not in table.total and computed("", c) != 0
                  and table.total})
    if total:
        out["total"] = {c: total[c] for c in columns if c in total}
    out["rows"] = [entry for _, entry in sorted(out_rows, key=lambda item: (item[0][:3], item[0]))]
    return out


def basic_detail(table) -> dict:
    items = {code: fig for code, fig in table.items.items() if len(code) == 5}
    out_items: dict[str, Val] = {}
    group_printed: dict[str, Decimal] = {}
    groups = sorted({c[:3] for c in items} | {c for c in table.items if len(c) == 3})
    for group in groups:
        exact = cents(sum((f.wan for c, f in items.items() if c.startswith(group)), ZERO))
        fig = table.items.get(group)
        group_printed[group] = printed(fig) if fig else exact
        if fig and printed(fig) != exact:
            out_items[group] = Val.typed(fig)
        for code in sorted(c for c in items if c.startswith(group)):
            out_items[code] = Val.of(items[code])
    out: dict = {"items": out_items}
    personnel = sum((group_printed.get(g, ZERO) for g in PERSONNEL_GROUPS), ZERO)
    public = sum((v for g, v in group_printed.items() if g not in PERSONNEL_GROUPS), ZERO)
    if table.personnel and printed(table.personnel) != personnel:
        out["personnel_total"] = Val.typed(table.personnel)
    if table.public and printed(table.public) != public:
        out["public_total"] = Val.typed(table.public)
    return out


def three_public(blocks: dict[str, dict[str, Fig]]) -> dict:
    out = {}
    for block in ("budget", "actual"):
        figs = blocks.get(block, {})
        entry: dict[str, Val] = {}
        vehicle = sum((figs[f].wan for f in ("vehicle_purchase", "vehicle_running") if f in figs), ZERO)
        total = vehicle + sum((figs[f].wan for f in ("abroad", "reception") if f in figs), ZERO)
        for name in ("total", "abroad", "vehicle_total", "vehicle_purchase", "vehicle_running", "reception"):
            fig = figs.get(name)
            if fig is None:
                continue
            if name == "vehicle_total":
                if printed(fig) != cents(vehicle):
                    entry[name] = Val.typed(fig)
            elif name == "total":
                if printed(fig) != cents(total):
                    entry[name] = Val.typed(fig)
            elif fig.value != 0:
                entry[name] = Val.of(fig)
        out[block] = {k: entry[k] for k in ("total", "abroad", "vehicle_total", "vehicle_purchase",
                                              "vehicle_running", "reception") if k in entry}
    return out


def label_of(kind: str) -> str:
    return f"公开{KINDS[kind][0]:02d}表"


def check_agreement(regions: list[Region], assembled: Assembled) -> None:
    """One unit, one year across every table."""
    for attribute, what in (("entity", "单位名称"), ("year", "年度")):
        seen: dict[str, str] = {}
        for region in regions:
            found = getattr(region, attribute)
            if found:
                seen.setdefault(norm(str(found[0])) if attribute == "entity" else str(found[0]),
                                f"{region.sheet.book} {found[1]}")
        if len(seen) > 1:
            listing = "；".join(f"{where}：{value}" for value, where in seen.items())
            assembled.problems.append(WorkbookProblem(
                "工作簿", f"各表的{what}不一致（{listing}），一次导入只能是一个单位一个年度"))
        elif seen:
            value, where = next(iter(seen.items()))
            if attribute == "entity":      # the name as written (norm() folds full-width brackets)
                value = next(r.entity[0] for r in regions if r.entity)
            setattr(assembled, attribute, (int(value) if attribute == "year" else value, where))
