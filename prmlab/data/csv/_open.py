"""Opening a table file as bytes: plain, or compressed (gzip, bzip2, xz, a ZIP with one file).

pandas decompresses all of these natively; this module tells which one a file is (from its
first bytes, not its name: a renamed file still reads) and opens the decompressed bytes for
sniffing the head.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import BinaryIO

from prmlab.data.dataset import DatasetError

# magic bytes -> pandas' ``compression`` name
_COMPRESSED = {b"\x1f\x8b": "gzip", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz", b"PK\x03\x04": "zip"}
_OFFICE_MEMBER = "[Content_Types].xml"  # every .xlsx/.docx is a ZIP holding this
# what a damaged compressed file raises besides OSError (gzip's BadGzipFile is one)
DECOMPRESSION_ERRORS = (EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error)


def compression(path: Path) -> str | None:
    """pandas' name for how ``path`` is compressed ("gzip", "bz2", "xz", "zip"), or None."""
    try:
        with path.open("rb") as fh:
            start = fh.read(8)
    except OSError as exc:
        raise DatasetError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    return next((kind for magic, kind in _COMPRESSED.items() if start.startswith(magic)), None)


def _zip_member(path: Path, archive: zipfile.ZipFile) -> str:
    """The one table file in a ZIP; DatasetError for workbooks and for several files."""
    names = [n for n in archive.namelist() if not n.endswith("/") and not n.startswith("__MACOSX/")]
    if _OFFICE_MEMBER in names:
        raise DatasetError(
            f"{path.name} is an Office file (an .xlsx workbook is one): save it as CSV from Excel"
        )
    if len(names) != 1:
        listed = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise DatasetError(
            f"{path.name} is a ZIP archive of {len(names)} files ({listed or 'none'}); "
            "a ZIP is read when it holds exactly one CSV file: unpack it and open the CSV"
        )
    return names[0]


@contextmanager
def open_bytes(path: Path, raw: BinaryIO | None = None) -> Iterator[BinaryIO]:
    """The file's content as a binary stream, decompressed when it is compressed.

    ``raw``: the file already open (its ``tell()`` then tells how far reading has got).
    """
    kind = compression(path)
    try:
        with path.open("rb") if raw is None else nullcontext(raw) as fh:
            if kind == "zip":
                with zipfile.ZipFile(fh) as archive, archive.open(_zip_member(path, archive)) as f:
                    yield f
                return
            opener = {"gzip": gzip.GzipFile, "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}.get(kind)
            with opener(fileobj=fh) if kind == "gzip" else opener(fh) if opener else fh as f:
                yield f
    except (OSError, *DECOMPRESSION_ERRORS) as exc:
        what = f"a {kind} file" if kind else "a file"
        raise DatasetError(
            f"cannot read {path.name} as {what} ({exc}): damaged, or not what its first bytes say"
        ) from None


def count_lines_with_text(path: Path) -> int:
    """How many lines of the (decompressed) file hold more than blanks."""
    with open_bytes(path) as fh:
        return sum(1 for line in fh if line.strip())
