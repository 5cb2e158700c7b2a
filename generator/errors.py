"""What the loader reports about unusable input, kept apart from the loader so the CLI can name these errors
without importing the input models (pydantic)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Problem:
    file: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file + (f" 第{self.line}行" if self.line else "")
        return f"{where}{'：' + self.field if self.field else ''}：{self.message}"


class InputError(Exception):
    """Unusable input (exit code 2)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems
