"""CSV files as people have them: scikit-learn's bundled files, vega's stocks, penguins,
statsmodels' statecrime and co2 (see fixtures/README.md), compressed and space-delimited."""

from __future__ import annotations

import bz2
import gzip
import lzma
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import sklearn.datasets as skd

from prmlab.data import DatasetError
from prmlab.data.csv import CsvSettings, load_csv, preview_csv, sniff_csv, suggest_roles

SKLEARN = Path(skd.__file__).parent / "data"
FIXTURES = Path(__file__).parent / "fixtures"


def notes_text(ds) -> str:
    return "\n".join(ds.notes)


# ------------------------------------------------------------------ scikit-learn's files


@pytest.mark.parametrize(
    ("name", "bunch"),
    [
        ("iris.csv", skd.load_iris),
        ("wine_data.csv", skd.load_wine),
        ("breast_cancer.csv", skd.load_breast_cancer),
    ],
)
def test_sklearn_description_line_names_the_classes(name, bunch):
    """Line 1 is ``n_rows,n_features,class names``: every row and column arrives, and the
    last column's codes get the class names (label 0 -> setosa ...)."""
    reference = bunch()
    ds = load_csv(SKLEARN / name)
    assert ds.X.shape == reference.data.shape
    np.testing.assert_array_equal(ds.X, reference.data)
    assert ds.class_names == list(reference.target_names)
    assert [ds.class_names[k] for k in ds.y] == list(reference.target_names[reference.target])
    assert "scikit-learn's description" in notes_text(ds)


def test_sklearn_iris_is_not_read_as_a_header():
    """``150,4,setosa,versicolor,virginica`` has as many fields as the rows below."""
    s = sniff_csv(SKLEARN / "iris.csv")
    assert (s.header, s.skip_lines) == (False, 1)
    assert s.class_names == ("setosa", "versicolor", "virginica")
    assert "virginica" not in load_csv(SKLEARN / "iris.csv").feature_names


def test_sklearn_wine_without_skipping_never_cuts_rows():
    """Line 1 read as data (the user set 0 lines to skip): the table keeps its 14 columns
    and line 1, 5 fields wide, is dropped with a note. As a header it is refused clearly."""
    s = replace(sniff_csv(SKLEARN / "wine_data.csv"), skip_lines=0)
    ds = load_csv(SKLEARN / "wine_data.csv", settings=s)
    assert ds.X.shape == (178, 13) and len(ds.class_names) == 3
    text = notes_text(ds)
    assert "dropped 1 row(s) with missing or non-finite values (first at data row 1)" in text
    assert "1 of the first 100 rows have fewer than 14 fields (first: line 1)" in text
    with pytest.raises(DatasetError, match="line 1 .* 5 column names .* 14 fields; untick"):
        load_csv(SKLEARN / "wine_data.csv", settings=replace(s, header=True))


def test_sklearn_like_line_with_wrong_counts_is_not_taken(tmp_path):
    path = tmp_path / "fake.csv"
    path.write_text("9,2,a,b\n1,2,0\n3,4,1\n")  # says 9 rows: there are 2
    assert sniff_csv(path).class_names == ()


def test_sklearn_digits_gz_every_row_and_column():
    """No header, no class names: the 64 pixels and the digit arrive as 65 columns; the
    digit is a label when chosen (nothing in the file says it is one)."""
    digits = skd.load_digits()
    ds = load_csv(SKLEARN / "digits.csv.gz")
    assert ds.X.shape == (1797, 65)
    np.testing.assert_array_equal(ds.X[:, :64], digits.data)
    np.testing.assert_array_equal(ds.X[:, 64], digits.target)
    assert "compressed (gzip)" in notes_text(ds)
    labelled = load_csv(SKLEARN / "digits.csv.gz", label_column="column 65")
    assert labelled.n_features == 64 and labelled.class_names == [str(d) for d in range(10)]


@pytest.mark.parametrize(
    ("name", "attribute"),
    [("linnerud_exercise.csv", "data"), ("linnerud_physiological.csv", "target")],
)
def test_sklearn_linnerud_space_delimited(name, attribute):
    reference = skd.load_linnerud()
    ds = load_csv(SKLEARN / name)
    assert sniff_csv(SKLEARN / name).delimiter == " "
    names = reference.feature_names if attribute == "data" else reference.target_names
    assert ds.feature_names == list(names)
    np.testing.assert_array_equal(ds.X, getattr(reference, attribute))
    assert "delimiter: spaces (runs of blanks)" in notes_text(ds)


def test_sklearn_diabetes_gz_space_delimited():
    ds = load_csv(SKLEARN / "diabetes_data_raw.csv.gz")
    assert ds.X.shape == (442, 10)
    np.testing.assert_allclose(ds.X, skd.load_diabetes(scaled=False).data)


# -------------------------------------------------------------------- compressed


def _compressed(tmp_path: Path, kind: str, data: bytes) -> Path:
    path = tmp_path / f"iris.csv.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("iris.csv", data)
    else:
        path.write_bytes({"gz": gzip, "bz2": bz2, "xz": lzma}[kind].compress(data))
    return path


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz", "zip"])
def test_compressed_files_read_like_the_plain_one(tmp_path, kind):
    plain = load_csv(SKLEARN / "iris.csv")
    path = _compressed(tmp_path, kind, (SKLEARN / "iris.csv").read_bytes())
    ds = load_csv(path)
    np.testing.assert_array_equal(ds.X, plain.X)
    np.testing.assert_array_equal(ds.y, plain.y)
    assert ds.class_names == plain.class_names
    assert len(preview_csv(path, sniff_csv(path))) == 50


def test_a_zip_from_a_mac_and_a_misnamed_plain_file(tmp_path):
    """Finder's ZIPs hold a "__MACOSX/" folder beside the CSV; a ".gz" name on plain text
    is read as what the bytes are."""
    mac = tmp_path / "iris.zip"
    with zipfile.ZipFile(mac, "w") as archive:
        archive.writestr("iris.csv", (SKLEARN / "iris.csv").read_bytes())
        archive.writestr("__MACOSX/._iris.csv", b"\x00\x05\x16\x07")
    assert load_csv(mac).X.shape == (150, 4)
    plain = tmp_path / "plain.csv.gz"
    plain.write_bytes((SKLEARN / "iris.csv").read_bytes())
    assert load_csv(plain).X.shape == (150, 4)


def test_compressed_files_are_chunked_with_progress(tmp_path, monkeypatch):
    from prmlab.data.csv import _read

    rows = "\n".join(f"{i},{i % 3}" for i in range(200_000))  # pandas reads 256 KiB at a time
    path = _compressed(tmp_path, "gz", f"x,label\n{rows}\n".encode())
    monkeypatch.setattr(_read, "WHOLE_READ_BYTES", 0)
    monkeypatch.setattr(_read, "CHUNK_BYTES", 2**16)
    seen: list[float] = []
    ds = load_csv(path, progress=seen.append)
    assert ds.n_samples == 200_000 and seen == sorted(seen) and seen[-1] == 1.0
    assert len(set(seen)) > 3  # the compressed file's position, not 1.0 from the start


@pytest.mark.parametrize("kind", ["gz", "xz", "bz2"])
def test_a_cut_off_compressed_file_is_refused_clearly(tmp_path, kind):
    rows = "".join(f"{i},{2 * i}\n" for i in range(20_000))
    path = _compressed(tmp_path, kind, f"a,b\n{rows}".encode())
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(DatasetError, match="damaged"):
        load_csv(path)


@pytest.mark.parametrize(
    ("members", "match"),
    [
        ({"a.csv": "x\n1\n", "b.csv": "x\n2\n"}, "ZIP archive of 2 files .*a.csv, b.csv.*unpack"),
        ({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}, "xlsx.*save it as CSV"),
    ],
    ids=["two-files", "workbook"],
)
def test_zip_archives_that_are_not_one_csv(tmp_path, members, match):
    path = tmp_path / "archive.csv"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    with pytest.raises(DatasetError, match=match):
        load_csv(path)


# -------------------------------------------------------------------- layout


def test_runs_of_blanks_and_tabs_delimit(tmp_path):
    path = tmp_path / "aligned.txt"
    path.write_text("  height   weight\tkind\n  1.5   60\ta\n  1.75  72 \tb\n")
    ds = load_csv(path)
    assert ds.feature_names == ["height", "weight"] and ds.class_names == ["a", "b"]
    assert ds.X.tolist() == [[1.5, 60], [1.75, 72]]


def test_settings_that_cannot_work_with_runs_of_spaces():
    with pytest.raises(DatasetError, match="thousands separator ' ' cannot"):
        CsvSettings(delimiter=" ", thousands=" ").check()
    with pytest.raises(DatasetError, match="skip_lines must be a whole number >= 0, got -1"):
        CsvSettings(skip_lines=-1).check()


def test_comma_files_with_spaces_stay_comma_files(tmp_path):
    path = tmp_path / "spaced.csv"
    path.write_text("a, b, c\n1, 2, 3\n4, 5, 6\n")
    assert sniff_csv(path).delimiter == ","


def test_preamble_lines_are_skipped_with_a_note(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Sensor export\nGenerated 2024-05-01 by logger 7\nt,x,y\n0,1,2\n1,3,4\n")
    s = sniff_csv(path)
    assert (s.skip_lines, s.header) == (2, True)
    ds = load_csv(path)
    assert ds.feature_names == ["t", "x", "y"] and ds.X.tolist() == [[0, 1, 2], [1, 3, 4]]
    assert "skipped 2 line(s) at the start that fit neither" in notes_text(ds)
    assert "'Sensor export'" in notes_text(ds)


def test_years_over_rates_are_a_header(tmp_path):
    """The World Bank's layout (statsmodels' fertility.csv): text names, then years."""
    path = tmp_path / "fertility.csv"
    path.write_text(
        "Country Name,Country Code,1960,1961,1962\n"
        "Aruba,ABW,4.82,4.655,4.471\nAngola,AGO,7.478,7.524,7.563\nAlbania,ALB,6.489,6.401,\n"
    )
    assert sniff_csv(path).header is True
    ds = load_csv(path, label_column=None)
    assert ds.feature_names == ["1960", "1961", "1962"] and ds.n_samples == 2


def test_quarter_dates_warn_nothing(tmp_path, recwarn):
    path = tmp_path / "quarters.csv"
    path.write_text("period,gdp\n1974Q1,1.5\n1974Q2,1.7\n1974Q3,1.6\n")
    ds = load_csv(path)
    assert ds.feature_names == ["gdp"] and not recwarn.list


def test_a_spreadsheets_title_row_is_skipped(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("Quarterly report,,\nregion,sales,cost\nnorth,10,4\nsouth,12,5\n")
    ds = load_csv(path)
    assert ds.feature_names == ["sales", "cost"] and ds.class_names == ["north", "south"]
    assert "'Quarterly report,,'" in notes_text(ds)


def test_r_row_names_get_a_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('"x","y"\n"a",1,2\n"b",3,4\n')
    ds = load_csv(path, label_column=None)
    assert ds.feature_names == ["x", "y"] and ds.X.tolist() == [[1, 2], [3, 4]]
    assert "row names" in notes_text(ds)


# -------------------------------------------------------------------- the role rule


def test_stocks_symbol_is_the_label_and_the_date_no_feature():
    ds = load_csv(FIXTURES / "stocks.csv")
    assert ds.feature_names == ["price"] and ds.n_samples == 560
    assert ds.class_names == ["AAPL", "AMZN", "GOOG", "IBM", "MSFT"]
    assert "column 'date' holds dates" in notes_text(ds)


def test_statecrime_one_state_per_row_is_no_label():
    ds = load_csv(FIXTURES / "statecrime.csv")
    assert ds.y is None and ds.X.shape == (51, 7)
    assert "'state' has 51 distinct values, one per row" in notes_text(ds)


def test_co2_date_numbers_are_no_feature():
    ds = load_csv(FIXTURES / "co2.csv")
    assert ds.feature_names == ["co2"] and ds.y is None
    assert "'date' holds dates (yyyymmdd numbers)" in notes_text(ds)
    chosen = load_csv(FIXTURES / "co2.csv", label_column=None)  # the user's choice: a feature
    assert chosen.feature_names == ["date", "co2"]


def test_penguins_year_stays_a_feature_with_a_hint():
    ds = load_csv(FIXTURES / "penguins.csv")
    assert ds.class_names == ["Adelie", "Chinstrap", "Gentoo"]
    assert ds.feature_names == [
        "bill_length_mm",
        "bill_depth_mm",
        "flipper_length_mm",
        "body_mass_g",
        "year",
    ]
    assert "'year' looks like calendar years (2007-2009)" in notes_text(ds)


@pytest.mark.parametrize(
    "path",
    [
        FIXTURES / "stocks.csv",
        FIXTURES / "statecrime.csv",
        FIXTURES / "co2.csv",
        FIXTURES / "penguins.csv",
        SKLEARN / "iris.csv",
    ],
    ids=lambda p: p.name,
)
def test_preview_and_load_choose_the_same_roles(path):
    """The dialog suggests roles from its preview with the rule load_csv applies to the file."""
    s = sniff_csv(path)
    roles = suggest_roles(preview_csv(path, s), s)
    ds = load_csv(path, s)
    assert [c for c, r in roles.roles.items() if r == "feature"] == ds.feature_names
    assert (roles.label is None) == (ds.y is None)
    assert f"label column: {roles.label!r}" in notes_text(ds) or roles.label is None
