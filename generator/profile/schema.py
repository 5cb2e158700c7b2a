"""The settings schema of profile.yaml (pydantic), applied to every layer of the `extends` chain on loading.

Each layer is checked on its own (a layer writes only what it changes, so every setting is optional there):
unknown keys get the file, the line and the nearest known name; wrong types get a Chinese message. The merged
`words` are then checked against the templates: a key no template (or the base profile) knows, and a
{placeholder} its sentence does not receive, are errors too. `juesuan profile schema` prints the JSON Schema.
"""
from __future__ import annotations

import difflib
import re
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..cache import notice

Text = str
Lines = Union[str, list[str]]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PageSettings(Strict):
    size: str | None = Field(None, description="纸张，如 A4")
    margin: str | None = Field(None, description="纵向页边距（上 右 下 左），如 37mm 26mm 35mm 28mm")
    landscape_margin: str | None = Field(None, description="横向页（宽表）的页边距")
    footer: Text | None = Field(None, description="页脚；{page} 为页码")


class NumberFormat(Strict):
    table_thousands: bool | None = Field(None, description="表格金额用千分位（4,299.91）")
    table_zero: str | None = Field(None, description="表格中的 0：blank 留空，或写出的文字如 0.00")
    text_thousands: bool | None = Field(None, description="正文金额用千分位")
    text_trim_zeros: bool | Literal["whole"] | None = Field(
        None, description="正文金额去掉末尾的 0（16.4万元）；whole：只有整数去掉 .00（30万元、22.80万元）")
    percent_trim_zeros: bool | None = Field(None, description="百分比去掉末尾的 0（100%）")


class Cover(Strict):
    title: Text | None = Field(None, description="封面标题；输入的 unit.cover_title 优先")
    lines: list[Text] | None = Field(None, description="标题下的各行（如 “2024年度单位决算公开”）")
    footer_lines: list[Text] | None = Field(None, description="封面下部各行：单位名称、日期；{date} 为公开日期")
    date: Text | None = Field(None, description="公开日期的印法：{year}年{month}月（还有 {day}）")


class Parts(Strict):
    overview: Text | None = Field(None, description="第一部分的标题（目录与正文）")
    tables: Text | None = Field(None, description="第二部分的标题")
    narrative: Text | None = Field(None, description="第三部分的标题")
    glossary: Text | None = Field(None, description="第四部分的标题")
    attachments: Text | None = Field(None, description="第五部分的标题")


class OverviewItems(Strict):
    duties: Text | None = Field(None, description="第一部分 一、职责 的标题")
    organization: Text | None = Field(None, description="第一部分 二、机构设置 的标题")


class TableSpec(Strict):
    role: str = Field(description="数据与模板 tables/<role>.html.j2")
    label: Text = Field(description="表号，如 公开01表")
    title: Text = Field(description="表名（目录与表头）")
    unit_label: Text | None = Field(None, description="本表的金额单位行")
    entity_label: Text | None = Field(None, description="本表的单位名称标签")


class SectionSpec(Strict):
    id: str = Field(description="节的标识；模板 narrative/<id>.html.j2；措辞可写 <id>.<键> 只作用于本节")
    title: Text = Field(description="目录中的标题；正文标题默认与之相同")
    body_title: Text | None = Field(None, description="正文中的标题（与目录措辞不同时）")
    template: str | None = Field(None, description="换用另一模板 narrative/<template>.html.j2")


class PerformancePart(Strict):
    id: str = Field(description="work | results | key（印出绩效数据），或自定标识（印 heading 与 word）")
    heading: Text | None = Field(None, description="小节标题，如 （三）中央对地方转移支付项目绩效自评结果。")
    word: str | None = Field(None, description="自定小节正文的措辞键（写在 words: 中，输入的 wording 可改写）")


class Performance(Strict):
    grade_bands: list[tuple[float, str]] | None = Field(None, description="[[下限, 等级], …]，下限含本数")
    execution_score: Literal["capped", "uncapped"] | None = None
    summary_table: bool | None = Field(None, description="附件中列出绩效自评情况汇总表")
    table_notes: list[Text] | None = Field(None, description="每张自评表下的备注")
    parts: list[PerformancePart] | None = Field(None, description="十三、预算绩效情况说明 的小节，按顺序")


class GlossaryTerm(Strict):
    term: Text
    text: Text


class Toc(Strict):
    title: Text | None = Field(None, description="目录页标题")
    page_numbers: bool | None = Field(None, description="目录印页码")


class Labels(Strict):
    income: dict[str, Text] | None = Field(None, description="收入类别：fiscal superior business operating "
                                                             "affiliated other（句子与图2）")
    expenditure: dict[str, Text] | None = Field(None, description="支出类别：basic project upper operating "
                                                                   "subsidiary（句子与图3）")
    three_public: dict[str, Text] | None = Field(None, description="“三公”经费各项名称")
    headers: dict[str, Text] | None = Field(None, description="表头与附件表中的固定文字")
    gaps: dict[str, Text] | None = Field(None, description="草稿【待补充：…】与 --final 提示中缺少的内容的名称")


class ProfileSettings(Strict):
    """One profile.yaml: every key optional (a layer writes only what differs from what it extends)."""
    name: str | None = Field(None, description="版式名称")
    description: str | None = Field(None, description="一句话说明（juesuan profile list）")
    extends: str | None = Field(None, description="继承的版式名称或目录；默认 base")
    page: PageSettings | None = Field(None, description="纸张、页边距、页脚")
    fonts: dict[str, Any] | None = Field(None, description="PDF 字体（各角色）")
    docx_fonts: dict[str, str] | None = Field(None, description="DOCX 字体名")
    number_format: NumberFormat | None = Field(None, description="金额与百分比的印法")
    cover: Cover | None = Field(None, description="封面")
    parts: Parts | None = Field(None, description="五个部分的标题")
    overview_items: OverviewItems | None = Field(None, description="第一部分的小标题")
    toc: Toc | None = Field(None, description="目录")
    tables: list[TableSpec] | None = Field(None, description="第二部分的表及顺序")
    table_layout: dict[str, Any] | None = Field(None, description="表格版式细节（表头文字、公开06表分组等）")
    notes: dict[str, Lines] | None = Field(None, description="各表下的注")
    empty_notes: dict[str, Lines] | None = Field(None, description="表无数据时代替注的文字")
    empty_extra_line: Text | None = Field(None, description="无数据的表下再加的一行（山西：说明：本表无数据）")
    sections: list[SectionSpec] | None = Field(None, description="第三部分的节及顺序")
    other_matters: list[SectionSpec] | None = Field(None, description="“其他重要事项情况说明”的小节")
    labels: Labels | None = Field(None, description="收支类别等印出的名称")
    charts: dict[str, Any] | None = Field(None, description="图1–图6（charts/plan.py 校验各项）")
    glossary_intro: Text | None = Field(None, description="名词解释前的一段")
    glossary_separator: Text | None = Field(None, description="名词与解释之间的符号")
    glossary_outro: Text | None = Field(None, description="名词解释后的一段（山西：无其它名词解释。）")
    glossary_codes: bool | None = Field(None, description="按有支出的科目（项）追加名词解释")
    glossary: list[GlossaryTerm] | None = None
    structure_zero_parts: bool | None = Field(None, description="结构句列出为 0 的类别")
    procurement_by_kind: bool | None = Field(None, description="政府采购按货物/工程/服务列中小企业占比")
    reason_threshold: float | None = Field(None, description="变动幅度（%）低于此值不要求填写原因")
    about_band: float | None = Field(None, description="“基本持平”的完成率带宽（百分点）")
    words: dict[str, Text] | None = Field(None, description="措辞；见 docs/words.md")
    performance: Performance | None = Field(None, description="预算绩效：等级、得分规则、附件")


# Renamed settings: old dotted path → new dotted path. Still read, with a notice naming the new one.
RENAMED = {"toc_title": "toc.title", "toc_page_numbers": "toc.page_numbers"}


TYPE_WORDS = {"dict_type": "映射（键: 值）", "model_type": "映射（键: 值）", "list_type": "列表",
              "tuple_type": "列表", "string_type": "文字", "bool_type": "true 或 false",
              "bool_parsing": "true 或 false", "float_type": "数字", "float_parsing": "数字",
              "int_type": "整数", "int_parsing": "整数", "literal_error": "所列值之一"}


def suggest(word: str, known) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"，是否想写 {close[0]}？" if close else ""


def _fields(model: type[BaseModel], path: tuple) -> list[str]:
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        inner = model_of(field.annotation)
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def model_of(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = model_of(arg)
        if found is not None:
            return found
    return None


def migrate(data: dict, file: str) -> dict:
    """Move renamed settings to their new place, with a notice naming the new name."""
    out = dict(data)
    for old, new in RENAMED.items():
        if old in out:
            head, _, tail = new.partition(".")
            value = out.pop(old)
            target = dict(out.get(head) or {}) if isinstance(out.get(head) or {}, dict) else out.get(head)
            if isinstance(target, dict):
                target.setdefault(tail, value)
                out[head] = target
            notice(f"{file}：设置 {old} 已更名为 {new}，请改用新名称（旧名称仍可使用）")
    return out


def validate_layer(data: dict, file: str, line_of) -> None:
    """Raise ProfileError for the first unknown key or wrong type of one profile.yaml."""
    from . import ProfileError

    try:
        ProfileSettings.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        where = ".".join(str(p) for p in loc)
        if error["type"] == "extra_forbidden":
            key = str(loc[-1])
            raise ProfileError(f"未知设置“{where}”{suggest(key, _fields(ProfileSettings, loc[:-1]))}",
                               file, line_of(loc)) from None
        if error["type"] == "missing":
            raise ProfileError(f"“{where}”缺少必填项", file, line_of(loc[:-1])) from None
        expected = TYPE_WORDS.get(error["type"], error.get("msg", ""))
        # a union's branch appears in loc (e.g. notes.gf.str): keep the user's path
        shown = ".".join(str(p) for p in loc if str(p) in _path_names(data, loc))
        raise ProfileError(f"设置“{shown or where}”应为{expected}，实为“{error.get('input')}”", file,
                           line_of(loc)) from None


def _path_names(data: Any, loc: tuple) -> set[str]:
    names: set[str] = set()
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            names.add(str(part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            names.add(str(part))
            node = node[part]
        else:
            break
    return names


_SLOT = re.compile(r"\{(\w*)\}")
# Words read from Python rather than templates (document.attachment_items) and what they receive.
PYTHON_WORDS = {"att_summary": frozenset(), "att_projects": frozenset(), "att_report": frozenset({"project"}),
                "marker_tables": frozenset({"n", "cn"}), "marker_table_rows": frozenset({"n", "cn"})}


def word_catalogue(settings: dict, template_dirs: tuple[str, ...], base_dirs: tuple[str, ...]
                   ) -> tuple[dict[str, frozenset[str]], set[str]]:
    """(word key → placeholders it receives, section ids a key may be qualified with)."""
    from .wordscan import COMMON_SLOTS, scan

    received: dict[str, frozenset[str]] = {}
    for dirs in (base_dirs, template_dirs):
        for key, slots in scan(dirs)[0].items():
            received[key] = received.get(key, frozenset()) | slots
    for key, slots in PYTHON_WORDS.items():
        received[key] = received.get(key, frozenset()) | slots
    for part in (settings.get("performance") or {}).get("parts") or []:      # 十三's own sub-sections
        if isinstance(part, dict) and part.get("word"):
            received.setdefault(str(part["word"]), frozenset())
    received = {k: v | COMMON_SLOTS for k, v in received.items()}
    sections = {str(s.get("id")) for group in ("sections", "other_matters") for s in settings.get(group) or []
                if isinstance(s, dict)}
    sections |= {str(p.get("id")) for p in (settings.get("performance") or {}).get("parts") or []
                 if isinstance(p, dict)}
    return received, sections


def check_words(words: dict, received: dict[str, frozenset[str]], sections: set[str], base_words: set[str],
                where) -> None:
    """Unknown keys and placeholders a word does not receive → ProfileError(file, line) via `where(key)`."""
    from . import ProfileError
    from .wordscan import COMMON_SLOTS

    known = set(received) | base_words
    for key, text in words.items():
        section, dot, plain = key.rpartition(".")
        if dot and section not in sections:
            raise ProfileError(f"措辞“{key}”中的“{section}”不是节的标识{suggest(section, sections)}", *where(key))
        if plain not in known:
            raise ProfileError(f"未知措辞“{key}”{suggest(plain, known)}", *where(key))
        if not isinstance(text, str):
            raise ProfileError(f"措辞“{key}”应为文字", *where(key))
        allowed = received.get(plain, COMMON_SLOTS)
        for slot in _SLOT.findall(text):
            if slot not in allowed:
                names = "、".join("{" + s + "}" for s in sorted(allowed))
                raise ProfileError(f"措辞“{key}”中的占位符 {{{slot}}} 不是它可用的占位符"
                                   f"{suggest(slot, allowed)}（可用：{names}）", *where(key))


# Settings other than `words` that hold text with {placeholders}: (path pattern, extra placeholders it receives).
# "*" is any key or list index. Everything else prints as written.
TEXT_SETTINGS = [
    (("parts", "*"), ()), (("overview_items", "*"), ()), (("cover", "title"), ()), (("cover", "lines", "*"), ()),
    (("cover", "footer_lines", "*"), ("date",)), (("cover", "date"), ("month", "day")),
    (("tables", "*", "title"), ()), (("sections", "*", "title"), ()), (("sections", "*", "body_title"), ()),
    (("other_matters", "*", "title"), ()), (("other_matters", "*", "body_title"), ()),
    (("notes", "*"), ()), (("notes", "*", "*"), ()), (("empty_notes", "*"), ()), (("empty_notes", "*", "*"), ()),
    (("glossary", "*", "term"), ()), (("glossary", "*", "text"), ()), (("performance", "parts", "*", "heading"), ()),
    (("labels", "headers", "finding_line"), ("line",)),
    (("labels", "headers", "finding_expected"), ("expected", "actual", "difference")),
    (("labels", "headers", "finding_difference"), ("difference",)), (("labels", "headers", "project_year"), ()),
    (("charts", "captions", "*"), ()), (("charts", "year_label"), ()),
    (("charts", "note"), ("title", "caption", "number", "reason")),
    (("charts", "labels", "class"), ("name", "short", "code")),
]


def _walk(value: Any, pattern: tuple, path: tuple = ()):
    if not pattern:
        if isinstance(value, str):
            yield path, value
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(value, dict):
        items = value.items() if head == "*" else ([(head, value[head])] if head in value else [])
    elif isinstance(value, list) and head == "*":
        items = enumerate(value)
    else:
        return
    for key, inner in items:
        yield from _walk(inner, rest, (*path, key))


def check_texts(settings: dict, where) -> None:
    """A {placeholder} in a title, note or caption that nothing fills would print literally: an error."""
    from . import ProfileError
    from .wordscan import COMMON_SLOTS

    for pattern, extra in TEXT_SETTINGS:
        if pattern[0] == "charts":      # charts/plan.py fills only the years (and a class's names)
            allowed = set(extra) if pattern[-1] == "class" else {"year", "prior_year"} | set(extra)
        else:
            allowed = COMMON_SLOTS | set(extra)
        for path, text in _walk(settings, pattern):
            for slot in _SLOT.findall(text):
                if slot not in allowed:
                    names = "、".join("{" + s + "}" for s in sorted(allowed))
                    raise ProfileError(f"设置“{'.'.join(map(str, path))}”中的占位符 {{{slot}}} 不可用"
                                       f"{suggest(slot, allowed)}（可用：{names}）", *where(path))


def json_schema() -> dict:
    schema = ProfileSettings.model_json_schema()
    schema["title"] = "juesuan profile.yaml"
    return schema
