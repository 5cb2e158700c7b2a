"""Shanxi's 公开10表 (部门决算公开相关信息统计表): 政府采购, 机关运行经费 and 国有资产占用 rows by their labels."""
from __future__ import annotations

import re

from .cells import norm
from .find import Region, label_key
from .tables import Fig, Reading, _report_rest, _row_numbers

INFO_ROWS = {
    "合计": ("procurement", "total"), "货物": ("procurement", "goods"), "工程": ("procurement", "works"),
    "服务": ("procurement", "services"), "行政单位": ("office_running", "administrative"),
    "参照公务员法管理事业单位": ("office_running", "civil_service_managed"),
    "副部(省)级及以上领导用车": ("vehicles", "ministerial"), "主要负责人用车": ("vehicles", "principal"),
    "机要通信用车": ("vehicles", "confidential"), "应急保障用车": ("vehicles", "emergency"),
    "执法执勤用车": ("vehicles", "law_enforcement"), "特种专业技术用车": ("vehicles", "special"),
    "离退休干部服务用车": ("vehicles", "retiree"), "其他用车": ("vehicles", "other"),
    "单价100万元(含)以上设备(不含车辆)": ("assets", "equipment_over_1m"),
}


def read_info(region: Region, reading: Reading) -> dict[tuple[str, str], Fig]:
    """公开10表: (group, field) → figure; counts (辆、台套) are Figs too, checked to be whole numbers later."""
    sheet = region.sheet
    found: dict[tuple[str, str], Fig] = {}
    placed = set()
    for r in region.body_rows:
        texts = [(c, norm(sheet.own(r, c))) for c in range(sheet.width)
                 if isinstance(sheet.own(r, c), str) and re.search(r"[\u4e00-\u9fff]", sheet.own(r, c))]
        if not texts:
            continue
        key = INFO_ROWS.get(label_key(texts[0][1]))
        numbers = [c for c in range(texts[0][0] + 1, sheet.width)
                   if "行次" not in region.heading(c) and sheet.own(r, c) not in ("", None)]
        if key and numbers:
            fig = reading.figure(region, r, numbers[-1])
            placed.add((r, numbers[-1]))
            if fig is not None:
                found[key] = fig
    _report_rest(region, reading, placed | {(r, c) for r in region.body_rows for c in range(sheet.width)
                                            if "行次" in region.heading(c) or _row_numbers(region, c)},
                 "公开10表中不认识这一行")
    return found
