"""What a cell of a numeric column may hold: a number (in a file's notation) or a missing marker."""

from __future__ import annotations

import re


def _number_pattern(decimal: str, thousands: str | None) -> re.Pattern[str]:
    digits = rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+" if thousands else r"\d+"
    dec = re.escape(decimal)
    return re.compile(
        rf"\s*[+-]?(?:(?:{digits})(?:{dec}\d*)?|{dec}\d+)(?:[eE][+-]?\d+)?\s*"
        r"|\s*[+-]?(?:inf|infinity|nan)\s*|\s*(?:true|false)\s*",
        re.IGNORECASE,
    )


_MISSING = frozenset({"", "NA", "N/A", "NAN", "NULL", "NONE", "?", "#N/A", "<NA>", "-NAN"})


def _is_value(cell: str, number: re.Pattern[str]) -> bool:
    """A number, boolean or missing marker: what a cell of a numeric column may hold."""
    return cell.strip().upper() in _MISSING or bool(number.fullmatch(cell))
