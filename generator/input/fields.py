"""Field types every part of the input schema shares: money, classification codes, a strict base model."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from .limits import bounded_amount
from .money import ZERO, non_negative, parse_amount

Money = Annotated[Decimal, BeforeValidator(lambda value, info: non_negative(parse_amount(value, info))),
                  AfterValidator(bounded_amount)]

Scope = Literal["部门", "单位"]


def _code(value: object) -> str:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):     # full-width ２０１ would match no row silently
        raise ValueError(f"科目编码应为半角数字（0–9）：{value}")
    return text


FunctionalCode = Annotated[str, BeforeValidator(_code), Field(pattern=r"^\d{3}(\d{2}){0,2}$",
                                                                   description="功能分类科目编码：类3位、款5位、项7位")]
EconomicCode = Annotated[str, BeforeValidator(_code), Field(pattern=r"^\d{3}(\d{2})?$",
                                                                 description="经济分类科目编码：类3位、款5位")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def money_field(desc: str):
    return Field(default=ZERO, description=desc)
