"""EM for Gaussian mixtures and k-means, stepped E and M apart, with the likelihood climbing.

The panel holds the current ``prmlab.lab.gmm.State`` and the Frame drawn of it; the lab's
Experiment runs in the Job's worker (Step E, Step M, Step, Play, Fit, restarts, BIC/AIC) and
each half-step is kept in ``history`` for the timeline to scrub back and forth: entries
``(State, gmm.Kept)``, the parameters without the per-point responsibilities, which the
worker recomputes on a seek (the States share the panel's data arrays). Only this GUI
thread draws.
"""

from __future__ import annotations

import functools

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut

from prmlab.gui.panels.base import BasePanel
from prmlab.gui.panels.gmm.controls import GmmControls
from prmlab.gui.panels.gmm.data import END, GmmData, fresh_fit
from prmlab.gui.panels.gmm.density import DensityView
from prmlab.gui.panels.gmm.views import CriteriaView, CurveView, DataView, RestartsView
from prmlab.gui.panels.gmm.work import Frame, advance, full_run, restored
from prmlab.gui.widgets.numbers import plural
from prmlab.lab import gmm
from prmlab.lab.history import History, nbytes_of


def kept_bytes(entry: tuple[gmm.State, gmm.Kept]) -> int:
    """What one half-step adds to the history: its kept parameters (and dragged means); the
    data arrays belong to the panel's State, shared by every entry, not copied per entry."""
    state, kept = entry
    return nbytes_of(kept) + nbytes_of(state.means_init)


class GmmPanel(GmmData, BasePanel):
    name = "gmm"
    title = "EM/GMM"
    state_class = gmm.State
    explanation = (
        "<b>Gaussian mixture</b> p(x) = Σ<sub>k</sub> π<sub>k</sub> N(x | μ<sub>k</sub>, "
        "Σ<sub>k</sub>), fitted by EM (Bishop, PRML §9.2). "
        "<b>E step</b>: r<sub>ik</sub> = π<sub>k</sub> N(x<sub>i</sub> | μ<sub>k</sub>, "
        "Σ<sub>k</sub>) / Σ<sub>j</sub> π<sub>j</sub> N(x<sub>i</sub> | μ<sub>j</sub>, "
        "Σ<sub>j</sub>) (point colours). "
        "<b>M step</b>: N<sub>k</sub> = Σ<sub>i</sub> r<sub>ik</sub>, π<sub>k</sub> = "
        "N<sub>k</sub>/N, μ<sub>k</sub> = Σ<sub>i</sub> r<sub>ik</sub> x<sub>i</sub> / "
        "N<sub>k</sub>, Σ<sub>k</sub> = Σ<sub>i</sub> r<sub>ik</sub> (x<sub>i</sub>−μ<sub>k</sub>)"
        "(x<sub>i</sub>−μ<sub>k</sub>)<sup>T</sup> / N<sub>k</sub> + reg·I (ellipses at 1σ and "
        "2σ: 39 % and 86 % of each 2-D component). With reg = 0 EM never lowers log p(X | θ); "
        "the added reg·I (reg_covar, which keeps Σ<sub>k</sub> invertible) is not the "
        "likelihood's maximiser, so with a large reg log p can fall (marked ✗ on the curve). "
        "The curve and the status show log p(X | θ)/N, the mean log-likelihood per point, of "
        "the θ the last E step used. <b>k-means</b> is EM with hard posteriors: assign each "
        "point to its nearest centre, then move each centre to its cluster mean, lowering "
        "Σ<sub>k</sub> Σ<sub>x∈C<sub>k</sub></sub> ‖x − μ<sub>k</sub>‖²."
    )

    # -- construction -------------------------------------------------------------------
    def build(self) -> None:
        self.state = gmm.preset("Empty: paint your own", seed=self.seed())
        self.frame: Frame | None = None
        self.X = np.empty((0, 2))  # the fitted data of self.state
        self._experiment: gmm.Experiment | None = None  # handed to the worker while it runs
        self._projection = gmm.projection(self.state, self.X)
        self._show_idx: np.ndarray | None = None
        self._shown = np.empty((0, 2))  # the drawn sample, in display coordinates
        self._layout: DensityView | None = None
        self._layout_token = 0
        self._drag_start: gmm.State | None = None  # reg_covar's value when a drag began
        self.history = History(sizeof=kept_bytes)
        self._checked: tuple | None = None  # the State last checked: its arrays, the rest

        self.ui = ui = GmmControls(self.controls, self.seed_box)
        ui.preset_box.activated.connect(lambda i: self.load_preset(gmm.PRESETS[i]))
        ui.edit_mode_box.currentIndexChanged.connect(self._edit_mode_changed)
        ui.data_controls.sigChanged.connect(self._data_chosen)
        for signal in (
            ui.mode_box.currentIndexChanged,
            ui.k_box.valueChanged,
            ui.cov_box.currentIndexChanged,
            ui.init_box.currentIndexChanged,
            ui.reg_slider.valueChanged,
            self.seed_box.valueChanged,
        ):
            signal.connect(self._model_changed)
        ui.reg_slider.slider.sliderReleased.connect(self._drag_released)
        ui.step_e_button.clicked.connect(lambda: self.step("E"))
        ui.step_m_button.clicked.connect(lambda: self.step("M"))
        ui.fit_button.clicked.connect(self.fit)
        ui.runs_box.valueChanged.connect(self._runs_changed)
        ui.kmax_box.valueChanged.connect(self._runs_changed)
        ui.restarts_button.clicked.connect(self.run_restarts)
        ui.criteria_button.clicked.connect(self.run_criteria)
        self.playback = self.make_playback(step_text="Step (E+M)", rate=3.0, max_rate=30.0)
        self.playback.sigStep.connect(lambda: self.step("EM"))
        self.playback.step_button.setToolTip("One EM iteration (key: N)")
        self.playback.sigReset.connect(self.reset)
        self.playback.sigPlayingChanged.connect(self._play_toggled)
        ui.steps_form.addRow(self.playback)
        ui.steps_form.addRow(ui.status_label)
        self.timeline = self.make_timeline(unit="half-step")
        self.timeline.sigStepForward.connect(self.step_half)
        ui.steps_form.addRow(self.timeline)
        # keys for stepping in front of a class: E, M, N (next full step)
        for key, button in (
            ("E", ui.step_e_button),
            ("M", ui.step_m_button),
            ("N", self.playback.step_button),
        ):
            if key != "N":
                button.setToolTip(f"Key: {key}")
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(button.click)

        self.data_view = DataView(self.figure, self.undo_stack, self._mean_dropped)
        self.data_view.editor.install_delete_shortcut(self)
        self.data_view.editor.sigEditFinished.connect(self._edited)
        self.data_view.editor.sigHovered.connect(self.select_point)  # the whiteboard's γ_nk
        self.data_view.editor.sigChanged.connect(self.forget_point)
        self.curve_view = CurveView(self.figure)
        self.restarts_view = RestartsView(self.figure, self.load_restart)
        self.criteria_view = CriteriaView(self.figure)
        layout = self.figure.ci.layout
        layout.setColumnStretchFactor(0, 3)
        layout.setColumnStretchFactor(1, 2)
        self._show_method()

    # -- the State ------------------------------------------------------------------------
    @property
    def editor(self):
        """The point editor (of the data plot)."""
        return self.data_view.editor

    @property
    def result(self) -> gmm.Result | None:
        return None if self.frame is None else self.frame.result

    def lab_state(self) -> gmm.State | None:
        return self.state

    def show_state(self, state: gmm.State) -> None:
        """Draw ``state`` exactly: its data, parameters, position, restarts and criteria
        (the data reloaded only when they differ from the shown ones)."""
        if self._same_data(state):
            self._show_settings(state)
        else:
            self._adopt(state)
        if len(self.X) == 0:
            self.reset()
            return
        flags = (state.restarts_shown, state.criteria_shown)
        look = (self._layout, self._projection)
        self._run(full_run, state, state.position, *look, *flags, label="EM: open")

    # -- running -------------------------------------------------------------------------
    def reset(self) -> None:
        """Re-initialise with the current settings (and dragged means, if any)."""
        self.playback.pause()
        self.state = self.state.replace(position=0)
        self._experiment, self.frame = None, None
        self._forget_steps()
        if len(self.X) == 0:
            self.job.cancel()
            self.draw_frame()
            self.messages.note("No points yet: click or spray some on the plot.")
            return
        self.messages.clear()
        self._advance(0, label="EM: initialise")

    def step(self, which: str) -> None:
        """ "E", "M" or "EM" (finish the current iteration: the pending M, or E then M)."""
        r = self.result
        if r is None or self.job.running:
            return
        if (which == "M") != (r.half == "E"):
            return  # E comes after "init" or M, and M after E (the buttons say so)
        halves = 1 if which != "EM" or r.half == "E" else 2
        self._advance(r.position + halves, label="EM: step")

    def step_half(self) -> None:
        """The next half-step (the timeline's Step forward from its newest step)."""
        if self.result is not None:
            self.step("M" if self.result.half == "E" else "E")

    def seek(self, position: int) -> None:
        """Show the fit at ``position`` half-steps: kept in ``history`` (its responsibilities
        recomputed in the worker), or run again from the init."""
        self.playback.pause()
        kept = self.history.get(position)
        if kept is not None:
            look = (self._layout, self._projection)
            self._run(restored, kept[1], self.X, *look, label="EM: step back", record=False)
        else:
            self._experiment = None  # a fresh run from the init; the history is kept
            args = (None, self.state, position, self._layout, self._projection)
            self._run(advance, *args, label="EM: step back", record=False)

    def fit(self) -> None:
        """Run to convergence from the current fit (or from a fresh init)."""
        self.playback.pause()
        self._advance(END, label="EM: fit")

    def _advance(self, target: int, label: str) -> None:
        experiment, self._experiment = self._experiment, None  # the worker owns it
        look = (self._layout, self._projection)
        self._run(advance, experiment, self.state, target, *look, label=label)

    def _run(self, fn, *args, label: str, record: bool = True) -> bool:
        """Check the State here, then run ``fn(*args)`` in the worker; its steps and result go
        to ``_receive``. False (and an error shown) if the check fails."""
        try:
            self._check(self.state)
        except ValueError as exc:
            self.playback.pause()
            self.job.cancel()
            self.messages.error(str(exc))
            self.draw_frame()
            return False
        receive = functools.partial(self._receive, record=record)
        self.job.run(fn, *args, on_step=receive, on_done=receive, label=label)
        return True

    def _check(self, state: gmm.State) -> None:
        """The lab's check of ``state`` (ValueError), its data scanned once per data set and
        model rather than at every step (~25 ms a scan of a million points)."""
        arrays = (state.X, state.means_init)
        rest = state.replace(X=np.empty((0, 0)), means_init=None, **fresh_fit())
        kept = self._checked
        if (
            kept is None
            or any(a is not b for a, b in zip(kept[0], arrays))
            or not kept[1].same_as(rest)
        ):
            self._checked = None
            gmm.check_state(state)
            self._checked = (arrays, rest)

    def _play_toggled(self, on: bool) -> None:
        if on and self.result is not None and self.result.finished:
            self.messages.note("Already converged: Reset (or change K, init, seed) to start over.")
            self.playback.pause()

    def _receive(self, value, record: bool = True) -> None:
        """Route a worker's step or result to its drawing (frames kept in ``history`` when
        ``record``)."""
        if isinstance(value, Frame):
            self._take(value, record)
        elif isinstance(value, gmm.Restarts):
            self._draw_restarts(value)
        elif isinstance(value, gmm.Criteria):
            self._draw_criteria(value)
        elif isinstance(value, tuple) and len(value) == 2:  # advance's (experiment, frame)
            self._experiment = value[0]
            self._take(value[1], record)
        elif isinstance(value, tuple):  # full_run's (experiment, frame, restarts, criteria)
            self._experiment, frame, runs, chart = value
            flags = {"restarts_shown": runs is not None, "criteria_shown": chart is not None}
            self._take(frame, record=True)
            self.state = self.state.replace(**flags)
            parts = [lambda: self._draw_restarts(runs)] if runs is not None else []
            parts += [lambda: self._draw_criteria(chart)] if chart is not None else []
            self.draw_in_turns(*parts)  # one per turn: each plot paints on its own

    def _take(self, frame: Frame, record: bool) -> None:
        if len(frame.result.resp) != len(self.X):
            return  # a late frame of the previous data
        self.state = self.state.replace(position=frame.result.position)
        self.frame = frame
        if record:
            self.record(frame.result.position, self.state, frame.kept)
        else:
            self.update_timelines(frame.result.position)
        if frame.result.finished:
            self.playback.pause()
        self.draw_frame()
        self.show_whiteboard(self.state, frame.result)

    # -- drawing -------------------------------------------------------------------------
    def draw_frame(self) -> None:
        """Points, ellipses, means, Voronoi regions and the status of the current frame."""
        shown = self._shown
        f = self.frame
        image = outlines = None
        if f is not None and self._layout is not None and f.image_token == self._layout.token:
            image = f.image
        if f is not None and f.projection is self._projection:
            outlines = f.outlines
        result = None if f is None else f.result
        self.data_view.draw(
            shown, result, self._projection, self._layout, image, outlines, len(self.X)
        )
        self.ui.show_status(result)
        # its own turn: one paint for the data plot, another for the curve's
        self.draw_in_turns(self._draw_curve)

    def _draw_curve(self) -> None:
        self.curve_view.draw(self.result)

    # -- mouse: dragged means and the restart histogram ----------------------------------
    def _mean_dropped(self, i: int, pos: tuple) -> None:
        """A mean was dropped: start EM from the shown means (moved in all fitted dims)."""
        r = self.result
        if r is None:
            return
        means = r.means.copy()
        shown = self._projection.project(means[i : i + 1])[0]
        means[i] = self._projection.lift(means[i], shown, np.array(pos))
        self.messages.note(f"Mean {i + 1} moved: EM starts from your means (Reset clears them).")
        self._set_state(self.state.replace(means_init=means, **fresh_fit()))
        self.playback.pause()
        self._advance(0, label="EM: initialise")

    def run_restarts(self) -> None:
        self.playback.pause()
        self._run(gmm.restarts, self.state, label="EM: restarts")

    def _draw_restarts(self, runs: gmm.Restarts) -> None:
        self.restarts_view.draw(runs, self.state.method)
        scores = runs.scores
        if runs.progress >= 1.0:
            self.state = self.state.replace(restarts_shown=True)
        best = int(np.argmax(scores))
        self.messages.note(
            f"{plural(len(scores), 'run')}: best {scores.max():.5g} (seed {runs.seeds[best]}), "
            f"worst {scores.min():.5g}. Click a bar to load a run."
        )

    def load_restart(self, index: int) -> None:
        """Show restart ``index``'s converged fit (its seed goes to the seed box)."""
        runs = self.restarts_view.restarts
        if runs is None or not 0 <= index < len(runs.results):
            return
        self.playback.pause()
        self._show_seed(int(runs.seeds[index]))
        self.restarts_view.mark_score(float(runs.scores[index]))
        self._experiment = None
        self._forget_steps()
        self.state = runs.state_of(self.state, index)
        look = (self._layout, self._projection)
        self._run(restored, runs.results[index], self.X, *look, label="EM: load run")
        self.messages.note(
            f"Loaded the run with seed {runs.seeds[index]}: {runs.scores[index]:.5g}"
        )

    def run_criteria(self) -> None:
        self._run(gmm.criteria, self.state, self.X, label="EM: BIC/AIC")

    def _draw_criteria(self, c: gmm.Criteria) -> None:
        self.criteria_view.draw(c)
        if c.progress < 1.0:
            return
        self.state = self.state.replace(criteria_shown=True)
        if len(c.aic):
            self.messages.note(
                f"Lowest BIC at K = {int(c.ks[np.argmin(c.bic)])}, "
                f"lowest AIC at K = {int(c.ks[np.argmin(c.aic)])}."
            )

    # -- export --------------------------------------------------------------------------
    def results_frame(self):
        """One row per point (features, label, responsibilities), then one per component
        (mean in the feature columns, weight, covariance entries)."""
        r = self.result
        if r is None or len(r.resp) != len(self.X):
            return None
        return gmm.results_table(self.state, r, self.X)
