"""The MCMC panel's controls, each bound to a field of ``lab.mcmc.State``: the target, the
sampler, the diagnostics (with the ESS / R̂ table) and the Monte Carlo view."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from prmlab.engine import mcmc as engine
from prmlab.gui.theme import ERROR_TEXT, current_theme
from prmlab.gui.widgets.params import SeedBox, ValueSlider, group
from prmlab.gui.widgets.playback import Playback
from prmlab.gui.widgets.status import SteadyLabel
from prmlab.gui.widgets.timeline import Timeline
from prmlab.lab import mcmc

METHODS = {
    "Metropolis-Hastings": "mh",
    "Gibbs (exact or slice)": "gibbs",
    "HMC (leapfrog)": "hmc",
}
LONG_RUN = 100_000


class TargetControls:
    """Preset, typed log-density (with its error line) and the box of a typed one."""

    def __init__(self, layout: QVBoxLayout) -> None:
        form = group(layout, "Target density p(x, y)")
        self.preset_box = QComboBox()
        self.preset_box.addItems([*mcmc.PRESETS, mcmc.CUSTOM])
        form.addRow("Preset", self.preset_box)
        self.expr_edit = QLineEdit()
        self.expr_edit.setPlaceholderText("log p(x, y), e.g. -(x**2 + y**2)/2")
        self.expr_edit.setToolTip(
            "A log-density in x and y: + − * / **, comparisons, a if cond else b,\n"
            "exp log sqrt sin cos tan tanh abs min max, pi e inf (−inf = zero density).\n"
            "Press Enter to use it."
        )
        form.addRow("log p =", self.expr_edit)
        self.expr_error = QLabel()
        self.expr_error.setWordWrap(True)
        self.expr_error.hide()
        form.addRow(self.expr_error)
        self.box_spin = QDoubleSpinBox()
        self.box_spin.setRange(0.5, 100.0)
        self.box_spin.setValue(4.0)
        self.box_spin.setPrefix("± ")
        self.box_spin.setToolTip("The plotted box of a typed expression: x and y in ±this")
        form.addRow("Box", self.box_spin)

    def show_error(self, text: str) -> None:
        self.expr_error.setText(text)
        self.expr_error.setStyleSheet(f"color: {ERROR_TEXT[current_theme()]};")
        self.expr_error.show()
        width = max(self.expr_error.width(), 260)
        self.expr_error.setMinimumHeight(self.expr_error.heightForWidth(width))


class SamplerControls:
    """Method and its parameters, chains, seed, steps per tick, the playback bar and the
    long run's button."""

    def __init__(
        self, layout: QVBoxLayout, seed_box: SeedBox, playback: Playback, timeline: Timeline
    ) -> None:
        form = group(layout, "Sampler")
        self.method_box = QComboBox()
        self.method_box.addItems(list(METHODS))
        form.addRow("Method", self.method_box)
        self.scale_slider = ValueSlider(0.02, 10.0, 0.5, log=True, decimals=3)
        self.scale_slider.setToolTip("Random-walk proposal standard deviation s")
        self.width_slider = ValueSlider(0.05, 10.0, 1.0, log=True, decimals=3)
        self.width_slider.setToolTip(
            "Initial slice width for coordinates without exact conditionals"
        )
        self.eps_slider = ValueSlider(0.005, 2.0, 0.15, log=True, decimals=3)
        self.eps_slider.setToolTip("Leapfrog step size ε")
        self.leap_spin = QSpinBox()
        self.leap_spin.setRange(1, 200)
        self.leap_spin.setValue(20)
        self.leap_spin.setToolTip("Leapfrog steps L per HMC proposal")
        self.param_rows = {
            "mh": [self.scale_slider],
            "gibbs": [self.width_slider],
            "hmc": [self.eps_slider, self.leap_spin],
        }
        form.addRow("Proposal s", self.scale_slider)
        form.addRow("Slice width", self.width_slider)
        form.addRow("Step ε", self.eps_slider)
        form.addRow("Leapfrog L", self.leap_spin)
        self.chains_spin = QSpinBox()
        self.chains_spin.setRange(1, mcmc.MAX_CHAINS)
        self.chains_spin.setValue(4)
        form.addRow("Chains", self.chains_spin)
        form.addRow("Seed", seed_box)
        # Fixed lines, no word wrap: wrapped labels make a scrolled form squeeze its rows.
        form.addRow(QLabel("Click the density: all chains start there."))
        self.per_tick = QComboBox()
        self.per_tick.addItems([str(n) for n in mcmc.STEPS_PER_TICK])
        self.per_tick.setToolTip("MCMC steps per Step click or Play tick")
        form.addRow("Steps per tick", self.per_tick)
        form.addRow(playback)
        form.addRow(timeline)
        self.long_button = QPushButton(f"Run {LONG_RUN // 1000}k steps")
        self.long_button.setToolTip("Finish in the background with progress (Esc cancels)")
        form.addRow(self.long_button)
        self.form = form

    def method(self) -> str:
        return METHODS[self.method_box.currentText()]

    def enable_params(self) -> None:
        """Only the chosen method's parameters are editable."""
        m = self.method()
        for key, widgets in self.param_rows.items():
            for w in widgets:
                w.setEnabled(key == m)

    def params(self) -> dict:
        """Every method's parameters as ``State`` fields."""
        return {
            "proposal_scale": self.scale_slider.value(),
            "slice_width": self.width_slider.value(),
            "step_size": self.eps_slider.value(),
            "n_leapfrog": self.leap_spin.value(),
        }


class DiagnosticControls:
    """Burn-in and thinning, the ESS / R̂ table and the status lines."""

    def __init__(self, layout: QVBoxLayout) -> None:
        form = group(layout, "Diagnostics")
        self.burn_spin = QSpinBox()
        self.burn_spin.setRange(0, mcmc.MAX_STEPS)
        self.burn_spin.setToolTip("Draws dropped at the start of every chain")
        self.thin_spin = QSpinBox()
        self.thin_spin.setRange(1, 1000)
        self.thin_spin.setToolTip("Keep every k-th draw")
        form.addRow("Burn-in", self.burn_spin)
        form.addRow("Thin", self.thin_spin)
        self.table = t = QTableWidget(2, 4)
        t.setHorizontalHeaderLabels(["mean", "sd", "ESS", "R̂"])
        t.setVerticalHeaderLabels(["x", "y"])
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        t.setWordWrap(False)
        # Ignored width: the table follows the column instead of widening it.
        t.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit_table_height()
        form.addRow(t)
        self.diag_label = SteadyLabel(lines=3)
        form.addRow(self.diag_label)

    def _fit_table_height(self) -> None:
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(rows + header + 2 * self.table.frameWidth())

    def show_status(
        self, result: mcmc.Result, diagnostics: mcmc.Diagnostics | None, pending: bool
    ) -> None:
        """Steps × chains, the acceptance rates and the convergence verdict."""
        rate = mcmc.acceptance_rates(result)
        parts = [f"{result.steps:,} steps × {result.chains.shape[0]} chains"]
        if rate.size:
            more = " …" if rate.size > 4 else ""
            parts.append("acceptance " + " ".join(f"{r:.2f}" for r in rate[:4]) + more)
        verdict = diagnostics.verdict() if diagnostics is not None else None
        if pending:
            parts.append("diagnostics pending (pause to update)")
        elif verdict is not None:
            parts.append(f"⚠ not converged: {verdict}")
        self.diag_label.setText("\n".join(parts))

    def fill_table(self, d: mcmc.Diagnostics | None) -> None:
        """The ESS / R̂ table; an R̂ above 1.01 in bold error colour."""
        for k in range(2):
            cells, flag = ["–"] * 4, False
            if d is not None:
                r = d.rhat[k]
                flag = bool(np.isfinite(r) and r > engine.RHAT_THRESHOLD)
                cells = [
                    f"{d.mean[k]:.3f}", f"{d.sd[k]:.3f}", f"{d.ess[k]:.0f}",
                    f"{r:.3f}" if np.isfinite(r) else "–",
                ]  # fmt: skip
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if j == 3 and flag:
                    item.setForeground(QColor(ERROR_TEXT[current_theme()]))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setToolTip(
                        "R̂ > 1.01: the chains disagree; run longer or check for a stuck chain"
                    )
                self.table.setItem(k, j, item)
        self.table.resizeRowsToContents()
        self._fit_table_height()


class MonteCarloControls:
    """Which view is shown, and the proposals of rejection and importance sampling."""

    def __init__(self, layout: QVBoxLayout) -> None:
        form = group(layout, "View and Monte Carlo")
        self.view_box = QComboBox()
        self.view_box.addItems(mcmc.VIEWS)
        form.addRow("Show", self.view_box)
        self.mc_n = QSpinBox()
        self.mc_n.setRange(10, 100_000)
        self.mc_n.setValue(2000)
        self.mc_n.setSingleStep(500)
        form.addRow("Proposals N", self.mc_n)
        self.mc_sd = ValueSlider(0.1, 2.0, 0.7, log=True, decimals=2)
        self.mc_sd.setToolTip(
            "q = N(box centre, diag(sd²)) with sd = this × the box's half-width on each axis"
        )
        form.addRow("q width", self.mc_sd)
        self.mc_button = QPushButton("Sample with q")
        form.addRow(self.mc_button)


class Controls(TargetControls, SamplerControls, DiagnosticControls, MonteCarloControls):
    """Every control of the panel, read into and shown from a ``State``."""

    def __init__(
        self, layout: QVBoxLayout, seed_box: SeedBox, playback: Playback, timeline: Timeline
    ) -> None:
        self.seed_box = seed_box
        TargetControls.__init__(self, layout)
        SamplerControls.__init__(self, layout, seed_box, playback, timeline)
        self.enable_params()
        DiagnosticControls.__init__(self, layout)
        MonteCarloControls.__init__(self, layout)

    def read(self, state: mcmc.State) -> mcmc.State:
        """``state`` with the values the controls show (the target and the method as the
        State has them: those change through their own actions)."""
        return state.replace(
            n_chains=self.chains_spin.value(),
            seed=int(self.seed_box.value()),
            steps_per_tick=int(self.per_tick.currentText()),
            burn_in=self.burn_spin.value(),
            thin=self.thin_spin.value(),
            view=self.view_box.currentText(),
            mc_n=self.mc_n.value(),
            mc_sd=self.mc_sd.value(),
        )

    def show(self, state: mcmc.State) -> None:
        """Every control set to ``state``'s value, without emitting a change."""
        method = next(k for k, v in METHODS.items() if v == state.method)
        for widget, set_value in (
            (self.preset_box, lambda: self.preset_box.setCurrentText(state.target)),
            (self.expr_edit, lambda: self.expr_edit.setText(state.expression)),
            (self.box_spin, lambda: self.box_spin.setValue(state.box)),
            (self.method_box, lambda: self.method_box.setCurrentText(method)),
            (self.scale_slider, lambda: self.scale_slider.setValue(state.proposal_scale)),
            (self.width_slider, lambda: self.width_slider.setValue(state.slice_width)),
            (self.eps_slider, lambda: self.eps_slider.setValue(state.step_size)),
            (self.leap_spin, lambda: self.leap_spin.setValue(state.n_leapfrog)),
            (self.chains_spin, lambda: self.chains_spin.setValue(state.n_chains)),
            (self.seed_box, lambda: self.seed_box.setValue(state.seed)),
            (self.per_tick, lambda: self.per_tick.setCurrentText(str(state.steps_per_tick))),
            (self.burn_spin, lambda: self.burn_spin.setValue(state.burn_in)),
            (self.thin_spin, lambda: self.thin_spin.setValue(state.thin)),
            (self.view_box, lambda: self.view_box.setCurrentText(state.view)),
            (self.mc_n, lambda: self.mc_n.setValue(state.mc_n)),
            (self.mc_sd, lambda: self.mc_sd.setValue(state.mc_sd)),
        ):
            blocked = widget.blockSignals(True)
            set_value()
            widget.blockSignals(blocked)
        self.enable_params()
