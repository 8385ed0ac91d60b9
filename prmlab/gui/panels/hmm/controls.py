"""The HMM panel's control column: λ's tables, the observations, the trellis stepper and
Baum-Welch. Widgets only: ``show`` puts a State (and the λ on screen) into them; the panel
connects their signals and reads them back into a State."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QTableWidget,
    QToolButton,
    QWidget,
)

from prmlab.gui.panels.hmm.tables import ModelTables
from prmlab.gui.widgets.params import Param, ParamForm, SeedBox, group, side_by_side
from prmlab.gui.widgets.playback import Playback
from prmlab.gui.widgets.status import SteadyLabel
from prmlab.lab import hmm as lab

QUANTITY_NAMES = {
    "γ posterior": "gamma",
    "α forward": "alpha",
    "β backward": "beta",
    "δ Viterbi": "delta",
}
SYMBOLS_PER_ROW = 6
# the State's fields these controls set: each change is one undoable StateChange
SETTINGS = (
    "length",
    "restarts",
    "max_iter",
    "quantity",
    "show_viterbi",
    "show_posterior",
    "show_true",
)
LENGTH = Param(
    "length", "T", 1, 1_000_000, integer=True, spin=True, step=100,
    tooltip="Length T of a sampled sequence (up to 1,000,000)",
)  # fmt: skip
FIT_PARAMS = (
    Param(
        "restarts", "Restarts", 1, 50, integer=True, spin=True,
        tooltip="Fits from this many random models (seed, seed+1, ...)",
    ),
    Param(
        "max_iter", "Max iterations", 1, 5000, integer=True, spin=True,
        tooltip="Baum-Welch stops here if it has not converged",
    ),
)  # fmt: skip
MAX_TYPED = 2000  # longer sequences are not written out in the text field


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


def _holder(form: QFormLayout) -> QWidget:
    """A widget holding ``form`` (a row of a ParamForm beside other widgets)."""
    widget = QWidget()
    widget.setLayout(form)
    return widget


class HmmControls:
    """Every control of the column, built into ``layout``."""

    def __init__(
        self,
        layout: QLayout,
        seed_box: SeedBox,
        make_playback: Callable[..., Playback],
        fit_table: Callable[[QTableWidget], None],
        make_form: Callable[[QFormLayout, tuple[Param, ...]], ParamForm],
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
        length_form = QFormLayout()
        length_form.setContentsMargins(0, 0, 0, 0)
        self.sample_button = QPushButton("Sample from λ")
        self.sample_button.setToolTip("Draw states and observations (the true path is shown)")
        obs.addRow(side_by_side(_holder(length_form), self.sample_button))
        self.forms = [make_form(length_form, (LENGTH,))]
        self.length_box = self.forms[0].spin_boxes["length"]
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
        self.forms.append(make_form(fit, FIT_PARAMS))
        self.restarts_box = self.forms[1].spin_boxes["restarts"]
        self.iter_box = self.forms[1].spin_boxes["max_iter"]
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
            **{k: v for form in self.forms for k, v in form.values().items()},
            "quantity": self.quantity(),
            "show_viterbi": self.show_viterbi.isChecked(),
            "show_posterior": self.show_posterior.isChecked(),
            "show_true": self.show_true.isChecked(),
        }

    def show(self, state: lab.State, model: lab.Model) -> None:
        """``state`` (with ``model``, the λ on screen) in the widgets, no signal sent."""
        self.states_box.blockSignals(True)
        self.states_box.setValue(model.n_states)
        self.states_box.blockSignals(False)
        self.show_settings(state)
        self.tables.fill(model)
        self.b_title.setText(
            "B (row: state, column: symbol)"
            if model.kind == "symbols"
            else "B: Gaussian emission per state"
        )
        self.show_observations(state, model)

    def show_settings(self, state: lab.State) -> None:
        """``state``'s T, restarts, max iterations, shading and paths, no signal sent."""
        for form in self.forms:
            form.set_state(state)
        boxes = (self.quantity_box, *self.path_boxes)
        for box in boxes:
            box.blockSignals(True)
        try:
            names = {v: k for k, v in QUANTITY_NAMES.items()}
            self.quantity_box.setCurrentText(names[state.quantity])
            flags = (state.show_viterbi, state.show_posterior, state.show_true)
            for box, flag in zip(self.path_boxes, flags):
                box.setChecked(flag)
        finally:
            for box in boxes:
                box.blockSignals(False)

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
