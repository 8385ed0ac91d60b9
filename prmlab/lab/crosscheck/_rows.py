"""A cross-check's row (one output against its reference) and the reference imports."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

import numpy as np

INSTALL = "pip install prmlab[references]"


class MissingReference(ImportError):
    """A reference library is not installed: the message names the package to install."""

    def __init__(self, package: str) -> None:
        super().__init__(
            f"The cross-check needs {package}, which is not installed: run "
            f"'{INSTALL}' (or 'pip install {package}') and try again."
        )
        self.package = package


def reference(module: str, package: str) -> ModuleType:
    """Import ``module`` of the reference library ``package`` (MissingReference if absent)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingReference(package) from exc


@dataclass(frozen=True)
class Row:
    """``output`` of prmlab against ``reference``: the largest absolute ``difference`` over
    its entries and the ``tolerance`` it must not exceed (None: no bound is promised, e.g.
    loopy BP against enumeration; the row reports the difference only)."""

    output: str
    reference: str
    difference: float
    tolerance: float | None

    @property
    def passed(self) -> bool:
        return self.tolerance is None or bool(self.difference <= self.tolerance)

    @property
    def verdict(self) -> str:
        if self.tolerance is None:
            return "(no bound)"
        return "✓" if self.passed else "✗"

    def text(self) -> str:
        """E.g. "SVC dual objective vs scikit-learn: 3e-09 ✓"."""
        return f"{self.output} vs {self.reference}: {self.difference:.1g} {self.verdict}"


def largest_difference(ours: object, theirs: object) -> float:
    """The largest absolute difference between two arrays (or numbers) of one shape; inf
    when the shapes differ or where only one side is finite."""
    a, b = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    if a.size == 0:
        return 0.0
    same = (a == b) | (np.isnan(a) & np.isnan(b))  # infinities and NaNs in the same places
    gap = np.where(same, 0.0, np.abs(a - b))
    return float(np.max(np.where(np.isnan(gap), np.inf, gap)))


def row(output: str, reference: str, ours: object, theirs: object, tolerance: float | None) -> Row:
    """The Row of ``ours`` against ``theirs``."""
    bound = None if tolerance is None else float(tolerance)
    return Row(output, reference, largest_difference(ours, theirs), bound)


def direction_difference(u: np.ndarray, v: np.ndarray) -> float:
    """How far two directions are apart, up to sign: 1 − |cos| of their angle."""
    u, v = np.ravel(u), np.ravel(v)
    return max(0.0, float(1.0 - abs(u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))))
