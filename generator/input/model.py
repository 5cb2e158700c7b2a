"""The input schema for one unit-year (pydantic v2). Field descriptions feed `juesuan schema`.

Functional rows are entered at 项 level (7-digit codes). A row with a 3- or 5-digit code, or a table's
`total`, is a *typed* subtotal: the publication prints it as typed when it is within the rounding
tolerance of the computed sum (尾数误差), and the check stage reports it when it is not.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from .fields import EconomicCode, FunctionalCode, Money, Scope, Strict, money_field
from .limits import MAX_AMOUNT, MAX_COUNT, Markdown  # noqa: F401 — the bounds, with the schema (docs/reliability.md)
from .money import ZERO
from .performance import (FundLine, Indicator, KeyEvaluation, Performance, Project,  # noqa: F401 — part of the schema
                          ProjectFunds)

# ---------------------------------------------------------------- unit and 第一部分


class Unit(Strict):
    name: str = Field(min_length=1, max_length=200, description="单位（部门）名称，用于封面和正文")
    table_entity: str | None = Field(None, max_length=200, description="表头“单位：”后的名称，默认同 name")
    scope: Scope = Field(description="公开范围：部门决算或单位决算")
    cover_title: str | None = Field(None, max_length=200, description="封面标题，默认按版式生成")
    table_scope: Scope | None = Field(None, description="表注中的主体词（本表反映{主体}…），默认同 scope")
    kind: Literal["行政单位", "参公事业单位", "事业单位", "其他"] = Field("行政单位", description="单位性质")
    level: str = Field("市级", max_length=10, description="预算级次用语：省级/市级/区级/县级")
    year: int = Field(ge=2000, le=2100, description="决算年度")
    profile: str = Field("shandong-2024", max_length=200, description="版式（profile）名称或目录")
    publish_date: dt.date | None = Field(None, ge=dt.date(2000, 1, 1), le=dt.date(2101, 12, 31), description="发布日期（封面、PDF 元数据），默认为次年 1 月 1 日")
    amount_unit: Literal["万元", "元"] = Field("万元", description="未带单位的金额按此单位解读")

    @property
    def entity(self) -> str:
        return self.table_entity or self.name


class Overview(Strict):
    duties: Markdown = Field("", max_length=200_000, description="部门职责（Markdown，编号条目）")
    organization: Markdown = Field("", max_length=200_000, description="机构设置（Markdown）")
    member_units: list[str] = Field(default_factory=list, description="部门决算包含的单位（决算单位构成）")


# ---------------------------------------------------------------- 第二部分: tables


class IncomeAmounts(Strict):
    """公开02表 amount columns 1–7."""
    total: Money | None = Field(None, description="本年收入合计（栏次1），不填则计算")
    fiscal: Money = money_field("财政拨款收入（栏次2）")
    superior: Money = money_field("上级补助收入（栏次3）")
    business: Money = money_field("事业收入（栏次4）")
    operating: Money = money_field("经营收入（栏次5）")
    affiliated: Money = money_field("附属单位上缴收入（栏次6）")
    other: Money = money_field("其他收入（栏次7）")


class IncomeRow(IncomeAmounts):
    code: FunctionalCode
    name: str | None = Field(None, max_length=200, description="科目名称，默认取自科目目录")


class IncomeTable(Strict):
    total: IncomeAmounts | None = Field(None, description="合计行（按公开数填写，可含尾数误差）")
    rows: list[IncomeRow] = Field(default_factory=list)


class ExpenditureAmounts(Strict):
    """公开03表 amount columns 1–6."""
    total: Money | None = Field(None, description="本年支出合计（栏次1），不填则计算")
    basic: Money = money_field("基本支出（栏次2）")
    project: Money = money_field("项目支出（栏次3）")
    upper: Money = money_field("上缴上级支出（栏次4）")
    operating: Money = money_field("经营支出（栏次5）")
    subsidiary: Money = money_field("对附属单位补助支出（栏次6）")


class ExpenditureRow(ExpenditureAmounts):
    code: FunctionalCode
    name: str | None = Field(None, max_length=200)


class ExpenditureTable(Strict):
    total: ExpenditureAmounts | None = None
    rows: list[ExpenditureRow] = Field(default_factory=list)


class SpendAmounts(Strict):
    """公开05表 / 公开08表: 小计 = 基本支出 + 项目支出."""
    total: Money | None = Field(None, description="小计（合计），不填则计算")
    basic: Money = money_field("基本支出")
    project: Money = money_field("项目支出")


class SpendRow(SpendAmounts):
    code: FunctionalCode
    name: str | None = Field(None, max_length=200)


class SpendTable(Strict):
    total: SpendAmounts | None = None
    rows: list[SpendRow] = Field(default_factory=list)


class FundAmounts(Strict):
    """公开07表 columns 1–6."""
    opening: Money = money_field("年初结转和结余（栏次1）")
    income: Money = money_field("本年收入（栏次2）")
    total: Money | None = Field(None, description="本年支出小计（栏次3），不填则计算")
    basic: Money = money_field("基本支出（栏次4）")
    project: Money = money_field("项目支出（栏次5）")
    closing: Money | None = Field(None, description="年末结转和结余（栏次6），不填则按 1+2-3 计算")


class FundRow(FundAmounts):
    code: FunctionalCode
    name: str | None = Field(None, max_length=200)


class FundTable(Strict):
    total: FundAmounts | None = None
    rows: list[FundRow] = Field(default_factory=list)


class ByFund(Strict):
    gpb: Money = money_field("一般公共预算财政拨款")
    gf: Money = money_field("政府性基金预算财政拨款")
    soe: Money = money_field("国有资本经营预算财政拨款")


class Summary(Strict):
    """The lines of 公开01表/04表 that no functional table holds."""
    fiscal_income: ByFund = Field(default_factory=ByFund, description="财政拨款收入分预算（公开01表行1–3，公开04表行1–3）")
    non_fiscal_balance_used: Money = money_field("使用非财政拨款结余（公开01表行28）")
    opening_balance: Money = money_field("年初结转和结余（公开01表行29）")
    surplus_distribution: Money = money_field("结余分配（公开01表行59）")
    closing_balance: Money = money_field("年末结转和结余（公开01表行60）")
    fiscal_opening: ByFund = Field(default_factory=ByFund, description="年初财政拨款结转和结余（公开04表行29–31）")
    fiscal_closing: ByFund = Field(default_factory=ByFund, description="年末财政拨款结转和结余（公开04表行60）")
    income_total: Money | None = Field(None, description="本年收入合计（公开01表行27），不填则取公开02表合计")
    expenditure_total: Money | None = Field(None, description="本年支出合计（公开01表行58），不填则取公开03表合计")
    grand_total: Money | None = Field(None, description="总计（公开01表行31/62），不填则计算")
    fiscal_grand_total: Money | None = Field(None, description="财政拨款总计（公开04表行32/64），不填则计算")


class BasicDetail(Strict):
    """公开06表: 5-digit economic items; 3-digit codes are typed group subtotals."""
    items: dict[EconomicCode, Money] = Field(default_factory=dict, description="经济分类科目金额，只需填非零项")
    personnel_total: Money | None = Field(None, description="人员经费合计，不填则计算（301+303）")
    public_total: Money | None = Field(None, description="公用经费合计，不填则计算")


class ThreePublicAmounts(Strict):
    total: Money | None = Field(None, description="合计，不填则计算")
    abroad: Money = money_field("因公出国（境）费")
    vehicle_total: Money | None = Field(None, description="公务用车购置及运行维护费小计，不填则计算")
    vehicle_purchase: Money = money_field("公务用车购置费")
    vehicle_running: Money = money_field("公务用车运行维护费")
    reception: Money = money_field("公务接待费")


class ThreePublicCounts(Strict):
    abroad_groups: int = Field(0, ge=0, le=MAX_COUNT, description="因公出国（境）团组数")
    abroad_people: int = Field(0, ge=0, le=MAX_COUNT, description="因公出国（境）人次")
    vehicles_purchased: int = Field(0, ge=0, le=MAX_COUNT, description="使用财政拨款购置公务用车辆数")
    vehicles_held: int = Field(0, ge=0, le=MAX_COUNT, description="财政拨款开支运行维护费的公务用车保有量")
    domestic_reception: Money = money_field("国内接待费")
    domestic_batches: int = Field(0, ge=0, le=MAX_COUNT, description="国内接待批次")
    domestic_people: int = Field(0, ge=0, le=MAX_COUNT, description="国内接待人次")
    foreign_affairs_reception: Money = money_field("其中外事接待费")
    foreign_affairs_batches: int = Field(0, ge=0, le=MAX_COUNT, description="其中外事接待批次")
    foreign_affairs_people: int = Field(0, ge=0, le=MAX_COUNT, description="其中外事接待人次")
    abroad_reception: Money = money_field("国（境）外接待费")
    abroad_batches: int = Field(0, ge=0, le=MAX_COUNT, description="国（境）外接待批次")
    abroad_reception_people: int = Field(0, ge=0, le=MAX_COUNT, description="国（境）外接待人次")


class ThreePublic(Strict):
    budget: ThreePublicAmounts = Field(default_factory=ThreePublicAmounts, description="预算数（全年预算）")
    actual: ThreePublicAmounts = Field(default_factory=ThreePublicAmounts, description="决算数")
    counts: ThreePublicCounts = Field(default_factory=ThreePublicCounts)


class Tables(Strict):
    summary: Summary = Field(default_factory=Summary)
    income: IncomeTable = Field(default_factory=IncomeTable, description="公开02表 收入决算表")
    expenditure: ExpenditureTable = Field(default_factory=ExpenditureTable, description="公开03表 支出决算表")
    gpb: SpendTable = Field(default_factory=SpendTable, description="公开05表 一般公共预算财政拨款支出决算表")
    basic_detail: BasicDetail = Field(default_factory=BasicDetail, description="公开06表 基本支出决算明细表")
    gf: FundTable = Field(default_factory=FundTable, description="政府性基金预算财政拨款收入支出决算表")
    soe: SpendTable = Field(default_factory=SpendTable, description="国有资本经营预算财政拨款支出决算表")
    three_public: ThreePublic = Field(default_factory=ThreePublic, description="财政拨款“三公”经费支出决算表")


# ---------------------------------------------------------------- 公开10表 data and other facts


class Procurement(Strict):
    total: Money | None = Field(None, description="政府采购支出总额，不填则计算")
    goods: Money = money_field("货物")
    works: Money = money_field("工程")
    services: Money = money_field("服务")
    sme_total: Money = money_field("授予中小企业合同金额")
    small_micro: Money = money_field("其中授予小微企业合同金额")
    sme_goods: Money | None = Field(None, description="货物采购授予中小企业合同金额")
    sme_works: Money | None = Field(None, description="工程采购授予中小企业合同金额")
    sme_services: Money | None = Field(None, description="服务采购授予中小企业合同金额")


class OfficeRunning(Strict):
    amount: Money | None = Field(None, description="机关运行经费支出；行政单位、参公单位默认取公用经费合计")
    administrative: Money | None = Field(None, description="其中行政单位（公开10表行5）")
    civil_service_managed: Money | None = Field(None, description="其中参照公务员法管理事业单位（公开10表行6）")
    budget: Money | None = Field(None, description="机关运行经费年初预算")


class Vehicles(Strict):
    ministerial: int = Field(0, ge=0, le=MAX_COUNT, description="副部（省）级及以上领导用车")
    principal: int = Field(0, ge=0, le=MAX_COUNT, description="主要负责人用车")
    leader: int = Field(0, ge=0, le=MAX_COUNT, description="符合规定领导干部用车")
    confidential: int = Field(0, ge=0, le=MAX_COUNT, description="机要通信用车")
    emergency: int = Field(0, ge=0, le=MAX_COUNT, description="应急保障用车")
    law_enforcement: int = Field(0, ge=0, le=MAX_COUNT, description="执法执勤用车")
    special: int = Field(0, ge=0, le=MAX_COUNT, description="特种专业技术用车")
    retiree: int = Field(0, ge=0, le=MAX_COUNT, description="离退休干部（服务）用车")
    other: int = Field(0, ge=0, le=MAX_COUNT, description="其他用车")
    other_note: str = Field("", max_length=2000, description="其他用车说明")

    @property
    def total(self) -> int:
        return sum(getattr(self, k) for k in ("ministerial", "principal", "leader", "confidential",
                                              "emergency", "law_enforcement", "special", "retiree", "other"))


class Assets(Strict):
    vehicles: Vehicles = Field(default_factory=Vehicles)
    equipment_over_1m: int = Field(0, ge=0, le=MAX_COUNT, description="单价100万元（含）以上设备（不含车辆）台（套）")
    general_equipment_over_500k: int = Field(0, ge=0, le=MAX_COUNT, description="单位价值50万元以上通用设备台（套）（山东2020版式）")
    special_equipment_over_1m: int = Field(0, ge=0, le=MAX_COUNT, description="单位价值100万元以上专用设备台（套）（山东2020版式）")


# ---------------------------------------------------------------- year-over-year and budgets


class IncomeByKind(Strict):
    fiscal: Money = ZERO
    superior: Money = ZERO
    business: Money = ZERO
    operating: Money = ZERO
    affiliated: Money = ZERO
    other: Money = ZERO


class ExpenditureByKind(Strict):
    basic: Money = ZERO
    project: Money = ZERO
    upper: Money = ZERO
    operating: Money = ZERO
    subsidiary: Money = ZERO


class Prior(Strict):
    """Last year's figures that the year-over-year sentences compare with."""
    path: str | None = Field(None, min_length=1, max_length=1000, description="上年输入目录（相对本目录）；填写后其余上年数据自动取得")
    total: Money | None = Field(None, description="上年收支总计（公开01表总计）")
    income_total: Money | None = Field(None, description="上年收入总计（山西版式分列）")
    expenditure_total: Money | None = Field(None, description="上年支出总计（山西版式分列）")
    income: IncomeByKind | None = Field(None, description="上年各项收入")
    expenditure: ExpenditureByKind | None = Field(None, description="上年各项支出")
    fiscal_total: Money | None = Field(None, description="上年财政拨款收支总计（公开04表总计）")
    fiscal_income_total: Money | None = None
    fiscal_expenditure_total: Money | None = None
    gpb_expenditure: Money | None = Field(None, description="上年一般公共预算财政拨款支出")
    gpb_classes: dict[FunctionalCode, Money] = Field(default_factory=dict, description="上年一般公共预算支出按类")
    three_public: ThreePublicAmounts | None = Field(None, description="上年“三公”经费决算")
    office_running: Money | None = Field(None, description="上年机关运行经费")


class Budget(Strict):
    """年初预算 (initial budgets) used for completion rates."""
    gpb_total: Money | None = Field(None, description="一般公共预算财政拨款支出年初预算总额，不填则为各项之和")
    gpb_items: dict[FunctionalCode, Money] = Field(default_factory=dict, description="按项的年初预算")
    gpb_classes: dict[FunctionalCode, Money] = Field(default_factory=dict, description="按类的年初预算（山西版式）")
    gf_items: dict[FunctionalCode, Money] = Field(default_factory=dict, description="政府性基金按项年初预算")
    soe_items: dict[FunctionalCode, Money] = Field(default_factory=dict, description="国有资本经营按项年初预算")


class Attachment(Strict):
    title: str = Field(max_length=300)
    markdown: str | None = Field(None, min_length=1, max_length=1000, description="Markdown 文件（相对输入目录）")
    pdf: str | None = Field(None, min_length=1, max_length=1000, description="PDF 文件（相对输入目录），附在 PDF 之后")


class GlossaryEntry(Strict):
    term: str = Field(max_length=200)
    text: str = Field(max_length=5000)


class Glossary(Strict):
    extra: list[GlossaryEntry] = Field(default_factory=list, description="追加的名词解释")
    codes: dict[FunctionalCode, str] = Field(default_factory=dict, description="覆盖科目解释")


class CatalogueEntry(Strict):
    name: str = Field(min_length=1, max_length=200, description="科目名称")
    explanation: str | None = Field(None, max_length=5000, description="名词解释中的科目说明")


class CatalogueChanges(Strict):
    """本年支出功能分类科目目录的增补与改名（格式见 generator/catalogue/README.md）。"""
    names: dict[FunctionalCode, str] = Field(default_factory=dict, description="改名：科目编码 → 本年名称")
    explanations: dict[FunctionalCode, str] = Field(default_factory=dict, description="改写科目说明")
    added: dict[FunctionalCode, CatalogueEntry] = Field(default_factory=dict,
                                                        description="目录中没有的科目（地方增设等）：编码 → {name, explanation}")
    removed: list[FunctionalCode] = Field(default_factory=list, description="本年目录中不存在的科目")


# ---------------------------------------------------------------- the whole unit-year


class UnitYear(Strict):
    unit: Unit
    overview: Overview = Field(default_factory=Overview)
    tables: Tables = Field(default_factory=Tables)
    procurement: Procurement = Field(default_factory=Procurement, description="政府采购")
    office_running: OfficeRunning = Field(default_factory=OfficeRunning, description="机关运行经费")
    assets: Assets = Field(default_factory=Assets, description="国有资产占用")
    prior: Prior = Field(default_factory=Prior, description="上年数")
    budget: Budget = Field(default_factory=Budget, description="年初预算")
    performance: Performance = Field(default_factory=Performance, description="预算绩效")
    attachments: list[Attachment] = Field(default_factory=list, description="其他附件")
    glossary: Glossary = Field(default_factory=Glossary, description="名词解释")
    reasons: dict[str, str] = Field(default_factory=dict, description="按主题填写的原因说明（主要是…）")
    texts: dict[str, str] = Field(default_factory=dict, description="其他说明文字（开支内容、主要用于…）")
    wording: dict[str, str] = Field(default_factory=dict, description="覆盖版式中的措辞（按键名）")
    checked: list[str] = Field(default_factory=list, max_length=1000,
                               description="已人工核对其中金额、百分比的文字（如 reasons.total、texts.basic.public_list）")
    catalogue: CatalogueChanges | None = Field(None, description="本年科目目录的增补与改名（按决算年度选目录）")

    @field_validator("reasons", "texts", "wording")
    @classmethod
    def _bounded_text(cls, value: dict[str, str]) -> dict[str, str]:
        for key, text in value.items():
            if len(text) > 20000:
                raise ValueError(f"“{key}”的文字过长（超过20000字）")
        return value
