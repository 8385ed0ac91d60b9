"""Numbers and counts as a class reads them: no "-0", no "1 runs"."""

from __future__ import annotations

import re

_ZERO = re.compile(r"-(?=0*\.?0*(?:e[+-]?\d+)?$)")  # a minus before a number that is all zeros


def shown(x: float, spec: str = ".4g") -> str:
    """``format(x, spec)`` without the sign of a zero: -0.0 and values that round to zero
    (-1e-9 with ".3f") show as "0", not "-0" (a class reads "-0" as a different number)."""
    return _ZERO.sub("", format(x, spec), count=1)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless n is 1: "1 run", "3 runs", "2 chains"."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
