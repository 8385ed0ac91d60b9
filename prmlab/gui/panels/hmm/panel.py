"""Hidden Markov models: the trellis, forward-backward, Viterbi back-pointers and Baum-Welch.

The panel shows one ``lab.hmm.State`` (λ, O, the parameters, the Baum-Welch iteration and
the trellis' time step) and its ``Result``, computed in the Job's worker. Stepping through
time only redraws that result; a Baum-Welch step, a scrub back or a changed λ or O computes
the State's result again. Each Baum-Welch iteration of the run is kept in ``history``
without its analysis (λ and the curves: a few kB an iteration, within HISTORY_BYTES);
showing a kept iteration again costs one forward-backward.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel

from prmlab.data import Dataset
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.panels.hmm.controls import HmmControls
from prmlab.gui.panels.hmm.edits import UserEdits
from prmlab.gui.panels.hmm.trellis import TrellisView, step_text
from prmlab.gui.panels.hmm.views import LikelihoodView, ModelView, PosteriorView
from prmlab.gui.widgets.params import ParamForm
from prmlab.lab import hmm as lab
from prmlab.lab.history import History, nbytes_of

DEMO = lab.PRESETS[0]
HISTORY_BYTES = 16 * 2**20  # ~2,000 iterations (an entry's curve grows with its iteration)
HEAVY_LENGTH = 100_000


def _result_of(state: lab.State, start: lab.Result | None) -> tuple[lab.State, lab.Result]:
    """(state, its Result), resumed from ``start`` when given (worker)."""
    return state, lab.Experiment(state, start).result


def _made(change: Callable[..., lab.State], *args) -> tuple[lab.State, lab.Result]:
    """The State ``change(*args)`` makes (sampling draws T observations) and its Result."""
    return _result_of(change(*args), None)


class HmmPanel(UserEdits, BasePanel):
    name = "hmm"
    title = "HMM"
    state_class = lab.State
    explanation = (
        "<b>HMM</b> λ = (π, A, B) (PRML §13.2). <b>Evaluation</b> (forward-backward): "
        "α<sub>t+1</sub>(j) = b<sub>j</sub>(o<sub>t+1</sub>) Σ<sub>i</sub> α<sub>t</sub>(i) "
        "a<sub>ij</sub>, β<sub>t</sub>(i) = Σ<sub>j</sub> a<sub>ij</sub> b<sub>j</sub>"
        "(o<sub>t+1</sub>) β<sub>t+1</sub>(j), p(O|λ) = Σ<sub>i</sub> α<sub>T</sub>(i), "
        "posterior γ<sub>t</sub>(i) = α<sub>t</sub>(i) β<sub>t</sub>(i) / p(O|λ). "
        "<b>Decoding</b> (Viterbi): δ<sub>t+1</sub>(j) = max<sub>i</sub> δ<sub>t</sub>(i) "
        "a<sub>ij</sub> b<sub>j</sub>(o<sub>t+1</sub>), ψ<sub>t+1</sub>(j) = argmax<sub>i</sub>"
        " δ<sub>t</sub>(i) a<sub>ij</sub>; backtrack from argmax δ<sub>T</sub>. "
        "<b>Learning</b> (Baum-Welch, EM): π<sub>i</sub> ∝ γ<sub>1</sub>(i), a<sub>ij</sub> ∝ "
        "Σ<sub>t</sub> ξ<sub>t</sub>(i,j), b<sub>j</sub>(k) ∝ Σ<sub>t: o<sub>t</sub>=k</sub> "
        "γ<sub>t</sub>(j); log p(O|λ) never decreases; A, B: fitted (true). t = 1…T; "
        "δ<sub>t</sub>(j) = max p(o<sub>1..t</sub>, i<sub>t</sub> = q<sub>j</sub>). Nodes: the "
        "chosen quantity, normalised per t; edges: each transition's share."
    )

    # -- construction -------------------------------------------------------------------
    def build(self) -> None:
        self.state = lab.empty_state(self.seed())
        self.result: lab.Result | None = None
        # the State's O is shared by every entry: only the Result's arrays count
        self.history: History = History(HISTORY_BYTES, sizeof=lambda entry: nbytes_of(entry[1]))
        self.dataset: Dataset | None = None
        c = self.c = HmmControls(
            self.controls,
            self.seed_box,
            self.make_playback,
            self.controls_scroll.fit_table,
            lambda form, params: ParamForm(
                params, form, self.undo_stack, self.lab_state, self._show_settings, self
            ),
        )
        # the widgets other tests and the main window reach for
        self.column_box, self.fit_playback = c.column_box, c.fit_playback
        self.trellis_playback = c.trellis_playback

        c.preset_box.activated.connect(lambda i: self.load_preset(lab.PRESETS[i]))
        c.states_box.valueChanged.connect(self._states_changed)
        for table, _, _ in c.tables.tables():
            table.itemChanged.connect(self._table_edited)
        c.normalise_button.clicked.connect(self.normalise_tables)
        c.save_button.clicked.connect(self._save_model_dialog)
        c.obs_edit.returnPressed.connect(self.use_typed)
        c.sample_button.clicked.connect(self.sample)
        self.seed_box.valueChanged.connect(self._reseed)
        c.column_box.activated.connect(lambda _: self._use_column())
        c.quantity_box.currentIndexChanged.connect(
            lambda: self._settings_changed(f"Shade by {c.quantity_box.currentText()}")
        )
        for box in c.path_boxes:
            box.toggled.connect(
                lambda on, box=box: self._settings_changed(
                    f"{'Show' if on else 'Hide'} {box.text()}"
                )
            )
        c.trellis_playback.sigStep.connect(self.step_time)
        c.trellis_playback.sigReset.connect(lambda: self.set_time_step(0))
        c.fill_button.clicked.connect(self.fill_all)
        c.fit_playback.sigStep.connect(self.step_fit)
        c.fit_playback.sigReset.connect(self.reset_fit)
        c.fit_button.clicked.connect(self.fit_restarts)
        c.time_scrubber.sigSeek.connect(self.set_time_step)
        self.fit_timeline = self.make_timeline(unit="iteration")
        self.fit_timeline.sigStepForward.connect(self.step_fit)
        c.fit_row.layout().addWidget(self.fit_timeline)

        self.step_label = QLabel()
        self.step_label.setWordWrap(True)
        self.step_label.setTextFormat(Qt.TextFormat.RichText)
        self.step_label.setContentsMargins(6, 0, 6, 0)
        self.body.insertWidget(1, self.step_label)
        self.trellis_view = TrellisView(
            self.figure.addPlot(row=0, col=0, colspan=3, title="Trellis"), self.font
        )
        self.trellis = self.trellis_view.plot
        self.trellis.scene().sigMouseClicked.connect(self._cell_clicked)
        self.posterior_view = PosteriorView(
            self.figure.addPlot(row=1, col=0, colspan=3, title="Posterior γ<sub>t</sub>(i)")
        )
        self.likelihood_view = LikelihoodView(
            self.figure.addPlot(row=2, col=0, title="Baum-Welch: log p(O | λ)")
        )
        self.model_view = ModelView(
            self.figure.addPlot(row=2, col=1, title="A: a<sub>ij</sub>"),
            self.figure.addPlot(row=2, col=2, title="B: b<sub>j</sub>(k)"),
        )
        layout = self.figure.ci.layout
        for row, stretch in enumerate((5, 3, 3)):
            layout.setRowStretchFactor(row, stretch)
        for col, stretch in enumerate((3, 2, 3)):
            layout.setColumnStretchFactor(col, stretch)
        self._syncing_range = False
        self._window_of: np.ndarray | None = None  # the O whose first columns were shown
        self.trellis.getViewBox().sigXRangeChanged.connect(self._trellis_range_changed)
        self.posterior_view.region.sigRegionChanged.connect(self._region_moved)
        self._redraw_timer = QTimer(self, singleShot=True, interval=30)
        self._redraw_timer.timeout.connect(self.trellis_view.draw_window)
        self.trellis_view.redraw_later = lambda: self.draw_in_turns(self.trellis_view.draw_window)
        self.c.preset_box.setCurrentIndex(0)
        self.show_state(self.state)

    # -- what the panel shows (tests and exports read these) ------------------------------
    @property
    def model(self) -> lab.Model:
        """λ on screen: the State's after its Baum-Welch iterations."""
        return self.result.model if self.result is not None else self.state.model

    @property
    def analysis(self) -> lab.Analysis | None:
        return self.trellis_view.analysis

    @property
    def obs(self) -> np.ndarray:
        return self.state.obs

    @property
    def T(self) -> int:
        return self.state.T

    @property
    def true_path(self) -> np.ndarray | None:
        return self.state.true_path

    @property
    def t_now(self) -> int:
        return self.state.t_now

    @property
    def back_from(self) -> int | None:
        return self.state.back_from

    @property
    def fit_curves(self) -> tuple[np.ndarray, ...]:
        return self.result.curves if self.result is not None else ()

    # -- State in, Result drawn ------------------------------------------------------------
    def lab_state(self) -> lab.State:
        return self.state

    def show_state(self, state: lab.State, start: lab.Result | None = None) -> None:
        """Draw ``state`` exactly: its Result is computed in the job (resumed from
        ``start``, a Result of the same run at an earlier iteration). At iteration 0 λ is
        the State's: the tables show it at once, the analysis follows."""
        if state.iteration == 0:
            self.state, self.result = state, None
            self._show_controls(state, state.model)
        self.job.run(_result_of, state, start, on_done=self._shown, label="Forward-backward")

    def _change(self, change: Callable[..., lab.State], *args, label: str) -> None:
        """The State ``change(*args)`` makes, computed with its Result in the job."""
        self.job.run(_made, change, *args, on_done=self._shown, label=label)

    def _shown(self, shown: tuple[lab.State, lab.Result]) -> None:
        state, result = shown
        if not self._same_run(state):
            self.history.clear()
        last = self.history.last
        if last is None or state.iteration > last[0]:
            self.record(state.iteration, state, replace(result, analysis=None))
        self.state, self.result = state, result
        self.trellis_view.state, self.trellis_view.result = state, result  # drawn in a turn
        if state.obs is not self._window_of:  # new observations: the first columns
            self._window_of = state.obs
            self.trellis_view.show_first_columns(state.T)
            self.posterior_view.plot.setXRange(-0.5, state.T - 0.5, padding=0.01)
        self.c.fit_label.setText(lab.fit_summary(state, result))
        self.update_timelines(state.iteration)
        # each part and its paint in a turn of its own: drawn at once, the controls, λ, the
        # trellis and the posteriors held the GUI thread ~130 ms at T = 100,000
        self.draw_in_turns(self._draw_model, self._draw_time, self._draw_posterior)
        if result.converged:
            self.c.fit_playback.pause()

    def _draw_model(self) -> None:
        """What λ changes: the controls, A and B, the Baum-Welch curves."""
        if self.result is not None:
            self._show_controls(self.state, self.result.model)
            self.likelihood_view.draw(self.result.curves, self.result.best)

    def _show_controls(self, state: lab.State, model: lab.Model) -> None:
        self.c.show(state, model)
        self.seed_box.blockSignals(True)
        self.seed_box.setValue(state.seed)
        self.seed_box.blockSignals(False)
        self.c.rebuild_symbol_buttons(
            model, self.append_symbol, self.pop_symbol, self.clear_observations
        )
        self.model_view.draw(model, lab.other_true_model(state, model))

    def _same_run(self, state: lab.State) -> bool:
        """True when ``state`` continues the run the history holds (same λ and O)."""
        first = self.history.at_or_before(0)
        return (
            first is not None and first[1][0].model is state.model and first[1][0].obs is state.obs
        )

    def _draw_time(self) -> None:
        """What the trellis' time step changes: the trellis and the line above it."""
        self.trellis_view.draw(self.state, self.result)
        self._redraw_timer.stop()  # a range change just before is drawn already
        self.step_label.setText(step_text(self.state, self.result))
        self.c.time_scrubber.show_position(self.state.time_step, self.state.last_time_step)
        self.board_selection = None  # the board follows the time step until a cell is clicked
        self.show_whiteboard(self.state, self.result)

    def _cell_clicked(self, event) -> None:
        """A click on a trellis cell: the whiteboard's recursions at that cell."""
        cell = self.trellis_view.cell_at(event.scenePos())
        if event.button() == Qt.MouseButton.LeftButton and cell is not None:
            self.select_on_board(cell)

    def _draw_posterior(self) -> None:
        self.posterior_view.draw(self.state, self.result)
        self._sync_region()

    # -- the State a change starts from ----------------------------------------------------
    def _base(self) -> lab.State:
        """λ on screen at iteration 0, with the controls' parameters and seed."""
        state = self.state.replace(seed=self.seed(), **self.c.parameters())
        return lab.rebased(state, self.result) if self.result is not None else state

    def clear_views(self) -> None:
        """No Baum-Welch curve and no fit result: they belong to other data or another λ."""
        self.c.fit_playback.pause()
        self.likelihood_view.draw((), 0)
        self.c.fit_label.setText("")

    # -- stepping through time -------------------------------------------------------------
    def set_time_step(self, step: int) -> None:
        """The trellis filled to column ``step`` (0..T-1), then backtracked (T..2T-1)."""
        state = self.state.replace(time_step=int(np.clip(step, 0, self.state.last_time_step)))
        self.state = state
        self.trellis_view.state = state
        self.trellis_view.follow(state.t_now if state.back_from is None else state.back_from)
        if state.time_step == state.last_time_step:
            self.c.trellis_playback.pause()
        self._draw_time()

    def step_time(self) -> None:
        """One column further; past the last column, one step of backtracking."""
        if self.analysis is not None:
            self.set_time_step(self.state.time_step + 1)

    def fill_all(self) -> None:
        self.set_time_step(self.state.last_time_step)

    # -- Baum-Welch ------------------------------------------------------------------------
    def _fit_input_ok(self) -> bool:
        try:
            self.state.fit_input()
        except ValueError as e:
            self.messages.error(str(e))
            return False
        return True

    def step_fit(self) -> None:
        """One E+M iteration from λ on screen."""
        if self.result is None or not self._fit_input_ok():
            self.c.fit_playback.pause()
            return
        state = self.state.replace(iteration=self.result.iteration + 1)
        self.show_state(state, start=self.result)

    def seek(self, position: int) -> None:
        """Show Baum-Welch iteration ``position`` of this run, resumed from the nearest
        kept iteration at or before it (only its analysis to compute when kept)."""
        state = self.state.replace(iteration=max(int(position), 0))
        before = self.history.at_or_before(state.iteration)
        self.show_state(state, start=before[1][1] if before is not None else None)

    def reset_fit(self) -> None:
        """A fresh random model (seeded) of the same size, and no curve."""
        self.show_state(lab.random_start(self._base()))
        self.messages.note(f"Random start, seed {self.seed()}: press Step EM or Play.")

    def fit_restarts(self) -> None:
        if not self._fit_input_ok():
            return
        self.c.fit_playback.pause()
        self.job.run(
            lab.fit_restarts,
            self._base(),
            on_step=self._fit_progress,
            on_done=self._fit_done,
            label="Baum-Welch restarts",
        )

    def _fit_progress(self, step: lab.FitStep) -> None:
        self.model_view.draw(step.model, self.state.reference)
        self.likelihood_view.draw(step.curves, step.best)
        restarts = self.c.restarts_box.value()
        self.c.fit_label.setText(f"restart {len(step.curves)} of {restarts}…")

    def _fit_done(self, fitted: lab.State) -> None:
        self.change_state(fitted, "Baum-Welch fit")

    # -- trellis window <-> region in the posterior plot -----------------------------------
    def _trellis_range_changed(self, *_) -> None:
        self._redraw_timer.start()
        self._sync_region()

    def _sync_region(self) -> None:
        if self._syncing_range:
            return
        self._syncing_range = True
        try:
            lo, hi = self.trellis.getViewBox().viewRange()[0]
            self.posterior_view.region.setRegion((lo, hi))
        finally:
            self._syncing_range = False

    def _region_moved(self) -> None:
        if self._syncing_range:
            return
        self._syncing_range = True
        try:
            lo, hi = self.posterior_view.region.getRegion()
            self.trellis.setXRange(lo, hi, padding=0)
        finally:
            self._syncing_range = False

    # -- export and demo -------------------------------------------------------------------
    def results_frame(self):
        """t, observation, Viterbi and posterior-decoded states, γ per state, true state."""
        if self.analysis is None:
            return None
        import pandas as pd  # not at start-up: the first panel drawn needs no pandas

        return pd.DataFrame(lab.results_table(self.state, self.result))

    def load_demo(self) -> None:
        """The casino: 300 rolls sampled, decoded, then Baum-Welch from 5 seeded random starts."""
        self.c.show_settings(self.state.replace(length=lab.State.length))
        self.load_preset(DEMO)
        self.job.sigFinished.connect(self._demo_fit)

    def _demo_fit(self) -> None:
        self.job.sigFinished.disconnect(self._demo_fit)
        self.fit_restarts()

    def heavy_job(self) -> None:
        """100,000 casino rolls: sampled, then forward-backward and Viterbi with δ and ψ."""
        self.c.show_settings(self.state.replace(length=HEAVY_LENGTH))
        self.load_preset(DEMO)
