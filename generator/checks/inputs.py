"""The input as a whole: table data that is missing altogether (a tables.yaml saved under another name, an
empty input) would build an all-zero publication without a single finding."""
from __future__ import annotations

from ..input.load import INPUT_SUFFIXES
from .base import ERROR, Report


def _unread_files(r: Report) -> list[str]:
    """Files in the input directory the loader skipped (tables.yaml.bak, tables.txt, 决算表.yml~ …)."""
    root = r.loaded.source.root
    if not root.is_dir():
        return []
    try:
        return sorted(p.name for p in root.iterdir() if p.is_file() and p.suffix.lower() not in INPUT_SUFFIXES
                      and not p.name.startswith(".") and p.suffix.lower() not in (".md", ".pdf", ".png", ".jpg"))
    except OSError:
        return []


def table_data(r: Report) -> None:
    t, f = r.data.tables, r.facts
    unread = _unread_files(r)
    hint = f"；目录中的 {'、'.join(unread)} 未被读取（只读取 .yaml/.yml/.json 文件），是否改过文件名？" if unread else ""
    if "tables" not in r.loaded.source.nodes:
        r.add(ERROR, "table_data", f"输入中没有决算表数据（tables:），公开01–09表将全部为 0{hint}", "")
        return
    empty = (not t.income.rows and not t.expenditure.rows and not t.gpb.rows and not t.gf.rows and not t.soe.rows
             and f.t01[31] == 0 and f.t04_left[32] == 0)
    if empty:
        r.add(ERROR, "table_data", f"tables 中没有任何金额：公开02表、公开03表、公开05表都没有科目行，总计为 0{hint}", "tables")
        return
    for key, label in (("income", "公开02表 收入决算表"), ("expenditure", "公开03表 支出决算表")):
        if not getattr(t, key).rows and f.t01[31] != 0:
            r.add(ERROR, "table_data", f"{label}没有科目行（tables.{key}.rows），但公开01表收支总计为 "
                  f"{f.t01[31]:.2f}万元{hint}", "tables")
    if not t.gpb.rows and f.t01[1] != 0:
        r.add(ERROR, "table_data", f"公开05表 一般公共预算财政拨款支出决算表没有科目行（tables.gpb.rows），但一般公共预算"
              f"财政拨款收入为 {f.t01[1]:.2f}万元", "tables.summary.fiscal_income.gpb")
