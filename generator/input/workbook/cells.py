"""A workbook's sheets as grids of values (python-calamine reads .xlsx, .xlsm, .xls and .ods alike), and the
one place that turns a cell into text, a code or an amount.

Amounts are Decimals taken from the cell's text or from the shortest repr of the float calamine returns,
cut to Excel's 15 significant digits (a formula's 3368812.3400000003 is the 3368812.34 Excel shows), and
must then be a whole number of fen; nothing goes through float arithmetic.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path

from openpyxl.utils import get_column_letter

CENT = Decimal("0.01")
YUAN_PER_WAN = Decimal(10000)
MAX_BYTES = 100 * 2 ** 20
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
BLANK_MARKS = {"-", "—", "——", "———", "－", "/", "--", "─", "―", "－－"}


class CellError(ValueError):
    """A cell that cannot be read as what its place asks for."""


@dataclass
class WorkbookProblem:
    """An unusable workbook, sheet or cell (exit 2)."""
    where: str          # "收入决算表.xlsx" or "收入决算表.xlsx 表二!E12"
    message: str

    def __str__(self) -> str:
        return f"{self.where}：{self.message}"


class WorkbookError(Exception):
    def __init__(self, problems: list[WorkbookProblem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass
class Sheet:
    book: str                                   # file name, for messages
    name: str
    grid: list[list[object]]                    # values; merged areas filled with their first cell's value
    copies: set[tuple[int, int]] = field(default_factory=set)   # cells filled from a merge, not their own
    prefix: str = ""            # "[收入.xlsx]" when several workbooks are imported at once (Excel's notation)

    @property
    def height(self) -> int:
        return len(self.grid)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.grid), default=0)

    def value(self, row: int, col: int) -> object:
        if row < len(self.grid) and col < len(self.grid[row]):
            return self.grid[row][col]
        return ""

    def own(self, row: int, col: int) -> object:
        """The cell's own value ('' for a cell covered by a merge that starts elsewhere)."""
        return "" if (row, col) in self.copies else self.value(row, col)

    def text(self, row: int, col: int) -> str:
        return norm(self.value(row, col))

    def ref(self, row: int, col: int) -> str:
        return f"{self.prefix}{self.name}!{get_column_letter(col + 1)}{row + 1}"


def norm(value: object) -> str:
    """Text for matching: full-width forms folded (NFKC), quotes and all whitespace removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"[\s\"'“”‘’]+", "", text)


def read_sheets(path: Path, hidden: list[str] | None = None) -> list[Sheet]:
    """Every visible worksheet of the workbook (the names of hidden ones go to `hidden`); raises
    WorkbookError for a file that is not a workbook."""
    import python_calamine as calamine

    where = path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise WorkbookError([WorkbookProblem(where, f"文件过大（超过 {MAX_BYTES // 2 ** 20} MB），不像公开表工作簿")])
        # from the bytes, so the format is told by content: a .xls that is really .xlsx (common) still opens
        data = path.read_bytes()
        if data[:8] == OLE_MAGIC and "EncryptionInfo".encode("utf-16-le") in data:
            raise calamine.PasswordError("encrypted OOXML package")   # an .xlsx with a password to open
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise WorkbookError([WorkbookProblem(where, "工作簿设有打开密码，请在 Excel 中取消密码后另存再导入")]) from None
    except WorkbookError:
        raise
    except FileNotFoundError:
        raise WorkbookError([WorkbookProblem(where, "文件不存在")]) from None
    except IsADirectoryError:
        raise WorkbookError([WorkbookProblem(where, "是目录，不是工作簿文件")]) from None
    except OSError as exc:
        raise WorkbookError([WorkbookProblem(where, f"无法读取文件（{exc.strerror or exc}）")]) from None
    except Exception as exc:  # noqa: BLE001 — calamine raises its own and plain errors for foreign files
        hint = "加密或受密码保护" if "encrypt" in str(exc).lower() or "password" in str(exc).lower() else \
            "不是 Excel 工作簿（.xlsx/.xls）或文件已损坏"
        raise WorkbookError([WorkbookProblem(where, f"无法作为工作簿打开：{hint}")]) from None
    sheets = []
    try:
        for meta in book.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1].lower() != "worksheet":
                continue
            if str(meta.visible).rsplit(".", 1)[-1].lower() != "visible":
                if hidden is not None:
                    hidden.append(meta.name)
                continue
            sheet = book.get_sheet_by_name(meta.name)
            grid = [list(row) for row in sheet.to_python(skip_empty_area=False)]
            filled = Sheet(where, meta.name, grid)
            for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or []):
                origin = filled.value(r0, c0)
                for r in range(r0, r1 + 1):
                    while len(grid) <= r:
                        grid.append([])
                    for c in range(c0, c1 + 1):
                        if (r, c) == (r0, c0):
                            continue
                        while len(grid[r]) <= c:
                            grid[r].append("")
                        grid[r][c] = origin
                        filled.copies.add((r, c))
            sheets.append(filled)
    except Exception as exc:  # noqa: BLE001 — a damaged sheet inside a readable container
        raise WorkbookError([WorkbookProblem(where, f"工作表无法读取：{exc}")]) from None
    finally:
        book.close()
    return sheets


def formulas_without_values(path: Path) -> list[str]:
    """Cells of an .xlsx holding a formula whose result was never saved (calamine shows them as blank).
    A BIFF8 .xls always stores a formula's last result, so only the XML formats are looked at."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    import openpyxl

    try:
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — calamine already opened it; openpyxl may not know every variant
        return []
    missing = []
    try:
        for name in formulas.sheetnames:
            for frow, vrow in zip(formulas[name].iter_rows(), values[name].iter_rows()):
                for fcell, vcell in zip(frow, vrow):
                    if getattr(fcell, "data_type", None) == "f" and vcell.value is None:
                        missing.append(f"{name}!{fcell.coordinate}")
    finally:
        formulas.close()
        values.close()
    return missing


def amount(value: object, unit: str) -> tuple[Decimal, str] | None:
    """(amount, unit it is exact in) or None for a blank cell; CellError for anything else.

    A 万元 figure with more than two decimals is kept exactly in 元 when it is a whole number of fen."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError("是真/假值，不是金额")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("不是有限的数")
        with localcontext() as ctx:
            ctx.prec = 15
            number = +Decimal(repr(value))
    elif isinstance(value, str):
        number = _amount_text(value)
        if number is None:
            return None
        if value.strip().endswith("万元"):
            unit = "万元"
        elif value.strip().endswith("元"):
            unit = "元"
    else:
        raise CellError(f"是{type(value).__name__}类型的值（如日期），不是金额")
    number = number.normalize() if number != 0 else Decimal(0)
    if number.as_tuple().exponent >= -2:
        return number, unit
    if unit == "万元":
        yuan = number * YUAN_PER_WAN
        if yuan.as_tuple().exponent >= -2 or yuan == yuan.quantize(CENT):
            return yuan.quantize(CENT), "元"
    raise CellError(f"{_plain(number)}{unit} 不是整分（最多精确到分）")


def _plain(number: Decimal) -> str:
    return format(number, "f")


def _amount_text(text: str) -> Decimal | None:
    cleaned = unicodedata.normalize("NFKC", text).strip()
    cleaned = re.sub(r"\s+", "", cleaned)
    if cleaned == "" or cleaned in BLANK_MARKS or set(cleaned) <= set("-—―─－"):
        return None
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1]
    cleaned = re.sub(r"(万元|元)$", "", cleaned).replace(",", "")
    if cleaned.startswith("-"):
        negative, cleaned = not negative, cleaned[1:]
    if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", cleaned):
        raise CellError(f"“{text.strip()}”不是金额")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"“{text.strip()}”不是金额") from None
    return -number if negative else number


def integer(value: object) -> int | None:
    """A count (团组、人次、辆): a whole number, or None for blank."""
    if value is None or value == "" or (isinstance(value, str) and norm(value) in BLANK_MARKS):
        return None
    text = norm(value).replace(",", "")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"{value} 不是整数")
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise CellError(f"“{value}”不是整数")


def code_text(value: object) -> str | None:
    """The digits of a code cell (2010301, "2010301", 2010301.0, "2010301 行政运行" → "2010301")."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and value >= 0 else None
    if isinstance(value, int):
        return str(value) if value >= 0 else None
    match = re.match(r"^(\d{2,7})(?!\d|\.\d)", norm(value))
    return match.group(1) if match else None


def name_after_code(value: object) -> str:
    """The name written after a code in the same cell ("2010301 行政运行" → "行政运行")."""
    text = str(value).strip() if isinstance(value, str) else ""
    match = re.match(r"^[0-9０-９]{3,7}\s*[-—:：、.]?\s*(.*)$", text)
    return _clean_name(match.group(1)) if match else ""


def _clean_name(text: str) -> str:
    """A name as printed: spaces used for indenting removed, ASCII parentheses back to full width."""
    text = re.sub(r"\s+", "", text)
    return text.replace("(", "（").replace(")", "）")


def clean_name(value: object) -> str:
    return _clean_name(str(value)) if value not in (None, "") else ""
