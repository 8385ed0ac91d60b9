"""The Open-CSV dialog driven as a user would: preview, settings, roles, load, errors."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from prmlab.gui.widgets.csv_dialog import CsvDialog


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
    dialog.role_box("x").setCurrentText("label")  # demotes "kind" to a feature ...
    assert dialog.role_box("kind").currentText() == "feature"
    dialog.role_box("kind").setCurrentText("ignore")  # ... which the user ignores
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
