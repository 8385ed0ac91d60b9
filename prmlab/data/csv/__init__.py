"""A user's CSV file as a :class:`Dataset`: sniff a head sample, then pandas' C parser.

Files may be compressed (gzip, bzip2, xz, a ZIP with one file). Sniffing reads at most the
first 64 KiB (1 MiB when line 1 is longer) and decides the encoding (BOM, strict UTF-8, else
charset-normalizer among cp1252, GB18030 and latin-1), the delimiter (runs of spaces too),
decimal mark, thousands separator, lines to skip before the table (a preamble, or
scikit-learn's description line, whose class names name the last column's codes) and
whether row 1 is a header. Each column's default role follows one rule (``suggest_roles``)
in ``load_csv`` and in the CSV dialog. The whole
file is then parsed in chunks by ``pandas.read_csv`` (progress, cancel between chunks);
columns that are text in the head are read as categoricals, so labels cost no per-cell
Python work. Only :class:`DatasetError` escapes, with a message a person can act on.
"""

from prmlab.data.csv._load import iter_load_csv, load_csv
from prmlab.data.csv._read import CHUNK_BYTES, NA_VALUES, PREVIEW_ROWS, LoadStep, preview_csv
from prmlab.data.csv._roles import LABEL_NAMES, MAX_CLASSES, Roles, suggest_roles
from prmlab.data.csv._sniff import (
    DELIMITERS,
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_LINE_BYTES,
    SAMPLE_BYTES,
    WHITESPACE,
    CsvSettings,
    sniff_csv,
)
from prmlab.data.csv._write import write_csv

__all__ = [
    "CHUNK_BYTES",
    "DELIMITERS",
    "LABEL_NAMES",
    "MAX_BYTES",
    "MAX_CLASSES",
    "MAX_COLUMNS",
    "MAX_LINE_BYTES",
    "NA_VALUES",
    "PREVIEW_ROWS",
    "SAMPLE_BYTES",
    "WHITESPACE",
    "CsvSettings",
    "LoadStep",
    "Roles",
    "iter_load_csv",
    "load_csv",
    "preview_csv",
    "sniff_csv",
    "suggest_roles",
    "write_csv",
]
