"""Stage 2: findings about the data before anything is published (severity 错误 or 警告).

Each finding carries a Chinese message, the expected and actual values and a location (file, line,
field path) so the draft's summary page, the terminal and --format json all say the same thing.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from . import catalogue
from .compute import Facts
from .fonts import missing_glyphs
from .load import Loaded


@dataclass
class Finding:
    severity: str                 # 错误 | 警告
    rule: str                     # named check, e.g. "rollup", "glyphs"
    message: str
    path: str = ""
    file: str = ""
    line: int | None = None
    expected: str | None = None
    actual: str | None = None

    def __str__(self) -> str:
        where = self.file + (f" 第{self.line}行" if self.line else "") + (f" {self.path}" if self.path else "")
        values = ""
        if self.expected is not None:
            values = f"（应为 {self.expected}，实为 {self.actual}）"
        return f"[{self.severity}] {where}：{self.message}{values}"

    def as_dict(self) -> dict:
        return asdict(self)


def _locate(loaded: Loaded, path: str) -> tuple[str, int | None]:
    parts = tuple(int(p) if p.isdigit() and not p.startswith("0") and len(p) < 6 else p for p in path.split("."))
    return loaded.source.locate(parts)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def rollup_findings(loaded: Loaded, facts: Facts) -> list[Finding]:
    out = []
    for d in facts.discrepancies:
        file, line = _locate(loaded, d.path)
        if d.kind == "tail":
            out.append(Finding("警告", "tail", f"{d.where}：所填数与分项之和相差 {_money(abs(d.difference))}，"
                               f"在尾数误差允许范围（±{_money(d.tolerance)}）内，按所填数印出",
                               d.path, file, line, _money(d.computed), _money(d.typed)))
        elif d.typed == d.computed == 0:
            out.append(Finding("错误", "code", d.where, d.path, file, line))
        else:
            out.append(Finding("错误", "rollup", f"{d.where}：所填数与分项之和相差 {_money(abs(d.difference))}，"
                               f"超出尾数误差（±{_money(d.tolerance)}），已按计算数印出",
                               d.path, file, line, _money(d.computed), _money(d.typed)))
    return out


def glyph_findings(loaded: Loaded) -> list[Finding]:
    missing = missing_glyphs("".join(_strings(loaded.unit.model_dump())))
    if not missing:
        return []
    return [Finding("错误", "glyphs", f"固定字体中没有这些字符，印出时会缺字：{' '.join(missing[:20])}",
                    "", str(loaded.source.root))]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def catalogue_findings(loaded: Loaded, facts: Facts) -> list[Finding]:
    """Codes the 2024 catalogue does not know, and 项 whose 名词解释 has no explanation to print."""
    out = []
    overrides = loaded.unit.glossary.codes
    for label, table, path in (("公开02表", facts.income, "tables.income"), ("公开03表", facts.expenditure,
                               "tables.expenditure"), ("公开05表", facts.gpb, "tables.gpb"),
                               ("政府性基金表", facts.gf, "tables.gf"), ("国有资本经营表", facts.soe, "tables.soe")):
        rows = getattr(loaded.unit.tables, path.split(".")[1]).rows
        for index, row in enumerate(rows):
            entry = catalogue.functional(row.code)
            where = f"{path}.rows.{index}.code"
            file, line = _locate(loaded, where)
            if entry is None:
                out.append(Finding("警告", "catalogue", f"{label}：科目编码 {row.code} 不在 2024 年支出功能分类目录中，"
                                   "请核对编码；科目名称将取自输入", where, file, line))
            elif len(row.code) == 7 and not entry.get("explanation") and row.code not in overrides:
                out.append(Finding("警告", "glossary", f"名词解释缺少科目 {row.code}（{entry['name']}）的说明，"
                                   f"可在输入的 glossary.codes 中填写", where, file, line))
    unique: dict[tuple, Finding] = {}
    for finding in out:
        unique.setdefault((finding.rule, finding.message), finding)
    return list(unique.values())


def check(loaded: Loaded, facts: Facts) -> list[Finding]:
    return rollup_findings(loaded, facts) + catalogue_findings(loaded, facts) + glyph_findings(loaded)
