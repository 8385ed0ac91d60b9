"""Open CSV: a preview of the file, the detected settings (editable), a role per column.

The preview (first rows) is parsed on the GUI thread: it reads at most ~1 MiB. Roles are
suggested by the same rule ``load_csv`` applies (``prmlab.data.csv.suggest_roles``); hints
about dates, years and identifiers show under the table. The full
load runs in a worker through :class:`prmlab.gui.jobs.Job`, with a progress bar; Cancel
stops it. On success ``dialog.dataset`` holds the Dataset and the dialog is accepted; on
failure the error shows inline, the dialog stays open and ``dataset`` stays None.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from prmlab.data.csv import (
    WHITESPACE,
    CsvSettings,
    LoadStep,
    Roles,
    iter_load_csv,
    preview_csv,
    sniff_csv,
    suggest_roles,
)
from prmlab.data.dataset import Dataset, DatasetError
from prmlab.gui.jobs import Job
from prmlab.gui.widgets.messages import MessageBar
from prmlab.gui.widgets.text import TIP_LIMIT, elide

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "gb18030")
DELIMITERS = {
    "Comma ( , )": ",",
    "Semicolon ( ; )": ";",
    "Tab": "\t",
    "Pipe ( | )": "|",
    "Spaces (runs of blanks)": WHITESPACE,
}
DECIMALS = {"Point ( . )": ".", "Comma ( , )": ","}
THOUSANDS = {"None": None, "Comma ( , )": ",", "Point ( . )": ".", "Space": " ", "Apostrophe": "'"}
ROLES = ("feature", "label", "ignore")
MAX_SHOWN_COLUMNS = 200  # role boxes beyond this would make the dialog crawl
MAX_SKIP_LINES = 1000
MAX_COLUMN_WIDTH = 360  # px: a longer column name is elided, its full text in the tooltip


def _combo(options: dict, current: object) -> QComboBox:
    box = QComboBox()
    for text, value in options.items():
        box.addItem(text, value)
    index = box.findData(current)
    if index < 0:  # a value the menu does not list: show it as it is
        box.addItem(repr(current), current)
        index = box.count() - 1
    box.setCurrentIndex(index)
    return box


class CsvDialog(QDialog):
    """``CsvDialog(path, parent)``; after ``exec()`` is accepted, ``dialog.dataset`` is set."""

    def __init__(self, path: str | os.PathLike, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.dataset: Dataset | None = None
        self.roles: dict[str, str] = {}  # column -> "feature" | "label" | "ignore"
        self.suggested: Roles | None = None  # the default rule's roles for the preview
        self._roles_chosen = False  # False: let load_csv pick the label ("auto")
        self._preview_ok = False
        self.setWindowTitle(f"Open CSV: {self.path.name}")
        self.resize(900, 620)
        self.job = Job(
            self, monitor=getattr(parent, "monitor", None), label=f"Loading {self.path.name}"
        )
        try:
            detected = sniff_csv(self.path)
        except DatasetError as exc:
            # Editing the settings may still help (e.g. an encoding that was not guessed).
            self._build(CsvSettings())
            self._class_names: tuple[str, ...] = ()
            self.messages.error(str(exc))
            self._update_ok()
            return
        self._build(detected)
        self._class_names = detected.class_names  # from line 1 (scikit-learn's files)
        self.detected_label.setText("Detected: " + "; ".join(detected.describe()))
        self._refresh()

    # -- layout -------------------------------------------------------------------
    def _build(self, s: CsvSettings) -> None:
        self.encoding_box = QComboBox(editable=True)
        self.encoding_box.addItems(ENCODINGS)
        self.encoding_box.setCurrentText(s.encoding)
        self.delimiter_box = _combo(DELIMITERS, s.delimiter)
        self.decimal_box = _combo(DECIMALS, s.decimal)
        self.thousands_box = _combo(THOUSANDS, s.thousands)
        self.header_box = QCheckBox("First row holds the column names", checked=s.header)
        self.skip_box = QSpinBox(minimum=0, maximum=MAX_SKIP_LINES, value=s.skip_lines)
        self.skip_box.setToolTip("Lines before the table (a title, a description) to leave out")
        form = QFormLayout()
        form.addRow("Encoding", self.encoding_box)
        form.addRow("Delimiter", self.delimiter_box)
        form.addRow("Decimal mark", self.decimal_box)
        form.addRow("Thousands separator", self.thousands_box)
        form.addRow("Skip lines at the start", self.skip_box)
        form.addRow("", self.header_box)
        self.encoding_box.currentTextChanged.connect(self._refresh)
        for box in (self.delimiter_box, self.decimal_box, self.thousands_box):
            box.currentIndexChanged.connect(self._refresh)
        self.header_box.toggled.connect(self._refresh)
        self.skip_box.valueChanged.connect(self._refresh)

        self.detected_label = QLabel(wordWrap=True)
        self.detected_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.hints_label = QLabel(wordWrap=True)
        self.hints_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.messages = MessageBar()
        self.progress = QProgressBar(minimum=0, maximum=1000, visible=False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Load")
        self.buttons.accepted.connect(self.start_load)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addLayout(form)
        top.addWidget(self.detected_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{self.path}</b>", wordWrap=True))
        layout.addLayout(top)
        layout.addWidget(
            QLabel("Preview of the first rows. Choose each column's role in the top row:")
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hints_label)
        layout.addWidget(self.messages)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

    def settings(self) -> CsvSettings:
        """The settings as the widgets show them now."""
        return CsvSettings(
            encoding=self.encoding_box.currentText().strip(),
            delimiter=self.delimiter_box.currentData(),
            decimal=self.decimal_box.currentData(),
            thousands=self.thousands_box.currentData(),
            header=self.header_box.isChecked(),
            skip_lines=self.skip_box.value(),
            class_names=self._class_names,
        )

    # -- preview ------------------------------------------------------------------
    def _refresh(self) -> None:
        """Re-read the preview with the current settings; errors show inline."""
        self.messages.clear()
        try:
            settings = self.settings()
            frame = preview_csv(self.path, settings)
        except DatasetError as exc:
            self._preview_ok = False
            self.table.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.hints_label.clear()
            self.messages.error(str(exc))
            self._update_ok()
            return
        self._preview_ok = True
        self.suggested = suggest_roles(frame, settings)
        if not self._roles_chosen or set(self.suggested.roles) != set(self.roles):
            self.roles, self._roles_chosen = dict(self.suggested.roles), False
        self.hints_label.setText("\n".join(f"ℹ {h}." for h in self.suggested.hints.values()))
        self._fill_table(frame)
        self._update_ok()

    def _fill_table(self, frame: pd.DataFrame) -> None:
        shown = list(frame.columns[:MAX_SHOWN_COLUMNS])
        cells = frame[shown].astype(object).where(frame[shown].notna(), "").astype(str)
        self.table.clear()
        self.table.setColumnCount(len(shown))
        self.table.setRowCount(len(cells) + 1)
        self.table.setHorizontalHeaderLabels(shown)
        self.table.setVerticalHeaderLabels(["role"] + [str(i + 1) for i in range(len(cells))])
        for j, name in enumerate(shown):
            box = QComboBox()
            box.addItems(ROLES)
            box.setCurrentText(self.roles[name])
            box.currentTextChanged.connect(lambda role, name=name: self.set_role(name, role))
            self.table.setCellWidget(0, j, box)
            for i, text in enumerate(cells[name]):
                self.table.setItem(i + 1, j, QTableWidgetItem(text))
            self.table.horizontalHeaderItem(j).setToolTip(elide(name, TIP_LIMIT))
        self._fit_columns()
        if len(frame.columns) > len(shown):
            self.messages.note(
                f"Showing {len(shown)} of {len(frame.columns)} columns; "
                "the others keep their suggested roles."
            )

    def _fit_columns(self) -> None:
        """Widen each column to its name, its role box and its cells (the default width
        clipped names such as "flipper_length_mm"); absurdly long names are elided."""
        header = self.table.horizontalHeader()
        header.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.resizeColumnsToContents()
        for j in range(self.table.columnCount()):
            if header.sectionSize(j) > MAX_COLUMN_WIDTH:
                header.resizeSection(j, MAX_COLUMN_WIDTH)

    # -- roles --------------------------------------------------------------------
    def role_box(self, column: str) -> QComboBox | None:
        """The role selector above ``column`` in the preview (None if it is not shown)."""
        for j in range(self.table.columnCount()):
            if self.table.horizontalHeaderItem(j).text() == column:
                return self.table.cellWidget(0, j)
        return None

    def set_role(self, column: str, role: str) -> None:
        """Give ``column`` a role; a new label returns the previous one to the role the
        default rule gives it (a feature if it holds numbers, else ignored)."""
        if self.roles.get(column) == role:
            return
        self._roles_chosen = True
        if role == "label":
            for other, r in self.roles.items():
                if r == "label" and other != column:
                    self.roles[other] = self.suggested.unlabelled(other)
                    self._show_role(other)
        self.roles[column] = role
        self._show_role(column)
        self._update_ok()

    def _show_role(self, column: str) -> None:
        box = self.role_box(column)
        if box is not None and box.currentText() != self.roles[column]:
            box.blockSignals(True)
            box.setCurrentText(self.roles[column])
            box.blockSignals(False)

    def _update_ok(self) -> None:
        has_features = any(r == "feature" for r in self.roles.values())
        self.ok_button.setEnabled(self._preview_ok and has_features and not self.job.running)
        if self._preview_ok and not has_features:
            self.messages.error("Choose at least one feature column.")

    # -- loading ------------------------------------------------------------------
    def start_load(self) -> None:
        """Load the whole file in a worker with the chosen settings and roles."""
        if not self.ok_button.isEnabled():
            return
        if self._roles_chosen:
            label = next((c for c, r in self.roles.items() if r == "label"), None)
            ignore = [c for c, r in self.roles.items() if r == "ignore"]
        else:
            label, ignore = "auto", []
        self.messages.clear()
        self.progress.setValue(0)
        self.progress.show()
        self.job.run(
            iter_load_csv,
            self.path,
            self.settings(),
            label,
            ignore,
            on_step=self._on_step,
            on_done=self._on_loaded,
            on_error=self._on_failed,
        )
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        for w in (self.encoding_box, self.delimiter_box, self.decimal_box, self.thousands_box):
            w.setEnabled(not busy)
        self.header_box.setEnabled(not busy)
        self.skip_box.setEnabled(not busy)
        self.table.setEnabled(not busy)
        self.progress.setVisible(busy)
        self._update_ok()

    def _on_step(self, step: LoadStep) -> None:
        self.progress.setValue(int(step.progress * 1000))
        self.progress.setFormat(f"{step.rows:,} rows read (%p%)")

    def _on_loaded(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._set_busy(False)
        self.accept()

    def _on_failed(self, message: str) -> None:
        self._set_busy(False)
        self.messages.error(message)

    def reject(self) -> None:
        """Cancel stops a running load as well as closing the dialog."""
        self.job.cancel()
        super().reject()

    def closeEvent(self, event) -> None:
        self.job.cancel()
        super().closeEvent(event)
