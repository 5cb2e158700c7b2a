"""Compare two DOCX files: non-empty body paragraphs in order (difflib), and table cells table by table.

Tables are aligned by content like PDF pages: a table inserted before the others is reported as added
instead of shifting every later table; unmatched tables pair in order and are compared cell by cell.

A `Snapshot` (paragraph texts and each table as rows of cell texts) is also the golden format for DOCX:
tests/golden/<example>__<profile>.docx.json. Rows and columns are 1-based; a merged cell repeats its text
in every grid position it spans (python-docx `row.cells`).
"""
from __future__ import annotations

import difflib
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Snapshot:
    paragraphs: list[str]
    tables: list[list[list[str]]]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Snapshot":
        data = json.loads(text)
        return cls(list(data["paragraphs"]), [[list(row) for row in table] for table in data["tables"]])


def snapshot(data: bytes | Path) -> Snapshot:
    import docx  # python-docx

    document = docx.Document(io.BytesIO(data.read_bytes() if isinstance(data, Path) else data))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return Snapshot(paragraphs, tables)


@dataclass
class CellChange:
    row: int
    column: int
    old: str | None      # None: the cell does not exist in OLD
    new: str | None


@dataclass
class TableDiff:
    index: int                             # 1-based table number in NEW (in OLD when removed)
    status: str = "changed"                # changed | added | removed
    old_index: int | None = None           # 1-based table number in OLD when it differs from `index`
    shape: tuple[str, str] = ("", "")      # ("12×5", "13×5") when rows/columns differ
    cells: list[CellChange] = field(default_factory=list)


@dataclass
class DocxComparison:
    paragraphs: list[tuple[str, int, str]]   # ("-", old paragraph no., text) / ("+", new paragraph no., text)
    tables: list[TableDiff]

    @property
    def identical(self) -> bool:
        return not self.paragraphs and not self.tables


def _shape(table: list[list[str]]) -> str:
    return f"{len(table)}×{max((len(r) for r in table), default=0)}"


def _cells(old: list[list[str]], new: list[list[str]]) -> list[CellChange]:
    changes = []
    for r in range(max(len(old), len(new))):
        a = old[r] if r < len(old) else []
        b = new[r] if r < len(new) else []
        for c in range(max(len(a), len(b))):
            x = a[c] if c < len(a) else None
            y = b[c] if c < len(b) else None
            if x != y:
                changes.append(CellChange(r + 1, c + 1, x, y))
    return changes


def compare_snapshots(old: Snapshot, new: Snapshot) -> DocxComparison:
    lines: list[tuple[str, int, str]] = []
    matcher = difflib.SequenceMatcher(None, old.paragraphs, new.paragraphs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            lines += [("-", i + 1, old.paragraphs[i]) for i in range(i1, i2)]
            lines += [("+", j + 1, new.paragraphs[j]) for j in range(j1, j2)]
    tables = []
    keys = [[json.dumps(t, ensure_ascii=False) for t in snap.tables] for snap in (old, new)]
    matcher = difflib.SequenceMatcher(None, *keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        n = min(i2 - i1, j2 - j1)
        for i, j in zip(range(i1, i1 + n), range(j1, j1 + n)):
            a, b = old.tables[i], new.tables[j]
            shape = (_shape(a), _shape(b))
            tables.append(TableDiff(j + 1, "changed", i + 1 if i != j else None,
                                    shape if shape[0] != shape[1] else ("", ""), _cells(a, b)))
        tables += [TableDiff(i + 1, "removed", None, (_shape(old.tables[i]), "")) for i in range(i1 + n, i2)]
        tables += [TableDiff(j + 1, "added", None, ("", _shape(new.tables[j]))) for j in range(j1 + n, j2)]
    return DocxComparison(lines, tables)


def compare_docx(old: bytes | Path, new: bytes | Path) -> DocxComparison:
    return compare_snapshots(snapshot(old), snapshot(new))
