"""A user's CSV file as a :class:`Dataset`: sniff a head sample, then pandas' C parser.

Sniffing reads at most the first 64 KiB (1 MiB when line 1 is longer) and decides the
encoding (BOM, strict UTF-8, else charset-normalizer among cp1252, GB18030 and latin-1),
the delimiter, decimal mark, thousands separator and whether row 1 is a header. The whole
file is then parsed in chunks by ``pandas.read_csv`` (progress, cancel between chunks);
columns that are text in the head are read as categoricals, so labels cost no per-cell
Python work. Only :class:`DatasetError` escapes, with a message a person can act on.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import warnings
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import charset_normalizer
import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from prmlab.data.dataset import Dataset, DatasetError

MAX_COLUMNS = 20_000
MAX_BYTES = 2**30  # 1 GiB: far beyond what the panels can draw
MAX_CLASSES = 100
SAMPLE_BYTES = 64 * 1024
MAX_LINE_BYTES = 2**20
PREVIEW_ROWS = 50
CHUNK_BYTES = 8 * 2**20  # parse ~8 MiB at a time: progress and cancel points
DELIMITERS = ("\t", ";", "|", ",")  # tie-break order: a consistent ';' beats ','
NA_VALUES = ["?"]  # on top of pandas' defaults: "", NA, NULL, NaN, n/a, None, ...
LABEL_NAMES = frozenset(
    {"class", "classes", "label", "labels", "target", "targets", "species", "category"}
)
_DETECTABLE = ["cp1252", "gb18030", "latin_1"]  # the legacy encodings the loader promises
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook is one: save it as CSV from Excel)",
    b"\xd0\xcf\x11\xe0": "an old Excel/Office file (save it as CSV from Excel)",
    b"\x1f\x8b": "a gzip archive (unpack it first)",
    b"\x7fELF": "a program",
    b"MZ": "a Windows program",
    b"SQLite format": "an SQLite database",
}
_T = TypeVar("_T")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")  # not tab, newlines, form feed
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV-injection prefixes


@dataclass(frozen=True)
class CsvSettings:
    """How to read a file; :func:`sniff_csv` detects them, the CSV dialog lets people edit them.

    ``encoding`` is a Python codec name; ``thousands`` is None when numbers are not grouped.
    ``notes`` are the sniffer's remarks, added to the Dataset's notes.
    """

    encoding: str = "utf-8"
    delimiter: str = ","
    decimal: str = "."
    thousands: str | None = None
    header: bool = True
    notes: tuple[str, ...] = field(default=(), compare=False)

    def describe(self) -> list[str]:
        """One note per setting, for ``Dataset.notes``."""
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", ".": "point"}
        out = [
            f"encoding: {self.encoding}",
            f"delimiter: {names.get(self.delimiter, repr(self.delimiter))}",
            f"decimal mark: {names.get(self.decimal, repr(self.decimal))}",
            "header: first row" if self.header else "header: none (columns named column 1, ...)",
        ]
        if self.thousands:
            out.append(f"thousands separator: {self.thousands!r}")
        return out + list(self.notes)

    def check(self) -> None:
        """Raise DatasetError if these settings cannot work together."""
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise DatasetError(f"unknown encoding {self.encoding!r}; try utf-8 or cp1252") from None
        for name, value in (("delimiter", self.delimiter), ("decimal mark", self.decimal)):
            if len(value) != 1 or value in '\r\n"':
                raise DatasetError(f"the {name} must be one character, got {value!r}")
        # Any of them may equal the delimiter: quoted "1,5" or "1,234" in a comma file.
        if self.thousands == self.decimal:
            raise DatasetError(
                f"the decimal mark {self.decimal!r} must differ from the thousands separator"
            )


@dataclass(frozen=True)
class LoadStep:
    """Progress of a load: ``progress`` in [0, 1] (the GUI's status bar reads it), rows so far."""

    progress: float
    rows: int


# ---------------------------------------------------------------------------- the head sample


def _check_path(path: str | os.PathLike) -> Path:
    try:
        p = Path(path)
        if not p.exists():
            raise DatasetError(f"no such file: {p}")
        if p.is_dir():
            raise DatasetError(f"{p} is a folder, not a CSV file")
        size = p.stat().st_size
    except (OSError, TypeError, ValueError) as exc:
        if isinstance(exc, DatasetError):
            raise
        raise DatasetError(f"cannot open {path!r}: {exc}") from None
    if size > MAX_BYTES:
        raise DatasetError(f"{p.name} is {size / 2**30:.1f} GiB; the limit is 1 GiB")
    return p


def _read_head(path: Path) -> tuple[bytes, bool]:
    """The first bytes of the file, enough to hold line 1, and whether that is all of it."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
            if b"\n" not in head and b"\r" not in head and len(head) == SAMPLE_BYTES:
                head += fh.read(MAX_LINE_BYTES - SAMPLE_BYTES)
            complete = not fh.read(1)
    except OSError as exc:
        raise DatasetError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    if not head:
        raise DatasetError(f"{path.name} is empty")
    return head, complete


def _detect_encoding(head: bytes, name: str) -> tuple[str, list[str]]:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, [f"byte-order mark found: {encoding}"]
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise DatasetError(f"{name} is {what}, not a CSV text file")
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > 0.4 * len(head) / 2 and even == 0:  # ASCII text as UTF-16 without BOM
            return "utf-16-le", ["UTF-16 (little-endian) without byte-order mark"]
        if even > 0.4 * len(head) / 2 and odd == 0:
            return "utf-16-be", ["UTF-16 (big-endian) without byte-order mark"]
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        raise DatasetError(f"{name} contains NUL bytes (first on line {line}): binary or damaged")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", []
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(head, cp_isolation=_DETECTABLE).best()
    if best is None:
        raise DatasetError(f"{name} is not text in a known encoding (binary file?)")
    return best.encoding, [f"encoding guessed from the first {len(head):,} bytes"]


def _decode_head(head: bytes, encoding: str, complete: bool, name: str) -> str:
    """The head as text, cut to whole lines unless it is the whole file.

    Refuses binary content, and absurdly wide or long first lines from a count of
    delimiters alone, before any real parsing.
    """
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{name} is not valid {encoding} text ({exc.reason})") from None
    text = text.lstrip("\ufeff")
    controls = len(_CONTROLS.findall(text))
    if controls > max(2, len(text) // 100):
        raise DatasetError(f"{name} looks like a binary file, not CSV text")
    first = re.match(r"[^\r\n]*", text).group()
    widest = max(first.count(d) for d in DELIMITERS) + 1
    if widest > MAX_COLUMNS:
        raise DatasetError(
            f"line 1 of {name} has about {widest:,} fields; the limit is {MAX_COLUMNS:,} columns"
        )
    if not complete:
        if len(first) == len(text):
            raise DatasetError(f"line 1 of {name} is longer than {MAX_LINE_BYTES // 2**20} MiB")
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1]
    if not text.strip():
        raise DatasetError(f"{name} contains only blank lines")
    return text


def _rows(text: str, delimiter: str, limit: int = 100) -> list[list[str]]:
    """The first non-blank rows of ``text`` as parsed by the csv module (quotes respected)."""
    out: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in row):
                out.append(row)
                if len(out) >= limit:
                    break
    except csv.Error:
        pass  # a giant or broken field: judge on the rows read so far
    return out


def _table_rows(text: str, delimiter: str, name: str) -> list[list[str]]:
    rows = _rows(text, delimiter)
    if not rows:
        raise DatasetError(f"{name}: no readable rows at the start (a field over 128 KiB?)")
    return rows


# ------------------------------------------------------------------------------- sniffing


def _pick_delimiter(text: str) -> str:
    """The delimiter that splits most rows into the same number (>= 2) of fields."""
    best, best_score = ",", 0.0
    for d in DELIMITERS:
        counts = [len(r) for r in _rows(text, d)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) / len(counts) if mode >= 2 else 0.0
        if score > best_score:
            best, best_score = d, score
    return best


def _number_pattern(decimal: str, thousands: str | None) -> re.Pattern[str]:
    digits = rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+" if thousands else r"\d+"
    dec = re.escape(decimal)
    return re.compile(
        rf"\s*[+-]?(?:(?:{digits})(?:{dec}\d*)?|{dec}\d+)(?:[eE][+-]?\d+)?\s*"
        r"|\s*[+-]?(?:inf|infinity|nan)\s*|\s*(?:true|false)\s*",
        re.IGNORECASE,
    )


_MISSING = frozenset({"", "NA", "N/A", "NAN", "NULL", "NONE", "?", "#N/A", "<NA>", "-NAN"})


def _is_value(cell: str, number: re.Pattern[str]) -> bool:
    """A number, boolean or missing marker: what a cell of a numeric column may hold."""
    return cell.strip().upper() in _MISSING or bool(number.fullmatch(cell))


_SHAPES = (  # how a number with "," or "." in it reads; the first match wins
    (
        "comma groups",
        re.compile(r"[+-]?\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?|[+-]?\d{1,3}(?:,\d{3})+\.\d+"),
    ),
    (
        "point groups",
        re.compile(r"[+-]?\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?|[+-]?\d{1,3}(?:\.\d{3})+,\d+"),
    ),
    ("comma or group", re.compile(r"[+-]?\d{1,3},\d{3}")),
    ("point or group", re.compile(r"[+-]?\d{1,3}\.\d{3}")),
    ("decimal comma", re.compile(r"[+-]?\d*,\d+")),
    ("decimal point", re.compile(r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?")),
)


def _pick_marks(rows: list[list[str]]) -> tuple[str, str | None]:
    """Decimal mark and thousands separator from the shapes of the sample's number cells.

    Cells come from the csv module, so a comma inside one means a quoted cell or another
    delimiter. "1,234" alone is ambiguous; "1,5" or "1,234.5" are not.
    """
    seen = dict.fromkeys((name for name, _ in _SHAPES), 0)
    for cell in itertools.islice((c.strip() for r in rows for c in r), 5_000):
        for name, rx in _SHAPES:
            if rx.fullmatch(cell):
                seen[name] += 1
                break
    comma = seen["decimal comma"] + seen["point groups"]
    if comma > seen["decimal point"] + seen["comma groups"]:
        grouped = seen["point groups"] + seen["point or group"]
        return ",", "." if grouped and not seen["decimal point"] else None
    grouped = seen["comma groups"] + seen["comma or group"]
    return ".", "," if grouped and not seen["decimal comma"] else None


def _has_header(rows: list[list[str]], number: re.Pattern[str]) -> bool:
    """Row 1 is a header if it has text above a mostly numeric column, or holds no number."""
    first, rest = rows[0], rows[1:]
    for j, cell in enumerate(first):
        if _is_value(cell, number):
            continue
        below = [r[j] for r in rest if j < len(r) and r[j].strip()]
        if below and sum(_is_value(c, number) for c in below) >= len(below) / 2:
            return True
    return not any(_is_value(c, number) for c in first if c.strip())


def sniff_csv(path: str | os.PathLike) -> CsvSettings:
    """Detect encoding, delimiter, decimal mark, thousands separator and header from the head.

    Raises DatasetError quickly for missing paths, folders, empty, blank, binary or
    absurdly wide files, without reading the rest of the file.
    """
    p = _check_path(path)
    head, complete = _read_head(p)
    encoding, notes = _detect_encoding(head, p.name)
    text = _decode_head(head, encoding, complete, p.name)
    delimiter = _pick_delimiter(text)
    rows = _table_rows(text, delimiter, p.name)
    decimal, thousands = _pick_marks(rows)
    header = _has_header(rows, _number_pattern(decimal, thousands))
    return CsvSettings(encoding, delimiter, decimal, thousands, header, tuple(notes))


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


def _layout(p: Path, settings: CsvSettings) -> _Layout:
    head, complete = _read_head(p)
    text = _decode_head(head, settings.encoding, complete, p.name)
    rows = _table_rows(text, settings.delimiter, p.name)
    # pandas takes the width from row 1: longer rows are cut (after a header) or skipped
    width = len(rows[0])
    if width > MAX_COLUMNS:
        raise DatasetError(f"{p.name} has {width:,} columns; the limit is {MAX_COLUMNS:,}")
    first = rows[0] if settings.header else []
    names, notes = _dedupe(first or [""] * width)
    number = _number_pattern(settings.decimal, settings.thousands)
    body = rows[1:] if settings.header else rows
    text_columns = [
        name
        for j, name in enumerate(names)
        if any(j < len(r) and not _is_value(r[j], number) for r in body)
    ]
    spaces = any(cell[:1].isspace() for r in rows for cell in r)
    return _Layout(names, notes, text_columns, len(head) / max(1, text.count("\n")), spaces)


def _read_kwargs(settings: CsvSettings, layout: _Layout) -> dict:
    return dict(
        sep=settings.delimiter,
        decimal=settings.decimal,
        thousands=settings.thousands,
        header=0 if settings.header else None,
        names=layout.names,
        index_col=False,
        encoding=settings.encoding,
        skipinitialspace=layout.spaces,
        na_values=NA_VALUES,
        on_bad_lines="warn",
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
    if "Length of header or names does not match" in text:
        notes.append("some rows have more fields than the first row: the extra fields are ignored")
    return notes


def _next_chunk(reader: Iterator[pd.DataFrame], messages: list[str]) -> pd.DataFrame | None:
    """The next chunk, or None at the end; pandas' parser warnings go to ``messages``.

    Warning filters are process-wide, so they are caught around each read only, never
    across a ``yield`` (another thread's warnings would land here meanwhile).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        chunk = next(reader, None)
    messages.extend(str(w.message) for w in caught)
    return chunk


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
    p: Path, settings: CsvSettings, layout: _Layout, nrows: int | None = None
) -> Generator[LoadStep, None, tuple[dict[str, pd.Series], list[str]]]:
    """Parse the file (or its first ``nrows`` rows) in chunks, yielding progress."""
    size = max(1, p.stat().st_size)
    # nrows (the preview) reads one chunk of that many rows
    chunk_rows = nrows or max(1000, int(CHUNK_BYTES / max(1.0, layout.bytes_per_row)))
    chunks: list[pd.DataFrame] = []
    messages: list[str] = []
    rows = 0
    try:
        with (
            p.open("rb") as fh,
            pd.read_csv(fh, chunksize=chunk_rows, **_read_kwargs(settings, layout)) as reader,
        ):
            while (chunk := _next_chunk(reader, messages)) is not None:
                chunks.append(chunk)
                rows += len(chunk)
                if nrows is not None:
                    break
                yield LoadStep(min(1.0, fh.tell() / size), rows)
    except (ValueError, UnicodeError, csv.Error, OverflowError, MemoryError, OSError) as exc:
        raise _parse_error(p.name, exc) from None
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


# ------------------------------------------------------------------------------ columns


def _category_words(cat: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Stripped category strings and, per category, whether it is a missing marker.

    Stripping here instead of pandas' ``skipinitialspace`` keeps clean files on the fast path.
    """
    words = pd.Series(cat.cat.categories.astype(str)).str.strip()
    return words, words.str.upper().isin(_MISSING).to_numpy()


def _as_number(column: pd.Series, settings: CsvSettings, notes: list[str]) -> np.ndarray | None:
    """Float values of a column, or None when it is text (under 90% of its cells numbers)."""
    name = column.name
    if pd.api.types.is_bool_dtype(column):
        notes.append(f"column {name!r} holds true/false: read as 1/0")
        return column.to_numpy(dtype=np.float64)
    if pd.api.types.is_numeric_dtype(column) and not isinstance(column.dtype, pd.CategoricalDtype):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    # Text (or mixed) cells: judge each distinct word once, then map the codes.
    cat = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    words, missing = _category_words(cat)
    if settings.thousands:
        words = words.str.replace(settings.thousands, "", regex=False)
    if settings.decimal != ".":
        words = words.str.replace(settings.decimal, ".", regex=False)
    numbers = pd.to_numeric(words, errors="coerce").to_numpy(dtype=np.float64)
    numbers = np.where(missing, np.nan, numbers)
    is_text = np.concatenate([[False], ~missing & np.isnan(numbers)])
    codes = cat.cat.codes.to_numpy() + 1  # 0: missing in the file
    present = np.count_nonzero(codes) - np.count_nonzero(missing[codes[codes > 0] - 1])
    text_cells = np.flatnonzero(is_text[codes])
    if present == 0 or text_cells.size > 0.1 * present:
        return None if present else np.full(len(codes), np.nan)
    if text_cells.size:
        example = cat.cat.categories[codes[text_cells[0]] - 1]
        notes.append(
            f"column {name!r}: {text_cells.size} cell(s) are not numbers and count as missing "
            f"(first at data row {text_cells[0] + 1}: {str(example)!r})"
        )
    return np.concatenate([[np.nan], numbers])[codes]


def _label_codes(column: pd.Series, values: np.ndarray | None) -> tuple[np.ndarray, list[str]]:
    """Integer codes (-1 where missing) and class names, in sorted order."""
    if values is not None:
        codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
        return codes, [f"{u:g}" for u in uniques]
    cat = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    words, missing = _category_words(cat)
    # " x" and "x" are one class; missing markers are no class
    names, lut = np.unique(words[~missing].to_numpy(dtype=str), return_inverse=True)
    table = np.full(len(words) + 1, -1)
    table[1:][~missing] = lut
    return table[cat.cat.codes.to_numpy() + 1], names.tolist()


def _choose_label(
    names: list[str], text: list[str], label_column: str | None
) -> tuple[str | None, str]:
    """The label column and why it was chosen."""
    if label_column is None:
        return None, "label column: none"
    if label_column != "auto":
        if label_column not in names:
            raise DatasetError(f"no column named {label_column!r}; the columns are {names}")
        return label_column, f"label column: {label_column!r} (chosen)"
    for name in names:
        if name.strip().lower() in LABEL_NAMES:
            return name, f"label column: {name!r} (by its name)"
    if text:
        return text[-1], f"label column: {text[-1]!r} (the last non-numeric column)"
    return None, "label column: none (no column named like class/label/target and no text column)"


def suggest_roles(frame: pd.DataFrame, settings: CsvSettings) -> dict[str, str]:
    """Default role of each column of a (preview) frame: "feature", "label" or "ignore"."""
    numeric = {c: _as_number(frame[c], settings, []) is not None for c in frame.columns}
    text = [c for c in frame.columns if not numeric[c]]
    label, _ = _choose_label(list(frame.columns), text, "auto")
    return {c: "label" if c == label else "feature" if numeric[c] else "ignore" for c in frame}


def _labels(
    columns: dict[str, pd.Series],
    values: dict[str, np.ndarray | None],
    label_column: str | None,
    notes: list[str],
) -> tuple[str | None, np.ndarray | None, list[str]]:
    """The label column, its codes (-1 where missing) and class names."""
    names = list(values)
    label, why = _choose_label(names, [c for c in names if values[c] is None], label_column)
    codes, class_names = None, []
    if label is not None:
        codes, class_names = _label_codes(columns[label], values[label])
        if len(class_names) > MAX_CLASSES:
            if label_column != "auto":
                raise DatasetError(
                    f"column {label!r} has {len(class_names):,} distinct values; "
                    f"a label column may have at most {MAX_CLASSES}"
                )
            why = f"label column: none ({label!r} has {len(class_names):,} distinct values)"
            label, codes, class_names = None, None, []
    notes.append(why)
    return label, codes, class_names


def _complete_rows(
    columns: list[np.ndarray], y: np.ndarray | None, class_names: list[str], notes: list[str]
) -> tuple[np.ndarray, np.ndarray | None, list[str]]:
    """Stack feature columns as X, dropping rows with a non-finite value or no label."""

    def note(bad: np.ndarray, why: str) -> None:
        if bad.any():
            first = int(np.argmax(bad)) + 1
            notes.append(
                f"dropped {int(bad.sum()):,} row(s) with {why} (first at data row {first})"
            )

    keep = np.isfinite(columns[0])
    for column in columns[1:]:  # 1-D passes: all(axis=1) over short rows is much slower
        keep &= np.isfinite(column)
    note(~keep, "missing or non-finite values")
    if y is not None:
        unlabelled = keep & (y < 0)
        note(unlabelled, "no label")
        keep &= ~unlabelled
    if keep.all():
        return np.column_stack(columns), y, class_names
    X = np.column_stack([column[keep] for column in columns])
    if y is None or not len(X):
        return X, y, class_names
    used = np.bincount(y[keep], minlength=len(class_names)) > 0
    remap = np.cumsum(used) - 1  # renumber so that vanished classes leave no gaps
    return X, remap[y[keep]], [n for n, u in zip(class_names, used) if u]


def _to_dataset(
    columns: dict[str, pd.Series],
    settings: CsvSettings,
    label_column: str | None,
    ignore: set[str],
    notes: list[str],
    source: str,
) -> Dataset:
    _check_not_empty(len(next(iter(columns.values()))), settings, source)
    unknown = sorted(ignore - set(columns))
    if unknown:
        raise DatasetError(f"cannot ignore {unknown}: no such column(s)")
    values = {c: _as_number(v, settings, notes) for c, v in columns.items() if c not in ignore}
    label, y, class_names = _labels(columns, values, label_column, notes)
    if ignore:
        notes.append(f"ignored by choice: {', '.join(map(repr, sorted(ignore)))}")
    text = [c for c, v in values.items() if v is None and c != label]
    if text:
        notes.append(f"ignored text column(s): {', '.join(map(repr, text))}")
    features = [c for c, v in values.items() if c != label and v is not None]
    # fmin/fmax skip NaN (all-NaN gives NaN) and read contiguous columns, not X's strided ones
    low = {c: np.fmin.reduce(values[c]) for c in features}
    high = {c: np.fmax.reduce(values[c]) for c in features}
    empty = [c for c in features if np.isnan(high[c])]
    if empty:
        notes.append(f"dropped all-empty column(s): {', '.join(map(repr, empty))}")
        features = [c for c in features if c not in empty]
    if not features:
        kinds = ", ".join(f"{c!r} ({'text' if v is None else 'empty'})" for c, v in values.items())
        raise DatasetError(f"{source} has no numeric column to use as features: {kinds}")
    X, y, class_names = _complete_rows([values[c] for c in features], y, class_names, notes)
    if not len(X):
        raise DatasetError(
            f"{source}: every row has a missing, non-finite or unparsable value "
            f"in the feature columns {features}"
        )
    constant = [c for c in features if low[c] == high[c]]
    if constant and len(X) > 1:
        notes.append(f"constant column(s) kept: {', '.join(map(repr, constant))}")
    notes.append(
        f"{X.shape[0]:,} rows x {X.shape[1]} features"
        + (f", {len(class_names)} classes" if y is not None else ", no labels")
    )
    y = None if y is None else y.astype(np.int64, copy=False)
    return Dataset(X, features, y, class_names, notes, name=source)


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

    ``settings`` default to :func:`sniff_csv`. ``label_column``: "auto" (a column named
    like class/label/target/species, else the last non-numeric one), a column name, or
    None for no labels. ``progress`` receives the fraction parsed so far.
    Raises DatasetError (a ValueError) and nothing else.
    """
    return _drain(iter_load_csv(path, settings, label_column, ignore_columns), progress)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write ``frame`` without its index; text starting with = + - @ tab or CR gets a ``'``.

    The quote stops spreadsheets from running cells as formulas (OWASP CSV injection).
    Numbers are untouched. Raises OSError if the file cannot be written.
    """

    def escape(text: pd.Series) -> pd.Series:
        s = text.astype(str)
        return text.where(~s.str.startswith(_FORMULA_START) | text.isna(), "'" + s)

    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if not pd.api.types.is_numeric_dtype(column) or isinstance(
            column.dtype, pd.CategoricalDtype
        ):
            out[name] = escape(column.astype(object))
    out.columns = escape(pd.Series([str(c) for c in out.columns], dtype=object)).tolist()
    out.to_csv(path, index=False)
