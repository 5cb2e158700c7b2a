"""The validator's rules, by theme. `CHECKS` runs in this order; `RULES` documents every rule name.

Rule names of accounting identities are the IDs of tables.md §3 (X1, I04.8 …); the others name what they
check. Severity: 错误 for what makes the publication wrong, 警告 for 尾数误差 and for what may be right.
"""
from __future__ import annotations

from . import across
from . import codes
from . import freetext
from . import inputs
from . import keys
from . import narrative
from . import performance
from . import text
from . import within

CHECKS = (
    inputs.table_data, keys.unknown_keys,
    codes.discrepancies, codes.functional_codes, codes.classes_in_summary, codes.economic_codes,
    codes.basic_detail_profile, codes.catalogue_findings, codes.code_names,
    within.summary_totals, within.fiscal_balances, within.gf_closing, within.three_public, within.vehicles,
    within.procurement,
    across.fiscal_income, across.basic_detail, across.gf_summary, across.fiscal_split, across.rows_t03_fiscal,
    across.rows_t02_t03, across.gf_income_rows, across.three_public_basic,
    narrative.budgets, narrative.prior_figures, narrative.scope_words, narrative.office_running,
    narrative.reasons_supported, narrative.public_list, freetext.reason_figures, freetext.text_figures,
    freetext.unit_mixups, freetext.repeated_words, freetext.code_purposes,
    performance.projects, performance.execution, performance.project_money, performance.key_evaluations,
    text.glyphs,
)

RULES = {
    # typed subtotals and codes
    "tail": "所填的类/款/合计/小计与分项之和相差在尾数误差内（警告，按所填数印出）",
    "rollup": "所填的类/款/合计/小计与分项之和相差超出尾数误差（I02–I06、I09、I10 的行内与汇总关系）",
    "code_duplicate": "同一张表中科目编码重复",
    "code_orphan": "所填的类或款没有下属的项",
    "code_parent": "科目编码的前三位不是支出功能分类的类",
    "code_level": "年初预算按项/按类填写的编码位数不对",
    "X5": "公开03/05表及基金、国资表的类不在公开01/04表的 26 个类行中，金额会从总表中消失",
    "economic_code": "公开06表科目的前三位不是基本支出的经济分类类",
    "t06_profile": "公开06表有金额的科目不在版式的科目清单中（会被漏印）或属于印作“———”的类",
    "catalogue": "科目编码（或其所属的款、类）不在决算年度的支出功能分类科目中，或目录增补无法使用",
    "code_name": "同一科目在不同表中名称不同，或所填名称与决算年度科目目录不同（本地名称写在 catalogue.names）",
    "table_data": "输入中没有决算表数据，或公开02/03/05表没有科目行而总计不为 0（表格文件改了名？）",
    "unknown_key": "reasons、texts、wording、checked 中没有句子使用的键（附最接近的键）",
    "glossary": "名词解释缺少某个项的说明（警告）",
    # within tables
    "X1": "所填公开01表本年收入合计（行27）= 公开02表合计",
    "X4": "所填公开01表本年支出合计（行58）= 公开03表合计",
    "I01.5": "公开01表收入总计（行31）= 支出总计（行62）",
    "I04.8": "公开04表每种财政拨款：本年收入 + 年初结转结余 = 本年支出（公开05表/基金表/国资表合计）+ 年末结转结余"
             "（n 个非零项的尾数误差至多 ⌊n/2⌋ 分，一项时完全相等）",
    "I04.7": "所填公开04表收入总计（行32）= 支出总计（行64）",
    "X8": "财政拨款年初/年末结转结余不大于公开01表的年初/年末结转结余",
    "I07.1": "政府性基金表每行：年末结转和结余 = 年初 + 本年收入 − 本年支出",
    "three_public_reception": "国内接待费 + 国（境）外接待费 = 公务接待费决算数",
    "three_public_foreign": "其中外事接待的金额、批次、人次不大于国内接待",
    "three_public_counts": "“三公”金额与团组/车辆/批次/人次数相互矛盾（警告）",
    "vehicles": "国有资产车辆合计 = “三公”公务用车保有量（警告）",
    "procurement_sme": "授予中小企业金额不超过采购总额及各类支出，小微 ≤ 中小，分类之和 = 中小企业合计",
    # across tables
    "X2": "公开02表合计财政拨款收入 = 公开01/04表行1–3 之和；只有一种财政拨款时即 公开01表 r1 一般公共预算财政拨款收入 = "
          "公开04表 r1 本年收入 = 公开02表 财政拨款收入，同一个数，完全相等",
    "X10": "公开05表合计基本支出 = 公开06表人员经费合计 + 公用经费合计",
    "X11": "政府性基金表合计的年初、本年收入、年末 = 公开04表政府性基金列",
    "X13": "公开03表合计基本/项目支出 = 公开05表 + 基金表 + 国资表（有非财政拨款资金时只要求不小于）",
    "X14": "公开03表每个科目 = 三张财政拨款表同一科目之和（有非财政拨款资金时只要求不小于），报告不符的科目",
    "t02_t03_rows": "没有结转结余时，公开02表每个科目的收入 = 公开03表同一科目的支出（同一个数，完全相等）",
    "X16": "政府性基金表某科目的本年收入不大于公开02表该科目的财政拨款收入",
    "S1": "“三公”决算数不小于公开06表对应科目（警告）",
    # narrative inputs
    "budget_items": "年初预算总额 = 各项（或各类）年初预算之和；类预算 = 其下各项之和",
    "prior_sum": "上年数相互一致：各项收入/支出之和 = 上年总计，按类之和 = 一般公共预算支出，三公合计（警告）",
    "scope_words": "全文一个主体词：unit.scope 与 table_scope 不同，或文字中出现另一个主体词（警告）",
    "office_running": "事业单位填写了机关运行经费，或行政/参公单位的机关运行经费不等于公用经费合计（警告）",
    "reason_unsupported": "机关运行经费的原因提到公开06表中为 0 的开支（警告）",
    "public_list": "公用经费开支内容未提到公开06表中有金额的科目（警告）",
    "text_figures": "原因中写的变动金额、百分比与句子印出的变动不符，或说明文字中的金额大于它所说明的数"
                    "（草稿中为警告，--final 中为错误；checked 中列出的文字不查）",
    "repeated_words": "文字中相邻重复的词（如“数据数据”）（警告）",
    "code_purpose": "名词解释中住房公积金写成医疗保险一类用途，或行政事业单位医疗写成住房公积金（警告）",
    "unit_mixup": "原因或说明文字中写“3.58元”这类不足一万、精确到分的元金额，疑为万元误写（草稿警告，--final 错误）",
    # performance
    "project_execution_score": "预算执行率得分 = 分值 × min(执行数/预算数, 1)",
    "project_total_score": "总分 = 预算执行率得分 + 各指标得分",
    "project_grade": "等级与总分所在分档一致",
    "indicator_score": "指标得分不大于分值",
    "indicator_weights": "执行率分值与各指标分值之和为 100（警告）",
    "cost_target": "成本指标的指标值不大于项目全年预算数（警告）",
    "indicator_name": "成本指标名称写成了另一个项目的名称（警告）",
    "project_funds": "年度资金总额 = 当年财政拨款 + 上年结转 + 其他资金",
    "project_executed_total": "自评项目执行数之和 = 项目支出决算数（警告，含尾数误差）；部分项目没有资金表时，其余项目之和"
                              "不大于项目支出，并列出未能比较的项目",
    "project_execution": "全年执行数大于全年预算数（执行率超过 100%）：年度资金总额为错误，单一资金来源为警告",
    "coverage_amount": "绩效自评涉及预算资金 = 各项目全年预算数之和，或误填为项目支出决算数（警告）",
    "key_evaluation_grade": "重点评价等级与得分所在分档一致",
    "key_evaluation_amount": "重点评价涉及预算资金 = 该项目全年预算数（警告）",
    # text
    "glyphs": "固定字体缺字（逐个字段列出）",
    "control_chars": "文字中有控制字符（U+0000–U+001F 除制表、换行，U+007F–U+009F）",
}
