"""Money and percentages as Decimal in 万元; one place decides how an amount is parsed and rounded."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:     # money is used everywhere; importing it must not import pydantic
    from pydantic import ValidationInfo

CENT = Decimal("0.01")
ZERO = Decimal("0")
YUAN_PER_WAN = Decimal(10000)

_AMOUNT_RE = re.compile(r"^\s*([+-]?[\d,]*\.?\d*)\s*(万元|元)?\s*$")


def cents(value: Decimal | int) -> Decimal:
    """Round to the published precision (2 decimals of 万元), half up like Excel's ROUND."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))   # ints from templates (counts, defaults); never floats
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pct(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole × 100 rounded to 2 decimals; None when the base is zero (never print 0/0)."""
    if whole == 0:
        return None
    return cents(part / whole * 100)


def parse_amount(value: Any, info: ValidationInfo | None = None) -> Decimal:
    """Accept 336.88, "336.88", "336.88万元" or "3368800元"; unsuffixed numbers use the unit's amount_unit.

    Amounts in 万元 carry at most 2 decimals (the published precision); amounts in 元 are exact and are
    kept unrounded (万元 with up to 6 decimals) so sums round like the accounting software's.
    """
    if isinstance(value, Decimal):
        text, suffix = str(value), None
    elif isinstance(value, bool):
        raise ValueError("金额不能是真/假值")
    elif isinstance(value, (int, float, str)):
        match = _AMOUNT_RE.match(str(value))
        if not match or not match.group(1) or match.group(1) in "+-.":
            raise ValueError(f"“{value}”不是金额（应为数字，可带“万元”或“元”）")
        text, suffix = match.group(1).replace(",", ""), match.group(2)
    else:
        raise ValueError("应为金额数字")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"“{value}”不是金额") from exc
    if not number.is_finite():
        raise ValueError(f"“{value}”不是金额")
    unit = suffix or ((info.context or {}).get("amount_unit") if info else None) or "万元"
    if unit == "元":
        if number.as_tuple().exponent < -2:
            raise ValueError(f"以元填写的金额最多两位小数（分）：{value}")
        return number / YUAN_PER_WAN
    if number.as_tuple().exponent < -2:
        raise ValueError(f"以万元填写的金额最多两位小数：{value}；如需精确到元，请写成“…元”")
    if abs(number) >= Decimal("1e12"):
        raise ValueError(f"金额过大：{value}")
    return number + ZERO  # normalise -0


def non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(f"金额不能为负数：{value}")
    return value


def rounding_tolerance(addends: int) -> Decimal:
    """How far a typed total may sit from the sum of its rounded parts (tables.md §1.4, 尾数误差).

    Each of n non-zero parts and the total are rounded half up, each off by at most half a cent, and the
    total's own error can never be −0.005: so |Σ parts − total| < (n + 1) × 0.005, i.e. at most ⌊n/2⌋ cents.
    One part (a figure printed twice) leaves no tail at all; zeros are exact and are not counted.
    """
    return CENT * (max(addends, 0) // 2)
