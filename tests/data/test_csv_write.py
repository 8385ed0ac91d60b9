"""Results CSV: text a spreadsheet would run is escaped, numbers never are."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prmlab.data.csv import write_csv


def _read_back(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_formula_text_is_escaped_in_text_and_categorical_columns(tmp_path):
    frame = pd.DataFrame(
        {
            "text": ["=SUM(A1)", "+1", "-x**2/2", "@cmd", "\tx", "\rx", "plain", None],
            "kind": pd.Categorical(["=a", "b", "=a", "b", "b", "b", "b", "b"]),
        }
    )
    path = tmp_path / "out.csv"
    write_csv(frame, path)
    back = pd.read_csv(path, keep_default_na=False)
    assert back["text"].tolist()[:5] == ["'=SUM(A1)", "'+1", "'-x**2/2", "'@cmd", "'\tx"]
    assert back["text"].tolist()[-2:] == ["plain", ""]
    assert back["kind"].tolist()[:2] == ["'=a", "b"]
    assert "\n'\rx," in path.read_bytes().decode()  # a CR start is escaped too


def test_numbers_are_never_touched_even_in_a_mixed_column(tmp_path):
    # a column of mixed types (object dtype) held -1.5 as a number: it was written '-1.5
    frame = pd.DataFrame(
        {
            "mixed": [-1.5, "-x", np.float64(-2.0), -3, None],
            "v": [-1.5, -2.0, 3.0, -4e-9, np.nan],
            "n": [-1, -2, 3, 4, 5],
            "y": pd.Categorical([-1, 1, -1, 1, -1]),  # SVM labels ±1 as a categorical
            -7: [1, 2, 3, 4, 5],  # a numeric column name stays a number too
        }
    )
    path = tmp_path / "out.csv"
    write_csv(frame, path)
    lines = _read_back(path)
    assert lines[0] == "mixed,v,n,y,-7"
    assert lines[1] == "-1.5,-1.5,-1,-1,1"
    assert lines[2] == "'-x,-2.0,-2,1,2"
    assert lines[3].startswith("-2.0,3.0,3,-1")
    back = pd.read_csv(path)
    assert back["v"].tolist()[:4] == [-1.5, -2.0, 3.0, -4e-9]
    assert back["n"].tolist() == [-1, -2, 3, 4, 5]


def test_formula_column_names_are_escaped(tmp_path):
    path = tmp_path / "out.csv"
    write_csv(pd.DataFrame({"=name": [1], "ok": [2]}), path)
    assert _read_back(path)[0] == "'=name,ok"
