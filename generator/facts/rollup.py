"""Functional-classification rollups: 项 → 款 → 类 → 合计, honouring typed subtotals (尾数误差).

A typed value is printed as typed when it is within `rounding_tolerance` of what its parts add up to;
otherwise the computed value is printed and a `Discrepancy` of kind "error" is recorded. Both compute
(for the figures) and check (for the findings) use this module.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ..input.money import ZERO, cents, rounding_tolerance

TOTAL_CODE = ""


@dataclass
class Discrepancy:
    where: str                 # e.g. "公开02表 20805 财政拨款收入"
    typed: Decimal
    computed: Decimal
    tolerance: Decimal
    path: str                  # input field path, e.g. tables.income.rows.3.fiscal
    kind: str = "tail"         # "tail" within tolerance, "error" beyond it

    @property
    def difference(self) -> Decimal:
        return self.typed - self.computed


@dataclass
class Line:
    code: str
    name: str
    values: dict[str, Decimal]
    exact: dict[str, Decimal] = field(default_factory=dict, repr=False)

    @property
    def level(self) -> int:
        return {0: 0, 3: 1, 5: 2, 7: 3}.get(len(self.code), 3)

    def get(self, column: str) -> Decimal:
        return self.values.get(column, ZERO)


@dataclass
class RolledTable:
    columns: tuple[str, ...]
    total: Line
    lines: list[Line]            # depth-first by code, zero lines dropped
    discrepancies: list[Discrepancy]

    def line(self, code: str) -> Line | None:
        return self.total if code == TOTAL_CODE else next((l for l in self.lines if l.code == code), None)

    def at_level(self, level: int) -> list[Line]:
        return [l for l in self.lines if l.level == level]

    @property
    def empty(self) -> bool:
        return all(v == 0 for v in self.total.values.values()) and not self.lines


def settle(typed: Decimal | None, parts: list[Decimal], exact: Decimal, where: str, path: str,
           found: list[Discrepancy]) -> Decimal:
    """The figure to print for a subtotal: typed if within tolerance of Σ printed parts, else that Σ.

    Without a typed value the exact sum is rounded once (amounts typed in 元 round like the accounting
    software's reports)."""
    shown_sum = sum(parts, ZERO)
    if typed is None:
        return cents(exact)
    tolerance = rounding_tolerance(sum(1 for part in parts if part != 0))
    if typed == shown_sum:
        return typed
    if abs(typed - shown_sum) <= tolerance:
        found.append(Discrepancy(where, typed, shown_sum, tolerance, path, "tail"))
        return typed
    found.append(Discrepancy(where, typed, shown_sum, tolerance, path, "error"))
    return cents(shown_sum)   # print what the error message says it should be: Σ of the printed parts


Deriver = Callable[[dict[str, Decimal]], dict[str, Decimal]]


def rollup(rows: Iterable, total_row, columns: tuple[str, ...], label: str, path: str,
           names: Callable[[str], str], derived: dict[str, tuple[tuple[str, ...], int]] | None = None,
           headers: dict[str, str] | None = None) -> RolledTable:
    """Roll 项 rows up to 款, 类 and 合计.

    `derived` maps a column to (its component columns, sign pattern unused=1): e.g. total = basic + project.
    Values not typed by the user are absent from `model_fields_set`, so a typed 款 row that only states
    `fiscal` does not claim the other columns are zero.
    """
    derived = derived or {}
    headers = headers or {}
    found: list[Discrepancy] = []
    leaves: dict[str, tuple[int, object]] = {}
    typed: dict[str, tuple[int, object]] = {}
    for index, row in enumerate(rows):
        target = leaves if len(row.code) == 7 else typed
        if row.code in target:
            found.append(Discrepancy(f"{label} 科目编码 {row.code} 重复", ZERO, ZERO, ZERO,
                                     f"{path}.rows.{index}.code", "error"))
            continue
        target[row.code] = (index, row)

    def given(row, column: str) -> Decimal | None:
        if row is None or column not in row.model_fields_set:
            return None
        return getattr(row, column)

    def describe(code: str) -> str:
        return f"{label} {code or '合计行'}"

    def leaf_line(code: str, index: int, row) -> Line:
        exact = {c: (getattr(row, c) or ZERO) for c in columns if c not in derived}
        values = {c: cents(v) for c, v in exact.items()}
        for column, (parts, _) in derived.items():
            exact[column] = sum((exact[p] for p in parts), ZERO)
            values[column] = settle(given(row, column), [values[p] for p in parts], exact[column],
                                    f"{describe(code)} {headers.get(column, column)}", f"{path}.rows.{index}.{column}",
                                    found)
        return Line(code, row.name or names(code), values, exact)

    def parent_line(code: str, children: list[Line], typed_row, row_path: str) -> Line:
        values: dict[str, Decimal] = {}
        exact: dict[str, Decimal] = {}
        for column in columns:
            exact[column] = sum((c.exact[column] for c in children), ZERO)
            values[column] = settle(given(typed_row, column), [c.values[column] for c in children],
                                    exact[column], f"{describe(code)} {headers.get(column, column)}",
                                    f"{row_path}.{column}", found)
        for column, (parts, _) in derived.items():  # row identity: 合计 column = Σ its components
            part_values = [values[p] for p in parts]
            if values[column] != sum(part_values, ZERO):
                settle(values[column], part_values, exact[column],
                       f"{describe(code)} {headers.get(column, column)}（与同行各栏之和）", f"{row_path}.{column}", found)
        name = (getattr(typed_row, "name", None) if typed_row is not None else None) or names(code)
        return Line(code, name, values, exact)

    leaf_lines = {code: leaf_line(code, i, row) for code, (i, row) in leaves.items()}
    kuan_codes = sorted({c[:5] for c in leaf_lines} | {c for c in typed if len(c) == 5})
    kuan_lines: dict[str, Line] = {}
    for code in kuan_codes:
        children = [leaf_lines[c] for c in sorted(leaf_lines) if c.startswith(code)]
        index, row = typed.get(code, (None, None))
        kuan_lines[code] = parent_line(code, children, row, f"{path}.rows.{index}")
    lei_codes = sorted({c[:3] for c in kuan_lines} | {c for c in typed if len(c) == 3})
    lei_lines: dict[str, Line] = {}
    for code in lei_codes:
        children = [kuan_lines[c] for c in kuan_codes if c.startswith(code)]
        index, row = typed.get(code, (None, None))
        lei_lines[code] = parent_line(code, children, row, f"{path}.rows.{index}")
    total = parent_line(TOTAL_CODE, list(lei_lines.values()), total_row, f"{path}.total")
    total.name = "合计"

    ordered: list[Line] = []
    for lei in lei_codes:
        ordered.append(lei_lines[lei])
        for kuan in (k for k in kuan_codes if k.startswith(lei)):
            ordered.append(kuan_lines[kuan])
            ordered.extend(leaf_lines[c] for c in sorted(leaf_lines) if c.startswith(kuan))
    visible = [line for line in ordered if any(v != 0 for v in line.values.values())]
    for code in typed:
        if len(code) == 5 and not any(c.startswith(code) for c in leaf_lines):
            found.append(Discrepancy(f"{label} 款 {code} 没有下属的项", ZERO, ZERO, ZERO,
                                     f"{path}.rows.{typed[code][0]}.code", "error"))
    return RolledTable(columns, total, visible, found)
