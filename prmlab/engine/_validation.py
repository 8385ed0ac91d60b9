"""Input checks shared by every engine module, and their message templates.

Every message names the parameter, the rule, the value and, where one exists, a fix:
``"C must be > 0, got -1.0"``. All failures are ``ValueError``.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np


def check_array(
    X: Any,
    name: str = "X",
    *,
    ndim: int = 2,
    min_rows: int = 1,
    min_cols: int = 1,
    allow_nonfinite: bool = False,
    dtype: Any = np.float64,
) -> np.ndarray:
    """Return ``X`` as a C-contiguous array of ``dtype`` with ``ndim`` dimensions, or raise.

    For ``ndim=2`` the shape is ``(n_samples, n_features)``; a 1-D input is refused with a
    hint to reshape. NaN and infinity are refused unless ``allow_nonfinite``.
    """
    try:
        arr = np.asarray(X, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, could not convert it: {exc}") from None
    if arr.ndim != ndim:
        hint = ""
        if ndim == 2 and arr.ndim == 1:
            hint = "; for a single feature use X.reshape(-1, 1)"
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}{hint}")
    if arr.size == 0 or (arr.ndim >= 1 and arr.shape[0] < min_rows):
        rows = arr.shape[0] if arr.ndim else 0
        raise ValueError(f"{name} needs at least {min_rows} row(s), got {rows} (shape {arr.shape})")
    if ndim >= 2 and arr.shape[1] < min_cols:
        raise ValueError(f"{name} needs at least {min_cols} column(s), got shape {arr.shape}")
    if not allow_nonfinite and np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr)
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"{name} contains NaN or infinity (first at index {where}); "
                "remove or impute those values"
            )
    return np.ascontiguousarray(arr)


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


def check_random_state(seed: Any) -> np.random.Generator:
    """A ``np.random.Generator`` from ``None``, an int seed or a Generator."""
    if seed is None or isinstance(seed, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(seed, numbers.Integral) and seed < 0:
            raise ValueError(f"random_state must be >= 0, got {seed!r}")
        return np.random.default_rng(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    raise ValueError(f"random_state must be None, an int >= 0 or a numpy Generator, got {seed!r}")


def check_labels(y: Any, n_samples: int, name: str = "y") -> np.ndarray:
    """Return ``y`` as a 1-D array of length ``n_samples`` (any hashable labels), or raise."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        arr = arr.ravel() if arr.ndim == 2 and 1 in arr.shape else arr
    if arr.ndim != 1 or arr.shape[0] != n_samples:
        raise ValueError(
            f"{name} must have one label per sample ({n_samples}), got shape {np.shape(y)}"
        )
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity; every sample needs a label")
    return arr
