"""The input schema's 预算绩效 part: self-evaluated projects, their funds and indicators, key evaluations."""
from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from .fields import Money, Strict, money_field
from .limits import Score


class FundLine(Strict):
    declared: Money | None = Field(None, description="目标申报数（山西版式，年初预算数的组成）")
    initial: Money = money_field("年初预算数（山西：预算编制数）")
    full_year: Money = money_field("全年预算数（A）")
    executed: Money = money_field("全年执行数（B）")


class ProjectFunds(Strict):
    total: FundLine = Field(default_factory=FundLine, description="年度资金总额")
    fiscal: FundLine = Field(default_factory=FundLine, description="其中：当年财政拨款")
    carryover: FundLine = Field(default_factory=FundLine, description="上年结转资金")
    other: FundLine = Field(default_factory=FundLine, description="其他资金")


class Indicator(Strict):
    level1: str = Field(max_length=100, description="一级指标")
    level2: str = Field("", max_length=100, description="二级指标")
    level3: str = Field("", max_length=500, description="三级指标")
    initial_target: str = Field("", max_length=2000, description="年初指标值（山西版式）")
    target: str = Field("", max_length=2000, description="年度指标值（山西：调整前指标值）")
    actual: str = Field("", max_length=2000, description="实际完成值")
    weight: Score = Field(description="分值")
    score: Score = Field(description="得分")
    deviation: str = Field("", max_length=5000, description="偏差原因分析及改进措施")


class Project(Strict):
    name: str = Field(max_length=300, description="项目名称")
    unit: str | None = Field(None, max_length=200, description="单位名称，默认本单位")
    department: str | None = Field(None, max_length=200, description="主管部门")
    department_code: str = Field("", max_length=50, description="主管部门代码（山西版式）")
    implementer: str | None = Field(None, max_length=200, description="实施单位（山西：预算单位）")
    implementer_code: str = Field("", max_length=50, description="实施单位代码（山西版式）")
    funds: ProjectFunds = Field(default_factory=ProjectFunds)
    execution_weight: Score = Field(Decimal(10), description="预算执行率分值")
    execution_score: Score | None = Field(None, description="预算执行率得分（填写则核对）")
    goal_expected: str = Field("", max_length=10000, description="年初预期目标")
    goal_actual: str = Field("", max_length=10000, description="目标实际完成情况")
    indicators: list[Indicator] = Field(default_factory=list)
    total_score: Score | None = Field(None, description="总分（填写则核对）")
    grade: Literal["优", "良", "中", "差"] | None = Field(None, description="等级（填写则核对）")
    completion: str = Field("", max_length=5000, description="综述：项目绩效目标完成情况")
    problems: str = Field("", max_length=5000, description="综述：发现的主要问题及原因")
    measures: str = Field("", max_length=5000, description="综述：下一步改进措施")
    low_score_note: str = Field("", max_length=5000, description="总分80分以下的原因分析及措施")
    analysis: dict[str, str] = Field(default_factory=dict,
                                     description="项目绩效分析（山西版式）：标题 → 文字，按填写顺序印出")
    publish_table: bool = Field(True, description="是否在附件中公开本项目自评表")


class KeyEvaluation(Strict):
    project: str = Field(max_length=300)
    amount: Money | None = Field(None, description="涉及预算资金")
    score: Score
    grade: Literal["优", "良", "中", "差"] | None = None
    report: str | None = Field(None, min_length=1, max_length=1000, description="评价报告 Markdown 文件（相对输入目录）")


class Performance(Strict):
    coverage_amount: Money | None = Field(None, description="自评涉及预算资金，默认为各项目全年预算数之和")
    coverage_share: Decimal | None = Field(None, ge=0, le=100, decimal_places=2, description="占预算项目支出总额的比例（%），默认100")
    overview: str = Field("", max_length=10000, description="从自评情况看，…")
    projects: list[Project] = Field(default_factory=list)
    key_evaluations: list[KeyEvaluation] = Field(default_factory=list)
