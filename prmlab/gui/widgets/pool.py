"""Plot items made once and reused as results change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def grown(pool: list[T], n: int, make: Callable[[], T]) -> list[T]:
    """The first ``n`` items of ``pool``, growing it with ``make()`` as needed.

    Creating plot items (and adding them to a plot) for every result held the GUI thread for
    tens of milliseconds; reused items only take new data. Callers hide the ones past ``n``.
    """
    while len(pool) < n:
        pool.append(make())
    return pool[:n]
