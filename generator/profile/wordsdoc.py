"""docs/words.md, generated from the schema, the built-in profiles and their templates (`juesuan profile words`).

Every setting (from the pydantic schema) and every word: where it is printed (the templates that use it),
the placeholders it receives, its value in each built-in profile and an example with sample figures.
"""
from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from . import builtin_profiles, fill, resolve, word_slots
from .schema import ProfileSettings, model_of
from .wordscan import COMMON_SLOTS, scan

# Where a template prints: the part or section a reader finds the word in.
PLACES = {
    "cover": "封面", "toc": "目录", "part_overview": "第一部分", "part_tables": "第二部分",
    "part_glossary": "第四部分 名词解释", "part_attachments": "第五部分 附件", "attachments/": "第五部分 附件",
    "tables/": "第二部分 表", "validation_summary": "草稿开头的校验结果",
    "narrative/totals": "第三部分 一、收入支出决算总体情况", "narrative/income": "第三部分 二、收入决算",
    "narrative/expenditure": "第三部分 三、支出决算", "narrative/fiscal": "第三部分 四、财政拨款收支总体情况",
    "narrative/gpb": "第三部分 五、一般公共预算财政拨款支出", "narrative/basic": "第三部分 六、基本支出",
    "narrative/gf": "第三部分 七、政府性基金", "narrative/soe": "第三部分 八、国有资本经营",
    "narrative/three_public": "第三部分 九、“三公”经费", "narrative/office_running": "第三部分 十、机关运行经费",
    "narrative/procurement": "第三部分 十一、政府采购", "narrative/assets": "第三部分 十二、国有资产占用",
    "narrative/performance": "第三部分 十三、预算绩效", "narrative/other_matters": "第三部分 其他重要事项",
    "narrative/_say": "第三部分 各节共用的句子片段",
}
PYTHON_PLACES = {"att_summary": "第五部分 附件（目录与标题）", "att_projects": "第五部分 附件（目录与标题）",
                 "att_report": "第五部分 附件（报告无标题时）", "marker_tables": "目录中表的序号",
                 "marker_table_rows": "公开01表、公开04表 支出各类的序号"}
# Sample values for the example column.
SAMPLE = {"year": "2024", "prior_year": "2023", "name": "某某中心", "entity": "某某中心（本级）", "S": "部门",
          "TS": "单位", "level": "区级", "amount": "60.32", "percent": "15.19", "total": "336.88", "rate": "99.74",
          "budget": "481.19", "actual": "483.79", "reason": "压减日常开支", "what": "收、支总计变动",
          "label": "财政拨款收入", "count": "8", "n": "1", "cn": "一", "text": "……", "names": "甲项目、乙项目",
          "key_names": "甲项目", "score": "96.5", "grade": "优", "project": "甲项目", "income": "324.86",
          "spent": "324.86", "change": "减少39.43万元，下降10.82%", "items": "办公费、印刷费", "kind": "货物",
          "class_name": "一般公共服务支出", "kind_name": "政府办公厅（室）及相关机构事务", "item_name": "行政运行",
          "short": "一般公共服务", "groups": "2", "people": "4", "share": "100", "file": "报告.pdf"}


def _places(templates: tuple[str, ...]) -> str:
    found: list[str] = []
    for template in templates:
        stem = template.removesuffix(".html.j2")
        place = next((v for k, v in PLACES.items() if stem == k or (k.endswith("/") and stem.startswith(k))),
                     stem)
        if place not in found:
            found.append(place)
    return "；".join(found)


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.replace("|", "\\|").replace("\n", " ") or "（空）"


def _value(settings: Any, path: tuple) -> Any:
    for part in path:
        settings = settings.get(part) if isinstance(settings, dict) else None
    return settings


LONG = ("words", "glossary", "fonts", "table_layout", "charts", "tables", "sections", "notes", "empty_notes",
        "labels.headers", "labels.gaps", "performance.parts", "other_matters")


def _settings_rows(model: type[BaseModel], prefix: tuple, profiles: dict) -> list[str]:
    """One row per setting: its description, base's value, and each built-in profile's where it differs."""
    rows: list[str] = []
    for name, field in model.model_fields.items():
        path = (*prefix, name)
        dotted = ".".join(path)
        inner = model_of(field.annotation)
        values = {n: _value(p.settings, path) for n, p in profiles.items()}
        if inner is not None and dotted not in ("tables", "sections", "other_matters", "glossary",
                                                 "performance.parts"):
            rows.append(f"| `{dotted}` | {field.description or ''} | | |")
            rows += _settings_rows(inner, path, profiles)
            continue
        if dotted in LONG:
            base, others = "（见 templates/base/profile.yaml）", ""
        else:
            base = "" if values["base"] is None else f"`{_cell(values['base'])}`"
            others = "；".join(f"{n}：`{_cell(v)}`" for n, v in values.items()
                              if n != "base" and v is not None and v != values["base"])
        rows.append(f"| `{dotted}` | {field.description or ''} | {base} | {others} |")
    return rows


def markdown() -> str:
    """The whole of docs/words.md."""
    names = [n for n in builtin_profiles()]
    profiles = {n: resolve(n) for n in names}
    base = profiles["base"]
    received: dict[str, frozenset[str]] = {}
    where: dict[str, set[str]] = {}
    for profile in profiles.values():
        slots, _ = word_slots(profile)
        for key, value in slots.items():
            received[key] = received.get(key, frozenset()) | value
        for key, templates in scan(tuple(profile.template_dirs()))[1].items():
            where.setdefault(key, set()).update(templates)
    keys: list[str] = list(base.settings["words"])
    for profile in profiles.values():
        keys += [k for k in profile.settings["words"] if k not in keys]
    out = ["# 措辞与设置参考（words.md）", "",
           "本文件由 `juesuan profile words > docs/words.md` 生成，请勿手改；测试会在它过时时失败。", "",
           "版式（profile.yaml）中的每个设置与每个措辞（`words:`）：印在哪里、可用的占位符、各内置版式的取值与示例。"
           "措辞中只能用 `{占位符}`，写错的键或占位符在加载版式时即报错（文件、行号与建议）。"
           "输入的 `wording:` 可覆盖任一措辞；写成 `节标识.键`（如 `totals.compare`、`income.zero`）只作用于"
           "第三部分的那一节，其余各节沿用通用措辞。所有措辞都可用的占位符："
           + "、".join(f"`{{{s}}}`" for s in sorted(COMMON_SLOTS)) + "。", "",
           "## 设置", "", "| 设置 | 说明 | base 的取值 | 其他内置版式（与 base 不同时） |", "|---|---|---|---|"]
    out += _settings_rows(ProfileSettings, (), profiles)
    out += ["", "## 措辞", ""]
    for key in keys:
        values = {n: p.settings["words"].get(key) for n, p in profiles.items()}
        own = sorted(received.get(key, COMMON_SLOTS) - COMMON_SLOTS)
        place = PYTHON_PLACES.get(key) or _places(tuple(sorted(where.get(key, ()))))
        out += [f"### `{key}`", "", f"- 印在：{place or '（内置模板未使用；供自定模板）'}",
                f"- 占位符：{'、'.join(f'`{{{s}}}`' for s in own) if own else '（仅通用占位符）'}"]
        shown: list[str] = []
        for name, value in values.items():
            if value is None:
                continue
            same = [n for n in shown if values[n] == value]
            if same:
                continue
            twins = [n for n, v in values.items() if v == value]
            shown.append(name)
            out.append(f"- {'、'.join(twins)}：`{_cell(value)}`")
        example = next((v for v in values.values() if v), "")
        if example:
            out.append(f"- 示例：{fill(example, **SAMPLE)}")
        out.append("")
    out += ["## 表格与附件中的固定文字（labels.headers）", "", "| 键 | base 的取值 |", "|---|---|"]
    for key, value in base.settings["labels"]["headers"].items():
        out.append(f"| `{key}` | {_cell(value)} |")
    return "\n".join(out) + "\n"
