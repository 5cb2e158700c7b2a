"""`export xlsx`: the 公开表 as printed, one formatted sheet per table, written by walking the composed HTML
(the single source of every figure, label and note; nothing is recomputed here) with openpyxl.

Each sheet: title, 公开NN表 label and the 单位/年度/金额单位 line above the grid; header cells merged as in the
HTML (colspan/rowspan), thin borders, widths by column role, header rows frozen and repeated on every
printed page, A4 in the table's orientation, fitted to the page width. Amounts are numbers (Decimal, exact)
with the publication's number format; codes stay text so leading digits and 类/款/项 lengths survive.
"""
from __future__ import annotations

import io
import re
from decimal import Decimal, InvalidOperation

import lxml.html
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
WIDTHS = {"code": 11, "name": 30, "label": 34, "row-no": 6, "num": 14}
FONT = "SimSun"


def workbook_bytes(html: str) -> bytes:
    """The .xlsx of every table-block in the composed HTML, in document order."""
    root = lxml.html.fromstring(html)
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    blocks = root.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " table-block ") or '
                        'contains(concat(" ", normalize-space(@class), " "), " project-table ")]')
    for block in blocks:
        table = block.find(".//table")
        if table is None:
            continue
        _sheet(book, block, table, used)
    if not book.worksheets:
        book.create_sheet("说明")["A1"] = "本公开文件没有决算表。"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(element) -> str:
    return " ".join(element.text_content().split()) if element is not None else ""


def _first(block, cls: str):
    found = block.xpath(f'.//*[contains(concat(" ", normalize-space(@class), " "), " {cls} ")]')
    return found[0] if found else None


def _sheet_name(label: str, title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", label or title)[:31] or "表"
    numbered = base == "自评表"          # one sheet per project: 自评表1, 自评表2 …
    name, n = (f"{base}1" if numbered else base), 2
    while name in used:
        name = f"{base}{n}" if numbered else f"{base[:28]}({n})"
        n += 1
    used.add(name)
    return name


def _grid(table) -> tuple[list[list[tuple]], int, int]:
    """Rows of (row, col, rowspan, colspan, element) placed as a browser would, and the header row count."""
    rows = [tr for part in table if part.tag in ("thead", "tbody", "tfoot") for tr in part if tr.tag == "tr"]
    rows += [tr for tr in table if tr.tag == "tr"]
    head = sum(1 for part in table if part.tag == "thead" for tr in part if tr.tag == "tr")
    taken: set[tuple[int, int]] = set()
    placed: list[list[tuple]] = []
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        line = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rowspan, colspan = int(cell.get("rowspan", 1) or 1), int(cell.get("colspan", 1) or 1)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            line.append((r, c, rowspan, colspan, cell))
            c += colspan
            width = max(width, c)
        placed.append(line)
    return placed, head, width


def _amount(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").strip()
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _sheet(book: Workbook, block, table, used: set[str]) -> None:
    heading = _first(block, "table-title")
    title = _text(heading if heading is not None else _first(block, "project-title"))
    label = _text(_first(block, "table-label"))
    project = "project-table" in (block.get("class") or "")
    meta = _first(block, "table-meta")
    notes = [_text(p) for p in block.xpath('.//p[contains(@class, "table-note")]')]
    sheet = book.create_sheet(_sheet_name(label or ("自评表" if project else ""), title, used))
    placed, head, width = _grid(table)
    width = max(width, 3)
    separators = any("," in _text(cell) for line in placed for *_, cell in line if "num" in (cell.get("class") or ""))
    number_format = "#,##0.00" if separators else "0.00"

    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1, title).font = Font(name=FONT, size=16, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.cell(2, width, label).alignment = Alignment(horizontal="right")
    spans = [_text(s) for s in meta.xpath("./span")] if meta is not None else []
    spans = [s for s in spans if s]
    if spans:
        positions = [1] + ([max(2, width // 2)] if len(spans) > 2 else []) + [width]
        for text, col in zip(spans[:-1] + spans[-1:], positions[: len(spans) - 1] + [width]):
            cell = sheet.cell(3, col, text)
            cell.alignment = Alignment(horizontal="right" if col == width and len(spans) > 1 else "left")
    top = 4
    roles: dict[int, str] = {}
    for line in placed:
        for r, c, rowspan, colspan, element in line:
            classes = (element.get("class") or "").split()
            text = _text(element)
            row, col = top + r, 1 + c
            is_head = r < head
            cell = sheet.cell(row, col)
            if is_head:
                cell.value = int(text) if text.isdigit() and "column-numbers" in (element.getparent().get("class") or "") \
                    else text or None
                cell.font = Font(name=FONT, bold=True, size=10)
                cell.fill = HEADER_FILL
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            elif "num" in classes and _amount(text) is not None:
                cell.value = _amount(text)
                cell.number_format = number_format
                cell.alignment = Alignment(horizontal="right", vertical="center")
                cell.font = Font(name=FONT, size=10)
            elif "row-no" in classes and text.isdigit():
                cell.value = int(text)
                cell.alignment = Alignment(horizontal="center", vertical="center")
                cell.font = Font(name=FONT, size=10)
            else:
                cell.value = text or None
                cell.number_format = "@"
                if text.startswith("="):
                    cell.data_type = "s"          # printed text such as “=100%”, never a formula
                bold = "total" in (element.getparent().get("class") or "") or "group" in classes
                cell.font = Font(name=FONT, size=10, bold=bold)
                centre = "label" in classes and text in ("合计", "总计") or "row-no" in classes
                cell.alignment = Alignment(horizontal="center" if centre else "left", vertical="center",
                                           wrap_text="name" in classes or "label" in classes)
            for dr in range(rowspan):
                for dc in range(colspan):
                    sheet.cell(row + dr, col + dc).border = BORDER
            if rowspan > 1 or colspan > 1:
                sheet.merge_cells(start_row=row, start_column=col, end_row=row + rowspan - 1,
                                  end_column=col + colspan - 1)
            if not is_head and colspan == 1:
                for role in ("code", "name", "label", "row-no", "num"):
                    if role in classes:
                        roles.setdefault(c, role)
    bottom = top + len(placed)
    for offset, note in enumerate(notes):
        row = bottom + offset
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.cell(row, 1, note).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 15 * max(1, len(note) // (width * 8) + 1)
    for c in range(width):
        sheet.column_dimensions[get_column_letter(c + 1)].width = WIDTHS.get(roles.get(c, "num"), 14)
    if head:
        sheet.freeze_panes = sheet.cell(top + head, 1)
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if project or "landscape" in (block.get("class") or "").split() \
        else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{top}:{top + head - 1}" if head else None
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
