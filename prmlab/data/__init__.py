"""Datasets: CSV loading and the built-in data. No Qt here.

The CSV names load ``prmlab.data.csv`` (and pandas) when first used: the app starts faster.
"""

import importlib
from typing import Any

from prmlab.data.builtin import BUILTIN, blobs, circles, iris, moons, old_faithful, wine, xor
from prmlab.data.dataset import Dataset, DatasetError

_CSV_NAMES = ("CsvSettings", "iter_load_csv", "load_csv", "sniff_csv", "write_csv")


def __getattr__(name: str) -> Any:
    if name in _CSV_NAMES:
        return getattr(importlib.import_module("prmlab.data.csv"), name)
    raise AttributeError(f"module 'prmlab.data' has no attribute {name!r}")


__all__ = [
    "BUILTIN",
    "CsvSettings",
    "Dataset",
    "DatasetError",
    "blobs",
    "circles",
    "iris",
    "iter_load_csv",
    "load_csv",
    "moons",
    "old_faithful",
    "sniff_csv",
    "wine",
    "write_csv",
    "xor",
]
