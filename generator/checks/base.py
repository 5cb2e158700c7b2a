"""Findings and the helpers every check module uses.

A finding names its rule, says in Chinese what is wrong, carries the expected value, the actual value and
their difference (actual − expected), and points at the input: file, line and field path.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from ..input.load import Loaded
from ..input.money import rounding_tolerance

ERROR, WARNING = "错误", "警告"


@dataclass
class Finding:
    severity: str                 # 错误 | 警告
    rule: str                     # named check, see generator.checks.RULES
    message: str
    path: str = ""
    file: str = ""
    line: int | None = None
    expected: str | None = None
    actual: str | None = None
    difference: str | None = None   # actual − expected, signed

    def __str__(self) -> str:
        where = self.file + (f" 第{self.line}行" if self.line else "") + (f" {self.path}" if self.path else "")
        values = ""
        if self.expected is not None:
            values = f"（应为 {self.expected}，实为 {self.actual}"
            values += f"，相差 {self.difference.lstrip('-+')}）" if self.difference is not None else "）"
        return f"[{self.severity}] {where}：{self.message}{values}"

    def as_dict(self) -> dict:
        return asdict(self)


def locate(loaded: Loaded, path: str) -> tuple[str, int | None]:
    return loaded.source.locate_path(path)


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def addends(*values: Decimal) -> int:
    """Rounded figures that can carry a tail: zeros are exact, so they do not widen the tolerance."""
    return max(1, sum(1 for v in values if v != 0))


class Report:
    """Collects the findings of one run; `data`/`facts`/`profile` are what the checks read."""

    def __init__(self, loaded: Loaded, facts, profile=None, final: bool = False):
        self.loaded, self.facts, self.profile = loaded, facts, profile
        self.final = final          # --final: what a draft only warns about (unchecked text figures) is an 错误
        self.findings: list[Finding] = []

    @property
    def data(self):
        return self.loaded.unit

    def add(self, severity: str, rule: str, message: str, path: str = "", expected: str | None = None,
            actual: str | None = None, difference: str | None = None, at: tuple | None = None) -> None:
        """`at`: the location as a key tuple, for keys that contain dots (reasons.gpb.item.2010301)."""
        if at is not None:
            file, line = self.loaded.source.locate(at)
        else:
            file, line = locate(self.loaded, path) if path else (str(self.loaded.source.root), None)
        self.findings.append(Finding(severity, rule, message, path, file, line, expected, actual, difference))

    def amounts(self, severity: str, rule: str, message: str, path: str, expected: Decimal, actual: Decimal) -> None:
        self.add(severity, rule, message, path, money(expected), money(actual), money(actual - expected))

    def identity(self, rule: str, what: str, expected: Decimal, actual: Decimal, path: str, parts: int = 1,
                 beyond: str = ERROR, exact: bool = False) -> bool:
        """`actual` must equal `expected`; within the 尾数误差 of `parts` rounded addends a 警告, else `beyond`.

        `exact`: one figure printed twice (not a sum of rounded parts), so no tolerance applies.
        Returns True when the two agree exactly."""
        diff = actual - expected
        if diff == 0:
            return True
        if exact or rounding_tolerance(parts) == 0:     # one figure, or one rounded part: no tail possible
            self.amounts(beyond, rule, f"{what}；两处是同一个数，应完全相等", path, expected, actual)
            return False
        tolerance = rounding_tolerance(parts)
        if abs(diff) <= tolerance:
            self.amounts(WARNING, rule, f"{what}；差额在尾数误差允许范围（±{money(tolerance)}）内", path, expected, actual)
        else:
            self.amounts(beyond, rule, f"{what}；差额超出尾数误差（±{money(tolerance)}）", path, expected, actual)
        return False

    def at_most(self, rule: str, what: str, limit: Decimal, value: Decimal, path: str, parts: int = 1) -> None:
        """`value` must not exceed `limit` (beyond the 尾数误差 an 错误)."""
        excess = value - limit
        if excess <= 0:
            return
        tolerance = rounding_tolerance(parts)
        severity, note = (WARNING, "在尾数误差允许范围") if excess <= tolerance else (ERROR, "超出尾数误差")
        self.add(severity, rule, f"{what}；超出 {money(excess)}，{note}（±{money(tolerance)}）",
                 path, f"≤ {money(limit)}", money(value), money(excess))

