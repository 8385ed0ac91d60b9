"""The Open-CSV dialog driven as a user would: preview, settings, roles, load, errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
import sklearn.datasets as skd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from prmlab.data.csv import load_csv
from prmlab.gui.widgets.csv_dialog import CsvDialog

SKLEARN = Path(skd.__file__).parent / "data"
FIXTURES = Path(__file__).parents[1] / "data" / "fixtures"


@pytest.fixture
def open_dialog(qtbot):
    def make(path):
        dialog = CsvDialog(path)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def _click_load(qtbot, dialog):
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_good_csv_loads_through_the_dialog(qtbot, open_dialog, tmp_path):
    path = tmp_path / "flowers.csv"
    path.write_text("Länge;Breite;Art\n1,5;2,25;a\n2,5;3,5;b\n3,5;4,5;a\n", encoding="cp1252")
    dialog = open_dialog(path)
    assert dialog.settings().delimiter == ";" and dialog.settings().decimal == ","
    assert "cp1252" in dialog.detected_label.text()
    assert dialog.table.rowCount() == 4  # role row + 3 preview rows
    assert dialog.table.item(1, 0).text() == "1.5"
    assert dialog.role_box("Art").currentText() == "label"
    assert dialog.ok_button.isEnabled() and dialog.messages.level() == ""
    _click_load(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    ds = dialog.dataset
    assert ds.feature_names == ["Länge", "Breite"] and ds.class_names == ["a", "b"]
    np.testing.assert_allclose(ds.X, [[1.5, 2.25], [2.5, 3.5], [3.5, 4.5]])


def test_bad_csv_shows_the_error_inline_and_no_dataset(qtbot, open_dialog, tmp_path):
    path = tmp_path / "picture.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    dialog = open_dialog(path)
    assert dialog.messages.level() == "error" and "PNG" in dialog.messages.text()
    assert not dialog.ok_button.isEnabled()
    assert dialog.isVisible() and dialog.dataset is None


def test_header_only_file_is_refused_in_the_preview(qtbot, open_dialog, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("a,b,c\n")
    dialog = open_dialog(path)
    assert "header but no data rows" in dialog.messages.text()
    assert not dialog.ok_button.isEnabled()


def test_load_failure_keeps_the_dialog_open(qtbot, open_dialog, tmp_path):
    path = tmp_path / "allbad.csv"
    path.write_text("a,b\n1,inf\nNA,2\n")
    dialog = open_dialog(path)
    assert dialog.ok_button.isEnabled()  # the preview itself is fine
    _click_load(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.messages.level() == "error", timeout=10000)
    assert "every row" in dialog.messages.text()
    assert dialog.isVisible() and dialog.dataset is None and dialog.ok_button.isEnabled()


def test_editing_settings_and_roles(qtbot, open_dialog, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("x,y,kind\n1,2,u\n3,4,v\n5,6,u\n")
    dialog = open_dialog(path)
    dialog.header_box.setChecked(False)  # the header becomes a data row: x,y turn to text
    assert dialog.table.horizontalHeaderItem(0).text() == "column 1"
    assert dialog.role_box("column 1").currentText() == "ignore"
    dialog.header_box.setChecked(True)
    dialog.delimiter_box.setCurrentIndex(dialog.delimiter_box.findData(";"))
    assert not dialog.ok_button.isEnabled()  # one text column: nothing to use as features
    dialog.delimiter_box.setCurrentIndex(dialog.delimiter_box.findData(","))
    assert dialog.ok_button.isEnabled()
    dialog.role_box("x").setCurrentText("label")  # "kind" holds text: no feature, ignored
    assert dialog.role_box("kind").currentText() == "ignore"
    _click_load(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.dataset is not None, timeout=10000)
    assert dialog.dataset.feature_names == ["y"] and dialog.dataset.class_names == ["1", "3", "5"]


def test_bad_encoding_typed_by_hand(qtbot, open_dialog, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("a,b\n1,2\n")
    dialog = open_dialog(path)
    dialog.encoding_box.setCurrentText("no-such-codec")
    assert dialog.messages.level() == "error" and "unknown encoding" in dialog.messages.text()
    assert not dialog.ok_button.isEnabled()
    dialog.encoding_box.setCurrentText("utf-8")
    assert dialog.ok_button.isEnabled()


def test_cancel_stops_a_load_and_closes(qtbot, open_dialog, tmp_path):
    path = tmp_path / "big.csv"
    rows = "\n".join(f"{i},{i * 0.5},{'ab'[i % 2]}" for i in range(200_000))
    path.write_text(f"a,b,label\n{rows}\n")
    dialog = open_dialog(path)
    _click_load(qtbot, dialog)
    assert dialog.job.running and dialog.progress.isVisible()
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    assert not dialog.job.running
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.dataset is None
    dialog.job.shutdown()


def _load(qtbot, dialog):
    _click_load(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.dataset is not None, timeout=10000)
    return dialog.dataset


def _roles(dialog) -> dict[str, str]:
    names = [dialog.table.horizontalHeaderItem(j).text() for j in range(dialog.table.columnCount())]
    return {name: dialog.role_box(name).currentText() for name in names}


def test_label_rule_is_load_csvs_and_a_new_label_returns_the_old_to_its_role(qtbot, open_dialog):
    """vega's stocks: the dialog showed ``date`` as the label where load_csv took none, and
    choosing ``symbol`` then made the date a feature."""
    path = FIXTURES / "stocks.csv"
    dialog = open_dialog(path)
    assert _roles(dialog) == {"symbol": "label", "date": "ignore", "price": "feature"}
    assert "'date' holds dates" in dialog.hints_label.text()
    dialog.role_box("date").setCurrentText("label")
    assert dialog.role_box("symbol").currentText() == "ignore"  # text: not a feature
    dialog.role_box("symbol").setCurrentText("label")
    assert dialog.role_box("date").currentText() == "ignore"
    ds = _load(qtbot, dialog)
    expected = load_csv(path)
    assert ds.feature_names == expected.feature_names == ["price"]
    assert ds.class_names == expected.class_names
    np.testing.assert_array_equal(ds.X, expected.X)
    np.testing.assert_array_equal(ds.y, expected.y)


def test_identifier_is_no_label_and_a_year_column_is_flagged(qtbot, open_dialog):
    crime = open_dialog(FIXTURES / "statecrime.csv")
    assert crime.role_box("state").currentText() == "ignore"
    assert "label" not in _roles(crime).values()
    penguins = open_dialog(FIXTURES / "penguins.csv")
    assert penguins.role_box("species").currentText() == "label"
    assert penguins.role_box("year").currentText() == "feature"
    assert "'year' looks like calendar years (2007)" in penguins.hints_label.text()  # preview
    assert penguins.hints_label.isVisible()


def test_sklearn_description_line_and_the_header_box(qtbot, open_dialog):
    dialog = open_dialog(SKLEARN / "iris.csv")
    assert not dialog.header_box.isChecked() and dialog.skip_box.value() == 1
    assert "scikit-learn's description" in dialog.detected_label.text()
    assert dialog.table.columnCount() == 5 and dialog.table.rowCount() == 51
    assert dialog.role_box("column 5").currentText() == "label"
    dialog.header_box.setChecked(True)  # the first data row as names: allowed, if odd
    assert dialog.table.horizontalHeaderItem(0).text() == "5.1"
    dialog.header_box.setChecked(False)  # ... and unticking it works again
    ds = _load(qtbot, dialog)
    assert ds.X.shape == (150, 4) and ds.class_names == ["setosa", "versicolor", "virginica"]


def test_wine_line_one_as_names_is_refused_inline_never_cut(qtbot, open_dialog):
    dialog = open_dialog(SKLEARN / "wine_data.csv")
    dialog.skip_box.setValue(0)
    assert dialog.table.columnCount() == 14  # line 1 is a short data row now, not the width
    dialog.header_box.setChecked(True)
    assert dialog.messages.level() == "error" and "untick" in dialog.messages.text()
    assert not dialog.ok_button.isEnabled()
    dialog.header_box.setChecked(False)
    assert dialog.ok_button.isEnabled()
    ds = _load(qtbot, dialog)
    assert ds.X.shape == (178, 13) and len(ds.class_names) == 3


def test_compressed_and_space_delimited_files(qtbot, open_dialog, tmp_path):
    digits = open_dialog(SKLEARN / "digits.csv.gz")
    assert digits.table.columnCount() == 65 and digits.messages.level() == ""
    assert _load(qtbot, digits).X.shape == (1797, 65)
    path = tmp_path / "iris.csv.gz"
    path.write_bytes(gzip.compress((SKLEARN / "iris.csv").read_bytes()))
    assert _load(qtbot, open_dialog(path)).X.shape == (150, 4)
    linnerud = open_dialog(SKLEARN / "linnerud_exercise.csv")
    assert linnerud.delimiter_box.currentText().startswith("Spaces")
    assert _load(qtbot, linnerud).feature_names == ["Chins", "Situps", "Jumps"]


def test_column_headers_are_not_clipped(qtbot, open_dialog):
    dialog = open_dialog(FIXTURES / "penguins.csv")
    header = dialog.table.horizontalHeader()
    for j in range(dialog.table.columnCount()):
        assert header.sectionSize(j) >= header.sectionSizeHint(j), header.model().headerData(
            j, Qt.Orientation.Horizontal
        )


@pytest.mark.parametrize("panel_name", ["pca", "gmm"])
def test_a_files_notes_show_separated_in_the_info_bar(make_panel, wait_idle, panel_name):
    from prmlab.gui.panels import panel_class

    panel = make_panel(panel_class(panel_name))
    wait_idle(panel)
    panel.set_dataset(load_csv(SKLEARN / "iris.csv"))
    assert "encoding: utf-8; delimiter: comma; decimal mark: point" in panel.messages.text()
    wait_idle(panel)


def test_a_failed_load_keeps_the_status_bars_shape(qtbot, main_window, tmp_path):
    window = main_window
    window.load_data_file(str(SKLEARN / "iris.csv"))
    shape = "iris.csv: 150 rows × 4 features, 3 classes"
    assert window.data_label.text() == shape
    bad = tmp_path / "bad.csv"
    bad.write_text("name,colour\nx,red\n")
    assert window.load_data_file(str(bad)) is None
    one_row = tmp_path / "one_row.csv"
    one_row.write_text("a,b\n1,2\n")  # loads, but no panel can use a single row
    window.load_data_file(str(one_row))
    assert window.data_label.text() == shape
    assert "one_row" not in window.statusBar().currentMessage()


def test_a_dropped_compressed_csv_is_opened(qtbot, main_window):
    from types import SimpleNamespace

    from PySide6.QtCore import QMimeData, QUrl

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SKLEARN / "digits.csv.gz"))])
    drop = SimpleNamespace(mimeData=lambda: mime)
    assert main_window._dropped_file(drop) == str(SKLEARN / "digits.csv.gz")


def test_the_panel_on_screen_shows_the_loaders_notes(qtbot, main_window):
    main_window.load_data_file(str(FIXTURES / "penguins.csv"))
    text = main_window.current_panel().messages.text()
    assert "Not used by MCMC (it does not use table data)" in text
    assert "table data). encoding: utf-8; delimiter" in text  # the notes, separated
    assert "'year' looks like calendar years (2007-2009)" in text
    assert "dropped 2 row(s) with missing or non-finite values" in text
