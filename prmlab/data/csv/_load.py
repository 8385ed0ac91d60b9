"""The whole load: sniff, parse in chunks, build the Dataset (``load_csv`` and its generator)."""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable
from dataclasses import replace

from prmlab.data.csv._columns import _to_dataset
from prmlab.data.csv._read import LoadStep, _DecodeError, _drain, _layout, _read_frame
from prmlab.data.csv._sniff import CsvSettings, _check_path, sniff_csv
from prmlab.data.dataset import Dataset


def iter_load_csv(
    path: str | os.PathLike,
    settings: CsvSettings | None = None,
    label_column: str | None = "auto",
    ignore_columns: Iterable[str] = (),
) -> Generator[LoadStep, None, Dataset]:
    """:func:`load_csv` as a generator: yields a LoadStep per chunk, returns the Dataset.

    For the GUI's worker: cancelling between yields stops the load.
    """
    p = _check_path(path)
    sniffed = settings is None
    settings = sniff_csv(p) if settings is None else settings
    settings.check()
    layout = _layout(p, settings)
    # A sniffed UTF-8 head may be plain ASCII with a legacy byte further on ("é" in cp1252);
    # latin-1 comes last: it accepts every byte.
    fallbacks = ["cp1252", "latin_1"] if sniffed and settings.encoding == "utf-8" else []
    detected = settings.notes
    while True:
        try:
            columns, parser_notes = yield from _read_frame(p, settings, layout)
            break
        except _DecodeError:
            if not fallbacks:
                raise
            encoding = fallbacks.pop(0)
            why = f"the start is UTF-8 but later bytes are not: read as {encoding}"
            settings = replace(settings, encoding=encoding, notes=(*detected, why))
    notes = settings.describe() + layout.notes + parser_notes
    return _to_dataset(columns, settings, label_column, set(ignore_columns), notes, p.name)


def load_csv(
    path: str | os.PathLike,
    settings: CsvSettings | None = None,
    label_column: str | None = "auto",
    ignore_columns: Iterable[str] = (),
    progress: Callable[[float], None] | None = None,
) -> Dataset:
    """Load a CSV file as a Dataset; ``notes`` says what was detected, dropped and why.

    ``settings`` default to :func:`sniff_csv`. ``label_column``: "auto" (every column's
    role by :func:`suggest_roles`, the rule the CSV dialog shows: the label is a column
    named like class/label/target/species, else the last text column, never a date or an
    identifier; dates are no features), a column name, or None for no labels; with a name
    or None every numeric column but the label and ``ignore_columns`` is a feature.
    ``progress`` receives the fraction parsed so far.
    Raises DatasetError (a ValueError) and nothing else.
    """
    return _drain(iter_load_csv(path, settings, label_column, ignore_columns), progress)
