"""Where the table starts in a file's head: lines to skip (a preamble, a title row,
scikit-learn's description line), whether row 1 holds names, how wide the rows are."""

from __future__ import annotations

import re
from pathlib import Path

from prmlab.data.csv._cells import _is_value
from prmlab.data.csv._open import count_lines_with_text

MAX_PREAMBLE_LINES = 10


def body_width(rows: list[list[str]]) -> int:
    """The most common number of fields among ``rows`` (the widest on a tie)."""
    counts = [len(r) for r in rows]
    return max(set(counts), key=lambda w: (counts.count(w), w))


def names_rows(first: list[str], width: int, below: list[list[str]]) -> bool:
    """Whether ``first`` is a header one name short because the rows start with their
    names, as R's write.csv writes them."""
    return len(first) == width - 1 and all(r and r[0].strip() for r in below)


def fits_width(row: list[str], width: int, below: list[list[str]]) -> bool:
    """Whether ``row`` can head (or belong to) a table ``width`` fields wide: extra fields
    are empty on its side (trailing delimiters) or, for a shorter row, on the rows below."""
    if len(row) >= width:
        return not any(cell.strip() for cell in row[width:])
    return not any(cell.strip() for r in below for cell in r[len(row) : width])


def has_header(rows: list[list[str]], number: re.Pattern[str], decimal: str = ".") -> bool:
    """Row 1 is a header if it has text above a mostly numeric column, holds no number, or
    has whole numbers above most of the columns of fractions (years over rates, as in the
    World Bank's tables: ``Country Name,...,1960,1961``)."""
    first, rest = rows[0], rows[1:]
    fraction = re.compile(rf"\d?{re.escape(decimal)}\d")
    numeric = whole_over_fractions = 0
    for j, cell in enumerate(first):
        below = [r[j] for r in rest if j < len(r) and r[j].strip()]
        values = [c for c in below if _is_value(c, number)]
        if not _is_value(cell, number):
            if below and len(values) >= len(below) / 2:
                return True
            continue
        if cell.strip() and values and len(values) >= len(below) / 2:
            numeric += 1
            fractions = sum(bool(fraction.search(c)) for c in values)
            whole_over_fractions += cell.strip().isdigit() and fractions >= 0.8 * len(values)
    if numeric and whole_over_fractions > numeric / 2:
        return True
    return not any(_is_value(c, number) for c in first if c.strip())


def _sklearn_classes(
    first: list[str], body: list[list[str]], number: re.Pattern[str], path: Path
) -> tuple[str, ...]:
    """The class names on scikit-learn's description line, () when ``first`` is not one.

    The line reads ``n_rows,n_features,name_0,name_1,...``; the rows below have the
    features and then an integer class code 0, 1, ... The width alone does not tell it from
    a header (iris: 5 fields above 5), so all of it is checked, the row count last (it may
    read the whole file).
    """
    cells = [c.strip() for c in first]
    names = tuple(cells[2:])
    if len(cells) < 3 or not (cells[0].isdigit() and cells[1].isdigit()) or not body:
        return ()
    if not all(names) or any(_is_value(c, number) for c in names):
        return ()
    if body_width(body) != int(cells[1]) + 1:
        return ()
    codes = [r[-1].strip() for r in body]
    if not all(c.isdigit() and int(c) < len(names) for c in codes):
        return ()
    return names if count_lines_with_text(path) - 1 == int(cells[0]) else ()


def _is_title(row: list[str], width: int, number: re.Pattern[str]) -> bool:
    """A spreadsheet's title row: one text cell, the rest of a wide row empty."""
    cells = [c for c in row if c.strip()]
    return width >= 3 and len(cells) == 1 and not _is_value(cells[0], number)


def leading_lines(
    rows: list[tuple[list[str], int]], number: re.Pattern[str], path: Path
) -> tuple[int, tuple[str, ...], list[str]]:
    """Lines before the table: ``(lines to skip, class names, notes)``.

    A first row that fits neither as column names nor as data (its width differs from the
    rows below, or it is a title: one text cell in a wide row) is a preamble;
    scikit-learn's description line is one that names classes.
    """
    if len(rows) < 2:
        return 0, (), []
    first, line = rows[0]
    classes = _sklearn_classes(first, [r for r, _ in rows[1:]], number, path)
    if classes:
        codes = f"0-{len(classes) - 1}" if len(classes) > 1 else "0"
        return (
            line,
            classes,
            [
                f"line 1 is scikit-learn's description ({first[0].strip()} rows, "
                f"{first[1].strip()} features, classes {', '.join(classes)}): skipped, and its "
                f"class names name the codes {codes} of the last column"
            ],
        )
    width = body_width([r for r, _ in rows[1:]])
    k = 0
    while k < min(MAX_PREAMBLE_LINES, len(rows) - 1):
        row, below = rows[k][0], [r for r, _ in rows[k + 1 :]]
        fits = fits_width(row, width, below) or names_rows(row, width, below)
        if fits and not _is_title(row, width, number):
            break
        k += 1
    if not k:
        return 0, (), []
    shown = ",".join(first)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return (
        rows[k - 1][1],
        (),
        [
            f"skipped {rows[k - 1][1]} line(s) at the start that fit neither as column names "
            f"nor as data ({width} fields below, the first reads {shown!r})"
        ],
    )
