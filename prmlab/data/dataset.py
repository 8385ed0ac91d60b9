"""The one in-memory form every panel receives data in."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class DatasetError(ValueError):
    """A file or table that cannot become a Dataset; the message is for a person to read."""


@dataclass
class Dataset:
    """Numeric features, optional integer labels, and what the loader decided.

    ``X``: float64, shape (n, d), all finite. ``y``: int codes of length n into
    ``class_names``, or None.
    """

    X: np.ndarray
    feature_names: list[str]
    y: np.ndarray | None = None
    class_names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    name: str = ""

    def notes_text(self) -> str:
        """The notes as one line for a message bar: each its own clause, none run together."""
        return "; ".join(self.notes) + "." if self.notes else ""

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])
