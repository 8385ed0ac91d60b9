"""The PCA panel's control column: data, your direction, p-PCA's EM, Fisher and tables. The
widgets are set from a State (``show``) and their texts from a Result; the panel reads them
into the State."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QSpinBox

from prmlab.gui.panels.pca.data_view import RESIDUALS_MAX
from prmlab.gui.panels.pca.views import criterion_text
from prmlab.gui.widgets.data_controls import DataChoice, DataControls
from prmlab.gui.widgets.params import ValueSlider, group
from prmlab.gui.widgets.status import SteadyLabel
from prmlab.lab import pca

HOVER_HINT = "Hover over a point to see its row."


class PcaControls:
    """The widgets, in ``layout`` (the panel's control column)."""

    def __init__(self, layout, seed_box) -> None:
        form = group(layout, "Data")
        self.preset_box = QComboBox()
        self.preset_box.addItems(pca.PRESETS)
        form.addRow("Preset", self.preset_box)
        self.tool_box = QComboBox()
        self.tool_box.addItems(["Add / move", "Spray", "Erase"])
        form.addRow("Mouse", self.tool_box)
        form.addRow("Seed", seed_box)
        hint = QLabel("Left click: class A · right click: class B · drag a point · Ctrl+Z undo")
        hint.setWordWrap(True)
        form.addRow(hint)

        form = group(layout, "Variance along a direction")
        self.axes_check = QCheckBox("Axes ±√λ, 1σ/2σ (39/86 %) ellipses")
        self.proj_check = QCheckBox("Projections and residuals")
        self.proj_check.setToolTip(f"Drawn for up to {RESIDUALS_MAX:,} points")
        for box in (self.axes_check, self.proj_check):
            box.setChecked(True)
            form.addRow(box)
        self.angle_slider = ValueSlider(0.0, 180.0, 90.0, steps=360, decimals=4)
        form.addRow("Your line (°)", self.angle_slider)
        self.snap_button = QPushButton("Snap to PC 1")
        form.addRow(self.snap_button)
        self.variance_label = SteadyLabel(lines=4)  # its numbers change at every drag move
        form.addRow(self.variance_label)

        self.em_form = group(layout, "Probabilistic PCA by EM")
        self.end_button = QPushButton("Jump to the end")
        self.em_label = SteadyLabel(lines=3)

        form = group(layout, "Fisher vs PCA")
        self.fisher_check = QCheckBox("Show Fisher's projection axis")
        self.fisher_check.setChecked(True)
        form.addRow(self.fisher_check)
        self.hist_box = QComboBox()
        self.hist_box.addItems(pca.HISTOGRAM_AXES)
        form.addRow("Histogram of", self.hist_box)
        self.fisher_label = SteadyLabel(lines=2)
        form.addRow(self.fisher_label)

        # the one data box of the table panels (SVM, EM/GMM): here PCA always shows PCs
        self.data_controls = DataControls(columns=True, views=False, title="Table columns")
        self.data_controls.column_list.setToolTip("The columns PCA analyses")
        self.data_controls.setVisible(False)  # until a table is opened
        layout.addWidget(self.data_controls)
        form = group(layout, "Many columns (tables)")
        self.pc_x, self.pc_y = QSpinBox(), QSpinBox()
        for i, box in enumerate((self.pc_x, self.pc_y)):
            box.setPrefix("PC ")
            box.setRange(1, 2)
            box.setValue(i + 1)
        form.addRow("Horizontal axis", self.pc_x)
        form.addRow("Vertical axis", self.pc_y)
        self.biplot_check = QCheckBox("Biplot: loading vectors")
        self.biplot_check.setChecked(True)
        form.addRow(self.biplot_check)
        self.hover_label = QLabel(HOVER_HINT)
        self.hover_label.setWordWrap(True)
        form.addRow(self.hover_label)

    def add_em_rows(self, playback, timeline) -> None:
        """The EM group's rows under the panel's Step/Play/Reset and its timeline."""
        for widget in (playback, timeline, self.end_button, self.em_label):
            self.em_form.addRow(widget)

    # -- State -> widgets -----------------------------------------------------------------
    def show(self, state: pca.State) -> None:
        """Every widget as ``state`` says, without emitting (the panel draws it)."""
        self.set_table_mode(state.table)
        widgets = (
            self.preset_box, self.angle_slider, self.axes_check, self.proj_check,
            self.fisher_check, self.hist_box, self.pc_x, self.pc_y,
            self.biplot_check,
        )  # fmt: skip
        blockers = [QSignalBlocker(w) for w in widgets]
        self.preset_box.setCurrentIndex(
            pca.PRESETS.index(state.preset) if state.preset in pca.PRESETS else -1
        )
        self.angle_slider.setValue(state.angle)
        self.axes_check.setChecked(state.show_axes)
        self.proj_check.setChecked(state.show_projections)
        self.fisher_check.setChecked(state.show_fisher)
        self.hist_box.setCurrentText(state.histogram)
        if state.table:
            name = state.data_name or state.preset or "Table"
            choice = DataChoice(columns=state.columns, standardise=state.standardise)
            self.data_controls.show_table(
                name, len(state.X), state.feature_names, state.class_names, choice
            )
        top = max(min(len(state.X), len(state.fitted_columns)), 2) if state.table else 2
        for box, value in ((self.pc_x, state.pc_x), (self.pc_y, state.pc_y)):
            box.setRange(1, top)
            box.setValue(value)
        self.biplot_check.setChecked(state.biplot)
        del blockers

    def view_values(self) -> dict:
        """The view switches as State fields."""
        return {
            "show_axes": self.axes_check.isChecked(),
            "show_projections": self.proj_check.isChecked(),
            "show_fisher": self.fisher_check.isChecked(),
            "histogram": self.hist_box.currentText(),
            "pc_x": self.pc_x.value(),
            "pc_y": self.pc_y.value(),
            "biplot": self.biplot_check.isChecked(),
        }

    def set_table_mode(self, on: bool) -> None:
        self.tool_box.setEnabled(not on)
        for w in (self.angle_slider, self.snap_button, self.proj_check, self.axes_check):
            w.setEnabled(not on)
        self.fisher_check.setEnabled(not on)
        self.data_controls.setVisible(on)
        for w in (self.pc_x, self.pc_y, self.biplot_check):
            w.setEnabled(on)

    # -- Result -> texts --------------------------------------------------------------------
    def clear_texts(self) -> None:
        for label in (self.variance_label, self.em_label, self.fisher_label):
            label.setText("")

    def show_variance(self, line: pca.LineProjection | None, a: pca.Analysis | None) -> None:
        if line is None or a is None:
            self.variance_label.setText("")
            return
        lam = a.pca.explained_variance_
        share = line.variance / lam[0] if lam[0] > 0 else 1.0
        self.variance_label.setText(
            f"Variance along your line uᵀSu = <b>{line.variance:.4g}</b><br>"
            f"maximum λ₁ = <b>{lam[0]:.4g}</b> (PC 1): you have {100 * share:.1f} %<br>"
            f"reconstruction error Σ‖x − proj<sub>u</sub>x‖²/(N−1) = tr S − uᵀSu = "
            f"<b>{line.error:.4g}</b> (least: λ₂ = {lam[-1]:.4g})"
        )

    def show_em(self, result: pca.Result | None) -> None:
        if result is None or result.analysis is None:
            self.em_label.setText("")
            return
        a, f = result.analysis, result.frame
        if f is None:
            self.em_label.setText(a.em_note)
            return
        n, last = len(a.X), a.frames[-1]
        ll_ml = a.closed.loglik_history_[-1] / n
        at_end = result.iteration == result.last
        status = "converged" if f.converged else ("stopped" if at_end else "…")
        self.em_label.setText(
            f"iteration <b>{f.iteration}</b> of {last.iteration} ({status})<br>"
            f"σ² = <b>{f.sigma2:.4g}</b> (closed form {a.closed.sigma2_:.4g} = (N−1)/N × "
            f"mean discarded λ, N = {n})<br>"
            f"log-lik / point = <b>{f.loglik / n:.5g}</b> (closed form {ll_ml:.5g})"
            + (f"<br>{a.em_note}" if a.em_note and at_end else "")
        )

    def show_fisher(self, a: pca.Analysis | None) -> None:
        if a is None or a.fisher is None:
            self.fisher_label.setText(a.fisher_note if a is not None else "")
            return
        j_pca = a.fisher.criterion(a.pca.components_[0])
        j_fisher = a.fisher.criteria_[0]
        unbounded = ""
        if not (np.isfinite(j_pca) and np.isfinite(j_fisher)):
            single = a.labels is not None and np.bincount(a.labels).max() == 1
            unbounded = (
                "<br>J = ∞: inside the classes the rows have no spread along that direction "
                "(wᵀS_w w = 0"
                + ("; every class here has a single row" if single else "")
                + "), so any gap between their means separates them perfectly."
            )
        scale = pca.between_scale(a.fisher)
        if scale is None:
            which = (
                f"<br>{len(a.fisher.counts_)} classes: S_B = Σ_c N_c(m_c − m)(m_c − m)ᵀ; the "
                "axes solve S_B w = J S_W w (a generalised eigenproblem, at most C − 1 axes)"
            )
        else:  # shown with PRML's two-class S_B, the engine's divided by N₀N₁/N
            j_fisher, j_pca = j_fisher / scale, j_pca / scale
            which = (
                "<br>S_B = (m₁ − m₀)(m₁ − m₀)ᵀ; Σ_c N_c(m_c − m)(m_c − m)ᵀ gives "
                f"N₀N₁/N = {scale:.4g} × this J"
            )
        self.fisher_label.setText(
            f"Fisher's J = wᵀS_B w / wᵀS_W w: <b>{criterion_text(j_fisher)}</b> along "
            f"Fisher's axis, {criterion_text(j_pca)} along PCA axis 1.{unbounded}{which}"
        )
