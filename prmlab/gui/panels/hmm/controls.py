"""The HMM panel's control column: λ's tables, the observations, the trellis stepper and
Baum-Welch. Widgets only: ``show`` puts a State (and the λ on screen) into them; the panel
connects their signals and reads them back into a State."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

from prmlab.gui.widgets.params import SeedBox, group, side_by_side
from prmlab.gui.widgets.playback import Playback
from prmlab.gui.widgets.status import SteadyLabel
from prmlab.lab import hmm as lab

QUANTITY_NAMES = {
    "γ posterior": "gamma",
    "α forward": "alpha",
    "β backward": "beta",
    "δ Viterbi": "delta",
}
BAD_CELL = QColor(213, 94, 0, 90)  # vermillion, faint: a row that breaks the rules
SYMBOLS_PER_ROW = 6
MAX_TYPED = 2000  # longer sequences are not written out in the text field


def shown_cell(x: float) -> str:
    """A table cell's text, at most 5 characters for 0.001 <= x < 1 so that it fits a narrow
    column (0.0417 -> 0.042); the exact value stays in the item's UserRole data."""
    text = f"{x:.3g}"
    return f"{x:.3f}" if len(text) > 5 and 1e-3 <= abs(x) < 1 else text


class TimeScrubber(QWidget):
    """The trellis' time steps 0..n as a slider with a Step back button and "step k / n":
    emits ``sigSeek(position)`` when the user moves it (never when the program does).

    Not a ``Timeline``: time steps are not recorded States (every one is drawn from the
    same analysis), and Shift+Left / Shift+Right belong to the Baum-Welch timeline."""

    sigSeek = Signal(int)

    def __init__(self, text: str, tooltip: str) -> None:
        super().__init__()
        self._text = text
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip(tooltip)
        self.back_button = QPushButton("◀ Step back")
        self.back_button.setToolTip("One time step back")
        self.label = QLabel()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.back_button, 0, 0)
        grid.addWidget(self.label, 0, 1)
        grid.addWidget(self.slider, 1, 0, 1, 2)
        self.slider.valueChanged.connect(self._moved)
        self.back_button.clicked.connect(lambda: self.sigSeek.emit(self.slider.value() - 1))
        self.show_position(0, 0)

    def show_position(self, position: int, last: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(last, 0))
        self.slider.setValue(position)
        self.slider.blockSignals(False)
        self.back_button.setEnabled(position > 0)
        self.label.setText(f"{self._text} {position} / {last}")

    def _moved(self, position: int) -> None:
        self.label.setText(f"{self._text} {position} / {self.slider.maximum()}")
        self.sigSeek.emit(position)


class ModelTables:
    """π, A and B as editable tables holding the exact values behind rounded texts."""

    def __init__(self, fit_table: Callable[[QTableWidget], None]) -> None:
        self._fit_table = fit_table  # sizes a table to its cells within the column
        self.pi = self._table(1)
        self.A = self._table(4)
        self.B = self._table(4)
        self.kind = "symbols"
        self.filling = False  # True while the tables are filled by the program

    @staticmethod
    def _table(rows: int) -> QTableWidget:
        table = QTableWidget(rows, 2)
        # Ignored: a table never widens the controls column (the figure keeps its room)
        table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        table.setMinimumWidth(120)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setMinimumSectionSize(44)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    def tables(self) -> list[tuple[QTableWidget, str, bool]]:
        """Each table, its name and whether its rows are probability distributions."""
        return [(self.pi, "π", True), (self.A, "A", True), (self.B, "B", self.kind == "symbols")]

    def fill(self, m: lab.Model) -> None:
        self.kind = m.kind
        b_cols = list(m.symbols) if m.kind == "symbols" else ["mean", "variance"]
        self.filling = True
        try:
            for table, rows, cols, values in (
                (self.pi, ["π"], list(m.states), m.startprob[None, :]),
                (self.A, list(m.states), list(m.states), m.transmat),
                (self.B, list(m.states), b_cols, m.B),
            ):
                table.setRowCount(len(rows))
                table.setColumnCount(len(cols))
                table.setVerticalHeaderLabels(rows)
                table.setHorizontalHeaderLabels(cols)
                for i in range(len(rows)):
                    for j in range(len(cols)):
                        self._set(table, i, j, float(values[i, j]))
                self._fit_table(table)
        finally:
            self.filling = False

    @staticmethod
    def _set(table: QTableWidget, i: int, j: int, value: float) -> None:
        item = table.item(i, j)
        if item is None:
            item = QTableWidgetItem()
            table.setItem(i, j, item)
        item.setText(shown_cell(value))
        item.setData(Qt.ItemDataRole.UserRole, value)

    @staticmethod
    def cells(table: QTableWidget) -> tuple[np.ndarray, list[tuple[int, int, str]]]:
        """The table's values (NaN where a cell is not a number) and those bad cells."""
        out = np.full((table.rowCount(), table.columnCount()), np.nan)
        bad = []
        for i in range(table.rowCount()):
            for j in range(table.columnCount()):
                item = table.item(i, j)
                text = item.text().strip() if item is not None else ""
                exact = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
                if exact is not None and text == shown_cell(exact):
                    out[i, j] = exact  # the full-precision value behind a rounded display
                    continue
                try:
                    out[i, j] = float(text)
                except ValueError:
                    bad.append((i, j, text))
        return out, bad

    def _read(self, table: QTableWidget, name: str) -> np.ndarray:
        out, bad = self.cells(table)
        if bad:
            i, j, text = bad[0]
            row = table.verticalHeaderItem(i).text()
            col = table.horizontalHeaderItem(j).text()
            raise ValueError(f"{name}[{row}, {col}]: {text!r} is not a number")
        return out

    def model(self, template: lab.Model) -> lab.Model:
        """``template`` with the tables' values, or ``ValueError`` naming the first problem."""
        pi = self._read(self.pi, "π")[0]
        return lab.checked_model(template, pi, self._read(self.A, "A"), self._read(self.B, "B"))

    def mark_bad_rows(self) -> None:
        """Tint each row that is not a probability distribution (or not numbers)."""
        self.filling = True
        try:
            for table, _, distributions in self.tables():
                for i, bad in enumerate(lab.bad_rows(self.cells(table)[0], distributions)):
                    for j in range(table.columnCount()):
                        table.item(i, j).setBackground(QBrush(BAD_CELL) if bad else QBrush())
        finally:
            self.filling = False

    def normalise(self) -> None:
        """Divide every probability row by its sum (negative or unreadable entries: 0)."""
        self.filling = True
        try:
            for table, _, distributions in self.tables():
                if distributions:
                    values = lab.normalised_rows(self.cells(table)[0])
                    for (i, j), x in np.ndenumerate(values):
                        self._set(table, i, j, float(x))
        finally:
            self.filling = False


class HmmControls:
    """Every control of the column, built into ``layout``."""

    def __init__(
        self,
        layout: QLayout,
        seed_box: SeedBox,
        make_playback: Callable[..., Playback],
        fit_table: Callable[[QTableWidget], None],
    ) -> None:
        model = group(layout, "Model λ = (π, A, B)")
        self.preset_box = QComboBox()
        self.preset_box.addItems(list(lab.PRESETS))
        self.preset_box.setPlaceholderText("(your own model)")
        model.addRow("Preset", self.preset_box)
        self.states_box = QSpinBox()
        self.states_box.setRange(1, 32)
        self.states_box.setToolTip("Number of hidden states: a new random (seeded) model")
        model.addRow("States N", self.states_box)
        self.tables = ModelTables(fit_table)
        model.addRow(QLabel("π (start)"))
        model.addRow(self.tables.pi)
        model.addRow(QLabel("A (row: from state, column: to state)"))
        model.addRow(self.tables.A)
        self.b_title = QLabel("B (row: state, column: symbol)")
        model.addRow(self.b_title)
        model.addRow(self.tables.B)
        self.normalise_button = QPushButton("Normalise rows")
        self.normalise_button.setToolTip("Divide every row of π, A and B by its sum")
        self.save_button = QPushButton("Save model…")
        self.save_button.setToolTip("Write λ (names, π, A, B) to a JSON file")
        model.addRow(side_by_side(self.normalise_button, self.save_button))

        obs = group(layout, "Observations O")
        self.obs_edit = QLineEdit()
        self.obs_edit.setPlaceholderText("e.g. 3 1 6 6 6 2, or 316662")
        obs.addRow("Type", self.obs_edit)
        self.symbol_row = QWidget()
        self.symbol_grid = QGridLayout(self.symbol_row)
        self.symbol_grid.setContentsMargins(0, 0, 0, 0)
        self.symbol_buttons: list[QToolButton] = []
        obs.addRow("Click", self.symbol_row)
        self.length_box = QSpinBox()
        self.length_box.setRange(1, 1_000_000)
        self.length_box.setValue(lab.State.length)
        self.length_box.setSingleStep(100)
        self.length_box.setToolTip("Length T of a sampled sequence (up to 1,000,000)")
        self.sample_button = QPushButton("Sample from λ")
        self.sample_button.setToolTip("Draw states and observations (the true path is shown)")
        obs.addRow(side_by_side(QLabel("T"), self.length_box, self.sample_button))
        obs.addRow("Seed", seed_box)
        self.column_box = QComboBox()
        self.column_box.setToolTip("File > Open CSV: the column decoded as one sequence")
        obs.addRow("CSV column", self.column_box)
        self.obs_label = SteadyLabel(lines=2)
        obs.addRow(self.obs_label)

        trellis = group(layout, "Trellis")
        self.quantity_box = QComboBox()
        self.quantity_box.addItems(list(QUANTITY_NAMES))
        trellis.addRow("Shade by", self.quantity_box)
        self.trellis_playback = make_playback(step_text="Step t", rate=4.0, max_rate=60.0)
        trellis.addRow(self.trellis_playback)
        self.time_scrubber = TimeScrubber(
            "step", "Time steps: t = 0..T-1 fill the trellis, then the path is backtracked"
        )
        trellis.addRow(self.time_scrubber)
        self.fill_button = QPushButton("Fill all and backtrack")
        trellis.addRow(self.fill_button)
        self.show_viterbi = QCheckBox("Viterbi path")
        self.show_posterior = QCheckBox("argmax γ path")
        self.show_true = QCheckBox("true path")
        self.path_boxes = (self.show_viterbi, self.show_posterior, self.show_true)
        for box in self.path_boxes:
            box.setChecked(True)
        # two a row: fits the column at big fonts
        trellis.addRow(side_by_side(*self.path_boxes, columns=2))

        fit = group(layout, "Baum-Welch")
        self.fit_playback = make_playback(step_text="Step EM", rate=3.0, max_rate=30.0)
        fit.addRow(self.fit_playback)
        self.fit_row = QWidget()  # the panel's Baum-Welch timeline goes here
        QGridLayout(self.fit_row).setContentsMargins(0, 0, 0, 0)
        fit.addRow(self.fit_row)
        self.restarts_box = QSpinBox()
        self.restarts_box.setRange(1, 50)
        self.restarts_box.setValue(lab.State.restarts)
        self.restarts_box.setToolTip("Fits from this many random models (seed, seed+1, ...)")
        fit.addRow("Restarts", self.restarts_box)
        self.iter_box = QSpinBox()
        self.iter_box.setRange(1, 5000)
        self.iter_box.setValue(lab.State.max_iter)
        fit.addRow("Max iterations", self.iter_box)
        self.fit_button = QPushButton("Fit from random starts »")
        self.fit_button.setToolTip("Baum-Welch to convergence from each seeded random model")
        fit.addRow(self.fit_button)
        self.fit_label = QLabel()
        self.fit_label.setWordWrap(True)
        fit.addRow(self.fit_label)

    # -- State <-> widgets -----------------------------------------------------------------
    def quantity(self) -> str:
        return QUANTITY_NAMES[self.quantity_box.currentText()]

    def parameters(self) -> dict:
        """The State fields these controls set directly."""
        return {
            "length": int(self.length_box.value()),
            "restarts": int(self.restarts_box.value()),
            "max_iter": int(self.iter_box.value()),
            "quantity": self.quantity(),
            "show_viterbi": self.show_viterbi.isChecked(),
            "show_posterior": self.show_posterior.isChecked(),
            "show_true": self.show_true.isChecked(),
        }

    def show(self, state: lab.State, model: lab.Model) -> None:
        """``state`` (with ``model``, the λ on screen) in the widgets, no signal sent."""
        boxes = (self.states_box, self.length_box, self.restarts_box, self.iter_box)
        boxes += (self.quantity_box, *self.path_boxes)
        for box in boxes:
            box.blockSignals(True)
        try:
            self.states_box.setValue(model.n_states)
            self.length_box.setValue(state.length)
            self.restarts_box.setValue(state.restarts)
            self.iter_box.setValue(state.max_iter)
            names = {v: k for k, v in QUANTITY_NAMES.items()}
            self.quantity_box.setCurrentText(names[state.quantity])
            flags = (state.show_viterbi, state.show_posterior, state.show_true)
            for box, flag in zip(self.path_boxes, flags):
                box.setChecked(flag)
        finally:
            for box in boxes:
                box.blockSignals(False)
        self.tables.fill(model)
        self.b_title.setText(
            "B (row: state, column: symbol)"
            if model.kind == "symbols"
            else "B: Gaussian emission per state"
        )
        self.show_observations(state, model)

    def show_observations(self, state: lab.State, model: lab.Model) -> None:
        T, source = state.T, state.source
        if model.kind == "symbols" and T <= MAX_TYPED:
            self.obs_edit.setText(lab.symbols_text(model, state.obs))
            self.obs_edit.setCursorPosition(0)  # the start, whatever the field's history
        else:
            self.obs_edit.setText("")
            self.obs_edit.setPlaceholderText(f"{T:,} observations ({source})")
        self.obs_label.setText(
            f"T = {T:,} observations{': ' + source if source else ''}"
            if T
            else "T = 0: type, click, sample or load observations"
        )

    def rebuild_symbol_buttons(
        self, model: lab.Model, append: Callable[[int], None], pop: Callable, clear: Callable
    ) -> None:
        """One button per symbol, then ⌫ and Clear (none for a Gaussian model)."""
        if [b.text() for b in self.symbol_buttons[:-2]] == list(model.symbols):
            return
        for b in self.symbol_buttons:
            self.symbol_grid.removeWidget(b)
            b.hide()
            b.deleteLater()
        self.symbol_buttons = []
        if model.kind != "symbols":
            return
        for k, text in enumerate([*model.symbols, "⌫", "Clear"]):
            # a tool button is as narrow as its text in any font (a push button's least
            # width is fixed, so "Clear" was cut off at bigger fonts)
            b = QToolButton(text=text)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            if text == "⌫":
                b.setToolTip("Remove the last observation")
                b.clicked.connect(pop)
            elif text == "Clear":
                b.clicked.connect(clear)
            else:
                b.setToolTip(f"Append symbol {text}")
                b.clicked.connect(lambda _=False, k=k: append(k))
            self.symbol_grid.addWidget(b, *divmod(k, SYMBOLS_PER_ROW))
            self.symbol_buttons.append(b)
