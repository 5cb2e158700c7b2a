"""第五部分 附件: self-evaluation arithmetic, tables, Markdown reports and appended PDFs."""
from __future__ import annotations

import io
import shutil
from decimal import Decimal as D

import pdfplumber
import pypdfium2 as pdfium
import pytest

from conftest import INPUTS, normalize
from generator.pipeline import run
from generator.input.load import load
from generator.facts.narrative import project_result

TOTALS_000 = ["88.00", "93.50", "96.18", "89.09", "99.50", "90.00", "84.00", "91.20"]


def test_self_evaluation_arithmetic_matches_seed_000():
    projects = load(INPUTS / "yanzhou-2024").unit.performance.projects
    results = [project_result(p) for p in projects]
    assert [f"{r.score:.2f}" for r in results] == TOTALS_000
    hotline = next(r for r in results if r.name == "政务热线服务经费")
    assert (hotline.rate, hotline.execution_score, hotline.grade) == (D("61.78"), D("6.18"), "优")
    assert [r.execution_score for r in results] == [D("0"), D("10"), D("6.18"), D("5.09"), D("10"), D("0"), D("0"),
                                                      D("7.20")]
    assert [r.grade for r in results].count("优") == 5 and [r.grade for r in results].count("良") == 3


def test_execution_score_uses_the_unrounded_ratio_and_is_capped():
    project = load(INPUTS / "yanzhou-2024").unit.performance.projects[2]
    shanxi_like = project.model_copy(update={"funds": project.funds.model_copy(update={
        "total": project.funds.total.model_copy(update={"full_year": D("30"), "executed": D("6.224")})})})
    assert project_result(shanxi_like).execution_score == D("2.07")        # 10 × 0.207467, not 10 × 0.2075
    over = project.model_copy(update={"funds": project.funds.model_copy(update={
        "total": project.funds.total.model_copy(update={"full_year": D("10"), "executed": D("12")})})})
    assert project_result(over).execution_score == D("10.00")
    assert project_result(over, capped=False).execution_score == D("12.00")


def test_pdf_holds_summary_project_tables_and_report(built):
    b = built("yanzhou-2024")
    start = next(i for i, p in enumerate(b.pages) if "绩效自评情况汇总表" in normalize(p) and "序号" in normalize(p))
    summary = normalize(b.pages[start])
    for name in ["综治平台网络租赁费", "社会治理专项经费", "政务热线服务经费", "网格化管理费用（本级）",
                 "群众满意度工作经费", "社会治理信息系统建设经费", "网格化管理费用（13名网格员）"]:
        assert normalize(name) in summary, name
    for score in TOTALS_000:
        assert score in summary
    tables = normalize("".join(b.pages[start + 1:]))
    for score in TOTALS_000:
        assert f"总分100{score}" in tables, score
    assert "年度资金总额54.654.633.731061.78%6.18" in tables
    for heading in ["政务热线服务经费项目支出绩效评价报告", "一、项目基本情况", "（一）项目立项", "四、评价结论及分析",
                    "八、意见建议"]:
        assert heading in tables, heading


def test_report_has_toc_entry_and_bookmark(built):
    b = built("yanzhou-2024")
    titles = [bm.get_title() for bm in b.pdf.get_toc()]
    assert "政务热线服务经费项目支出绩效评价报告" in titles
    assert "2024年度区级预算项目绩效自评情况汇总表" in titles
    assert "政务热线服务经费项目支出绩效评价报告" in normalize(b.pages[1] + b.pages[2])


def test_markdown_and_pdf_attachments(tmp_path, built):
    copy = tmp_path / "in"
    shutil.copytree(INPUTS / "zaozhuang-2024", copy)
    (copy / "extra.md").write_text("# 附件说明\n\n## 一、情况\n\n- 第一条 **重点**\n- 第二条\n\n| 项目 | 金额 |\n|---|---|\n"
                                   "| 办公费 | 1.00 |\n\n<script>alert(1)</script> [链接](file:///etc/passwd)\n",
                                   encoding="utf-8")
    (copy / "extra.pdf").write_bytes(built("shanxi-2024").pdf_bytes)
    with open(copy / "performance.yaml", "a", encoding="utf-8") as handle:
        handle.write("\nattachments:\n  - {title: 补充说明, markdown: extra.md}\n  - {title: 山西示例, pdf: extra.pdf}\n")
    result = run(copy, ("pdf", "html"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.html and "<script>" not in result.html
    assert "<table>" in result.html and "<strong>重点</strong>" in result.html
    doc = pdfium.PdfDocument(result.outputs["pdf"])
    own = len(pdfium.PdfDocument(built("zaozhuang-2024").pdf_bytes))
    appended = len(pdfium.PdfDocument(built("shanxi-2024").pdf_bytes))
    assert len(doc) == own + 2 + appended          # each attachment section starts a page
    marks = [(bm.level, bm.get_title(), bm.get_dest().get_index()) for bm in doc.get_toc()]
    assert (0, "山西示例", len(doc) - appended) in marks          # bookmark to the appended pages
    assert (1, "山西示例", len(doc) - appended - 1) in marks      # and the 第五部分 heading naming it
    assert (1, "补充说明", own) in marks


def test_attachment_outside_the_input_directory_is_refused(tmp_path):
    from generator.input.load import InputError

    copy = tmp_path / "in"
    shutil.copytree(INPUTS / "zaozhuang-2024", copy)
    with open(copy / "performance.yaml", "a", encoding="utf-8") as handle:
        handle.write("\nattachments:\n  - {title: 偷看, markdown: ../../../../etc/passwd}\n")
    with pytest.raises(InputError) as caught:
        load(copy)
    assert "必须位于输入目录内" in caught.value.problems[0].message


def test_sixty_projects_with_long_text_render_without_overflow(tmp_path):
    import yaml

    copy = tmp_path / "in"
    shutil.copytree(INPUTS / "yanzhou-2024", copy)
    perf = yaml.safe_load((copy / "performance.yaml").read_text(encoding="utf-8"))
    template = perf["performance"]["projects"][2]
    long = "为落实基层减负要求，网格化事件相关指标已不再纳入考核范围，全区网格事项上报数量减少，督办次数同步减少。" * 4
    projects = []
    for i in range(60):
        p = dict(template, name=f"第{i + 1}个长名称项目——网格化管理与社会治理综合信息平台运行维护及升级改造服务经费")
        p["indicators"] = [dict(ind, level3=ind["level3"] + "（含各镇街分中心及村居网格站点）", deviation=long)
                           for ind in template["indicators"]]
        p.pop("total_score", None)
        projects.append(p)
    perf["performance"]["projects"] = projects
    perf["performance"]["key_evaluations"] = []
    (copy / "performance.yaml").write_text(yaml.safe_dump(perf, allow_unicode=True), encoding="utf-8")
    data = run(copy, ("pdf",)).outputs["pdf"]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for ch in page.chars:
                assert 0 <= ch["x0"] and ch["x1"] <= page.width + 0.5, (page.page_number, ch["text"])
                assert 0 <= ch["top"] and ch["bottom"] <= page.height + 0.5, (page.page_number, ch["text"])
        text = normalize("".join(p.extract_text() or "" for p in pdf.pages))
    for i in (1, 30, 60):
        assert f"第{i}个长名称项目" in text


def test_shanxi_self_evaluation_table_in_its_own_layout(built):
    b = built("shanxi-2024")
    flat = b.flat
    assert "绩效自评情况汇总表" not in flat                           # seed 002 has no summary table
    assert "省级政务服务投诉举报业务经费项目支出绩效自评表（2024年度）" in flat
    assert "主管部门及代码228-山西省行政审批服务管理局" in flat
    assert "资金总额：030306.22423.77620.752.07" in flat               # 6.224 and 23.776 printed exactly
    assert "年初指标值调整前指标值实际完成值" in flat
    assert "宣传资料印制次数（次）一月次—12月次—0月次60" in flat
    assert "总分59.62差" in flat and "项目绩效分析项目实际和预算执行情况" in flat
