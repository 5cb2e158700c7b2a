"""Numbers inside free text (issue 20 item 3): a change quoted in a reason against the change its sentence
prints, amounts in descriptions against the figure they describe, 元 written for 万元. A warning in a draft, an
错误 in --final, nothing when the input lists the text under `checked:`."""
from __future__ import annotations


import pytest

from conftest import edited_clean
from generator.checks import check
from generator.facts.compute import compute
from generator.input.load import load

# clean fixture: 收支总计 130.00 against 上年 140.00 (−10.00, −7.14%); 因公出国 3.00; 机关运行经费 20.00 vs 年初预算 18.00


def run(tmp_path, edit, final=False):
    folder = edited_clean(tmp_path, edit)
    loaded = load(folder)
    found = [f for f in check(loaded, compute(loaded.unit), final=final) if f.rule in ("text_figures", "unit_mixup")]
    return found, (folder / "unit.yaml").read_text(encoding="utf-8").splitlines()


def reason(key, text, checked=()):
    def edit(data):
        data["reasons"][key] = text
        data["checked"] = list(checked)
    return edit


@pytest.mark.parametrize("text", ["压减日常开支，减少10.00万元", "压减开支减少10万元", "收支总计下降7.14%",
                                  "人员经费减少6.00万元，公用经费减少4.00万元", "压减日常开支"])
def test_quotes_that_agree_pass(tmp_path, text):
    assert run(tmp_path, reason("total", text))[0] == []


@pytest.mark.parametrize("final, severity", [(False, "警告"), (True, "错误")])
def test_a_contradicting_amount_is_reported_with_both_numbers(tmp_path, final, severity):
    found, lines = run(tmp_path, reason("total", "压减日常开支，增加8.00万元"), final)
    hit, = found
    assert hit.severity == severity and hit.rule == "text_figures" and hit.path == "reasons.total"
    assert "写“增加8.00万元”" in hit.message and "减少10.00万元（130.00 对 140.00）" in hit.message
    assert (hit.expected, hit.actual) == ("-10.00", "8.00")
    assert "总计" not in lines[hit.line - 1] and lines[hit.line - 1].strip().startswith("total:")


def test_a_contradicting_percentage(tmp_path):
    hit, = run(tmp_path, reason("total", "收支总计下降8%"), True)[0]
    assert hit.severity == "错误" and "写“下降8%”" in hit.message and "-7.14%" in hit.message


def test_a_budget_reason_is_compared_with_the_budget(tmp_path):
    assert run(tmp_path, reason("office_running", "差旅费增加2.00万元"))[0] == []
    hit, = run(tmp_path, reason("office_running", "差旅费增加3.00万元"))[0]
    assert "机关运行经费与年初预算的变动为增加2.00万元" in hit.message


def test_checked_texts_are_not_compared(tmp_path):
    assert run(tmp_path, reason("total", "压减日常开支，增加8.00万元", ["reasons.total"]), True)[0] == []


def test_description_amount_above_its_figure(tmp_path):
    def edit(data):
        data["texts"] = {"three_public.abroad_content": "赴德国学习考察5.20万元"}
    hit, = run(tmp_path, edit, True)[0]
    assert hit.severity == "错误" and hit.path == "texts.three_public.abroad_content"
    assert "大于因公出国（境）费决算数 3.00万元" in hit.message and (hit.expected, hit.actual) == ("≤ 3.00", "5.20")


def test_yuan_written_for_wan(tmp_path):
    found, lines = run(tmp_path, reason("office_running", "住房公积金3.58元"))
    hit = next(f for f in found if f.rule == "unit_mixup")
    assert hit.severity == "警告" and "疑将“3.58万元”写成了“元”" in hit.message
    assert "office_running: 住房公积金3.58元" in lines[hit.line - 1]
    assert run(tmp_path, reason("office_running", "人均35838.35元"))[0] == []     # a real 元 amount
