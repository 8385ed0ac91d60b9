"""The MCMC panel: controls -> ``lab.mcmc.State`` -> ``Experiment`` in the job -> views.

The panel holds the State its controls show, the Experiment (the live chains) and the
Result drawn. A Step (or a Play tick) advances the Experiment in the Job's worker; its steps
are committed only when they are complete, so a cancelled or failed step leaves the chains
as they were. Only this GUI thread draws.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt, QTimer

from prmlab.engine.mcmc.expression import parse
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.panels.mcmc.controls import LONG_RUN, Controls
from prmlab.gui.panels.mcmc.hooks import HISTORY_ENTRIES, StateHooks
from prmlab.gui.panels.mcmc.mc_views import (
    IMPORTANCE_TEXT,
    REJECTION_TEXT,
    ImportanceView,
    RejectionView,
)
from prmlab.gui.panels.mcmc.stats import STATS_PERIOD, ChainStatistics
from prmlab.gui.panels.mcmc.views import ChainsView
from prmlab.gui.panels.mcmc.work import Opened, long_run, open_experiment, rejection_run
from prmlab.lab import mcmc
from prmlab.lab.history import History

LONG_RUN_TRACE_PERIOD = 1.0  # s between trace redraws during a long run


# ---------------------------------------------------------------------------- the panel
class McmcPanel(StateHooks, ChainStatistics, BasePanel):
    name = "mcmc"
    title = "MCMC"
    state_class = mcmc.State
    explanation = (
        "<b>Metropolis-Hastings</b> (PRML §11.2): propose z* ~ Q(z*|z) = N(z, s²I), "
        "accept with α = min{1, p(z*) Q(z*→z) / (p(z) Q(z→z*))} = min{1, p(z*)/p(z)} "
        "(accepted and rejected proposals marked, see the legend). "
        "<b>Gibbs</b> (§11.3): z<sub>i</sub><sup>t+1</sup> ~ p(z<sub>i</sub> | z<sub>−i</sub>), one "
        "coordinate at a time (exact Gaussian conditionals, else a slice step). "
        "<b>HMC</b> (§11.5): momentum r ~ N(0, I), H(z, r) = −log p(z) + ‖r‖²/2 (p is only "
        "the target density), L leapfrog steps of size ε (dashed path), then accept with "
        "min{1, e<sup>H−H*</sup>}. "
        "<b>Diagnostics</b>: rank-normalised split R̂ and bulk ESS (Vehtari et al. 2021); "
        "flagged when R̂ &gt; 1.01 or the total bulk ESS is below 100 per chain (their rule: "
        "ESS &gt; 100 × chains)."
    )

    # -- construction -------------------------------------------------------------------
    def build(self) -> None:
        self.state = mcmc.State(seed=self.seed())
        self.experiment: mcmc.Experiment | None = None
        self.result: mcmc.Result | None = None
        self.lines: tuple[np.ndarray, ...] = ()
        self.summary: mcmc.Diagnostics | None = None
        self._summary_key: tuple | None = None
        self._results_taken = 0
        self._drag_before: mcmc.State | None = None  # the State a slider drag started from
        self._mc_result = None
        self._job_kind = ""
        self._stats_drawn = self._stats_started = 0.0
        self._stats_period = STATS_PERIOD
        self._partial: np.ndarray | None = None  # a long run's draws so far, to draw
        # one part per trace plot (made once: a part already waiting is not queued again)
        self._trace_parts = [functools.partial(self._draw_trace, k) for k in range(2)]
        self._diagnose_timer = QTimer(self, singleShot=True)
        self._diagnose_timer.timeout.connect(self._diagnose_in_worker)
        self._stats_timer = QTimer(self, singleShot=True)
        self._stats_timer.timeout.connect(self._draw_stats)
        self.playback = self.make_playback(step_text="Step", rate=4.0, max_rate=60.0)
        # Every step (or a long run's stations) as a State: any one re-runs exactly.
        self.history = History(HISTORY_ENTRIES, sizeof=lambda entry: 1)
        self.timeline = self.make_timeline(unit="step")
        self.form = Controls(self.controls, self.seed_box, self.playback, self.timeline)
        self.views = ChainsView(self.figure.ci.addLayout(row=0, col=0))
        self.rejection = RejectionView(self.figure.ci.addLayout(row=0, col=1))
        self.importance = ImportanceView(self.figure.ci.addLayout(row=0, col=2))
        self._connect()
        self._apply_view()

    def _connect(self) -> None:
        f, change = self.form, self._user_change
        f.preset_box.activated.connect(self._preset_chosen)
        f.expr_edit.returnPressed.connect(self.use_expression)
        f.box_spin.editingFinished.connect(self._box_changed)
        f.method_box.currentIndexChanged.connect(change("Method", self._method_changed))
        for w in (f.scale_slider, f.width_slider, f.eps_slider):
            w.slider.sliderPressed.connect(self._grab_before)
            w.slider.sliderReleased.connect(self._drag_done)
            w.valueChanged.connect(self._params_changed)
        f.leap_spin.valueChanged.connect(self._params_changed)
        f.chains_spin.valueChanged.connect(change("Chains", self.restart))
        self.seed_box.valueChanged.connect(change("Seed", self.restart))
        f.per_tick.currentIndexChanged.connect(change("Steps per tick", self._read_controls))
        self.playback.sigStep.connect(self.step)
        self.timeline.sigStepForward.connect(self.step)
        self.playback.sigReset.connect(change("Reset", lambda: self.restart(x0=None)))
        self.playback.sigPlayingChanged.connect(
            lambda on: None if on else self.refresh_diagnostics()
        )
        f.long_button.clicked.connect(lambda: self.run_long(LONG_RUN))
        f.burn_spin.valueChanged.connect(change("Burn-in", self._kept_changed))
        f.thin_spin.valueChanged.connect(change("Thin", self._kept_changed))
        f.view_box.currentIndexChanged.connect(change("View", self._show_view))
        for w in (f.mc_n, f.mc_sd):
            w.valueChanged.connect(change("Monte Carlo proposals", self._mc_changed))
        f.mc_button.clicked.connect(self.run_monte_carlo)
        self.views.map.plot.scene().sigMouseClicked.connect(self._clicked)
        self.views.map.plot.scene().sigMouseMoved.connect(self._hover_chain)

    # -- what tests and exports read ----------------------------------------------------
    @property
    def view(self) -> mcmc.TargetView | None:
        return None if self.experiment is None else self.experiment.target

    @property
    def n_steps(self) -> int:
        """Draws per chain so far (the start is draw 0)."""
        return 0 if self.result is None else self.result.steps + 1

    @property
    def chains(self) -> np.ndarray:
        return self.result.chains

    def _read_controls(self) -> None:
        self.state = self.form.read(self.state)

    # -- the target and new chains ------------------------------------------------------
    def _preset_chosen(self, index: int) -> None:
        name = self.form.preset_box.itemText(index)
        if name == mcmc.CUSTOM:
            self.form.expr_edit.setFocus()
            return
        self.form.expr_edit.setText(mcmc.EXPRESSIONS[name])
        self.load(mcmc.restarted(self.state, target=name, expression=mcmc.EXPRESSIONS[name]))

    def use_expression(self) -> None:
        """Check the typed expression on the GUI thread; compile it in the worker."""
        text = self.form.expr_edit.text()
        try:
            parse(text)
        except ValueError as exc:
            self._expression_error(str(exc))
            return
        self.load(mcmc.restarted(self.state, target=mcmc.CUSTOM, expression=text))

    def _expression_error(self, message: str) -> None:
        kept = f" (keeping {self.view.label})" if self.view is not None else ""
        self.form.show_error(message + kept)
        self.messages.error(message + kept)

    def _box_changed(self) -> None:
        box = float(self.form.box_spin.value())
        if self.view is not None and self.view.is_expression:
            self.load(mcmc.restarted(self.state, box=box))
        else:  # kept for the next typed expression
            self.state = self.state.replace(box=box)

    def load(self, state: mcmc.State, then: Callable[[], None] | None = None) -> None:
        """Show ``state``: its target built and its chains run in the worker, then drawn."""
        self.playback.pause()
        self._run(
            "open", open_experiment, state, self.view, self.lines,
            on_done=lambda opened: self._opened(opened, then),
            on_error=self._expression_error if state.target == mcmc.CUSTOM
            else self.messages.error,
            label="Compiling the target" if state.steps == 0 else "Running the chains",
        )  # fmt: skip

    def _opened(self, opened: Opened, then: Callable[[], None] | None = None) -> None:
        new_target = self.view is None or self.view.key != opened.experiment.target.key
        self.experiment, self.lines = opened.experiment, opened.lines
        self.form.expr_error.hide()
        self.form.show(self.experiment.state)
        if new_target:
            self.messages.clear()
            view = self.experiment.target
            if view.edge_warning():
                self.messages.warning(view.edge_warning())
            self.views.draw_target(view, self.lines)
            self.rejection.map.draw_target(view, self.lines)
            self.importance.map.draw_target(view, self.lines)
        self._took(self.experiment.result)
        self._fresh_history()
        self._apply_view()
        if then is not None:
            then()

    def restart(self, **changes: object) -> None:
        """New chains of the same target (new seed, start, count or method)."""
        if self.experiment is None:
            return
        self.job.cancel()
        self.playback.pause()
        state = mcmc.restarted(self.form.read(self.state), **changes)
        try:
            self._took(self.experiment.adopt(state))
        except ValueError as exc:
            self.messages.error(str(exc))
            return
        self._fresh_history()

    def _method_changed(self) -> None:
        self.form.enable_params()
        self.restart(method=self.form.method())

    def _params_changed(self) -> None:
        """A new step size etc. continues the same chains with the new setting (once the
        running step is committed, if one runs); one undoable change (a drag at release)."""
        before = self.state
        self.state = mcmc.with_params(self.form.read(self.state), **self.form.params())
        if self.experiment is not None and not self.job.running:
            self.experiment.adopt(self.state)
        if self._drag_before is None:
            self._undoable(before, "Sampler parameter")

    def _drag_done(self) -> None:
        before, self._drag_before = self._drag_before, None
        if before is not None:
            self._undoable(before, "Sampler parameter")

    def _hover_chain(self, scene_pos) -> None:
        """The cursor near a chain's point or last proposal: the whiteboard shows that chain's
        step."""
        k = self.views.map.chain_near(self.result, scene_pos)
        if k is not None:
            self.select_on_board(k)

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.views.layout.isVisible():
            return
        vb = self.views.map.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()) or self.view is None:
            return
        p = vb.mapSceneToView(event.scenePos())
        point = np.array([p.x(), p.y()])
        if not self.view.inside(point):
            self.messages.warning(
                f"p = 0 at ({point[0]:.3g}, {point[1]:.3g}): start inside the support"
            )
            return
        before = self.state
        self.restart(x0=point)
        self._undoable(before, "Start point")

    # -- stepping -----------------------------------------------------------------------
    def _run(self, kind: str, fn, *args, **kwargs) -> None:
        self._job_kind = kind
        self.job.run(fn, *args, **kwargs)

    def _room(self, n: int) -> bool:
        if self.experiment.room(n):
            return True
        self.playback.pause()
        self.messages.warning(
            f"The chains hold {self.n_steps:,} steps (at most {mcmc.MAX_STEPS:,}); press Reset."
        )
        return False

    def step(self) -> None:
        """Advance every chain by the steps per tick, in the worker."""
        if self.experiment is None:
            return
        if self.job.running:
            if self._job_kind != "diagnose":
                return
            self.job.cancel()  # a step matters more than a pending table
        n = self.state.steps_per_tick
        if self._room(n):
            self._run(
                "step", self.experiment.iter_advance, n,
                on_done=self._advanced, on_error=self._sampling_failed, label="MCMC step",
            )  # fmt: skip

    def run_long(self, n_steps: int = LONG_RUN) -> None:
        """``n_steps`` more steps in the worker with progress; diagnostics computed there."""
        if self.experiment is None or not self._room(n_steps):
            return
        self.playback.pause()
        self._run(
            "long", long_run, self.experiment, n_steps, self.state,
            on_step=self._long_step, on_done=self._long_done,
            on_error=self._sampling_failed, label=f"Sampling {n_steps:,} steps",
        )  # fmt: skip

    def _sampling_failed(self, message: str) -> None:
        """The chains stay where they were (nothing was committed); stop playing."""
        self.playback.pause()
        self.messages.error(message)

    def _advanced(self, result: mcmc.Result) -> None:
        start = self.result.steps
        # Settings changed while the worker ran apply from now on.
        self.state = mcmc.with_params(self.form.read(self.experiment.state), **self.form.params())
        self._took(self.experiment.adopt(self.state))
        self._record_run(start, self.result.steps)

    def _long_done(self, done: tuple) -> None:
        result, summary = done
        self._advanced(result)
        self.summary, self._summary_key = summary, self._kept_key()
        self.redraw(force=True)

    def _took(self, result: mcmc.Result) -> None:
        """Show the experiment's new ``result``."""
        if result is not self.result:
            self._results_taken += 1  # the diagnostics are of the result shown
        self.result, self.state = result, self.experiment.state
        self.redraw(force=result.steps == 0)
        self.show_whiteboard(self.state, result)

    def _long_step(self, progress: mcmc.Progress) -> None:
        """Partial draws of a long run: paths and traces only (diagnostics come at the end)."""
        self.views.map.draw_paths(progress.parts[-1] if progress.parts else progress.head)
        if time.perf_counter() - self._stats_drawn > max(LONG_RUN_TRACE_PERIOD, self._stats_period):
            self._stats_drawn = time.perf_counter()
            self._partial = progress.chains()
            self.draw_in_turns(*self._trace_parts)

    # -- Monte Carlo views --------------------------------------------------------------
    def _show_view(self) -> None:
        self._read_controls()
        self._apply_view()

    def _apply_view(self) -> None:
        """Show the State's view (the chains, rejection or importance sampling)."""
        index = mcmc.VIEWS.index(self.state.view)
        for i, view in enumerate((self.views, self.rejection, self.importance)):
            view.layout.setVisible(i == index)
        self.figure.ci.layout.invalidate()
        texts = (self.explanation, REJECTION_TEXT, IMPORTANCE_TEXT)
        self.explanation_label.setText(texts[index])
        if index and self.view is not None:
            self.run_monte_carlo()

    def _mc_changed(self) -> None:
        self._read_controls()
        if self.form.view_box.currentIndex():
            self.run_monte_carlo()

    def run_monte_carlo(self) -> None:
        """Rejection or importance sampling of the target with q = N(box centre, diag(sd²))."""
        index = self.form.view_box.currentIndex()
        if self.view is None or index == 0:
            return
        fn = rejection_run if index == 1 else mcmc.importance
        self._run(
            "monte carlo", fn, self.view, self.state,
            on_done=self._draw_monte_carlo, label="Monte Carlo",
        )  # fmt: skip

    def _draw_monte_carlo(self, result) -> None:
        if isinstance(result, tuple):
            self._mc_result = result[0]
            self.rejection.draw(self.view, *result)
            if result[0].warning():
                self.messages.warning(result[0].warning())
        else:
            self._mc_result = result
            self.importance.draw(self.view, result)

    # -- BasePanel hooks ----------------------------------------------------------------
    def load_demo(self) -> None:
        """The banana with random-walk MH from four dispersed starts, 2,000 steps."""
        state = mcmc.preset("Banana", seed=self.seed()).replace(burn_in=200)
        self.form.show(state)
        self.state = state
        self.load(state, then=lambda: self.run_long(2000))

    def heavy_job(self) -> None:
        """The banana, 8 chains of HMC, 100k steps each."""
        state = mcmc.restarted(
            self.form.read(self.state), target="Banana", expression=mcmc.EXPRESSIONS["Banana"],
            method="hmc", n_chains=mcmc.MAX_CHAINS,
        )  # fmt: skip
        self.form.show(state)
        self.load(state, then=lambda: self.run_long(LONG_RUN))

    def results_frame(self) -> pd.DataFrame | None:
        """The chains (chain, step, x, y, accepted, kept by burn-in/thinning); in the rejection
        or importance view, that view's proposals with their u / weights instead."""
        view = mcmc.VIEWS[self.form.view_box.currentIndex()]
        table = mcmc.monte_carlo_table(view, self._mc_result)
        if table is not None:
            return pd.DataFrame(table)
        if self.result is None:
            return None
        return pd.DataFrame(mcmc.chains_table(self.state, self.result, self.view.label))

    def clear_views(self) -> None:
        self.views.map.clear()
