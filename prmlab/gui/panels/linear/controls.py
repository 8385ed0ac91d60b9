"""The linear-models panel's control column: the mode, the points (presets, seed, editing),
each mode's parameters as undoable rows (only the mode's group shows), the stepper and the
result's numbers, and a table's columns."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox

from prmlab.gui.widgets.data_controls import DataControls
from prmlab.gui.widgets.params import Param, ParamForm, group
from prmlab.gui.widgets.points_group import points_group
from prmlab.gui.widgets.step_groups import step_groups
from prmlab.lab import linear as lab

PARAMS = {
    "regression": (
        Param(
            "degree",
            "Degree",
            1,
            lab.MAX_DEGREE,
            integer=True,
            tooltip="Polynomial degree: features z, z², …, z^d of the scaled x",
        ),
        Param(
            "ridge_lambda",
            "Ridge λ",
            *lab.RIDGE_RANGE,
            log=True,
            tooltip="Ridge: min ‖y − Φw‖² + λ‖w‖², MAP under a Gaussian prior on w",
        ),
        Param(
            "lasso_alpha",
            "Lasso α",
            *lab.LASSO_RANGE,
            log=True,
            tooltip="Lasso: min ‖y − Φw‖²/(2n) + α‖w‖₁, MAP under a Laplace prior on w",
        ),
    ),
    "perceptron": (
        Param("eta", "Rate η", 0.01, 10.0, log=True, tooltip="w ← w + η tₙ xₙ per mistake"),
        Param(
            "max_epochs",
            "Epochs",
            1,
            100,
            integer=True,
            tooltip="Passes over the points before giving up (inseparable data cycles)",
        ),
    ),
    "logistic": (
        Param(
            "C",
            "C (1/λ)",
            0.01,
            1000.0,
            log=True,
            inf_label="∞ (MLE)",
            tooltip="Inverse L2 penalty: a Gaussian prior on w; ∞ is plain maximum likelihood",
        ),
    ),
    "generative": (
        Param(
            "n_train",
            "N (train)",
            0,
            200,
            integer=True,
            tooltip="The first N points train the models, the rest test them (0: all)",
        ),
        Param(
            "C",
            "Logistic C",
            0.01,
            1000.0,
            log=True,
            inf_label="∞ (MLE)",
            tooltip="Logistic regression's inverse L2 penalty",
        ),
    ),
}
GROUP_TITLES = {
    "regression": "Regression: MLE and MAP",
    "perceptron": "Perceptron",
    "logistic": "Logistic regression (Newton)",
    "generative": "GDA, naive Bayes, logistic",
}
HINTS = {
    "regression": "Click: add (x, y) · drag: move · Delete: remove · Ctrl+Z",
    "classes": "Left click: class 1 · right/Shift click: class 0\nDrag: move · Delete · Ctrl+Z",
}


class LinearControls:
    """Builds the column (a mixin of the panel: ``self.controls``, ``make_param_form``)."""

    forms: dict[str, ParamForm]

    def build_controls(self, make_form: Callable[..., ParamForm]) -> None:
        form = group(self.controls, "Model")
        self.mode_box = QComboBox()
        for mode in lab.MODES:
            self.mode_box.addItem(lab.MODE_TITLES[mode], mode)
        self.mode_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.mode_box.setMinimumContentsLength(12)
        form.addRow("Mode", self.mode_box)
        self._build_points()
        self.forms, self.mode_groups = {}, {}
        for mode in lab.MODES:
            form = group(self.controls, GROUP_TITLES[mode])
            if mode == "regression":
                self.penalty_box = QComboBox()
                self.penalty_box.addItem("Ridge (Gaussian prior)", "ridge")
                self.penalty_box.addItem("Lasso (Laplace prior)", "lasso")
                form.addRow("MAP fit", self.penalty_box)
            self.forms[mode] = make_form(form, PARAMS[mode])
            self.mode_groups[mode] = form.parentWidget()
        self.playback, self.timeline, self.step_label, self.result_label = step_groups(
            self.controls,
            self.make_playback(step_text="Step", rate=4.0, max_rate=30.0),
            self.make_timeline(unit="step"),
            step_lines=3,
        )
        self.data_controls = DataControls(class_labels=("Class 0", "Class 1"))
        self.data_controls.setVisible(False)  # until a table is loaded
        self.controls.addWidget(self.data_controls)

    def _build_points(self) -> None:
        self.preset_box = QComboBox()
        self.preset_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.preset_box.setMinimumContentsLength(10)
        points = points_group(self.controls, self.preset_box, self.seed_box, HINTS["regression"])
        self.new_button, self.add_button = points.new_button, points.add_button
        self.erase_button, self.clear_button = points.erase_button, points.clear_button
        self.hint = points.hint

    # -- showing a State -----------------------------------------------------------------------
    def show_controls(self, state: lab.State) -> None:
        """Put ``state``'s mode, preset and parameters into the controls, changing nothing."""
        blockers = [QSignalBlocker(w) for w in (self.mode_box, self.preset_box, self.penalty_box)]
        self.mode_box.setCurrentIndex(lab.MODES.index(state.mode))
        names = lab.presets_for(state.mode)
        if [self.preset_box.itemText(i) for i in range(self.preset_box.count())] != list(names):
            self.preset_box.clear()
            self.preset_box.addItems(names)
        if state.source in names:
            self.preset_box.setCurrentText(state.source)
        self.penalty_box.setCurrentIndex(lab.PENALTIES.index(state.penalty))
        for form in self.forms.values():
            form.set_state(state)  # (it emits nothing)
        for mode, box in self.mode_groups.items():
            box.setVisible(mode == state.mode)
        self.hint.setText(HINTS["regression" if state.mode == "regression" else "classes"])
        self.timeline.setVisible(state.mode in ("perceptron", "logistic"))
        del blockers

    def show_numbers(self, state: lab.State, result: lab.Result | None) -> None:
        """The result's numbers, and the stepper's line."""
        if result is None:
            self.result_label.setText("–")
            self.step_label.setText("")
            return
        text, step = _numbers(state, result)
        self.result_label.setText(text)
        self.step_label.setText(step)


def _w(coef, b) -> str:
    return f"w = ({coef[0]:.3g}, {coef[1]:.3g}), b = {b:.3g}"


def _numbers(state: lab.State, r: lab.Result) -> tuple[str, str]:
    if isinstance(r, lab.RegressionResult):
        prior = "ridge λ" if r.penalty == "ridge" else "lasso α"
        zeros = int(sum(abs(c) < 1e-10 for c in r.coef_map))
        text = (
            f"RSS least squares: <b>{r.rss_mle:.4g}</b><br>RSS MAP ({prior} = {r.strength:.3g}): "
            f"<b>{r.rss_map:.4g}</b><br>‖w‖₂ MLE {_norm(r.coef_mle):.3g} → MAP "
            f"{_norm(r.coef_map):.3g}; zeros in w: {zeros}"
        )
        return text + "".join(f"<br><i>{n}</i>" for n in r.notes), "Regression has no steps."
    if isinstance(r, lab.PerceptronResult):
        run = r.run
        text = (
            f"{_w(r.coef, r.intercept)}<br>Training errors: <b>{r.errors}</b> of "
            f"{len(state.labels)}<br>Updates: {run.n_updates} in {int(run.epochs[-1]) if run.n_updates else 0} epoch(s)"
        )
        if not run.converged and run.note:
            text += f"<br><i>{run.note}</i>"
        if r.index < 0:
            return text, "w = 0: every point is on the boundary. Press Step."
        step = (
            f"Update {r.position} (epoch {r.epoch}): point {r.index} misclassified<br>"
            f"before {_w(r.coef_before, r.intercept_before)}<br>after {_w(r.coef, r.intercept)}"
        )
        return text, step + (" · <b>done</b>" if r.finished else "")
    if isinstance(r, lab.LogisticResult):
        text = f"{_w(r.coef, r.intercept)}<br>log-likelihood ℓ(w) = <b>{r.loglik:.5g}</b>"
        if r.run.note:
            text += f"<br><i>{r.run.note}</i>"
        step = f"Newton step {r.position} of {r.run.n_steps}" + (
            " · <b>converged</b>" if r.finished and r.run.converged else ""
        )
        return text + "<br><i>Hover the plane for p(y | x).</i>", step
    what = "test" if r.tested else "training"
    rows = "".join(f"<br>{m}: <b>{a:.0%}</b>" for m, a in zip(lab.MODELS, r.accuracy))
    return f"N = {r.n_train} training points; {what} accuracy:{rows}", (
        f"Step adds {lab.N_STEP} training points (N = {r.n_train} of {len(state.labels)})."
    )


def _norm(w) -> float:
    return math.sqrt(sum(float(v) ** 2 for v in w))
