"""The units a served directory holds, their status in the batch manifest, and a 公开表 workbook uploaded as
a unit's tables (the Excel importer in generator/input/workbook, when this installation has it)."""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

WORKBOOK_SUFFIXES = (".xlsx", ".xls")
BAD_NAME = re.compile(r'[/\\:*?"<>|\x00-\x1f]')


class UploadError(Exception):
    """Why an upload was not taken (Chinese, shown on the page)."""


@dataclass
class UnitEntry:
    key: str            # the name in URLs
    path: Path
    status: str = ""    # from the manifest, in Chinese
    messages: tuple[str, ...] = ()


def discover(root: Path) -> tuple[bool, dict[str, UnitEntry]]:
    """(single, units): the served PATH is one unit, or a directory of units keyed by their folder name."""
    from ..batch.units import expand, is_unit

    if is_unit(root):
        return True, {root.name or "unit": UnitEntry(root.name or "unit", root)}
    units = {}
    for path in expand(root):
        if path != root:
            units[path.name] = UnitEntry(path.name, path)
    return False, units


def read_manifest(manifest: Path | None, units: dict[str, UnitEntry]) -> None:
    """Fill in each unit's status from a batch manifest (a list of units, or a mapping by name); an absent
    or unreadable manifest leaves the status empty."""
    from ..batch.manifest import STATUS_TEXT

    if manifest is None or not manifest.is_file():
        return
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    entries = data.get("units", data) if isinstance(data, dict) else data
    if isinstance(entries, dict):
        entries = [dict(v, name=k) if isinstance(v, dict) else {} for k, v in entries.items()]
    if not isinstance(entries, list):
        return
    by_path = {str(u.path.resolve()): u for u in units.values()}
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        unit = None
        for key in ("input", "path", "source"):
            if isinstance(entry.get(key), str):
                unit = by_path.get(str(Path(entry[key]).resolve())) or unit
        if unit is None:
            unit = units.get(str(entry.get("name", "")))
        if unit is not None and isinstance(entry.get("status"), str):
            unit.status = STATUS_TEXT.get(entry["status"], entry["status"])     # the batch's own words
            messages = entry.get("messages")
            if isinstance(messages, list):
                unit.messages = tuple(str(m) for m in messages[:5])


def importer_available() -> bool:
    return importlib.util.find_spec("generator.input.workbook") is not None


def check_name(name: str) -> str:
    name = name.strip()
    if not name or name in (".", "..") or name.startswith(".") or BAD_NAME.search(name) or len(name) > 80:
        raise UploadError("单位名称不可用：请使用不含 / \\ : * ? \" < > | 的名称，不以“.”开头，不超过 80 个字。")
    return name


def import_workbook(root: Path, name: str, filename: str, data: bytes, replace: bool, profile: str) -> Path:
    """Write the workbook and the tables read from it into ROOT/NAME (atomically; nothing is written when
    the workbook cannot be used) and return that directory."""
    from ..outputs import write_atomically

    if not importer_available():
        raise UploadError("此安装不含公开表工作簿导入功能（generator/input/workbook），无法由工作簿生成草稿。"
                          "请先用 juesuan import 导入，或更新 juesuan。")
    name = check_name(name)
    suffix = Path(filename or "").suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        raise UploadError("请上传 .xlsx 或 .xls 格式的公开表工作簿。")
    target = root / name
    if target.exists() and not target.is_dir():
        raise UploadError(f"{name} 已存在且不是目录，请换一个单位名称。")
    tables_file, unit_file = target / "tables.yaml", target / "unit.yaml"
    if target.is_dir() and any(target.glob("*.y*ml")):
        if not tables_file.is_file():
            raise UploadError(f"单位 {name} 的表格数据不在 tables.yaml 中；请用命令 juesuan import 导入。")
        if not replace:
            raise UploadError(f"单位 {name} 已有 tables.yaml；如要用工作簿中的数字替换，请勾选“替换已有表格数据”。")
    text, entity, year = tables_from_workbook(filename, suffix, data)
    safe_file = BAD_NAME.sub("_", Path(filename).name).lstrip(".") or f"公开表{suffix}"
    try:
        write_atomically(target / safe_file, data)
        write_atomically(tables_file, text.encode("utf-8"))
        if not unit_file.is_file():
            write_atomically(unit_file, unit_yaml(entity, year, profile).encode("utf-8"))
    except OSError as exc:
        raise UploadError(f"无法写入 {exc.filename or target}：{exc.strerror or exc}。请检查目录是否可写、磁盘是否已满。"
                          ) from None
    return target


def tables_from_workbook(filename: str, suffix: str, data: bytes) -> tuple[str, str | None, int | None]:
    """The tables.yaml text of a workbook, read from a private temporary copy, with the unit's name and year
    its header gives."""
    from pydantic import ValidationError

    from ..input import yamlio
    from ..input.model import Tables
    from ..input.workbook import WorkbookError, read_workbooks
    from ..input.workbook.emit import tables_yaml

    with tempfile.TemporaryDirectory(prefix="juesuan-upload-") as tmp:
        copy = Path(tmp) / (BAD_NAME.sub("_", Path(filename).stem)[:60] + suffix)
        copy.write_bytes(data)
        try:
            assembled = read_workbooks([copy])
        except WorkbookError as exc:
            raise UploadError("无法导入工作簿：\n" + "\n".join(str(p) for p in exc.problems)) from None
        except (OSError, ValueError) as exc:
            raise UploadError(f"无法读取工作簿 {Path(filename).name}：{exc}") from None
    text = tables_yaml(assembled, None, dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
    try:
        Tables.model_validate(yamlio.load(text)["tables"], context={"amount_unit": "万元"})
    except ValidationError as exc:
        where = [f"tables.{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in exc.errors(include_url=False)]
        raise UploadError("工作簿中的数据不符合输入格式，未写入：\n" + "\n".join(where[:20])) from None
    return text, (assembled.entity or [None])[0], (assembled.year or [None])[0]


def unit_yaml(entity: str | None, year: int | None, profile: str) -> str:
    """A new unit's unit.yaml for an uploaded workbook (name and year from the workbook's header)."""
    from ..input.workbook.unit_file import unit_yaml as written

    return written("juesuan serve", entity, year, None, profile)
