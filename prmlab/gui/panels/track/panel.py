"""Tracking: draw a path, watch a Kalman filter, an RTS smoother and a particle filter follow it.

The panel holds one ``prmlab.lab.track.State`` and the ``Experiment`` of its run. A change of
path, model, noise or dropouts computes a new run in the Job's worker (``lab.iter_run``); the
timeline (with Step back), Step, Play, the cursor and the view switches only move the State's
time ``t`` or redraw over the stored run, so scrubbing back and forth costs no filtering.
Path and dropout edits are undoable.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QHBoxLayout, QWidget

from prmlab.data import Dataset
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.panels.track.controls import TrackControls
from prmlab.gui.panels.track.views import (
    C_TRUTH,
    ConsistencyView,
    EssView,
    RmseView,
    TrackView,
)
from prmlab.gui.widgets import colors
from prmlab.lab import track as lab

if TYPE_CHECKING:
    import pandas as pd

PATH_FIELDS = ("truth", "measured", "source")


class _SetFields(QUndoCommand):
    """One undo step: some fields of the State (the path, the dropouts)."""

    def __init__(self, panel: TrackPanel, old: dict, new: dict, text: str) -> None:
        super().__init__(text)
        self.panel, self.old, self.new = panel, old, new

    def redo(self) -> None:
        self.panel.apply(**self.new)

    def undo(self) -> None:
        self.panel.apply(**self.old)


class TrackPanel(BasePanel):
    name = "track"
    title = "Tracking"
    state_class = lab.State
    explanation = (
        "<b>Linear dynamical system</b> (PRML §13.3): "
        "z<sub>t</sub> = F z<sub>t-1</sub> + w, w ~ N(0, Q); x<sub>t</sub> = H z<sub>t</sub> + v, "
        "v ~ N(0, R). <b>Kalman predict</b>: m⁻ = F m, P⁻ = F P Fᵀ + Q. "
        "<b>Update</b>: S = H P⁻ Hᵀ + R, K = P⁻ Hᵀ S⁻¹, m = m⁻ + K (x − H m⁻), "
        "P = (I − K H) P⁻ (I − K H)ᵀ + K R Kᵀ (Joseph form). Large q trusts the measurements, "
        "large R trusts the model; during a dropout only the prediction runs and the 95 % "
        "ellipses (χ²₂ contour, 2.45σ) grow. <b>RTS smoother</b>: G = P Fᵀ (P⁻)⁻¹, m<sup>s</sup> = m + G (m<sup>s</sup>"
        "<sub>t+1</sub> − F m). <b>Particle filter (SIR)</b>: z<sup>i</sup> ~ p(z<sub>t</sub> | "
        "z<sup>i</sup><sub>t-1</sub>), w<sup>i</sup> ∝ p(x<sub>t</sub> | z<sup>i</sup>) "
        "w<sup>i</sup><sub>t-1</sub>, resample when ESS = 1/Σ w² &lt; threshold·N. "
        "<b>Consistency</b>: NEES (z − m)ᵀP⁻¹(z − m) uses the <i>true</i> state z, position "
        "block only (2 × 2 of m and P), so it follows χ²(2); NIS yᵀS⁻¹y with the innovation "
        "y = x − H m⁻ follows χ²(dim x) = χ²(2); both when the filter is consistent. "
        "<b>Range-bearing</b>: the Kalman filter gets each beacon's range and bearing converted "
        "to a position, averaged, with an averaged R (a converted-measurement filter, not an "
        "EKF); the particle filter weighs the raw ranges and bearings."
    )

    # -- construction -------------------------------------------------------------------
    def build(self) -> None:
        self.state = lab.State(seed=self.seed())
        self.experiment: lab.Experiment | None = None
        self._csv: tuple[np.ndarray, str] | None = None
        self._regions: list[pg.LinearRegionItem] = []
        c = self.c = TrackControls(self.controls, self.seed_box, self.make_param_form)
        self.steps_box = c.steps_box  # other tests and the bench reach for it
        c.preset_box.activated.connect(lambda _i: self.load_preset())
        c.steps_box.editingFinished.connect(self._steps_changed)
        c.draw_check.toggled.connect(self._draw_toggled)
        c.csv_role_box.activated.connect(lambda _i: self._use_csv())
        c.add_dropout_button.clicked.connect(lambda: self.add_dropout())
        c.clear_dropouts_button.clicked.connect(self.clear_dropouts)
        for box in c.model_boxes:
            box.currentIndexChanged.connect(self._controls_changed)
        for box in c.view_boxes:
            box.toggled.connect(self._controls_changed)
        self.seed_box.valueChanged.connect(self._controls_changed)

        self.playback = self.make_playback(step_text="Step t", rate=12.0)
        self.playback.sigStep.connect(self.step)
        self.playback.sigReset.connect(lambda: self.set_time(0))
        self.playback.sigPlayingChanged.connect(self._playing_changed)
        self.controls.addWidget(self.playback)
        # every time step of a run is kept (the particle cloud within lab.MAX_CLOUD): the
        # timeline scrubs over all of them, Step back and Shift+Left included
        self.timeline = self.make_timeline(unit="t")
        self.timeline.label.hide()  # the time label says more (▼: resampled)
        self.timeline.sigStepForward.connect(self.step)
        self.scrubber = self.timeline.slider
        self.scrubber.setToolTip("Time scrubber: the drawn time step")
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(c.time_label, 0, Qt.AlignmentFlag.AlignTop)  # beside the slider
        lay.addWidget(self.timeline, 1)
        self.controls.addWidget(row)

        self.track_view = TrackView(self.figure)
        # a click on a measurement: its time step (the whiteboard's Kalman step with it)
        self.figure.scene().sigMouseClicked.connect(self._step_clicked)
        self.track_view.view.on_stroke = self._stroke
        self.ess_view = EssView(self.figure)
        self.ess_view.cursor.sigPositionChanged.connect(
            lambda line: self.set_time(round(line.value()))
        )
        self.consistency_view = ConsistencyView(self.figure, self.ess_view.plot)
        self.rmse_view = RmseView(self.figure)
        layout = self.figure.ci.layout
        layout.setColumnStretchFactor(0, 3)
        layout.setColumnStretchFactor(1, 2)
        self._show_controls(self.state)

    @property
    def run(self) -> lab.Run | None:
        """The run drawn now (None before the first)."""
        return self.experiment.run if self.experiment is not None else None

    @property
    def t(self) -> int:
        return self.state.t

    # -- State in, picture out ----------------------------------------------------------
    def lab_state(self) -> lab.State | None:
        return self.state if self.state.n_steps else None

    def show_state(self, state: lab.State) -> None:
        """Draw ``state`` exactly: over the stored run if only ``t`` or a view switch
        changed, else after computing its run in the job."""
        self.state = state
        self._show_controls(state)
        if self.experiment is not None and self.experiment.adopt(state):
            self.state = self.experiment.state
            self._draw_time()
            return
        try:
            lab.check(state)
        except ValueError as exc:
            self.messages.error(str(exc))
            return
        self.job.run(
            lab.iter_run, state, on_done=partial(self._computed, state), label="Filtering track"
        )

    def apply(self, **changes: Any) -> None:
        """Show the State with ``changes`` (no undo entry); a new run that replaces one shown
        at its last step is shown at its own last step."""
        state = self.state.replace(**changes)
        run = self.run
        if "t" not in changes and run is not None and self.state.t >= run.n_steps - 1:
            state = state.replace(t=max(state.n_steps - 1, 0))
        self.show_state(state)

    def _push(self, new: dict, text: str) -> None:
        """Change the fields ``new`` as one undo step."""
        old = {name: getattr(self.state, name) for name in new}
        self.undo_stack.push(_SetFields(self, old, new, text))

    def _show_controls(self, state: lab.State) -> None:
        self.c.show(state)
        if self.seed_box.value() != state.seed:
            self.seed_box.blockSignals(True)
            self.seed_box.setValue(state.seed)
            self.seed_box.blockSignals(False)
        self._show_regions(state.dropouts)

    def _controls_changed(self, *_args: object) -> None:
        self.apply(**self.c.read(), seed=self.seed())

    def _computed(self, state: lab.State, run: lab.Run) -> None:
        if not state.run_key().same_as(self.state.run_key()):
            return  # a newer State asked for another run
        self.experiment = lab.Experiment(self.state, run)
        self.state = self.experiment.state
        if run.notes:
            self.messages.warning(" ".join(run.notes))
        elif self.messages.level() in ("error", "warning"):
            self.messages.clear()
        for region in self._regions:
            region.setBounds((0, run.n_steps - 1))
        self.track_view.draw_frame(run)
        self._draw_time()
        self.draw_in_turns(self._draw_series, self._draw_rmse)

    # -- time ------------------------------------------------------------------------------
    def set_time(self, t: int) -> None:
        """Show the run at time ``t`` (clamped)."""
        if self.experiment is None or int(t) == self.state.t:
            return
        self.experiment.run_to(int(t))
        self.state = self.experiment.state
        self._draw_time()

    def seek(self, position: int) -> None:
        self.set_time(position)

    def step(self) -> None:
        run = self.run
        if run is None:
            return
        if self.state.t < run.n_steps - 1:
            self.set_time(self.state.t + 1)
        if self.state.t >= run.n_steps - 1:
            self.playback.pause()

    def _playing_changed(self, on: bool) -> None:
        # Play at the last step replays from the start
        run = self.run
        if on and run is not None and self.state.t >= run.n_steps - 1:
            self.set_time(0)

    # -- drawing ---------------------------------------------------------------------------
    def _draw_time(self) -> None:
        """Everything that depends on the drawn time ``t``."""
        result = self.experiment.result
        T = result.run.n_steps
        self.timeline.set_positions(range(T), result.t)
        self.c.show_time(result.t, T, result.resampled)
        self.ess_view.show_time(result.t)
        self.track_view.draw_time(result, self.state)
        self.show_whiteboard(self.state, result)

    def _step_clicked(self, event) -> None:
        t = self.track_view.step_near(self.run, event.scenePos())
        if event.button() == Qt.MouseButton.LeftButton and t is not None:
            self.set_time(t)

    def _draw_series(self) -> None:
        if self.run is not None:
            self.ess_view.draw(self.run)
            self.consistency_view.draw(self.run)

    def _draw_rmse(self) -> None:
        if self.run is not None:
            self.rmse_view.draw(self.run)

    # -- the path ----------------------------------------------------------------------------
    def set_source(self, truth: np.ndarray | None, measured: np.ndarray | None, name: str) -> None:
        """Set the path (or a CSV's measurements) as one undo step."""
        self._push({"truth": truth, "measured": measured, "source": name}, name)

    def load_preset(self, name: str | None = None) -> None:
        label = name or self.c.preset_box.currentText()
        self.c.preset_box.setCurrentText(label)
        preset = lab.preset(label, self.seed(), self.steps_box.value())
        self.set_source(preset.truth, None, preset.source)

    def _steps_changed(self) -> None:
        steps = self.steps_box.value()
        if self.state.truth is not None and steps != self.state.n_steps:
            resampled = lab.resampled_steps(self.state, steps)
            self.set_source(resampled.truth, None, self.state.source)

    def _draw_toggled(self, on: bool) -> None:
        self.track_view.view.draw_enabled = on

    def _stroke(self, points: np.ndarray, finished: bool) -> None:
        self.track_view.draw_stroke(points)
        if not finished:
            return
        self.track_view.draw_stroke(None)
        try:
            drawn = lab.drawn_path(self.state, points, self.steps_box.value())
        except ValueError:
            self.messages.note("Drag farther to draw a path.")
            return
        self.set_source(drawn.truth, None, drawn.source)

    def set_dataset(self, dataset: Dataset) -> None:
        """A measured track: two position columns (x, y), optionally a time column."""
        try:
            self._csv = lab.track_from_table(dataset.X, dataset.feature_names, dataset.name)
        except ValueError as exc:
            self.messages.error(str(exc))
            return
        self._use_csv()

    def _use_csv(self) -> None:
        """Apply the last CSV track in the role chosen: measurements, or the true path."""
        if self._csv is None:
            return
        xy, note = self._csv
        if self.c.csv_role_box.currentIndex() == 0:
            self.messages.note(
                note + ": filtering it as measurements (no ground truth, so no RMSE or "
                "NEES; 'CSV track is: the true path' simulates noisy measurements instead)."
            )
            new = {"truth": None, "measured": xy, "source": note, "measurement": "position"}
            self._push(new, note)
        else:
            self.messages.note(note + ": used as the true path; measurements are simulated.")
            self.set_source(xy, None, note)

    # -- dropouts ----------------------------------------------------------------------------
    def add_dropout(self) -> None:
        """Add a draggable stretch of steps without measurements (one undo step)."""
        T = self.state.n_steps or self.steps_box.value()
        spans = self.state.dropouts
        self._push({"dropouts": (*spans, lab.new_dropout(T, len(spans)))}, "Add dropout")

    def clear_dropouts(self) -> None:
        self._push({"dropouts": ()}, "Clear dropouts")

    def dropouts(self) -> tuple[tuple[float, float], ...]:
        """The stretches the regions on the ESS plot show."""
        return tuple(tuple(float(v) for v in r.getRegion()) for r in self._regions)

    def _region_moved(self) -> None:
        if self.dropouts() != self.state.dropouts:
            self._push({"dropouts": self.dropouts()}, "Move dropout")

    def _show_regions(self, spans: tuple) -> None:
        if self.dropouts() == tuple(spans):
            return
        plot = self.ess_view.plot
        for region in self._regions:
            plot.removeItem(region)
        self._regions.clear()
        for t0, t1 in spans:
            region = pg.LinearRegionItem((t0, t1), brush=pg.mkBrush(colors.color(C_TRUTH, 60)))
            region.setZValue(-10)
            region.setToolTip("No measurements here: drag the region or its edges")
            region.sigRegionChangeFinished.connect(lambda _r: self._region_moved())
            plot.addItem(region)
            self._regions.append(region)

    # -- hooks -----------------------------------------------------------------------------
    def load_demo(self) -> None:
        """A figure-8 with a dropout: the ellipses grow, the smoother bridges the gap."""
        self.c.preset_box.setCurrentText("Figure-8")
        demo = lab.demo(self.seed(), self.steps_box.value())
        self.show_state(demo.replace(**self.c.read()))

    def heavy_job(self) -> None:
        self.c.particles_slider.setValue(50_000)
        self.load_demo()

    def results_frame(self) -> pd.DataFrame | None:
        import pandas as pd  # not at start-up: pandas takes ~0.3 s to import

        return None if self.run is None else pd.DataFrame(lab.export_columns(self.run))
