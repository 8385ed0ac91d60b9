"""The hostile-CSV corpus: every file is built here, at test time, from a few bytes."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prmlab.data import DatasetError
from prmlab.data.csv import (
    CsvSettings,
    iter_load_csv,
    load_csv,
    preview_csv,
    sniff_csv,
    suggest_roles,
    write_csv,
)


@pytest.fixture
def make(tmp_path):
    """Write ``content`` (str as UTF-8 unless ``encoding``) to a file and return its path."""

    def _make(content: str | bytes, name: str = "data.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
        return path

    return _make


def notes_text(ds) -> str:
    return "\n".join(ds.notes)


# ------------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty"),
        (b"\n\n   \r\n\n", "only blank lines"),
        (b"a,b,c\n", "header but no data rows"),
        (b"a,b,c\r\n\r\n", "header but no data rows"),
        (b"name,colour\nx,red\ny,blue\n", "no numeric column"),
        (b"a,b\n1,2\x00\n3,4\n", "NUL bytes .*line 2"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "PNG image"),
        (b"PK\x03\x04" + bytes(200), "as a zip file .*damaged"),
        (bytes(range(1, 32)) * 50, "binary"),
    ],
    ids=["empty", "blank", "header-only", "header-blank", "no-numeric", "nul", "png", "zip", "bin"],
)
def test_refused_with_a_clear_message(make, content, match):
    with pytest.raises(DatasetError, match=match):
        load_csv(make(content))


def test_png_renamed_csv_refused_by_sniffer_too(make):
    with pytest.raises(DatasetError, match="PNG"):
        sniff_csv(make(b"\x89PNG\r\n\x1a\n" + bytes(100)))


def test_missing_path_and_directory(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        load_csv(tmp_path / "nope.csv")
    with pytest.raises(DatasetError, match="folder"):
        load_csv(tmp_path)
    with pytest.raises(DatasetError):
        load_csv("")


def test_200000_column_line_is_refused_fast(make):
    path = make(",".join(["1.5"] * 200_000) + "\n" + ",".join(["2.5"] * 200_000) + "\n")
    with pytest.raises(DatasetError, match="20,000"):
        load_csv(path)


def test_endless_first_line_is_refused(make):
    with pytest.raises(DatasetError, match="20,000|longer"):
        load_csv(make("x" * (3 * 2**20)))


# ------------------------------------------------------------------------ shapes


def test_single_row_without_header(make):
    ds = load_csv(make("1,2,3\n"))
    assert ds.X.tolist() == [[1, 2, 3]]
    assert ds.feature_names == ["column 1", "column 2", "column 3"]
    assert "header: none" in notes_text(ds)


def test_single_column(make):
    ds = load_csv(make("x\n1\n2\n3.5\n"))
    assert ds.X.shape == (3, 1) and ds.feature_names == ["x"] and ds.y is None


def test_x_is_float64_c_contiguous_and_finite(make):
    ds = load_csv(make("a,b,class\n1,2,u\n3,4,v\n5,6,u\n"))
    assert ds.X.dtype == np.float64 and ds.X.flags.c_contiguous
    assert ds.y.dtype == np.int64 and ds.y.tolist() == [0, 1, 0]
    assert ds.class_names == ["u", "v"] and ds.name == "data.csv"


# ------------------------------------------------------------------------ encodings


def test_utf8_bom(make):
    ds = load_csv(make(codecs.BOM_UTF8 + b"a,b\n1,2\n"))
    assert ds.feature_names == ["a", "b"]
    assert "utf-8-sig" in notes_text(ds)


def test_utf16_excel_unicode_text_export(make):
    # Excel "Unicode Text": UTF-16 LE with BOM, tab-separated, CRLF
    text = "Länge\tBreite\tArt\r\n1,5\t2,25\tgroß\r\n2,5\t3,5\tklein\r\n"
    ds = load_csv(make(text, encoding="utf-16"))
    assert ds.feature_names == ["Länge", "Breite"]
    np.testing.assert_allclose(ds.X, [[1.5, 2.25], [2.5, 3.5]])
    assert ds.class_names == ["groß", "klein"]


def test_utf16_without_bom(make):
    ds = load_csv(make("a,b\r\n1,2\r\n3,4\r\n", encoding="utf-16-le"))
    assert ds.X.tolist() == [[1, 2], [3, 4]]


def test_latin1_header(make):
    ds = load_csv(make("Größe;Gewicht;Farbe\n1,5;2,3;grün\n2,5;3,1;weiß\n", encoding="latin-1"))
    assert ds.feature_names == ["Größe", "Gewicht"]
    assert ds.class_names == ["grün", "weiß"]
    np.testing.assert_allclose(ds.X, [[1.5, 2.3], [2.5, 3.1]])


def test_cp1252_euro_sign(make):
    ds = load_csv(make("Preis €,Menge\n1.5,2\n2.5,3\n", encoding="cp1252"))
    assert ds.feature_names == ["Preis €", "Menge"]


def test_gbk_header(make):
    text = "长度,宽度,类别\n1.5,2.3,甲\n2.5,3.1,乙\n"
    ds = load_csv(make(text, encoding="gbk"))
    assert ds.feature_names == ["长度", "宽度"] and ds.class_names == ["乙", "甲"]
    assert sniff_csv(make(text, encoding="gbk")).encoding == "gb18030"


def test_legacy_byte_after_an_ascii_head(make):
    rows = "".join(f"{i},{i % 3}\n" for i in range(20_000))  # > 64 KiB of ASCII
    ds = load_csv(make(f"x,y\n{rows}1,Café\n", encoding="cp1252"))
    assert ds.n_samples == 20_000  # the Café row is text in a numeric column: dropped
    assert "read as cp1252" in notes_text(ds) and "encoding: cp1252" in notes_text(ds)
    ds = load_csv(make(b"x,y\n" + rows.encode() + b"1,\x81\n"))  # undefined in cp1252
    assert "encoding: latin_1" in notes_text(ds)


def test_wrong_encoding_chosen_by_hand_is_an_error(make):
    path = make("Größe,b\n1,2\n", encoding="latin-1")
    with pytest.raises(DatasetError, match="utf-8"):
        load_csv(path, settings=CsvSettings(encoding="utf-8"))
    with pytest.raises(DatasetError, match="unknown encoding"):
        load_csv(path, settings=CsvSettings(encoding="klingon"))


# ------------------------------------------------------------------------ dialects


def test_semicolon_decimal_comma(make):
    path = make("a;b;c\n1,5;2,25;x\n-3,75;4;y\n")
    s = sniff_csv(path)
    assert (s.delimiter, s.decimal, s.header) == (";", ",", True)
    ds = load_csv(path)
    np.testing.assert_allclose(ds.X, [[1.5, 2.25], [-3.75, 4.0]])
    assert "decimal mark: comma" in notes_text(ds) and "semicolon" in notes_text(ds)


def test_tabs_and_pipes(make):
    assert load_csv(make("a\tb\n1\t2\n3\t4\n")).X.tolist() == [[1, 2], [3, 4]]
    assert load_csv(make("a|b\n1|2\n3|4\n")).X.tolist() == [[1, 2], [3, 4]]


def test_crlf_and_cr(make):
    assert load_csv(make("a,b\r\n1,2\r\n3,4\r\n")).X.tolist() == [[1, 2], [3, 4]]
    assert load_csv(make("a,b\r1,2\r3,4\r")).X.tolist() == [[1, 2], [3, 4]]


def test_spaces_after_delimiters(make):
    ds = load_csv(make("a, b, kind\n1, 2, x\n3, NA, y\n5, 6, x\n"))
    assert ds.feature_names == ["a", "b"] and ds.X.tolist() == [[1, 2], [5, 6]]
    assert ds.class_names == ["x"]


def test_blanks_around_cells_without_leading_spaces(make):
    ds = load_csv(make("a,b,kind\n1,2 ,x \n3,NA ,x\n5,6,y\n7,8,NULL\n"))
    assert ds.X.tolist() == [[1, 2], [5, 6]]
    assert ds.class_names == ["x", "y"] and ds.y.tolist() == [0, 1]


def test_quoted_fields_with_commas_and_newlines(make):
    text = 'name,x,y\n"Smith, John",1,2\n"two\nlines",3,4\n"say ""hi""",5,6\n'
    ds = load_csv(make(text))
    assert ds.X.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert sorted(ds.class_names) == sorted(["Smith, John", "two\nlines", 'say "hi"'])


def test_ragged_rows(make):
    ds = load_csv(make("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n"))
    assert ds.X.tolist() == [[1, 2, 3], [10, 11, 12]]
    text = notes_text(ds)
    assert "skipped 1 row(s) with too many fields (first: line 4" in text
    assert "dropped 1 row(s) with missing" in text


def test_trailing_delimiters_make_no_column(make):
    ds = load_csv(make("a,b\n1,2,\n3,4,\n"))
    assert ds.feature_names == ["a", "b"] and ds.X.tolist() == [[1, 2], [3, 4]]


def test_header_detection(make):
    assert sniff_csv(make("1,2,x\n")).header is False
    assert sniff_csv(make("1,2,x\n3,4,y\n")).header is False
    assert sniff_csv(make("a,b,kind\n3,4,y\n")).header is True
    assert sniff_csv(make("5.1,3.5,setosa\n4.9,3.0,setosa\n")).header is False
    ds = load_csv(make("5.1,3.5,setosa\n4.9,3.0,virginica\n"))
    assert ds.n_samples == 2 and ds.class_names == ["setosa", "virginica"]


# ------------------------------------------------------------------------ values


def test_missing_markers(make):
    text = "a,b\n1,2\nNA,3\n?,4\n,5\nNULL,6\n7,8\n"
    ds = load_csv(make(text))
    assert ds.X.tolist() == [[1, 2], [7, 8]]
    assert "dropped 4 row(s) with missing or non-finite values (first at data row 2)" in (
        notes_text(ds)
    )


def test_inf_and_overflow(make):
    ds = load_csv(make("a,b\n1,2\ninf,3\n1e400,4\n-Infinity,5\n6,7\n"))
    assert ds.X.tolist() == [[1, 2], [6, 7]]
    assert "dropped 3 row(s)" in notes_text(ds)


def test_every_row_bad(make):
    with pytest.raises(DatasetError, match="every row"):
        load_csv(make("a,b\n1,inf\nNA,2\n"))


def test_all_empty_column(make):
    ds = load_csv(make("a,b,c\n1,,2\n3,,4\n"))
    assert ds.feature_names == ["a", "c"]
    assert "dropped all-empty column(s): 'b'" in notes_text(ds)


def test_duplicate_and_empty_headers(make):
    ds = load_csv(make("a,a,,b,a\n1,2,3,4,5\n"))
    assert ds.feature_names == ["a", "a (2)", "column 3", "b", "a (3)"]
    assert "duplicate header 'a' renamed to 'a (2)'" in notes_text(ds)


def test_constant_column_is_kept_with_a_note(make):
    ds = load_csv(make("a,b\n1,7\n2,7\n3,7\n"))
    assert ds.X[:, 1].tolist() == [7, 7, 7]
    assert "constant column(s) kept: 'b'" in notes_text(ds)


def test_thousands_separators(make):
    path = make('a,b\n"1,234.5",2\n"12,345,678",3\n7,4\n')
    assert sniff_csv(path).thousands == ","
    np.testing.assert_allclose(load_csv(path).X, [[1234.5, 2], [12345678, 3], [7, 4]])
    path = make("a;b\n1.234,5;2\n12.345.678;3\n")
    s = sniff_csv(path)
    assert (s.decimal, s.thousands) == (",", ".")
    np.testing.assert_allclose(load_csv(path).X, [[1234.5, 2], [12345678, 3]])


def test_booleans_become_zero_one(make):
    ds = load_csv(make("x,flag\n1,True\n2,false\n3,TRUE\n"))
    assert ds.X[:, 1].tolist() == [1, 0, 1]
    assert "true/false" in notes_text(ds)


def test_mostly_numeric_column_with_junk(make):
    rows = "\n".join(f"{i},{i * 2}" for i in range(30))
    ds = load_csv(make(f"a,b\n{rows}\n30,#VALUE!\n"))
    assert ds.n_samples == 30 and ds.y is None
    assert "'b': 1 cell(s) are not numbers" in notes_text(ds)


def test_formula_looking_cells_stay_text(make, tmp_path):
    ds = load_csv(make("x,y,f\n1,2,=SUM(A1:A2)\n3,4,@cmd\n5,6,=1+2\n"))
    assert ds.X.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert "=SUM(A1:A2)" in ds.class_names and "@cmd" in ds.class_names


# ------------------------------------------------------------------------ labels


def test_label_by_name_even_if_numeric_and_not_last(make):
    ds = load_csv(make("Class,a,b,comment\n1,0.5,2,x\n2,1.5,3,y\n1,2.5,4,z\n"))
    assert ds.feature_names == ["a", "b"]
    assert ds.class_names == ["1", "2"] and ds.y.tolist() == [0, 1, 0]
    assert "'Class' (by its name)" in notes_text(ds)
    assert "ignored text column(s): 'comment'" in notes_text(ds)


def test_label_is_last_text_column(make):
    ds = load_csv(make("kind,a,name\nu,1,p\nv,2,q\n"))
    assert ds.class_names == ["p", "q"]
    assert "'name' (the last non-numeric column)" in notes_text(ds)


def test_label_choice_none_explicit_and_ignore(make):
    path = make("a,b,species\n1,2,x\n3,4,y\n")
    assert load_csv(path, label_column=None).y is None
    ds = load_csv(path, label_column="a")
    assert ds.feature_names == ["b"] and ds.class_names == ["1", "3"]
    ds = load_csv(path, ignore_columns=["b"])
    assert ds.feature_names == ["a"] and ds.class_names == ["x", "y"]
    with pytest.raises(DatasetError, match="no column named 'zz'"):
        load_csv(path, label_column="zz")
    with pytest.raises(DatasetError, match="cannot ignore"):
        load_csv(path, ignore_columns=["zz"])


def test_rows_without_label_are_dropped(make):
    ds = load_csv(make("a,label\n1,x\n2,\n3,y\n4,z\n"))
    assert ds.X.ravel().tolist() == [1, 3, 4]
    assert ds.y.tolist() == [0, 1, 2]
    assert "without a label" not in notes_text(ds) and "no label" in notes_text(ds)


def test_classes_renumbered_when_rows_dropped(make):
    ds = load_csv(make("a,label\n1,x\nNA,y\n3,z\n"))
    assert ds.class_names == ["x", "z"] and ds.y.tolist() == [0, 1]


def test_too_many_classes(make):
    rows = "\n".join(f"{i},id{i}" for i in range(150))
    path = make(f"a,name\n{rows}\n")
    ds = load_csv(path)
    assert ds.y is None and "150 distinct values" in notes_text(ds)
    with pytest.raises(DatasetError, match="at most 100"):
        load_csv(path, label_column="name")


# ------------------------------------------------------------------------ API pieces


def test_progress_and_iter_load(make):
    rows = "\n".join(f"{i},{i % 3}" for i in range(5000))
    path = make(f"x,label\n{rows}\n")
    seen: list[float] = []
    ds = load_csv(path, progress=seen.append)
    assert ds.n_samples == 5000 and seen and seen[-1] == 1.0
    assert all(0 <= f <= 1 for f in seen)
    gen = iter_load_csv(path)
    step = next(gen)
    assert 0 <= step.progress <= 1 and step.rows > 0
    gen.close()  # cancelling between chunks is fine


def test_large_files_load_in_chunks_with_progress(make, monkeypatch):
    from prmlab.data.csv import _read

    rows = [f"{i},{i % 3}" for i in range(5000)]
    rows[3000] += ",extra"  # a ragged row in a later chunk: read again, skipping it
    path = make("x,label\n" + "\n".join(rows) + "\n")
    whole = load_csv(path)
    monkeypatch.setattr(_read, "WHOLE_READ_BYTES", 0)
    monkeypatch.setattr(_read, "CHUNK_BYTES", 4096)
    seen: list[float] = []
    chunked = load_csv(path, progress=seen.append)
    assert len(seen) > 5 and seen == sorted(seen) and seen[-1] == 1.0
    assert np.array_equal(chunked.X, whole.X) and np.array_equal(chunked.y, whole.y)
    assert chunked.n_samples == 4999
    assert "skipped 1 row(s) with too many fields" in notes_text(chunked)


def test_preview_and_suggested_roles(make):
    rows = "\n".join(f"{i};{i},5;k{i % 2}" for i in range(80))
    path = make(f"id;value;group\n{rows}\n")
    s = sniff_csv(path)
    frame = preview_csv(path, s)
    assert len(frame) == 50 and list(frame.columns) == ["id", "value", "group"]
    assert frame["value"].iloc[1] == 1.5
    assert suggest_roles(frame, s).roles == {"id": "feature", "value": "feature", "group": "label"}


def test_settings_check():
    with pytest.raises(DatasetError, match="must differ"):
        CsvSettings(decimal=",", thousands=",").check()
    with pytest.raises(DatasetError, match="one character"):
        CsvSettings(delimiter=";;").check()
    CsvSettings(delimiter=",", decimal=",", thousands=None).check()  # quoted "1,5" cells


def test_settings_given_by_hand(make):
    path = make("1;2\n3;4\n")
    ds = load_csv(path, settings=CsvSettings(delimiter=";", header=True))
    assert ds.feature_names == ["1", "2"] and ds.X.tolist() == [[3, 4]]


def test_write_csv_escapes_formulas(tmp_path):
    frame = pd.DataFrame(
        {
            "=name": ["=SUM(A1)", "+1", "-x", "@cmd", "plain", None],
            "v": [-1.5, 2, 3, 4, 5, 6],
        }
    )
    path = tmp_path / "out.csv"
    write_csv(frame, path)
    back = pd.read_csv(path, keep_default_na=False)
    assert list(back.columns) == ["'=name", "v"]
    assert back["'=name"].tolist() == ["'=SUM(A1)", "'+1", "'-x", "'@cmd", "plain", ""]
    assert back["v"].tolist() == [-1.5, 2, 3, 4, 5, 6]


# ------------------------------------------------------------------------ fuzz


def _load_or_refuse(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(content)
        try:
            ds = load_csv(path)
        except DatasetError:
            return
        assert ds.X.dtype == np.float64 and np.isfinite(ds.X).all()
        assert ds.X.shape == (ds.n_samples, len(ds.feature_names)) and ds.n_samples > 0
        if ds.y is not None:
            assert ds.y.shape == (ds.n_samples,) and ds.y.min() >= 0
            assert ds.y.max() < len(ds.class_names)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_fuzz_random_bytes_raise_only_dataset_error(content):
    _load_or_refuse(content)


CSVISH = st.text(alphabet=',;\t|\n\r"0123456789.-+eE aNA?xé长\x00', max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CSVISH, st.sampled_from(["utf-8", "utf-16", "gb18030", "utf-8-sig"]))
def test_fuzz_csv_like_text_raises_only_dataset_error(text, encoding):
    _load_or_refuse(text.encode(encoding, errors="replace"))
