"""Linear models: least squares, ridge and lasso as MLE and MAP, the perceptron, logistic
regression, GDA and naive Bayes, on points you draw.

The panel holds one ``prmlab.lab.linear.State``; every change (a point dragged, a slider, the
mode, a preset, undo, a session) shows a State: its Result is computed in the panel's Job
(``Experiment`` keeps a replay's run, so Step, Play and the scrubber cost no refit) and drawn
by the data view and the two side plots. The maths lives in ``prmlab.lab.linear``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSignalBlocker

from prmlab.data import Dataset
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.panels.linear.controls import LinearControls
from prmlab.gui.panels.linear.drawing import contour_lines
from prmlab.gui.panels.linear.side import SideView
from prmlab.gui.panels.linear.views import DataView
from prmlab.gui.widgets.point_editor import PointEditor
from prmlab.lab import linear as lab

if TYPE_CHECKING:
    import pandas as pd

EXPLANATION = (
    "<b>Least squares</b> (PRML §3.1): ŵ = (ΦᵀΦ)⁻¹Φᵀy, the MLE under Gaussian noise; ŷ = Φŵ "
    "is y projected onto the column space of Φ. <b>Ridge</b> = MAP under a Gaussian prior "
    "w ~ N(0, σ²/λ I): ŵ = (ΦᵀΦ + λI)⁻¹Φᵀy (an L2 circle); <b>lasso</b> = MAP under a Laplace "
    "prior (an L1 diamond, whose corners give exact zeros). <b>Perceptron</b> (§4.1.7): for a "
    "misclassified xₙ, w ← w + η tₙ xₙ; it stops on separable data and cycles otherwise. "
    "<b>Logistic regression</b> (§4.3.2): p(y=1|x) = σ(wᵀx + b), ∇ℓ = Σ(yᵢ − pᵢ)xᵢ, "
    "H = −Σ pᵢ(1 − pᵢ)xᵢxᵢᵀ, Newton: w ← w − H⁻¹∇ℓ. <b>GDA</b> (§4.2): p(C₁|x) = "
    "σ(wᵀx + w₀) with a shared Σ (linear boundary), quadratic with one Σ per class; naive "
    "Bayes takes Σ diagonal."
)


@dataclass(frozen=True, eq=False)
class _Frame:
    """What the Job hands back: the experiment advanced and the contours it needs; ``side``:
    whether the side plots' data (log-likelihood contours, learning curve) were made too."""

    experiment: lab.Experiment
    lines: dict[str, list[np.ndarray]]
    side: bool


def _computed(exp: lab.Experiment, side: bool) -> _Frame:
    """Runs in the Job's thread: the State's Result and its contour lines, with ``side``
    the side plots' too (a drag's refits leave them out: they cost more than the fit)."""
    result = exp.show()
    lines: dict[str, list[np.ndarray]] = {}
    if isinstance(result, lab.LogisticResult) and side:
        run = result.run
        lines = {"loglik": contour_lines(run.surface, run.levels, run.w_extent)}
    elif isinstance(result, lab.GenerativeResult):
        lines = {"bounds": [contour_lines(p, (0.5,), result.extent)[0] for p in result.probability]}
        if side:
            _ = result.curve_n  # the learning curve: computed here, not on the GUI thread
    return _Frame(exp, lines, side)


class LinearPanel(LinearControls, BasePanel):
    name = "linear"
    title = "Linear models"
    explanation = EXPLANATION
    state_class = lab.State

    def build(self) -> None:
        self.state = lab.demo("regression", self.seed())
        self.result: lab.Result | None = None
        self.experiment = lab.Experiment(self.state)
        self._drawn_mode = ""
        self._dataset: Dataset | None = None
        self._waiting: lab.State | None = None  # the newest State while a fit runs
        self._frame: _Frame | None = None  # the last drawn, for the side plots after a drag
        self.build_controls(self.make_param_form)
        self.data_view = DataView(self.figure)
        self.side = SideView(self.figure)
        self.plot = self.data_view.plot
        layout = self.figure.ci.layout
        layout.setColumnStretchFactor(0, 3)
        layout.setColumnStretchFactor(1, 2)
        self.transient(self.data_view.hover_text).hide()
        self.editor = PointEditor(self.plot, self.undo_stack, left_label=0)
        self.editor.install_delete_shortcut(self)
        self._connect()
        self.show_controls(self.state)

    def _connect(self) -> None:
        self.mode_box.activated.connect(lambda _i: self.set_mode(self.mode_box.currentData()))
        self.preset_box.activated.connect(
            lambda _i: self.load_preset(self.preset_box.currentText())
        )
        self.penalty_box.activated.connect(
            lambda _i: self.change_state(
                self.state.replace(penalty=self.penalty_box.currentData()), "MAP fit"
            )
        )
        self.new_button.clicked.connect(self.seed_box.draw_new)
        self.seed_box.valueChanged.connect(self._reseed)
        self.add_button.toggled.connect(lambda on: on and self.editor.set_mode("add"))
        self.erase_button.toggled.connect(lambda on: on and self.editor.set_mode("erase"))
        self.clear_button.clicked.connect(
            lambda: self.editor.set_data(np.empty((0, 2)), np.empty(0), text="Clear points")
        )
        self.editor.sigChanged.connect(self._points_edited)
        self.editor.sigEditFinished.connect(self._draw_side)
        self.sigRunFinished.connect(self._run_waiting)
        self.playback.sigStep.connect(self.step)
        self.timeline.sigStepForward.connect(self.step)
        self.playback.sigReset.connect(self.reset)
        self.data_controls.sigChanged.connect(lambda _c: self._apply_dataset())
        self.plot.scene().sigMouseMoved.connect(self._hover)

    # -- the lab floor -------------------------------------------------------------------------
    def lab_state(self) -> lab.State | None:
        return self.state if self.result is not None else None

    def show_state(self, state: lab.State) -> None:
        """Draw ``state`` exactly: its points, view, controls and Result (from the Job)."""
        self._apply(state, rescale=True)

    def _apply(self, state: lab.State, *, rescale: bool) -> None:
        self.hide_transient()
        self.state = state
        self.show_controls(state)
        with QSignalBlocker(self.seed_box):
            self.seed_box.setValue(state.seed)
        if state.mode != self._drawn_mode:
            self._drawn_mode = state.mode
            self.data_view.set_mode(state.mode, state.axis_names)
            self.side.set_mode(state.mode)
            self.editor.left_label = 0 if state.mode == "regression" else 1
            self.editor.right_label = None if state.mode == "regression" else 0
        else:  # only a new title: setting one lays the axis out and repaints it at every move
            for side, name in zip(("bottom", "left"), state.axis_names):
                if self.plot.getAxis(side).labelText != name:
                    self.plot.setLabel(side, name)
        if not (
            np.array_equal(self.editor.points, state.X)
            and np.array_equal(self.editor.labels, state.labels)
        ):
            with QSignalBlocker(self.editor):
                self.editor.set_data(state.X, state.labels, undoable=False)
        if rescale:
            self.data_view.set_range(lab.extent_of(state.X))
        try:
            lab.check(state)
        except ValueError as exc:
            self.job.cancel()
            self._clear_result()
            say = self.messages.note if isinstance(exc, lab.TooFewClasses) else self.messages.error
            say(str(exc))
            return
        if self.messages.level() in ("note", "error"):
            self.messages.clear()
        if self.job.running:  # the fit running ends first and draws: a drag stays live
            self._waiting = state
            return
        self._fit(state)

    def _fit(self, state: lab.State) -> None:
        self._waiting = None
        exp = self.experiment.moved_to(state)
        side = not self.editor.gesture_active
        self.job.run(
            _computed, exp, side, on_done=self._done, on_error=self._failed, label="Fitting"
        )

    def _run_waiting(self) -> None:
        if self._waiting is not None:
            self._fit(self._waiting)

    def _done(self, frame: _Frame | None) -> None:
        if frame is None:
            return
        exp = frame.experiment
        self.experiment, self.result, self._frame = exp, exp.result, frame
        if self._waiting is None:
            self.state = exp.state  # (the position a replay was clamped to)
        self.data_view.draw(exp.state, self.result, frame.lines.get("bounds", []))
        if not self.editor.gesture_active:
            self._draw_side()
        self.show_numbers(exp.state, self.result)
        self.show_whiteboard(exp.state, self.result)
        last = exp.last_position()
        self.timeline.set_positions(range(last + 1), self.state.position)
        if self.playback.playing and exp.finished:
            self.playback.pause()

    def _draw_side(self) -> None:
        """The side plots: rescaled and repainted, a third of a redraw, so not while a
        point is dragged; the drag's end draws them (after a refit that makes their data,
        if the last fit was a drag's)."""
        if self._frame is None or self.result is None:
            return
        if self._frame.side:
            self.side.draw(self.result, self._frame.lines)
        elif self.job.running:
            self._waiting = self._waiting or self.state
        else:
            self._fit(self.state)

    def _failed(self, message: str) -> None:
        self.playback.pause()
        self._clear_result()
        self.messages.error(message)

    def _clear_result(self) -> None:
        self.result, self._frame, self._waiting = None, None, None
        self.data_view.clear()
        self.side.clear()
        self.show_numbers(self.state, None)

    def clear_views(self) -> None:
        self._clear_result()

    # -- edits ---------------------------------------------------------------------------------
    def _points_edited(self) -> None:
        self._points_edited_to(self.editor.points, self.editor.labels)

    def _points_edited_to(self, X: np.ndarray, labels: np.ndarray | None = None) -> None:
        """Show the State with the points ``X`` (labels: all 0 if None), keeping the rest."""
        labels = np.zeros(len(X), np.int64) if labels is None else labels
        self._apply(self.state.replace(X=X, labels=labels, position=0), rescale=False)

    def set_mode(self, mode: str) -> None:
        """Show ``mode`` (one undo step): the same points if they fit it, else its demo."""
        if mode == self.state.mode:
            return
        same_kind = (mode == "regression") == (self.state.mode == "regression")
        if same_kind:
            state = self.state.replace(mode=mode, position=0)
        else:
            state = lab.demo(mode, self.seed())
        self.change_state(state, f"Mode {lab.MODE_TITLES[mode]}")

    def load_preset(self, name: str) -> None:
        """The preset ``name``'s points for the current seed and mode (one undo step)."""
        fresh = lab.preset(name, self.seed(), self.state.mode)
        state = self.state.replace(
            X=fresh.X,
            labels=fresh.labels,
            axis_names=fresh.axis_names,
            source=name,
            seed=fresh.seed,
            position=0,
        )
        if self.state.mode == "regression":
            state = state.replace(degree=fresh.degree)
        self._dataset = None
        self.data_controls.setVisible(False)
        self.change_state(state, f"Preset {name}")

    def _reseed(self) -> None:
        if self.state.source in lab.PRESETS and self._dataset is None:
            self.load_preset(self.state.source)

    # -- stepping ------------------------------------------------------------------------------
    def step(self) -> None:
        """One update, Newton step or N_STEP more training points; regression has none."""
        if self.result is None or self.job.running:
            return
        if self.state.mode == "regression":  # one fit: the stepper's line says so
            self.playback.pause()
            return
        if self.experiment.finished:
            self.playback.pause()
            return
        if self.state.mode == "generative":
            n = self.result.n_train + lab.N_STEP
            self._apply(self.state.replace(n_train=min(n, len(self.state.labels))), rescale=False)
            return
        self._apply(self.state.replace(position=self.state.position + 1), rescale=False)

    def reset(self) -> None:
        """Back to w = 0 (the fewest training points in the generative mode)."""
        state = self.state.replace(position=0)
        if state.mode == "generative":
            state = state.replace(n_train=1)
        self._apply(state, rescale=False)

    def seek(self, position: int) -> None:
        self.playback.pause()
        self._apply(self.state.replace(position=position), rescale=False)

    # -- hover ---------------------------------------------------------------------------------
    def _hover(self, pos) -> None:
        result = self.result
        if not isinstance(result, lab.LogisticResult):
            return
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(pos):
            self.data_view.hover_text.hide()
            return
        at = vb.mapSceneToView(pos)
        p = float(lab.probability_at(result.coef, result.intercept, [[at.x(), at.y()]])[0])
        self.data_view.show_hover(at.x(), at.y(), f"p(y=1|x) = {p:.3f}\np(y=0|x) = {1 - p:.3f}")

    # -- data ----------------------------------------------------------------------------------
    def set_dataset(self, dataset: Dataset) -> None:
        """Two columns of a table as the points (and its classes, when classifying)."""
        if dataset.n_features < 2:
            self.messages.error(
                f"{dataset.name or 'This table'} has {dataset.n_features} numeric column(s); "
                "the linear-models panel needs two (x and y, or x₁ and x₂)"
            )
            return
        self._dataset = dataset
        names = [str(c) for c in dataset.class_names] if dataset.y is not None else []
        if dataset.y is not None and not names:
            names = [str(k) for k in range(int(np.max(dataset.y)) + 1)]
        self.data_controls.show_table(dataset.name, dataset.n_samples, dataset.feature_names, names)
        self.data_controls.setVisible(True)
        self._apply_dataset()

    def _apply_dataset(self) -> None:
        ds = self._dataset
        if ds is None:
            return
        choice = self.data_controls.choice()
        cols = (choice.x, choice.y)
        classes = choice.classes if ds.y is not None else None
        try:
            state = lab.from_table(
                self.state,
                ds.X[:, cols],
                ds.y,
                tuple(ds.feature_names[c] for c in cols),
                classes,
                ds.name or "Table",
            )
        except ValueError as exc:
            self.messages.error(str(exc))
            return
        self.change_state(state, f"Load {ds.name or 'table'}")

    # -- hooks ---------------------------------------------------------------------------------
    def load_demo(self) -> None:
        """The current mode's demo (regression at start: a cubic under a ridge prior)."""
        mode = self.mode_box.currentData() or "regression"
        self._dataset = None
        self.data_controls.setVisible(False)
        self.show_state(lab.demo(mode, self.seed()))

    def heavy_job(self) -> None:
        """2,000 points of two blobs, logistic regression to convergence."""
        state = lab.preset("Two blobs", self.seed(), "logistic")
        rng = np.random.default_rng(self.seed())
        X = np.vstack([state.X] * 25) + rng.normal(scale=0.05, size=(25 * len(state.X), 2))
        labels = np.tile(state.labels, 25)
        self.show_state(state.replace(X=X, labels=labels, position=20, source="Heavy job"))

    def results_frame(self) -> pd.DataFrame | None:
        import pandas as pd  # not at start-up: pandas takes ~0.3 s to import

        return None if self.result is None else pd.DataFrame(lab.result_columns(self.result))
