"""Support vector machines: draw two classes, watch the maximum margin move, step SMO.

Every edit (click, drag, erase, undo, a slider) refits live through the panel's Job; the
decision function f(x) is shaded, its 0 level (the boundary) and ±1 levels (the margins) are
drawn as contours, support vectors are ringed (squares where α = C). "Step SMO" replays the
solver a few pair updates at a time from α = 0, showing the pair (i, j) and the dual
objective climbing; the timeline scrubs back and forth over the replay's steps. The maths
and the State live in ``prmlab.lab.svm``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSignalBlocker, QTimer

from prmlab.data import Dataset, builtin
from prmlab.engine.svm import SmoStep
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.panels.svm.controls import SMO_HINT, SvmControls
from prmlab.gui.panels.svm.data import SvmData
from prmlab.gui.panels.svm.explanation import EXPLANATION
from prmlab.gui.panels.svm.views import DualView, MapView
from prmlab.gui.widgets.params import StateChange
from prmlab.gui.widgets.point_editor import PointEditor
from prmlab.lab import svm as lab

if TYPE_CHECKING:
    import pandas as pd

COALESCE_S = 0.25  # an edit waits for a fit younger than this instead of cancelling it
REPLAY_BUDGET = 32 * 2**20  # bytes of the replay's history: ~150 steps of 150 x 150 maps


# -- work done in the Job's thread: an Experiment in, the same Experiment advanced out -------
def _fitted(exp: lab.Experiment) -> Iterator[SmoStep]:
    yield from exp.iter_fit()
    return exp


def _stepped(exp: lab.Experiment) -> Iterator[SmoStep]:
    yield from exp.iter_step()
    return exp


def _as_stated(exp: lab.Experiment) -> Iterator[SmoStep]:
    yield from exp.iter_show()
    return exp


class SvmPanel(SvmData, SvmControls, BasePanel):
    name = "svm"
    title = "SVM"
    explanation = EXPLANATION
    state_class = lab.State

    def build(self) -> None:
        self.state: lab.State | None = None  # what is drawn, or being computed
        self.result: lab.Result | None = None
        self._replay: lab.Experiment | None = None  # the SMO replay being stepped
        self.history.budget = REPLAY_BUDGET
        self._dataset: Dataset | None = None
        self._source = "Moons"
        self._class_names = lab.PRESET_CLASSES
        self._axis_names = lab.PRESET_AXES
        self._fit_started = 0.0
        self._refit_pending = False
        self._drag_before: lab.State | None = None  # the State a slider drag started from
        self._sticky_note = ""  # shown again after each refit (e.g. "3 classes: pick two")
        self._classes_note = ""
        self.build_controls()
        self.map_view = MapView(self.figure)
        self.dual_view = DualView(self.figure)
        self.plot = self.map_view.plot
        self.transient(self.map_view.hover_text).hide()
        layout = self.figure.ci.layout
        layout.setRowStretchFactor(0, 4)
        layout.setRowStretchFactor(1, 1)
        layout.setColumnStretchFactor(0, 6)
        layout.setColumnStretchFactor(1, 1)
        self.editor = PointEditor(
            self.plot, self.undo_stack, left_label=lab.POS, right_label=lab.NEG
        )
        self.editor.install_delete_shortcut(self)
        self._connect()
        self._range_timer = QTimer(self, singleShot=True, interval=200)
        self._range_timer.timeout.connect(self._view_moved)
        self.plot.getViewBox().sigRangeChanged.connect(lambda *_: self._range_timer.start())
        self.update_enabled()

    def _connect(self) -> None:
        self.kernel_box.currentIndexChanged.connect(self._params_changed)
        for w in self.sliders():
            w.valueChanged.connect(self._params_changed)
            w.slider.sliderReleased.connect(self._drag_ended)
        self.degree_box.valueChanged.connect(self._params_changed)
        self.new_button.clicked.connect(self._new_sample)
        self.preset_box.activated.connect(lambda _: self.load_preset(self.preset_box.currentText()))
        self.seed_box.valueChanged.connect(self._reseed)
        self.add_button.toggled.connect(lambda on: on and self.editor.set_mode("add"))
        self.erase_button.toggled.connect(lambda on: on and self.editor.set_mode("erase"))
        self.clear_button.clicked.connect(
            lambda: self.editor.set_data(np.empty((0, 2)), np.empty(0), text="Clear points")
        )
        self.data_controls.sigChanged.connect(lambda _: self._apply_dataset())
        self.playback.sigStep.connect(self.step_smo)
        self.timeline.sigStepForward.connect(self.step_smo)
        self.playback.sigReset.connect(self.reset_smo)
        self.editor.sigChanged.connect(self.refit)
        self.editor.sigEditFinished.connect(self._draw_dual)
        self.editor.sigHovered.connect(lambda index: self.map_view.show_hover(self.result, index))
        self.editor.sigHovered.connect(self.select_point)  # the whiteboard's α_i, y_i f(x_i)
        self.editor.sigChanged.connect(self.forget_point)
        self.sigRunFinished.connect(self._run_finished)

    # -- the lab floor ---------------------------------------------------------------------
    def current_state(self) -> lab.State:
        """The State the controls, the points and the view describe (the finished fit)."""
        return lab.State(
            X=self.editor.points,
            labels=self.editor.labels,
            axis_names=self._axis_names,
            class_names=self._class_names,
            source=self._source,
            seed=self.seed(),
            **self.svc_params(),
            extent=self._extent(),
            pairs_per_step=self.pairs_box.value(),
        )

    def lab_state(self) -> lab.State | None:
        if self.state is None:
            return None
        view = self.map_view.view_range()
        # the aspect lock recomputes one range from the other: a view read back within
        # rounding of the state's is that view, so a session saved again does not drift
        if self.state.view is not None and np.allclose(view, self.state.view, rtol=1e-12, atol=0):
            return self.state
        return self.state.replace(view=view)

    def show_state(self, state: lab.State) -> None:
        """Draw ``state``: its points, parameters and view, fitted or replayed to its step.

        Only what differs from what is shown is set again (compare mode shows a State at
        every tick): the same points keep the editor's items and the picture until the new
        result replaces it item by item, the legend and axes keep their names, the plot its
        range, and a replay of the same fit steps on from the frame it reached."""
        replay = self._replay if not self.job.running else None  # (a running one is busy)
        self.job.cancel()
        same_points = lab.same_points(self.editor.points, self.editor.labels, state)
        same_names = (self._axis_names, self._class_names) == (state.axis_names, state.class_names)
        self.clear_stale(data=not (same_points and same_names))
        self._dataset = None
        self.data_controls.setVisible(False)
        self._sticky_note = ""
        self._source = state.source
        with QSignalBlocker(self.seed_box):
            self.seed_box.setValue(state.seed)
        self.show_controls(state)
        self._axis_names, self._class_names = state.axis_names, state.class_names
        self.map_view.set_axes(state.axis_names)
        self.map_view.fill_legend(state.class_names)
        self.map_view.show_view(lab.view_of(state))
        if not same_points:
            with QSignalBlocker(self.editor):
                self.editor.set_data(state.X, state.labels, undoable=False)
        self.history.clear()
        self.update_timelines()
        self._end_replay()
        resumed = replay is not None and state.replay and lab.same_fit(replay.state, state)
        self._run(state, _as_stated, "Showing SVM", replay if resumed else None)

    def seek(self, position: int) -> None:
        """Show the replay's step ``position``: as recorded, or recomputed from the nearest
        kept step before it (the history thinned it)."""
        kept = self.history.at_or_before(position)
        if kept is None:
            return
        self.playback.pause()  # Play would step on from here and drop the steps after it
        self.job.cancel()  # a step still computing belongs to the replay left behind
        state, result = kept[1]
        if kept[0] == position:
            self._replay = lab.Experiment(state)
            self._replay.result = result
            self._show(self._replay, record=False)
            return
        self._replay = lab.Experiment(state.replace(position=position))
        self.job.run(
            _as_stated, self._replay, on_done=self._seen, on_error=self._failed, label="SMO step"
        )

    def update_timelines(self, current: int | None = None) -> None:
        """The timeline shows only while a replay has steps to scrub (the fit has none)."""
        super().update_timelines(current)
        timeline = getattr(self, "timeline", None)  # None while make_timeline builds it
        if timeline is not None:
            timeline.setVisible(len(self.history) > 0)

    def _seen(self, exp: lab.Experiment | None) -> None:
        if exp is not None and exp is self._replay:
            self._show(exp, record=False)

    # -- parameters ------------------------------------------------------------------------
    def _params_changed(self, *_) -> None:
        """A parameter changed: refit, as one undoable change (a slider drag: at release)."""
        self.update_enabled()
        self.clear_stale(data=False)  # a hovered point's α is the old parameters'
        before = self.state
        self.refit()
        if any(w.slider.isSliderDown() for w in self.sliders()):
            if self._drag_before is None:
                self._drag_before = before
        else:
            self._push_change(before)

    def _drag_ended(self) -> None:
        before, self._drag_before = self._drag_before, None
        self._push_change(before)

    def _push_change(self, before: lab.State | None) -> None:
        """Ctrl+Z shows ``before`` again (the points, parameters and step it showed)."""
        after = self.current_state()
        if before is not None and not before.same_as(after):
            change = StateChange(self.show_state, before, after, "Change parameters", shown=True)
            self.undo_stack.push(change)

    # -- fitting ---------------------------------------------------------------------------
    def _checked(self, state: lab.State) -> bool:
        """Whether ``state`` can be fitted; if not, the fit is cleared and the message says why."""
        try:
            lab.check(state)
        except lab.TooFewClasses as exc:
            self._clear_fit()
            self.messages.note(str(exc))
            return False
        except ValueError as exc:
            self._clear_fit()
            self.messages.error(str(exc))
            return False
        return True

    def _extent(self) -> tuple[float, float, float, float]:
        """The view and a margin around it: the decision map covers what is visible."""
        return lab.map_extent(self.map_view.view_range())

    def refit(self) -> None:
        """Fit the current points and parameters in the Job (any SMO replay ends)."""
        self._end_replay()
        if self.job.running and time.perf_counter() - self._fit_started < COALESCE_S:
            self._refit_pending = True  # a young fit finishes first: drags stay fluid
            return
        self._refit_pending = False
        self._run(self.current_state(), _fitted, "Fitting SVM")

    def _run(self, state: lab.State, work, label: str, exp: lab.Experiment | None = None) -> None:
        """``work`` on ``exp`` (else a new Experiment) set to ``state``, in the Job."""
        self.state = state
        if not self._checked(state):
            return
        self.messages.clear()
        if self._sticky_note:
            self.messages.note(self._sticky_note)
        if exp is None:
            exp = lab.Experiment(state)
        exp.state = state
        if state.replay:
            self._replay = exp
        self._fit_started = time.perf_counter()
        self.job.run(work, exp, on_done=self._done, on_error=self._failed, label=label)

    def _run_finished(self) -> None:
        if self._refit_pending:
            self.refit()

    def _view_moved(self) -> None:
        """Pan, zoom or resize: redraw the map once it no longer covers the view well."""
        result = self.result
        if result is None:
            return
        vx0, vx1, vy0, vy1 = self.map_view.view_range()
        x0, x1, y0, y1 = result.extent
        covered = x0 <= vx0 and vx1 <= x1 and y0 <= vy0 and vy1 <= y1
        if covered and (vx1 - vx0) > 0.5 * (x1 - x0):  # else zoomed in: sharpen the map
            return
        if self._replay is not None:
            exp = self._replay  # the next step uses it
            exp.state = exp.state.replace(extent=self._extent())
        elif not self.job.running:
            self.refit()

    def _failed(self, message: str) -> None:
        self.playback.pause()
        self._end_replay()
        self._clear_fit()
        self.messages.error(message)

    # -- SMO replay ------------------------------------------------------------------------
    def step_smo(self) -> None:
        """One Step: start a replay from α = 0 if none is running, else advance it."""
        if self.job.running:
            return  # the previous step is still being computed
        exp = self._replay
        if exp is not None and exp.result is not None and exp.result.finished:
            self.playback.pause()
            self.messages.note("SMO has converged. Edit the points or press Reset to replay.")
            return
        if exp is None:
            state = self.current_state()
            if not self._checked(state):
                self.playback.pause()
                return
            self.history.clear()
            self._replay = exp = lab.Experiment(state)
        exp.state = exp.state.replace(pairs_per_step=self.pairs_box.value())
        self.job.run(_stepped, exp, on_done=self._done, on_error=self._failed, label="SMO step")

    def reset_smo(self) -> None:
        """Back to α = 0: a fresh replay, showing its first frame."""
        self._end_replay()
        self.job.cancel()
        self.step_smo()

    def _end_replay(self) -> None:
        if self._replay is not None:
            self._replay = None
            self.history.clear()
            self.update_timelines()

    # -- drawing ---------------------------------------------------------------------------
    def clear_views(self) -> None:
        self._clear_fit()
        self.dual_view.clear()
        self.smo_label.setText(SMO_HINT)

    def _clear_fit(self) -> None:
        self.result = None
        self.map_view.clear()
        self.show_numbers(None)

    def _done(self, exp: lab.Experiment | None) -> None:
        if exp is None or exp.result is None:
            return
        if exp.state.replay and exp is not self._replay:
            return  # the replay was ended while this step was computed
        self._show(exp, record=exp.state.replay)

    def _show(self, exp: lab.Experiment, *, record: bool) -> None:
        state, result = exp.state, exp.result
        self.state, self.result = state, result
        if record:
            self.record(state.position, state, result)
        elif state.replay:
            self.update_timelines(state.position)
        if result.stepping and result.finished:
            self.playback.pause()
        self.map_view.draw(result, self.kernel_text())
        self._range_timer.start()  # the view may have moved while this was computed
        if not self.editor.gesture_active:
            # painted in a turn of its own: with the map's, one turn held the GUI thread
            # for both plots' drawing and paints (each side of compare mode, every tick)
            self.draw_in_turns(self._draw_dual)
        self.show_numbers(result)
        self.show_whiteboard(state, result)

    def _draw_dual(self) -> None:
        """The dual objective's climb. Not while a point is dragged: the plot rescaled and
        repainted with every refit, a third of each redraw; the drag's end draws it."""
        if self.result is not None:
            self.dual_view.draw(self.result)

    # -- export ----------------------------------------------------------------------------
    def results_frame(self) -> pd.DataFrame | None:
        """The support vectors: coordinates, class, α, α·y, whether α = C, f(x); b in attrs."""
        if self.result is None or self.state is None:
            return None
        return lab.support_vector_table(self.state, self.result)

    def heavy_job(self) -> None:
        """2,000 noisy moons, RBF: the largest fit a class would draw."""
        ds = builtin.moons(2000, noise=0.3, seed=self.seed())
        self.set_kernel("rbf")
        self._set_points(ds.X, ds.y, "Heavy job")
