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
    """Every row's 类 must be a class (else it cannot reach 公开01/04表); a 类 row needs 项 under it."""
    seen: set = set()
    for label, key in FUNCTIONAL:
        rows = getattr(r.data.tables, key).rows
        codes = {row.code for row in rows}
        for index, row in enumerate(rows):
            path = f"tables.{key}.rows.{index}.code"
            lei = row.code[:3]
            if lei not in CLASS_CODES and catalogue.functional(lei) is None:
                if (lei, label) not in seen:
                    r.add(ERROR, "code_parent", f"{label}：科目编码 {row.code} 的前三位 {lei} 不是支出功能分类的类，"
                          "请核对编码", path)
                    seen.add((lei, label))
                continue
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


def _typed_codes(r: Report):
    """(label, code, field path) of every functional code the input types, tables first."""
    for label, key in FUNCTIONAL:
        for index, row in enumerate(getattr(r.data.tables, key).rows):
            yield label, row.code, f"tables.{key}.rows.{index}.code"
    b = r.data.budget
    for field in ("gpb_items", "gf_items", "soe_items", "gpb_classes"):
        for code in getattr(b, field):
            yield "年初预算", code, f"budget.{field}.{code}"
    for code in r.data.prior.gpb_classes:
        yield "上年数", code, f"prior.gpb_classes.{code}"
    for code in r.data.glossary.codes:
        yield "名词解释", code, f"glossary.codes.{code}"


def catalogue_findings(r: Report) -> None:
    """Codes (and their 款/类) the year's catalogue does not know are 错误: they would print as placeholders;
    a 项 whose 名词解释 has no explanation is a 警告. Change entries that could not apply are 错误."""
    cat = catalogue.current()
    year = r.data.unit.year
    edition = f"{cat.year}年版" if cat.year == year else f"最接近的{cat.year}年版"
    for where, message in cat.problems:
        head, _, rest = where.partition(" ")
        path = f"catalogue.{rest}" if head == "catalogue" and rest else ("catalogue" if head == "catalogue" else "")
        r.add(ERROR, "catalogue", f"科目目录增补（{'输入的 catalogue' if head == 'catalogue' else head}）：{message}", path)
    reported: set[str] = set()
    for label, code, path in _typed_codes(r):
        if code[:3] not in CLASS_CODES and cat.functional(code[:3]) is None:
            continue   # not an expenditure class at all: code_parent
        for level in (code[:3], code[:5], code)[: {3: 1, 5: 2}.get(len(code), 3)]:
            if cat.functional(level) is None and level not in reported:
                reported.add(level)
                what = "" if level == code else f"（{code} 所属的{'款' if len(level) == 5 else '类'}）"
                r.add(ERROR, "catalogue", f"{label}：科目编码 {level}{what} 不在 {year} 年政府收支分类科目（{edition}）中，"
                      "会印作“（未收录科目…）”；请核对编码，或在输入的 catalogue.added 中增补（见 generator/catalogue/README.md）",
                      path)
    overrides = r.data.glossary.codes
    explained: set[str] = set()
    for label, key in FUNCTIONAL:
        for index, row in enumerate(getattr(r.data.tables, key).rows):
            entry = cat.functional(row.code)
            if entry and len(row.code) == 7 and not entry.get("explanation") and row.code not in overrides \
                    and row.code not in explained:
                explained.add(row.code)
                r.add(WARNING, "glossary", f"名词解释缺少科目 {row.code}（{entry['name']}）的说明，可在输入的 glossary.codes "
                      "或 catalogue.explanations 中填写", f"tables.{key}.rows.{index}.code")


def _plain(name: str) -> str:
    return "".join(name.replace("(", "（").replace(")", "）").split())


def code_names(r: Report) -> None:
    """One code, one name: a name typed in two tables differently, or unlike the year's catalogue, is an 错误
    (the publication would print both); a local name belongs in the catalogue changes (catalogue.names)."""
    cat = catalogue.current()
    first: dict[str, tuple[str, str, str]] = {}
    for label, key in FUNCTIONAL:
        for index, row in enumerate(getattr(r.data.tables, key).rows):
            if not row.name:
                continue
            path = f"tables.{key}.rows.{index}.name"
            seen = first.setdefault(row.code, (label, row.name, path))
            if seen[2] != path and _plain(seen[1]) != _plain(row.name):
                r.add(ERROR, "code_name", f"科目 {row.code} 在{seen[0]}中名为“{seen[1]}”，在{label}中名为“{row.name}”；"
                      "同一科目只能有一个名称", path, seen[1], row.name)
    for code, (label, name, path) in first.items():
        entry = cat.functional(code)
        if entry and entry.get("name") and _plain(entry["name"]) != _plain(name):
            r.add(ERROR, "code_name", f"{label}：科目 {code} 填写的名称“{name}”与 {r.data.unit.year} 年科目目录的名称"
                  f"“{entry['name']}”不同；请核对编码与名称，或在输入的 catalogue.names 中写明本地名称", path,
                  entry["name"], name)
