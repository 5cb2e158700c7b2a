"""Typed subtotals (the rollup's discrepancies) and classification codes: duplicates, parents, catalogue,
classes that 公开01/04表 cannot show, and 公开06表 codes the profile does not print."""
from __future__ import annotations

from .. import catalogue
from ..facts.compute import CLASS_CODES
from ..input.money import ZERO
from .base import ERROR, WARNING, Report, money

FUNCTIONAL = (("公开02表", "income"), ("公开03表", "expenditure"), ("公开05表", "gpb"),
              ("政府性基金表", "gf"), ("国有资本经营表", "soe"))


def discrepancies(r: Report) -> None:
    """Typed 类/款/合计 values against the sum of their printed parts (tables.md §1.4, §3.1)."""
    for d in r.facts.discrepancies:
        tolerance = money(d.tolerance)
        if d.kind == "tail":
            r.amounts(WARNING, "tail", f"{d.where}：所填数与分项之和不符，差额在尾数误差允许范围（±{tolerance}）内，"
                      "按所填数印出", d.path, d.computed, d.typed)
        elif d.typed == d.computed == 0:
            r.add(ERROR, "code_duplicate" if "重复" in d.where else "code_orphan", d.where, d.path)
        else:
            r.amounts(ERROR, "rollup", f"{d.where}：所填数与分项之和不符，差额超出尾数误差（±{tolerance}），"
                      "已按分项之和印出", d.path, d.computed, d.typed)


def functional_codes(r: Report) -> None:
    """Every row's 类 must be a class (else it cannot reach 公开01/04表); unknown 款 print as placeholders."""
    seen: set = set()
    for label, key in FUNCTIONAL:
        rows = getattr(r.data.tables, key).rows
        codes = {row.code for row in rows}
        for index, row in enumerate(rows):
            path = f"tables.{key}.rows.{index}.code"
            lei, kuan = row.code[:3], row.code[:5]
            if catalogue.functional(lei) is None:
                if (lei, label) not in seen:
                    r.add(ERROR, "code_parent", f"{label}：科目编码 {row.code} 的前三位 {lei} 不是支出功能分类的类，"
                          "请核对编码", path)
                    seen.add((lei, label))
                continue
            if len(row.code) == 7 and catalogue.functional(kuan) is None and kuan not in codes and kuan not in seen:
                seen.add(kuan)
                r.add(WARNING, "code_parent", f"科目 {row.code} 所属的款 {kuan} 不在科目目录中，款级行的名称将印作"
                      f"“{catalogue.functional_name(kuan)}”；请核对编码，或增加一行 {{code: \"{kuan}\", name: 款名称}}",
                      path)
            if len(row.code) == 3 and not any(len(c) == 7 and c.startswith(row.code) for c in codes):
                r.add(ERROR, "code_orphan", f"{label} 类 {row.code} 没有下属的项", path)


def classes_in_summary(r: Report) -> None:
    """X5 (and X9 for 公开04表): a class outside the 26 class lines of 公开01/04表 would vanish from them."""
    for label, key, summary in (("公开03表", "expenditure", "公开01表"), ("公开05表", "gpb", "公开04表"),
                                ("政府性基金表", "gf", "公开04表"), ("国有资本经营表", "soe", "公开04表")):
        rows = getattr(r.data.tables, key).rows
        for line in getattr(r.facts, key).at_level(1):
            if line.code in CLASS_CODES or catalogue.functional(line.code) is None:
                continue   # unknown classes are reported by code_parent
            index = next((i for i, row in enumerate(rows) if row.code.startswith(line.code)), 0)
            r.amounts(ERROR, "X5", f"{label} 类 {line.code}（{line.name}）不在{summary}的支出功能分类行中，"
                      f"其金额不会出现在{summary}，{summary}的支出合计将小于{label}合计",
                      f"tables.{key}.rows.{index}.code", line.get("total"), ZERO)


def _economic_known(code: str) -> bool:
    return not catalogue.economic_name(code).startswith("（未收录")


def economic_codes(r: Report) -> None:
    """公开06表: an item's group (first three digits) must be an economic class of basic spending."""
    for code in r.data.tables.basic_detail.items:
        if not _economic_known(code[:3]):
            r.add(ERROR, "economic_code", f"公开06表：经济分类科目 {code} 的前三位 {code[:3]} 不是基本支出的经济分类类"
                  "（301、302、303、307、309、310、311、312、313、399）", f"tables.basic_detail.items.{code}")


def printed_basic_codes(settings: dict) -> tuple[set[str], set[str]]:
    """(codes the profile's 公开06表 grid prints, groups it prints as ———), as compose.basic_detail_grid lays them."""
    layout = settings.get("table_layout") or {}
    if not isinstance(layout, dict):
        return set(), set()
    codes = [str(c) for c in layout.get("basic_detail_codes") or []]
    printed: set[str] = set()
    for spec in layout.get("basic_detail_columns") or []:
        for item in spec if isinstance(spec, list) else [spec]:
            printed |= {c for c in codes if c[:3] == str(item)} if isinstance(item, int) else {str(item)}
    return printed, {str(g) for g in layout.get("basic_detail_na") or []}


def basic_detail_profile(r: Report) -> None:
    """公开06表 amounts on codes the profile's grid does not print would be silently dropped from the table."""
    if r.profile is None:
        return
    printed, not_applicable = printed_basic_codes(r.profile.settings)
    amounts = r.facts.basic.amounts
    items = r.data.tables.basic_detail.items
    for code in sorted(amounts):
        amount = amounts[code]
        if amount == 0 or (len(code) == 3 and any(len(c) == 5 and c.startswith(code) for c in amounts)):
            continue   # a group with items: its items are reported
        path = f"tables.basic_detail.items.{code}" if code in items else "tables.basic_detail.items"
        name = catalogue.economic_name(code)
        if code not in printed:
            r.add(ERROR, "t06_profile", f"公开06表：科目 {code}（{name}）{money(amount)}万元不在版式“{r.profile.name}”"
                  "的公开06表科目清单中，印出时会被漏掉，表内合计将与各科目之和不符；请核对编码或改用含此科目的版式",
                  path, None, money(amount))
        elif code[:3] in not_applicable:
            r.add(ERROR, "t06_profile", f"公开06表：版式“{r.profile.name}”把 {code[:3]} 类印作“———”（不适用），"
                  f"但科目 {code}（{name}）有金额 {money(amount)}万元", path, None, money(amount))


def catalogue_findings(r: Report) -> None:
    """Codes the 2024 catalogue does not know, and 项 whose 名词解释 has no explanation to print."""
    out: dict[str, tuple] = {}
    overrides = r.data.glossary.codes
    for label, key in FUNCTIONAL:
        for index, row in enumerate(getattr(r.data.tables, key).rows):
            entry = catalogue.functional(row.code)
            path = f"tables.{key}.rows.{index}.code"
            if entry is None:
                if catalogue.functional(row.code[:3]) is not None:
                    message = (f"{label}：科目编码 {row.code} 不在 2024 年支出功能分类目录中，请核对编码；"
                               "科目名称将取自输入")
                    out.setdefault(message, ("catalogue", message, path))
            elif len(row.code) == 7 and not entry.get("explanation") and row.code not in overrides:
                message = f"名词解释缺少科目 {row.code}（{entry['name']}）的说明，可在输入的 glossary.codes 中填写"
                out.setdefault(message, ("glossary", message, path))
    for rule, message, path in out.values():
        r.add(WARNING, rule, message, path)
