"""The unit.yaml written for a unit whose first input is a workbook (`juesuan import`, an upload to
`juesuan serve`): the name and year from the workbook's header, the rest for the user to check."""
from __future__ import annotations

import datetime as dt
import json

_TEMPLATE = """# 单位信息：由 {made_by} 根据工作簿表头生成，请核对并补充。说明见 docs/input-format.md。
unit:
  name: {name}
  scope: 部门              # 公开范围：部门 或 单位（封面“部门决算”/“单位决算”）
  kind: 行政单位           # 单位性质：行政单位 / 参公事业单位 / 事业单位 / 其他
  level: 市级              # 预算级次用语：省级 / 市级 / 区级 / 县级
  year: {year}{year_note}
  profile: {profile}
"""


def unit_yaml(made_by: str, entity: str | None, year: int | None, year_source: str | None, profile: str) -> str:
    """`year_source` names where the year was read (e.g. a sheet and cell); without a year, last year's."""
    note = f"                # 取自 {year_source}" if year and year_source else \
        "" if year else "                # 工作簿中没有写年度，请核对"
    return _TEMPLATE.format(made_by=made_by, name=json.dumps(entity or "【待补充：单位名称】", ensure_ascii=False),
                            year=year or dt.date.today().year - 1, year_note=note,
                            profile=json.dumps(profile, ensure_ascii=False))
