"""The imported tables as YAML in the format people write by hand, each figure's cell in a comment, and what
a re-import changed compared with the tables.yaml already there."""
from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

from .assemble import Assembled, Val

FIELD_NAMES = {
    "summary": "公开01/04表", "income": "公开02表", "expenditure": "公开03表", "gpb": "公开05表",
    "basic_detail": "公开06表", "gf": "公开07表", "soe": "公开08表", "three_public": "公开09表",
}
KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def scalar(value: object) -> str:
    if isinstance(value, Val):
        if isinstance(value.value, str):
            return json.dumps(value.value, ensure_ascii=False)
        text = value.plain()
        return json.dumps(text, ensure_ascii=False) if value.unit == "元" else text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if value is None:
        return "null"
    return json.dumps(str(value), ensure_ascii=False)


def _key(key: str) -> str:
    return key if KEY_RE.match(key) else json.dumps(key, ensure_ascii=False)


def _cells(values) -> str:
    refs = [v.cell for v in values if isinstance(v, Val) and v.cell]
    out, sheet = [], None
    for ref in refs:
        name, _, cell = ref.rpartition("!")
        out.append(cell if name == sheet else ref)
        sheet = name
    return "  # " + " ".join(out) if out else ""


def _flow(mapping: dict) -> str:
    return "{" + ", ".join(f"{_key(k)}: {scalar(v)}" for k, v in mapping.items()) + "}"


def _line(indent: int, key: str | None, mapping_or_value, comment_values=None) -> str:
    body = _flow(mapping_or_value) if isinstance(mapping_or_value, dict) else scalar(mapping_or_value)
    lead = " " * indent + (f"{_key(key)}: " if key is not None else "- ")
    values = comment_values if comment_values is not None else (
        list(mapping_or_value.values()) if isinstance(mapping_or_value, dict) else [mapping_or_value])
    return lead + body + _cells(values)


def tables_yaml(assembled: Assembled, counts: dict | None, when: str, extra: dict | None = None) -> str:
    lines = [f"# 公开表数据，由 juesuan import 于 {when} 从 {'、'.join(assembled.sources)} 导入。",
             "# 每个数字后的注释是它在工作簿中的位置（工作表!单元格）。再次导入会更新本文件的表格数据，",
             "# 其中手写的注释不会保留；原因、说明等请写在 narrative.yaml 等其他文件中。",
             "# 类、款和合计行只在所印数字与各项之和不同（尾数误差）时写出，其余由程序汇总。",
             "tables:"]
    for table, data in assembled.tables.items():
        lines.append(f"  {table}:" + f"{' ' * max(1, 38 - len(table))}# {FIELD_NAMES.get(table, '')}")
        if table == "summary":
            if not data:
                lines[-1] = f"  {table}: {{}}" + f"{' ' * max(1, 34 - len(table))}# {FIELD_NAMES[table]}"
            for key, value in data.items():
                lines.append(_line(4, key, value))
        elif table == "basic_detail":
            lines.append("    items:" if data["items"] else "    items: {}")
            for code, value in data["items"].items():
                lines.append(_line(6, code, value))
            for key in ("personnel_total", "public_total"):
                if key in data:
                    lines.append(_line(4, key, data[key]))
        elif table == "three_public":
            for block in ("budget", "actual"):
                lines.append(_line(4, block, data.get(block, {})))
            lines.append("    counts: " + (_flow(counts) if counts else "{}") +
                         ("  # 团组、人次、车辆数等不在公开09表中，保留原文件所填" if counts else
                          "  # 请手工填写：因公出国团组数与人次、车辆数、国内接待费与批次人次等（不在公开09表中）"))
        else:
            if "total" in data:
                lines.append(_line(4, "total", data["total"]))
            if not data["rows"]:
                lines.append("    rows: []")
                continue
            lines.append("    rows:")
            for row in data["rows"]:
                shown = {k: v for k, v in row.items()}
                amounts = [v for k, v in row.items() if k not in ("name",)]
                lines.append(_line(6, None, shown, amounts))
    for key, block in (extra or {}).items():
        lines.append(f"{key}:{' ' * max(1, 40 - len(key))}# 公开10表（部门决算公开相关信息统计表）")
        for field, value in block.items():
            lines.append(_line(2, field, value))
    return "\n".join(lines) + "\n"


def plain_tables(assembled: Assembled) -> dict:
    """The imported tables as the YAML loader would return them (for comparing with the file on disk)."""
    def convert(value):
        if isinstance(value, Val):
            return value.plain() if not isinstance(value.value, str) else value.value
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value
    return convert(assembled.tables)


def flatten(tables: dict) -> dict[str, str]:
    """{'公开02表 2010301 fiscal': '153.33', …}: rows keyed by code, numbers compared by value."""
    out: dict[str, str] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix} {key}".strip(), item)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and "code" in item:
                    code = str(item["code"])
                    for key, field in item.items():
                        if key != "code":
                            walk(f"{prefix} {code} {key}", field)
        else:
            out[prefix] = _normal(value)

    for table, data in (tables or {}).items():
        if table == "three_public" and isinstance(data, dict):
            data = {k: v for k, v in data.items() if k != "counts"}
        walk(FIELD_NAMES.get(table, table) + " " + table, data)
    return {k: v for k, v in out.items() if v not in ("0", "")}


def _normal(value) -> str:
    text = str(value).strip()
    suffix = "元" if text.endswith("元") and not text.endswith("万元") else ""
    number = text.removesuffix("万元").removesuffix("元").replace(",", "")
    try:
        return format(Decimal(number).normalize(), "f") + suffix
    except InvalidOperation:
        return text


def changes(old: dict, new: dict) -> list[str]:
    before, after = flatten(old), flatten(new)
    out = []
    for key in sorted(set(before) | set(after)):
        if key.endswith(" name") and key in before and key in after:
            continue
        if key not in before:
            out.append(f"  新增 {key}：{after[key]}")
        elif key not in after:
            out.append(f"  删除 {key}（原为 {before[key]}）")
        elif before[key] != after[key]:
            out.append(f"  变更 {key}：{before[key]} → {after[key]}")
    return out


PERFORMANCE_MARK = "由 juesuan import 从项目支出绩效自评表导入"


def merged_projects(old: list, imported: list[tuple[dict, str]]) -> list:
    """Imported projects replace the fields the tables hold of the same-named project (keeping what only the
    YAML holds: publish_table, 综述, low-score notes …); new projects are appended in workbook order."""
    merged = [dict(p) for p in old if isinstance(p, dict)]
    by_name = {p.get("name"): p for p in merged}
    for project, _ in imported:
        if project.get("name") in by_name:
            by_name[project["name"]].update(project)
        else:
            merged.append(dict(project))
    return merged


def performance_yaml(data: dict, imported: list[tuple[dict, str]], when: str) -> str:
    import yaml

    lines = [f"# 预算绩效：{PERFORMANCE_MARK}（{when}）。重新导入会更新各项目自评表的内容；",
             "# 项目与其在工作簿中的位置："]
    lines += [f"#   {project.get('name', '')}：{where}" for project, where in imported]
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    return "\n".join(lines) + "\n" + body
