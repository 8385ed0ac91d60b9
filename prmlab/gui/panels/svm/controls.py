"""The SVM panel's control column: the model's parameters, the points, a table's columns and
classes, SMO's stepper and the result's numbers. A mixin of the panel: it builds the widgets,
reads the parameters from them and puts a State's back into them."""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QSpinBox,
)

from prmlab.gui.widgets.data_controls import DataControls
from prmlab.gui.widgets.numbers import shown
from prmlab.gui.widgets.params import ValueSlider, group
from prmlab.gui.widgets.points_group import points_group
from prmlab.gui.widgets.status import SteadyLabel
from prmlab.lab import svm as lab

KERNELS = (  # combo text, engine name, formula (its tooltip and the line under the combo)
    ("RBF", "rbf", "K(x, z) = exp(−γ‖x − z‖²)"),
    ("Linear", "linear", "K(x, z) = x·z"),
    ("Polynomial", "poly", "K(x, z) = (γ x·z + c₀)^d"),
)
SMO_HINT = "Press Step SMO to replay the solver from α = 0."


class SvmControls:
    """Builds the control groups into ``self.controls`` (a ``BasePanel``'s column)."""

    def build_controls(self) -> None:
        self._build_model()
        self._build_points()
        self._build_table()
        form = group(self.controls, "SMO, step by step")
        self.playback = self.make_playback(step_text="Step SMO", rate=4.0, max_rate=60.0)
        self.pairs_box = QSpinBox(minimum=1, maximum=200, value=1)
        self.pairs_box.setToolTip("SMO pair updates per step")
        self.smo_label = SteadyLabel("Press Step SMO to start from α = 0.", lines=3)
        form.addRow(self.playback)
        self.timeline = self.make_timeline(unit="SMO step")
        self.timeline.hide()  # until a replay has steps
        form.addRow(self.timeline)
        form.addRow("Pairs per step", self.pairs_box)
        form.addRow(self.smo_label)
        form = group(self.controls, "Result")
        self.result_label = QLabel("–")
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setWordWrap(True)
        form.addRow(self.result_label)

    def _build_model(self) -> None:
        form = group(self.controls, "Model")
        self.kernel_box = QComboBox()
        for i, (text, key, formula) in enumerate(KERNELS):
            self.kernel_box.addItem(text, key)
            self.kernel_box.setItemData(i, formula, Qt.ItemDataRole.ToolTipRole)
        self.kernel_formula = QLabel()
        self.c_slider = ValueSlider(0.01, 1000.0, 1.0, log=True, inf_label="∞ (hard margin)")
        self.c_slider.setToolTip("Soft-margin penalty C (log scale); the last notch is C = ∞")
        self.gamma_slider = ValueSlider(0.01, 100.0, 1.0, log=True)
        self.degree_box = QSpinBox(minimum=1, maximum=10, value=3)
        self.coef0_slider = ValueSlider(0.0, 5.0, 1.0, decimals=2)
        form.addRow("Kernel", self.kernel_box)
        form.addRow("", self.kernel_formula)
        form.addRow("C", self.c_slider)
        form.addRow("γ (gamma)", self.gamma_slider)
        form.addRow("Degree d", self.degree_box)
        form.addRow("c₀ (coef0)", self.coef0_slider)

    def _build_points(self) -> None:
        self.preset_box = QComboBox()
        self.preset_box.addItems(lab.PRESETS)
        self.preset_box.setCurrentText("Moons")
        points = points_group(
            self.controls,
            self.preset_box,
            self.seed_box,
            "Left click: +1 · right/Shift click: −1\nDrag: move · Delete: remove · Ctrl+Z",
        )
        self.new_button, self.add_button = points.new_button, points.add_button
        self.erase_button, self.clear_button = points.erase_button, points.clear_button

    def _build_table(self) -> None:
        for box in (self.kernel_box, self.preset_box):  # as the table's boxes: never wider
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(8)
        self.data_controls = DataControls(class_labels=("Class −1", "Class +1"))
        self.data_controls.setVisible(False)  # until a table is loaded
        self.controls.addWidget(self.data_controls)

    # -- reading and showing ---------------------------------------------------------------
    def svc_params(self) -> dict:
        """The SVC's parameters as the controls set them."""
        return dict(
            C=self.c_slider.value(),
            kernel=self.kernel_box.currentData(),
            gamma=self.gamma_slider.value(),
            degree=self.degree_box.value(),
            coef0=self.coef0_slider.value(),
        )

    def set_kernel(self, kernel: str) -> None:
        self.kernel_box.setCurrentIndex(self.kernel_box.findData(kernel))

    def sliders(self) -> tuple[ValueSlider, ...]:
        return (self.c_slider, self.gamma_slider, self.coef0_slider)

    def kernel_text(self) -> str:
        return self.kernel_box.currentText()

    def update_enabled(self) -> None:
        kernel = self.kernel_box.currentData()
        self.kernel_formula.setText(KERNELS[self.kernel_box.currentIndex()][2])
        self.gamma_slider.setEnabled(kernel != "linear")
        self.degree_box.setEnabled(kernel == "poly")
        self.coef0_slider.setEnabled(kernel == "poly")

    def show_controls(self, state: lab.State) -> None:
        """Put ``state``'s parameters into the controls without any of them refitting."""
        widgets = (self.kernel_box, self.c_slider, self.gamma_slider, self.degree_box)
        blockers = [
            QSignalBlocker(w)
            for w in (*widgets, self.coef0_slider, self.pairs_box, self.preset_box)
        ]
        self.set_kernel(state.kernel)
        self.c_slider.setValue(state.C)
        self.gamma_slider.setValue(state.gamma)
        self.degree_box.setValue(state.degree)
        self.coef0_slider.setValue(state.coef0)
        self.pairs_box.setValue(state.pairs_per_step)
        if state.source in lab.PRESETS:
            self.preset_box.setCurrentText(state.source)
        for blocker in blockers:
            blocker.unblock()
        self.update_enabled()

    def show_numbers(self, result: lab.Result | None) -> None:
        """The result's numbers, and the replay's under the stepper."""
        if result is None:
            self.result_label.setText("–")
            return
        width = ""
        if result.kernel == "linear" and math.isfinite(result.margin_width):
            width = f"<br>Margin width 2/‖w‖: <b>{result.margin_width:.4g}</b>"
        at_c, free = result.at_c, result.free
        self.result_label.setText(
            f"Training accuracy: <b>{result.accuracy:.1f} %</b><br>"
            f"Support vectors (α &gt; 0): <b>{result.n_sv}</b> ({int(free.sum())} with "
            f"0 &lt; α &lt; C on the margin, {int(at_c.sum())} with α = C)<br>"
            f"Inside the margin (y·f &lt; 1): {int(result.inside.sum())}<br>"
            f"SMO pair updates: <b>{result.n_iter}</b> "
            f"({'converged' if result.converged else 'running'})<br>"
            f"Dual objective W(α): {shown(result.dual_objective, '.5g')}<br>"
            f"b = {shown(result.b)}" + width
        )
        if not result.stepping:
            self.smo_label.setText(SMO_HINT)
            return
        pair = (
            "α = 0, nothing optimised yet"
            if result.pair is None
            else f"pair (i, j) = ({result.pair[0]}, {result.pair[1]})"
        )
        n_violators = 0 if result.violators is None else len(result.violators)
        self.smo_label.setText(
            f"Update {result.n_iter}: {pair}<br>W(α) = {shown(result.dual_objective, '.5g')}, "
            f"gap m − M = {shown(result.gap, '.3g')}<br>KKT violators: {n_violators}"
            + (" · <b>converged</b>" if result.converged else "")
        )
