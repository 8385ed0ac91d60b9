"""Input checks shared by every engine module, and their message templates.

Every message names the parameter, the rule, the value and, where one exists, a fix:
``"C must be > 0, got -1.0"``. All failures are ``ValueError``. The scalar checks live in
``prmlab._checks`` (the data floor uses them too) and are re-exported here.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from prmlab._checks import check_option, check_scalar

__all__ = [
    "as_array",
    "as_real_array",
    "check_array",
    "check_labels",
    "check_option",
    "check_random_state",
    "check_scalar",
    "check_squarable",
]

# Largest float64: sums of squares beyond it overflow to infinity.
_MAX = float(np.finfo(np.float64).max)


def _first_index(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds, so messages show ``1j``, not ``np...``."""
    return value.item() if isinstance(value, np.generic) else value


def _complex_error(name: str, value: Any, index: tuple[int, ...]) -> ValueError:
    return ValueError(
        f"{name} must hold real numbers, got complex ones (e.g. {_plain(value)!r} at index "
        f"{index}); prmlab does not drop imaginary parts silently: pass {name}.real if they "
        "are rounding noise, or the real and imaginary parts as separate columns"
    )


def _check_elements(arr: np.ndarray, name: str) -> None:
    """Name the first element of an object or text array that is not a real number
    (``None`` included: NumPy would turn it into NaN)."""
    for index in np.ndindex(arr.shape):
        value = arr[index]
        if isinstance(value, (complex, np.complexfloating)):
            raise _complex_error(name, value, index)
        try:
            if value is None:
                raise TypeError
            float(value)
        except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond float64
            raise ValueError(
                f"{name} must hold real numbers, got {_plain(value)!r} "
                f"({type(_plain(value)).__name__}) at index {index}; convert or remove that entry"
            ) from None


def as_array(X: Any, name: str = "X") -> np.ndarray:
    """``np.asarray(X)``, with ``None`` and ragged nested lists refused in prmlab's words."""
    if X is None:
        raise ValueError(f"{name} is None; pass an array")
    try:
        return np.asarray(X)
    except ValueError:  # NumPy's "inhomogeneous shape": nested lists of different lengths
        raise ValueError(
            f"{name} must be a rectangular array, but its rows have different lengths; pad "
            "or drop the short rows"
        ) from None


def as_real_array(X: Any, name: str = "X", dtype: Any = np.float64) -> np.ndarray:
    """``X`` as an array of ``dtype``, or a ``ValueError`` naming what is not a real number.

    Refused: ``None``, ragged nested lists, complex numbers (NumPy would silently drop the
    imaginary part), and any entry (text, ``None``, objects) that is not a real number.
    Booleans and numeric text (``"1.5"``) are converted as NumPy does.
    """
    raw = as_array(X, name)
    kind = raw.dtype.kind
    if kind == "c":
        imaginary = np.imag(raw) != 0
        where = _first_index(imaginary) if imaginary.any() else (0,) * raw.ndim
        raise _complex_error(name, raw[where], where)
    if kind in "biuf":
        return raw.astype(dtype, copy=False)
    if kind == "O":
        _check_elements(raw, name)
    if kind in "OUS":
        try:
            return raw.astype(dtype)
        except (TypeError, ValueError, OverflowError):
            _check_elements(raw, name)
    raise ValueError(f"{name} must hold real numbers, got an array of dtype {raw.dtype}")


def _check_shape(arr: np.ndarray, name: str, min_rows: int, min_cols: int) -> None:
    """Enough rows, enough columns (2-D and up), and no empty axis, each named as such."""
    rows = arr.shape[0] if arr.ndim else 0
    if rows < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} row(s), got {rows} (shape {arr.shape})")
    if arr.ndim >= 2 and arr.shape[1] < min_cols:
        raise ValueError(
            f"{name} needs at least {min_cols} column(s) (features), got {arr.shape[1]} "
            f"(shape {arr.shape})"
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); every axis needs an entry")


def check_array(
    X: Any,
    name: str = "X",
    *,
    ndim: int | tuple[int, ...] = 2,
    min_rows: int = 1,
    min_cols: int = 1,
    allow_nonfinite: bool = False,
    dtype: Any = np.float64,
) -> np.ndarray:
    """Return ``X`` as a C-contiguous array of ``dtype`` with ``ndim`` dimensions, or raise.

    ``ndim`` may be a tuple of accepted dimensions, e.g. ``(1, 2)``. For ``ndim=2`` the shape
    is ``(n_samples, n_features)``; a 1-D input is refused with a hint to reshape. Complex
    numbers, text and ``None`` are refused (:func:`as_real_array`); NaN and infinity too
    unless ``allow_nonfinite``.
    """
    arr = as_real_array(X, name, dtype)
    accepted = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if arr.ndim not in accepted:
        hint = ""
        if accepted == (2,) and arr.ndim == 1:
            hint = "; for a single feature use X.reshape(-1, 1)"
        dims = " or ".join(f"{d}-D" for d in accepted)
        raise ValueError(f"{name} must be {dims}, got shape {arr.shape}{hint}")
    _check_shape(arr, name, min_rows, min_cols)
    if not allow_nonfinite and np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr)
        if bad.any():
            raise ValueError(
                f"{name} contains NaN or infinity (first at index {_first_index(bad)}); "
                "remove or impute those values"
            )
    return np.ascontiguousarray(arr)


def check_squarable(X: np.ndarray, name: str = "X", count: int | None = None) -> np.ndarray:
    """Refuse finite values so large that a sum of ``count`` squared differences of them
    (default ``X.size``: a k-means inertia, a scatter matrix, a Mahalanobis distance)
    overflows float64 to infinity; returns ``X``.

    The bound ``max |x| <= sqrt(max_float / (4 count))`` covers ``(x - m)^2`` with ``|m|``
    up to ``max |x|`` summed ``count`` times: about 2.1e152 for 1,000 values.
    """
    count = X.size if count is None else count
    peak = float(max(X.max(initial=0.0), -X.min(initial=0.0)))
    limit = float(np.sqrt(_MAX / (4.0 * max(count, 1))))
    if peak > limit:
        raise ValueError(
            f"{name} has values too large to square without overflow (max |x| = {peak:.3g}, "
            f"at most {limit:.3g} for {count} values); rescale the columns, e.g. "
            "standardise them"
        )
    return X


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
    arr = as_array(y, name)
    if arr.ndim != 1:
        arr = arr.ravel() if arr.ndim == 2 and 1 in arr.shape else arr
    if arr.ndim != 1 or arr.shape[0] != n_samples:
        raise ValueError(
            f"{name} must have one label per sample ({n_samples}), got shape {np.shape(y)}"
        )
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity; every sample needs a label")
    return arr


def check_fitted(model: Any, attribute: str, fit: str = "fit(X)") -> None:
    """Raise a ``ValueError`` if ``model`` has no ``attribute`` yet (``fit`` was not called)."""
    if not hasattr(model, attribute):
        name = type(model).__name__
        raise ValueError(f"this {name} is not fitted yet; call {fit} before using it")


def check_features(X: Any, n_features: int, name: str = "X") -> np.ndarray:
    """``X`` as float64 ``(n, n_features)`` for a fitted model, or a clear ``ValueError``."""
    X = check_array(X, name)
    if X.shape[1] != n_features:
        raise ValueError(
            f"{name} must have {n_features} columns like the data the model was fitted on, "
            f"got {X.shape[1]}; pass the same features as in fit"
        )
    return X
