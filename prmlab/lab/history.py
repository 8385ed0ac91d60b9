"""The scrubber's memory: what an experiment showed at each step, within a byte budget.

An experiment is deterministic for its State (the seed included), so a step that is no longer
kept can be recomputed from the nearest kept one before it: the history thins itself (drops
every other entry between the first and the newest) rather than grow past its budget, and
scrubbing back to a thinned step costs a few steps of recomputation, never a wrong picture.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import numpy as np

E = TypeVar("E")

DEFAULT_BUDGET = 64 * 2**20  # bytes per panel: 64 MB keeps ~800 GMM steps of 10,000 points


def nbytes_of(value: Any) -> int:
    """The bytes of the NumPy arrays ``value`` holds (dataclasses, dicts, lists, tuples)."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(nbytes_of(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return sum(nbytes_of(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(nbytes_of(v) for v in value)
    return 0


class History(Generic[E]):
    """Entries by step position (increasing), at most ``budget`` bytes of arrays in all."""

    def __init__(
        self, budget: int = DEFAULT_BUDGET, sizeof: Callable[[Any], int] = nbytes_of
    ) -> None:
        self.budget = int(budget)
        self._sizeof = sizeof
        self._positions: list[int] = []
        self._entries: list[E] = []
        self._sizes: list[int] = []

    def __len__(self) -> int:
        return len(self._positions)

    @property
    def nbytes(self) -> int:
        return sum(self._sizes)

    @property
    def positions(self) -> tuple[int, ...]:
        return tuple(self._positions)

    @property
    def last(self) -> tuple[int, E] | None:
        return (self._positions[-1], self._entries[-1]) if self._positions else None

    def clear(self) -> None:
        self._positions.clear()
        self._entries.clear()
        self._sizes.clear()

    def record(self, position: int, entry: E) -> None:
        """Keep ``entry`` for ``position``. Recording at or before the newest position first
        forgets everything after it: a changed step starts a new future."""
        cut = bisect.bisect_left(self._positions, position)
        del self._positions[cut:], self._entries[cut:], self._sizes[cut:]
        self._positions.append(int(position))
        self._entries.append(entry)
        self._sizes.append(self._sizeof(entry))
        while self.nbytes > self.budget and len(self._positions) > 2:
            self._thin()

    def get(self, position: int) -> E | None:
        """The entry recorded for exactly ``position``, or None (never recorded, or thinned)."""
        i = bisect.bisect_left(self._positions, position)
        if i < len(self._positions) and self._positions[i] == position:
            return self._entries[i]
        return None

    def at_or_before(self, position: int) -> tuple[int, E] | None:
        """The newest kept entry at or before ``position``: where a recomputation starts."""
        i = bisect.bisect_right(self._positions, position) - 1
        return (self._positions[i], self._entries[i]) if i >= 0 else None

    def _thin(self) -> None:
        """Drop every other entry between the first and the newest (both always kept)."""
        keep = [0, *range(2, len(self._positions) - 1, 2), len(self._positions) - 1]
        keep = sorted(set(keep))
        self._positions = [self._positions[i] for i in keep]
        self._entries = [self._entries[i] for i in keep]
        self._sizes = [self._sizes[i] for i in keep]
