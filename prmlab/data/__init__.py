"""Datasets: CSV loading and the built-in data. No Qt here."""

from prmlab.data.dataset import Dataset, DatasetError

__all__ = ["Dataset", "DatasetError"]
