"""How numbers are printed: table cells (always 2 decimals) and text amounts/percentages (profile rules)."""
from __future__ import annotations

from decimal import Decimal

from ..input.money import cents


def _group(text: str, thousands: bool) -> str:
    if not thousands:
        return text
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    grouped = f"{int(whole):,}"
    return sign + grouped + (f".{frac}" if frac else "")


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def table_cell(value: Decimal | None, settings: dict) -> str:
    """A table amount: 2 decimals always; zero blank or 0.00 as the profile says; None is blank."""
    if value is None:
        return ""
    if value == 0 and settings.get("table_zero", "blank") == "blank":
        return ""
    return _group(f"{cents(value):.2f}", settings.get("table_thousands", True))


def amount(value: Decimal | None, settings: dict) -> str:
    """An amount inside a sentence: 16.4, 4,275.7, 0 (trimmed) or 16.40 (Shanxi keeps 2 decimals)."""
    if value is None:
        return ""
    text = f"{cents(value):.2f}"
    if value == 0:
        return "0"
    trim = settings.get("text_trim_zeros", True)
    if trim == "whole":               # 30 and 22.80 (seed 002): only a whole number loses its decimals
        text = text[:-3] if text.endswith(".00") else text
    elif trim:
        text = _trim(text)
    return _group(text, settings.get("text_thousands", True))


def percent(value: Decimal | None, settings: dict) -> str:
    if value is None:
        return ""
    text = f"{cents(value):.2f}"
    if settings.get("percent_trim_zeros", True):
        text = _trim(text)
    return _group(text, settings.get("text_thousands", True))


def exact(value) -> str:
    """An amount as entered, without rounding to cents (Shanxi's 自评表 prints 6.224 and 23.776)."""
    text = format(Decimal(str(value)).normalize(), "f")
    return _trim(text) if "." in text else text


def score(value: Decimal | None, trim: bool = True) -> str:
    if value is None:
        return ""
    text = f"{cents(Decimal(value)):.2f}"
    return _trim(text) if trim else text


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 21 → 二十一, 100 → 一百 (ordinals for headings and lists)."""
    if n <= 0:
        return _DIGITS[0]
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else
                                 ("一" + chinese_number(rest) if rest < 20 else chinese_number(rest)))
    return _DIGITS[n // 100] + "百" + tail
