"""Parameter checks shared by every floor that takes numbers from a user (data and engine).

NumPy only and no prmlab import, so the data floor can use them without importing the engine
(``prmlab.engine._validation`` re-exports them beside its array checks). Every message names
the parameter, the rule and the value: ``"C must be > 0, got -1.0"``. All failures are
``ValueError``.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np


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
    """
    kind = "an integer" if integer else "a number"
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got complex {value!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    if integer:
        if not float(value).is_integer():
            raise ValueError(f"{name} must be {kind}, got {value!r}")
        value = int(value)
    else:
        value = float(value)
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
