"""Numbers inside free text: an amount or percentage a reason quotes for a change is compared with the change
the sentence prints (a real publication explained a rise of 269.38 with “增加246.24万元”), and an amount a
description quotes must fit inside the figure it describes.

A contradiction is a 警告 in a draft and an 错误 in --final, unless the input lists the text under `checked:`
(reasons.<key> / texts.<key>), which says someone compared it with the tables by hand.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..input.money import ZERO, cents, pct
from .base import ERROR, WARNING, Report, money

UP, DOWN = ("增加", "增长", "上升", "提高", "超支", "多支出", "增支"), ("减少", "下降", "降低", "节约", "节支", "少支出", "减支", "压减")
_VERB = "|".join(UP + DOWN)
_CHANGE = re.compile(rf"({_VERB})了?(?:约)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万元|元|%|％)")
_AMOUNT = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万元|元)")


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _as_printed(value: Decimal, quoted: Decimal) -> Decimal:
    """The computed figure at the precision the text quotes (“增加246万元” against 246.24)."""
    places = max(0, -quoted.as_tuple().exponent)
    return value.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")


def _comparisons(r: Report, key: str) -> list[tuple[str, Decimal, Decimal]]:
    """(what, current, other) pairs a reason key explains; the sentence prints current − other."""
    f, p, b = r.facts, r.facts.prior, r.data.budget
    out: list[tuple[str, Decimal, Decimal | None]] = []
    if key == "total":
        out.append(("收支总计与上年", f.t01[31], p.total))
    elif key == "fiscal_total":
        out.append(("财政拨款收支总计与上年", f.t04_left[32], p.fiscal_total))
    elif key == "gpb.total":
        out.append(("一般公共预算财政拨款支出与上年", f.gpb.total.get("total"), p.gpb_expenditure))
    elif key == "gpb.budget":
        out.append(("一般公共预算财政拨款支出与年初预算", f.gpb.total.get("total"), b.gpb_total))
    elif key.startswith(("income.", "expenditure.")):
        group, column = key.split(".", 1)
        table = f.income if group == "income" else f.expenditure
        prior = getattr(p, group)
        out.append((f"{key}与上年", table.total.get(column), getattr(prior, column, None) if prior else None))
    elif key.startswith(("gpb.item.", "gf.item.", "soe.item.")):
        fund, _, code = key.split(".", 2)
        line = getattr(f, fund).line(code)
        budget = getattr(b, f"{fund}_items").get(code)
        out.append((f"科目 {code} 决算数与年初预算", line.get("total") if line else ZERO, budget))
    elif key.startswith("gpb.class."):
        code = key.split(".", 2)[2]
        line = f.gpb.line(code)
        current = line.get("total") if line else ZERO
        out += [(f"类 {code} 与上年", current, p.gpb_classes.get(code)), (f"类 {code} 决算数与年初预算", current,
                                                                       b.gpb_classes.get(code))]
    elif key.startswith("three_public."):
        item = key.split(".", 1)[1]
        item = "vehicle_total" if item == "vehicle" else item
        actual, budget = f.three_public_actual, f.three_public_budget
        if hasattr(actual, item):
            prior = getattr(p.three_public, item, None) if p.three_public is not None else None
            out += [(f"“三公”经费 {item} 决算数与预算", getattr(actual, item), getattr(budget, item)),
                    (f"“三公”经费 {item} 与上年", getattr(actual, item), prior)]
    elif key == "office_running" and f.office_running is not None:
        out.append(("机关运行经费与年初预算", f.office_running, r.data.office_running.budget))
        out.append(("机关运行经费与上年", f.office_running, p.office_running))
    return [(what, cents(current), cents(other)) for what, current, other in out if other is not None]


def _quotes(text: str):
    for match in _CHANGE.finditer(text):
        number = _number(match.group(2))
        if number is not None:
            unit = match.group(3)
            sign = 1 if match.group(1) in UP else -1
            yield match.group(0), sign, (number / 10000 if unit == "元" else number), unit in ("%", "％")


def _checked(r: Report, path: str) -> bool:
    return path in set(r.data.checked)


def _severity(r: Report) -> str:
    return ERROR if r.final else WARNING


def reason_figures(r: Report) -> None:
    """A change quoted in a reason must be the change its sentence prints (or, quoted with several others,
    they must add up to it)."""
    for key, text in r.data.reasons.items():
        path = f"reasons.{key}"
        pairs = _comparisons(r, key)
        quotes = list(_quotes(text or ""))
        if not pairs or not quotes or _checked(r, path):
            continue
        amounts = [(q, s * v) for q, s, v, percent in quotes if not percent]
        percents = [(q, s * v) for q, s, v, percent in quotes if percent]
        problems = []
        if amounts:
            fits = any(_as_printed(cur - other, abs(v)) == v for _, cur, other in pairs for _, v in amounts) or \
                any(sum((v for _, v in amounts), ZERO) == cur - other for _, cur, other in pairs)
            if not fits:
                what, cur, other = pairs[0]
                quoted, value = amounts[0]
                problems.append((f"写“{quoted}”，而{what}的变动为{'增加' if cur >= other else '减少'}"
                                 f"{money(abs(cur - other))}万元（{money(cur)} 对 {money(other)}）",
                                 money(cur - other), money(value)))
        if percents:
            rates = [pct(cur - other, other) for _, cur, other in pairs if other]
            if rates and not any(_as_printed(rate, abs(v)) == v for rate in rates if rate is not None
                                 for _, v in percents):
                quoted, value = percents[0]
                problems.append((f"写“{quoted}”，而{pairs[0][0]}的变动率为 {rates[0]}%", str(rates[0]), str(value)))
        for message, expected, actual in problems:
            r.add(_severity(r), "text_figures", f"reasons 中的“{key}”{message}；请核对文字，核对无误可在 checked 中"
                  f"列出“{path}”", path, expected, actual, at=("reasons", key))


def _limits(r: Report, key: str) -> tuple[str, Decimal] | None:
    """The figure a description's amounts belong to (none of them can exceed it)."""
    f = r.facts
    a = f.three_public_actual
    table = {"three_public.abroad_content": ("因公出国（境）费决算数", a.abroad),
             "three_public.vehicle_running_content": ("公务用车运行维护费", a.vehicle_running),
             "three_public.vehicle_purchase_content": ("公务用车购置费", a.vehicle_purchase),
             "three_public.domestic_reception_content": ("国内接待费", cents(r.data.tables.three_public.counts.domestic_reception)),
             "three_public.abroad_reception_content": ("国（境）外接待费", cents(r.data.tables.three_public.counts.abroad_reception)),
             "basic.public_list": ("公用经费合计", f.basic.public_total)}
    if key in table:
        return table[key]
    if key.startswith("gpb.class_purpose."):
        line = f.gpb.line(key.rsplit(".", 1)[1])
        return (f"一般公共预算财政拨款支出类 {key.rsplit('.', 1)[1]}", line.get("total") if line else ZERO)
    return None


def text_figures(r: Report) -> None:
    """An amount a description quotes cannot exceed the figure the description belongs to."""
    for key, text in r.data.texts.items():
        path = f"texts.{key}"
        limit = _limits(r, key)
        if limit is None or _checked(r, path):
            continue
        label, whole = limit
        for match in _AMOUNT.finditer(text or ""):
            value = _number(match.group(1))
            if value is None:
                continue
            value = value / 10000 if match.group(2) == "元" else value
            if value > whole:
                r.add(_severity(r), "text_figures", f"texts 中的“{key}”写“{match.group(0)}”，大于{label} {money(whole)}万元；"
                      f"请核对文字（万元/元？），核对无误可在 checked 中列出“{path}”", path, f"≤ {money(whole)}",
                      money(cents(value)), at=("texts", key))
                break


_YUAN = re.compile(r"(?<![万亿\d.,])([0-9]{1,4}\.[0-9]{2})\s*元")


def unit_mixups(r: Report) -> None:
    """An amount like “3.58元” in a reason or description: the publication counts in 万元, and 元 amounts
    below 10,000 written to the fen are almost always 万元 figures with the wrong unit (the auditors' R001)."""
    for group in ("reasons", "texts"):
        for key, text in getattr(r.data, group).items():
            path = f"{group}.{key}"
            match = _YUAN.search(text or "")
            if match and not _checked(r, path):
                r.add(_severity(r), "unit_mixup", f"{group} 中的“{key}”写“{match.group(0)}”：全文金额以万元为单位，"
                      f"疑将“{match.group(1)}万元”写成了“元”；核对无误可在 checked 中列出“{path}”", path,
                      f"{match.group(1)}万元", match.group(0), at=(group, key))


_REPEATED = re.compile(r"([\u4e00-\u9fa5]{2,})\1")
# a word that is legitimately doubled (“…的的确确”) would be a rare false positive; the officer can reword


def _free_texts(r: Report):
    d = r.data
    for group in ("reasons", "texts"):
        for key, text in getattr(d, group).items():
            yield f"{group}.{key}", (group, key), text
    for field in ("duties", "organization"):
        yield f"overview.{field}", None, getattr(d.overview, field)
    yield "performance.overview", None, d.performance.overview
    for i, p in enumerate(d.performance.projects):
        for field in ("goal_expected", "goal_actual", "completion", "problems", "measures", "low_score_note"):
            yield f"performance.projects.{i}.{field}", None, getattr(p, field)
        for title, text in p.analysis.items():
            yield f"performance.projects.{i}.analysis", None, text


def repeated_words(r: Report) -> None:
    """Adjacent repeated words (“提升了数据数据的准确性”), the auditors' R003: a 警告 naming the words."""
    for path, at, text in _free_texts(r):
        match = _REPEATED.search(text or "")
        if match:
            r.add(WARNING, "repeated_words", f"文字中有重复的词“{match.group(0)}”，请核对", path,
                  match.group(1), match.group(0), at=at)


# The auditors' R005: 住房公积金 explained as medical insurance (and the reverse), in a 名词解释 override.
_PURPOSES = (("2210201", ("医疗保险", "医保", "医疗费"), "住房公积金"), ("21011", ("住房公积金",), "行政事业单位医疗"))


def code_purposes(r: Report) -> None:
    sources = [(f"glossary.codes.{code}", code, text) for code, text in r.data.glossary.codes.items()]
    if r.data.catalogue is not None:
        sources += [(f"catalogue.explanations.{code}", code, text)
                    for code, text in r.data.catalogue.explanations.items()]
    for path, code, text in sources:
        for prefix, words, what in _PURPOSES:
            found = next((w for w in words if w in text), None)
            if code.startswith(prefix) and found:
                r.add(WARNING, "code_purpose", f"科目 {code}（{what}）的说明写了“{found}”，疑为把另一科目的用途"
                      "写到了这里，请核对", path, what, found)
