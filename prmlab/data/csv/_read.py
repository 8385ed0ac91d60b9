"""Parsing a CSV with pandas in chunks: layout from the head, parse errors, ``preview_csv``."""

from __future__ import annotations

import csv
import os
import re
import warnings
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from prmlab.data.csv._cells import _is_value, _number_pattern
from prmlab.data.csv._open import DECOMPRESSION_ERRORS, compression, open_bytes
from prmlab.data.csv._sniff import (
    MAX_COLUMNS,
    WHITESPACE,
    CsvSettings,
    _check_path,
    _decode_head,
    _read_head,
    after_lines,
    table_rows,
)
from prmlab.data.csv._start import body_width, fits_width, names_rows
from prmlab.data.dataset import DatasetError

PREVIEW_ROWS = 50
CHUNK_BYTES = 8 * 2**20  # parse ~8 MiB at a time: progress and cancel points
WHOLE_READ_BYTES = 64 * 2**20  # smaller files parse in one read (~0.2 s), without progress
COMPRESSION_RATIO = 8  # a guess at text bytes per compressed byte, for choosing chunked reads
NA_VALUES = ["?"]  # on top of pandas' defaults: "", NA, NULL, NaN, n/a, None, ...
_T = TypeVar("_T")
_TOO_MANY_FIELDS = re.compile(r"Expected \d+ fields in line \d+, saw \d+")


@dataclass(frozen=True)
class LoadStep:
    """Progress of a load: ``progress`` in [0, 1] (the GUI's status bar reads it), rows so far."""

    progress: float
    rows: int


# -------------------------------------------------------------------------------- parsing


def _dedupe(names: Iterable[str]) -> tuple[list[str], list[str]]:
    """Unique, non-empty column names ("x", "x (2)", ...) and notes on what was renamed."""
    out: list[str] = []
    notes: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names):
        base = raw.strip() or f"column {i + 1}"
        name, k = base, 1
        while name in seen:
            k += 1
            name = f"{base} ({k})"
        if name != base:
            notes.append(f"duplicate header {base!r} renamed to {name!r}")
        seen.add(name)
        out.append(name)
    return out, notes


@dataclass
class _Layout:
    """What the head says about the table under some settings: names, width, text columns."""

    names: list[str]
    notes: list[str]
    text_columns: list[str]
    bytes_per_row: float
    spaces: bool  # cells start with blanks: let pandas skip them (slower, so only then)
    skip_lines: int  # lines before the first data row: skipped ones, blank ones, the header
    compression: str | None


def _header_names(
    first: list[str], width: int, body: list[list[str]], line: int, name: str
) -> tuple[list[str], list[str]]:
    """Column names from the header row for a body ``width`` fields wide, and notes.

    Names and rows must agree in number: pandas would cut longer rows to the header's width
    (or pad shorter ones), silently. Trailing delimiters make no column.
    """
    if fits_width(first, width, body):
        return first[:width] + [""] * (width - len(first)), []
    if names_rows(first, width, body):
        # R's write.csv: the rows start with their names, which have no column name
        note = f"line {line} has one name fewer than the rows: their first field is row names"
        return ["row name", *first], [note]
    raise DatasetError(
        f"line {line} of {name} holds {len(first)} column names but the rows below have "
        f"{width} fields; untick 'first row holds the column names' or skip the lines "
        "before the table"
    )


def _layout(p: Path, settings: CsvSettings) -> _Layout:
    head, complete = _read_head(p)
    text = _decode_head(head, settings.encoding, complete, p.name)
    rows = table_rows(after_lines(text, settings.skip_lines), settings.delimiter, p.name)
    first, header_end = rows[0]
    body = [r for r, _ in rows[1:]] if settings.header else [r for r, _ in rows]
    # the rows' own width: the header must match it (or be one name short, R's row names)
    width = body_width(body) if body else len(first)
    if width > MAX_COLUMNS:
        raise DatasetError(f"{p.name} has {width:,} columns; the limit is {MAX_COLUMNS:,}")
    notes = []
    if settings.header:
        line = settings.skip_lines + header_end
        raw, notes = _header_names(first, width, body, line, p.name)
    else:
        raw = [""] * width
    names, renamed = _dedupe(raw)
    numbered = rows[1:] if settings.header else rows
    short = [settings.skip_lines + line for r, line in numbered if len(r) < width]
    if short:  # pandas pads them: say so rather than let it pass in silence
        notes.append(
            f"{len(short)} of the first {len(numbered)} rows have fewer than {width} fields "
            f"(first: line {short[0]}): their missing fields count as missing values"
        )
    number = _number_pattern(settings.decimal, settings.thousands)
    text_columns = [
        name
        for j, name in enumerate(names)
        if any(j < len(r) and not _is_value(r[j], number) for r in body)
    ]
    kind = compression(p)
    if kind:
        notes.append(f"compressed ({kind}): read as it is")
    return _Layout(
        names,
        notes + renamed,
        text_columns,
        len(head) / max(1, text.count("\n")),
        settings.delimiter != WHITESPACE and any(cell[:1].isspace() for r in body for cell in r),
        settings.skip_lines + (header_end if settings.header else 0),
        kind,
    )


def _read_kwargs(settings: CsvSettings, layout: _Layout, bad_lines: str = "error") -> dict:
    return dict(
        # pandas' C parser reads r"\s+" as "runs of blanks" itself (no regex engine)
        sep=r"\s+" if settings.delimiter == WHITESPACE else settings.delimiter,
        decimal=settings.decimal,
        thousands=settings.thousands,
        # names are ours and the header's lines are skipped: with header=0 pandas would cut
        # every row to the header's width when the first data row is longer
        header=None,
        skiprows=layout.skip_lines,
        names=layout.names,
        index_col=False,
        encoding=settings.encoding,
        # never inferred from the name: compressed content is decompressed by _parsed_chunks
        compression=None,
        skipinitialspace=layout.spaces,
        na_values=NA_VALUES,
        on_bad_lines=bad_lines,
        engine="c",
        # text columns as categoricals: labels come out as integer codes, no per-cell Python
        dtype={name: "category" for name in layout.text_columns},
    )


class _DecodeError(DatasetError):
    """The body is not text in the chosen encoding (the head was)."""


def _parse_error(name: str, exc: Exception) -> DatasetError:
    if isinstance(exc, UnicodeError):
        return _DecodeError(f"cannot parse {name}: not valid text in this encoding ({exc})")
    message = str(exc).strip().replace("Error tokenizing data. C error: ", "")
    if isinstance(exc, MemoryError):
        message = "not enough memory to load it"
    return DatasetError(f"cannot parse {name}: {message}")


def _parser_notes(messages: list[str]) -> list[str]:
    """Notes from pandas' warnings about rows that did not fit the header."""
    text = "\n".join(messages)
    skipped = re.findall(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)", text)
    notes = []
    if skipped:
        line, expected, saw = skipped[0]
        notes.append(
            f"skipped {len(skipped)} row(s) with too many fields "
            f"(first: line {line}, expected {expected} fields, saw {saw})"
        )
    return notes


def _next_chunk(
    read: Callable[[], pd.DataFrame | None], messages: list[str]
) -> pd.DataFrame | None:
    """``read()``: the next chunk, or None at the end; pandas' parser warnings go to ``messages``.

    Warning filters are process-wide, so they are caught around each read only, never
    across a ``yield`` (another thread's warnings would land here meanwhile).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        chunk = read()
    messages.extend(str(w.message) for w in caught)
    return chunk


def _parsed_chunks(
    p: Path, kwargs: dict, chunk_rows: int | None, compressed: bool, messages: list[str]
) -> Iterator[tuple[pd.DataFrame, float]]:
    """``(chunk, fraction of the file parsed)`` pairs; ``chunk_rows`` None: one read of it all.

    pandas parses a path given whole ~1.7x faster than a file object or any chunked read, so
    files that parse in well under a second are read whole, without progress steps.
    Compressed files are decompressed here, not by pandas: it reads one whole before the
    first chunk, and refuses a ZIP that also holds a Mac's "__MACOSX/" folder.
    """
    if chunk_rows is None and not compressed:
        yield _next_chunk(lambda: pd.read_csv(p, **kwargs), messages), 1.0
        return
    if chunk_rows is None:
        with open_bytes(p) as content:
            yield _next_chunk(lambda: pd.read_csv(content, **kwargs), messages), 1.0
        return
    size = max(1, p.stat().st_size)
    with (
        p.open("rb") as fh,
        open_bytes(p, fh) as content,
        pd.read_csv(content, chunksize=chunk_rows, **kwargs) as reader,
    ):
        while (chunk := _next_chunk(lambda: next(reader, None), messages)) is not None:
            yield chunk, min(1.0, fh.tell() / size)


def _is_plain_number(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _concat(chunks: list[pd.DataFrame]) -> dict[str, pd.Series]:
    """The chunks' columns joined, without building one more DataFrame (it would copy)."""
    columns = {}
    for name in chunks[0].columns:
        parts = [c[name] for c in chunks]
        if len(parts) == 1:
            columns[name] = parts[0]
        elif all(isinstance(s.dtype, pd.CategoricalDtype) for s in parts):
            columns[name] = pd.Series(union_categoricals(parts, sort_categories=True), name=name)
        elif all(_is_plain_number(s) for s in parts):
            columns[name] = pd.Series(np.concatenate([s.to_numpy() for s in parts]), name=name)
        else:
            columns[name] = pd.concat(parts, ignore_index=True)
    return columns


def _read_frame(
    p: Path,
    settings: CsvSettings,
    layout: _Layout,
    nrows: int | None = None,
    bad_lines: str = "error",
) -> Generator[LoadStep, None, tuple[dict[str, pd.Series], list[str]]]:
    """Parse the file (or its first ``nrows`` rows) in chunks, yielding progress.

    Rows with too many fields are skipped with a note. pandas' "warn" mode that reports them
    costs ~60% more on every file, so a first read stops at such a row and only then the file
    is read again in that mode.
    """
    # nrows (the preview) reads one chunk of that many rows
    # a compressed file holds several times its size in text
    text_bytes = p.stat().st_size * (COMPRESSION_RATIO if layout.compression else 1)
    chunk_rows = nrows or (
        None
        if text_bytes <= WHOLE_READ_BYTES
        else max(1000, int(CHUNK_BYTES / max(1.0, layout.bytes_per_row)))
    )
    chunks: list[pd.DataFrame] = []
    messages: list[str] = []
    rows = 0
    kwargs = _read_kwargs(settings, layout, bad_lines)
    try:
        for chunk, fraction in _parsed_chunks(
            p, kwargs, chunk_rows, bool(layout.compression), messages
        ):
            chunks.append(chunk)
            rows += len(chunk)
            if nrows is not None:
                break
            yield LoadStep(fraction, rows)
    except pd.errors.ParserError as exc:
        if bad_lines == "error" and _TOO_MANY_FIELDS.search(str(exc)):
            return (yield from _read_frame(p, settings, layout, nrows, bad_lines="warn"))
        raise _parse_error(p.name, exc) from None
    except (ValueError, UnicodeError, csv.Error, OverflowError, MemoryError, OSError) as exc:
        raise _parse_error(p.name, exc) from None
    except DECOMPRESSION_ERRORS as exc:
        raise DatasetError(f"cannot read {p.name}: damaged compressed file ({exc})") from None
    if not chunks:  # pandas may yield no chunk at all for a header-only file
        chunks = [pd.DataFrame({name: pd.Series(dtype=np.float64) for name in layout.names})]
    return _concat(chunks), _parser_notes(messages)


def _drain(
    gen: Generator[LoadStep, None, _T], progress: Callable[[float], None] | None = None
) -> _T:
    """Run a progress generator to its end and return its value."""
    while True:
        try:
            step = next(gen)
        except StopIteration as stop:
            return stop.value
        if progress is not None:
            progress(step.progress)


def _check_not_empty(n_rows: int, settings: CsvSettings, name: str) -> None:
    if n_rows == 0:
        what = "a header but no data rows" if settings.header else "no data rows"
        raise DatasetError(f"{name} has {what}")


def preview_csv(
    path: str | os.PathLike, settings: CsvSettings, nrows: int = PREVIEW_ROWS
) -> pd.DataFrame:
    """The first ``nrows`` rows as :func:`load_csv` would parse them (NaN where missing).

    Raises DatasetError where loading would fail from the first rows already.
    """
    p = _check_path(path)
    settings.check()
    columns, _ = _drain(_read_frame(p, settings, _layout(p, settings), nrows=nrows))
    frame = pd.DataFrame(columns)
    _check_not_empty(len(frame), settings, p.name)
    return frame
