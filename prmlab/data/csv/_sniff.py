"""Sniffing a CSV head: size limits, settings, encoding, delimiter, decimal mark, lines to
skip (a preamble, scikit-learn's description line), header."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

from prmlab.data.csv._cells import _number_pattern
from prmlab.data.csv._open import open_bytes
from prmlab.data.csv._start import has_header, leading_lines
from prmlab.data.dataset import DatasetError

MAX_COLUMNS = 20_000
MAX_BYTES = 2**30  # 1 GiB: far beyond what the panels can draw
SAMPLE_BYTES = 64 * 1024
MAX_LINE_BYTES = 2**20
# tie-break order: a consistent ';' beats ','; " " (runs of blanks) only when nothing else splits
DELIMITERS = ("\t", ";", "|", ",", " ")
WHITESPACE = " "  # as a delimiter: any run of spaces and tabs
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
    b"\xd0\xcf\x11\xe0": "an old Excel/Office file (save it as CSV from Excel)",
    b"\x7fELF": "a program",
    b"MZ": "a Windows program",
    b"SQLite format": "an SQLite database",
}
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")  # not tab, newlines, form feed


@dataclass(frozen=True)
class CsvSettings:
    """How to read a file; :func:`sniff_csv` detects them, the CSV dialog lets people edit them.

    ``encoding`` is a Python codec name; ``delimiter`` " " means runs of spaces and tabs;
    ``thousands`` is None when numbers are not grouped. ``skip_lines``: lines before the
    header (or the first data row) that are not part of the table. ``class_names`` name the
    integer codes 0, 1, ... of the last column (scikit-learn's files list them on line 1).
    ``notes`` are the sniffer's remarks, added to the Dataset's notes.
    """

    encoding: str = "utf-8"
    delimiter: str = ","
    decimal: str = "."
    thousands: str | None = None
    header: bool = True
    skip_lines: int = 0
    class_names: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)

    def describe(self) -> list[str]:
        """One note per setting, for ``Dataset.notes``."""
        names = {
            ",": "comma",
            ";": "semicolon",
            "\t": "tab",
            "|": "pipe",
            ".": "point",
            WHITESPACE: "spaces (runs of blanks)",
        }
        out = [
            f"encoding: {self.encoding}",
            f"delimiter: {names.get(self.delimiter, repr(self.delimiter))}",
            f"decimal mark: {names.get(self.decimal, repr(self.decimal))}",
            "header: first row" if self.header else "header: none (columns named column 1, ...)",
        ]
        if self.thousands:
            out.append(f"thousands separator: {self.thousands!r}")
        if self.skip_lines:
            out.append(f"skipped the first {self.skip_lines} line(s)")
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
        if self.delimiter == WHITESPACE and self.thousands == " ":
            raise DatasetError(
                "the thousands separator ' ' cannot be used when runs of spaces delimit the "
                "columns; choose no thousands separator"
            )
        if not isinstance(self.skip_lines, int) or self.skip_lines < 0:
            raise DatasetError(
                f"skip_lines must be a whole number >= 0, got {self.skip_lines!r}; use 0 to "
                "read from line 1"
            )


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
    """The first bytes of the (decompressed) file, enough to hold line 1, and whether that
    is all of it."""
    try:
        with open_bytes(path) as fh:
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


_EDGE_BLANKS = re.compile(r"^[ \t]+|[ \t]+(?=\r?$)", re.MULTILINE)


def numbered_rows(text: str, delimiter: str, limit: int = 100) -> list[tuple[list[str], int]]:
    """The first non-blank rows of ``text`` as the csv module parses them (quotes respected),
    each with the number of the line it ends on (1-based: a quoted cell may span lines)."""
    if delimiter == WHITESPACE:  # blanks at a line's ends delimit nothing
        text = _EDGE_BLANKS.sub("", text.replace("\t", " "))
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        skipinitialspace=delimiter == WHITESPACE,
    )
    out: list[tuple[list[str], int]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                out.append((row, reader.line_num))
                if len(out) >= limit:
                    break
    except csv.Error:
        pass  # a giant or broken field: judge on the rows read so far
    return out


def _rows(text: str, delimiter: str, limit: int = 100) -> list[list[str]]:
    return [row for row, _ in numbered_rows(text, delimiter, limit)]


def after_lines(text: str, n: int) -> str:
    """``text`` without its first ``n`` lines (any of \\n, \\r\\n, \\r ends one)."""
    return "".join(io.StringIO(text, newline="").readlines()[n:]) if n else text


def table_rows(text: str, delimiter: str, name: str) -> list[tuple[list[str], int]]:
    """:func:`numbered_rows`, refusing a head with none."""
    rows = numbered_rows(text, delimiter)
    if not rows:
        raise DatasetError(f"{name}: no readable rows at the start (a field over 128 KiB?)")
    return rows


# ------------------------------------------------------------------------------- sniffing


def _pick_delimiter(text: str) -> str:
    """The delimiter that splits most rows into the same number (>= 2) of fields.

    Runs of blanks win a tie only with more fields: "a, b" stays a comma file, while
    columns aligned with spaces and tabs are not one tab-split column.
    """
    best, best_score, best_width = ",", 0.0, 0
    for d in DELIMITERS:
        counts = [len(r) for r in _rows(text, d)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) / len(counts) if mode >= 2 else 0.0
        if score > best_score or (d == WHITESPACE and score == best_score and mode > best_width):
            best, best_score, best_width = d, score, mode
    return best


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


def sniff_csv(path: str | os.PathLike) -> CsvSettings:
    """Detect encoding, delimiter, decimal mark, thousands separator, lines to skip and
    header from the head.

    Raises DatasetError quickly for missing paths, folders, empty, blank, binary or
    absurdly wide files, without reading the rest of the file.
    """
    p = _check_path(path)
    head, complete = _read_head(p)
    encoding, notes = _detect_encoding(head, p.name)
    text = _decode_head(head, encoding, complete, p.name)
    delimiter = _pick_delimiter(text)
    rows = table_rows(text, delimiter, p.name)
    decimal, thousands = _pick_marks([r for r, _ in rows])
    number = _number_pattern(decimal, thousands)
    skip, classes, skip_notes = leading_lines(rows, number, p)
    table = [r for r, line in rows if line > skip]
    header = not classes and bool(table) and has_header(table, number, decimal)
    return CsvSettings(
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        thousands=thousands,
        header=header,
        skip_lines=skip,
        class_names=classes,
        notes=(*notes, *skip_notes),
    )
