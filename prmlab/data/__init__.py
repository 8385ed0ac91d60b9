"""Datasets: CSV loading and the built-in data. No Qt here."""

from prmlab.data.builtin import BUILTIN, blobs, circles, iris, moons, old_faithful, wine, xor
from prmlab.data.csv import CsvSettings, iter_load_csv, load_csv, sniff_csv, write_csv
from prmlab.data.dataset import Dataset, DatasetError

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
