"""Parameter checks shared by every floor that takes numbers from a user (data and engine).

NumPy only and no prmlab import, so the data floor can use them without importing the engine
(``prmlab.engine._validation`` re-exports them beside its array checks). Every message names
the parameter, the rule and the value: ``"C must be > 0, got -1.0"``. All failures are
``ValueError``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

_INT64_MAX = int(np.iinfo(np.int64).max)


def check_scalar(
    value: Any,
    name: str,
    *,
    integer: bool = False,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    allow_inf: bool = False,
) -> Any:
    """Return ``value`` as ``int`` or ``float`` after checking its bounds, or raise.

    ``"C must be > 0, got -1.0"``. NaN is always refused; infinity only when ``allow_inf``.
    An ``integer`` must be an int (NumPy's too), not a float such as 2.0, as in scikit-learn:
    callers may keep the value they were given, and a float count breaks ``range`` later.
    """
    if isinstance(value, np.generic):
        value = value.item()  # messages show 2.0, not np.float64(2.0)
    kind = "an integer" if integer else "a number"
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got complex {value!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    if integer:
        if not isinstance(value, numbers.Integral):
            whole = math.isfinite(value) and float(value).is_integer()
            hint = f"; pass the int {int(value)}" if whole else ""
            raise ValueError(f"{name} must be {kind}, got {value!r}{hint}")
        value = int(value)
        if abs(value) > _INT64_MAX:  # NumPy and Numba count in int64
            raise ValueError(
                f"{name} must be an integer within +-(2**63 - 1), got one of "
                f"{len(str(abs(value)))} digits"
            )
    else:
        try:
            value = float(value)
        except OverflowError:  # an int beyond float64
            raise ValueError(
                f"{name} must be a finite number, got an integer of {len(str(abs(value)))} "
                "digits, beyond float64"
            ) from None
        if np.isnan(value) or (np.isinf(value) and not allow_inf):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    for bound, ok, op in (
        (gt, lambda b: value > b, ">"),
        (ge, lambda b: value >= b, ">="),
        (lt, lambda b: value < b, "<"),
        (le, lambda b: value <= b, "<="),
    ):
        if bound is not None and not ok(bound):
            raise ValueError(f"{name} must be {op} {bound}, got {value!r}")
    return value


def check_option(value: Any, name: str, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``options``, else raise naming them all."""
    options = tuple(options)
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return value
