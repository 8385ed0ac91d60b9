"""PCA: the direction of maximum variance, projection and reconstruction; probabilistic PCA by
EM beside its closed form; Fisher's direction against PCA's first axis; many-column tables.

The panel holds the current ``prmlab.lab.pca.State``, its ``Experiment`` and ``Result``. Every
data change (a click, each mouse move of a drag, a preset, a table) builds the Experiment in
the worker (PCA, Fisher, the p-PCA closed form and all EM frames); the GUI thread only draws,
so Step / Play, the timeline and your line walk through numbers that are already computed.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker

from prmlab.data import Dataset
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.panels.pca.controls import HOVER_HINT, PcaControls
from prmlab.gui.panels.pca.data_view import DataView
from prmlab.gui.panels.pca.explanation import EXPLANATION
from prmlab.gui.panels.pca.table_view import TableView
from prmlab.gui.panels.pca.views import EmView, HistogramView, ScreeView
from prmlab.gui.widgets.data_controls import DataChoice
from prmlab.gui.widgets.params import StateChange
from prmlab.lab import pca
from prmlab.lab.history import History


class PcaPanel(BasePanel):
    name = "pca"
    title = "PCA"
    explanation = EXPLANATION
    state_class = pca.State

    def build(self) -> None:
        self.state = pca.preset(pca.EMPTY_PRESET, seed=self.seed())
        self.experiment = pca.Experiment(self.state)
        self.result: pca.Result | None = None
        # at most EM_MAX_ITER + 1 positions of one data set (a new data set clears it): a few
        # KB of W per position for a table, within History's byte budget
        self.history = History(sizeof=pca.frame_bytes)
        self._show_last_frame = False  # the demo opens on EM's last frame
        self._fit_view_next = False  # new data: frame them once the analysis arrives
        self._dragging = False  # a mouse gesture is moving points: redraw the data plot only
        self._refit_waiting = False  # a drag moved points while a fit ran: refit when it ends
        self._showing = False  # show_state is putting a State's points into the editor
        self._angle_before: pca.State | None = None  # the State before your line's gesture

        self.ui = ui = PcaControls(self.controls, self.seed_box)
        self.playback = self.make_playback(step_text="Step EM", rate=8.0)
        self.timeline = self.make_timeline(unit="iteration")
        ui.add_em_rows(self.playback, self.timeline)
        self.data_view = DataView(self.figure, self.undo_stack, self.set_angle)
        self.table_view = TableView(self.data_view)
        self.transient(self.table_view.hover_text)
        self.scree_view = ScreeView(self.figure)
        self.em_view = EmView(self.figure)
        self.hist_view = HistogramView(self.figure)
        layout = self.figure.ci.layout
        layout.setColumnStretchFactor(0, 3)
        layout.setColumnStretchFactor(1, 2)

        self.editor = self.data_view.editor
        self.editor.install_delete_shortcut(self)
        self.editor.sigChanged.connect(self._points_changed)
        self.editor.sigEditFinished.connect(self._gesture_finished)
        self.figure.scene().sigMouseMoved.connect(self._hover)
        self.seed_box.valueChanged.connect(self._reseed)
        ui.preset_box.textActivated.connect(self.load_preset)
        ui.tool_box.currentIndexChanged.connect(
            lambda i: self.editor.set_mode(("add", "spray", "erase")[i])
        )
        ui.angle_slider.valueChanged.connect(self.set_angle)
        ui.angle_slider.slider.sliderReleased.connect(self._angle_settled)
        self.data_view.handle.sigPositionChangeFinished.connect(self._angle_settled)
        ui.snap_button.clicked.connect(self._snap)
        for box in (ui.axes_check, ui.proj_check, ui.fisher_check, ui.biplot_check):
            box.toggled.connect(self._view_changed)
        for spin in (ui.pc_x, ui.pc_y):
            spin.valueChanged.connect(self._view_changed)
        ui.hist_box.currentIndexChanged.connect(self._view_changed)
        ui.data_controls.sigChanged.connect(self._data_chosen)
        self.playback.sigStep.connect(self.step_em)
        self.playback.sigReset.connect(self.reset_em)
        self.timeline.sigStepForward.connect(self.step_em)
        ui.end_button.clicked.connect(self.jump_to_end)
        self.sigRunFinished.connect(self._refit_if_waiting)
        self._set_table_mode(False)

    @property
    def analysis(self) -> pca.Analysis | None:
        """What is drawn: PCA, Fisher and p-PCA of the current data (None: under 2 points)."""
        return None if self.result is None else self.result.analysis

    # -- the State ----------------------------------------------------------------------------
    def lab_state(self) -> pca.State:
        return self.state

    def show_state(self, state: pca.State) -> None:
        """Draw ``state`` exactly: its data, settings, your line and EM position. A State of
        the data shown (undo of a view, your line) is drawn at once from their analysis."""
        self._angle_before = None
        if self.analysis is None or self.job.running or not state.same_analysis(self.state):
            self._load(state, undo_text="")
            return
        self.playback.pause()
        self.ui.show(state)
        em_only = state.same_as(self.state.replace(iteration=state.iteration))
        self.state = state
        self.result = self.experiment.result_at(state.iteration)
        self.state = state.replace(iteration=self.result.iteration)
        newest = self.history.positions[-1] if len(self.history) else -1
        if self.result.iteration > newest:
            self._record_to(self.result.iteration)
        else:
            self.update_timelines(self.result.iteration)
        if em_only and not self._dragging:  # compare mode's tick: the rest is drawn already
            self._draw_em()
        else:
            self.redraw()

    def _load(self, state: pca.State, undo_text: str) -> None:
        """New data: the controls follow ``state``; points go into the editor (one undo step
        when ``undo_text``), then the worker analyses them."""
        self.playback.pause()
        self.clear_stale()
        self.state = state
        self.ui.show(state)
        with QSignalBlocker(self.seed_box):
            self.seed_box.setValue(state.seed)
        self._set_table_mode(state.table)
        self._fit_view_next = len(state.X) > 0
        if not len(state.X):  # a blank canvas: first clicks must not zoom onto themselves
            self.data_view.fit_view(state.X)
        if state.table:
            self._refit()
        elif undo_text:
            self.editor.set_data(state.X, state.labels, text=undo_text)  # refits
        else:
            self._showing = True
            self.editor.set_data(state.X, state.labels, undoable=False)
            self._showing = False
            self._refit()

    # -- data in ----------------------------------------------------------------------------
    def load_demo(self) -> None:
        """Two labelled clusters: PCA's axis runs along them, Fisher's across; EM to the end."""
        self.load_preset("Two clusters")
        self._show_last_frame = True

    def heavy_job(self) -> None:
        self.load_preset("Wine (13 columns)")

    def load_preset(self, name: str) -> None:
        """Put a preset on the plot (one undo step) or open a built-in table."""
        self._load(pca.preset(name, self.seed()), undo_text=f"Preset: {name}")
        if not len(self.state.X):
            self.messages.note("Click to add points (right click: class B), or spray a cloud.")

    def set_dataset(self, dataset: Dataset) -> None:
        """A CSV or built-in table: 2 columns become editable points, more a projection."""
        try:
            state = pca.from_dataset(dataset, self.seed())
        except ValueError as exc:
            self.messages.error(str(exc))
            return
        self._load(state, undo_text=f"Open {dataset.name or 'data'}")
        name = dataset.name or "Data"
        self.messages.note(
            f"{name}: {dataset.n_samples:,} rows × {dataset.n_features} columns. "
            f"{dataset.notes_text()}"
        )

    def _reseed(self) -> None:
        """A new seed: a new sample of the point preset shown, else a new EM start."""
        if not self.state.table and self.state.preset in pca.POINT_PRESETS:
            self.load_preset(self.state.preset)
        else:
            self.change_state(self.state.replace(seed=self.seed()), "Seed")

    def _data_chosen(self, choice: DataChoice) -> None:
        """A table's columns or z-scores: one undo step (the analysis is computed again)."""
        fields = {"columns": choice.columns, "standardise": choice.standardise}
        self.change_state(self.state.replace(**fields), "Table columns")

    def _points_changed(self) -> None:
        if self._showing or self.state.table:
            return
        # a change is "in a gesture" until sigEditFinished; clicks and undo finish at once
        self._dragging = True
        self.state = self.state.replace(X=self.editor.points, labels=self.editor.labels)
        self._refit()

    def _gesture_finished(self) -> None:
        if self._dragging:
            self._dragging = False
            if not self.job.running:  # the last frame was drawn light: complete it
                self.redraw()

    def _refit(self) -> None:
        """Analyse the current State in the worker (the newest request wins)."""
        state = self.state
        if len(state.X) < 2:
            self.job.cancel()
            self.experiment = pca.Experiment(state)
            self.result = None
            self.history.clear()
            self.update_timelines()
            self._clear_drawing()
            if len(state.X):
                self.messages.note("One point has no variance yet: add another.")
            return
        if self.messages.level() in ("warning", "error"):  # this run reports afresh
            self.messages.clear()
        if self._dragging and self.job.running:
            # a drag stays live: the fit running ends and is drawn, then the newest points
            # run (dropping it for each newer move drew nothing until the mouse paused)
            self._refit_waiting = True
            return
        self._refit_waiting = False
        self.job.run(pca.Experiment, state, on_done=self._received, label="PCA")

    def _refit_if_waiting(self) -> None:
        if self._refit_waiting:
            self._refit()

    def _received(self, experiment: pca.Experiment) -> None:
        if not (experiment.state.same_analysis(self.state) or self._refit_waiting):
            return  # the analysis of data replaced since (not a drag's: it is drawn)
        if self._show_last_frame:
            self._show_last_frame = False
            experiment.run_to_end()
        # views and your line may have changed while the worker ran: the panel's are current
        self.experiment = experiment
        self.result = experiment.result
        self.state = self.state.replace(iteration=self.result.iteration)
        self._record_to(self.result.iteration)
        if self._fit_view_next and not self.editor.gesture_active:
            self._fit_view_next = False  # never mid-gesture: spraying would zoom onto a blob
            a = self.result.analysis
            self.data_view.fit_view(a.scores[:, :2] if self.state.table else a.X)
        self.redraw()

    def _set_table_mode(self, on: bool) -> None:
        self.ui.set_table_mode(on)
        self.table_view.hover_text.setVisible(False)
        self.data_view.set_mode(on, self.state.feature_names)

    # -- EM positions and the timeline ------------------------------------------------------
    def _record_to(self, position: int) -> None:
        """The history holds every EM position of these data up to ``position``."""
        self.history.clear()
        for p in range(position + 1):
            self.history.record(p, (self.state.replace(iteration=p), self.experiment.result_at(p)))
        self.update_timelines(position)

    def _show_iteration(self, position: int) -> None:
        self.result = self.experiment.result_at(position)
        self.state = self.state.replace(iteration=self.result.iteration)
        self._draw_em()

    def step_em(self) -> None:
        """One EM iteration forward (frames are computed with the analysis)."""
        r = self.result
        if r is None or r.frame is None or r.iteration >= r.last:
            self.playback.pause()
            return
        self._show_iteration(r.iteration + 1)
        position = self.result.iteration
        if self.history.get(position) is None:
            self.record(position, self.state, self.result)
        else:
            self.update_timelines(position)
        if position >= r.last:
            self.playback.pause()

    def reset_em(self) -> None:
        if self.result is not None:
            self._show_iteration(0)
            self.update_timelines(0)

    def jump_to_end(self) -> None:
        self.playback.pause()
        if self.result is not None and self.result.frame is not None:
            self._show_iteration(self.result.last)
            self._record_to(self.result.last)

    def seek(self, position: int) -> None:
        """The timeline's EM position: every frame is computed, so any one shows at once."""
        self.playback.pause()
        if self.result is not None:
            self._show_iteration(position)

    # -- your direction and the views --------------------------------------------------------
    def set_angle(self, degrees: float) -> None:
        """Turn your line to ``degrees`` (taken modulo 180): live while the handle or the
        slider is dragged, one undo step when it settles."""
        angle = float(degrees) % 180.0
        if self._angle_before is None:
            self._angle_before = self.state
        self.state = self.state.replace(angle=angle)
        if abs(self.ui.angle_slider.value() - angle) > 1e-9:
            self.ui.angle_slider.setValue(angle)
        self._draw_direction()
        if self.state.histogram == "Your line":
            self._draw_histogram()
        if not (self.ui.angle_slider.slider.isSliderDown() or self.data_view.handle_dragging):
            self._angle_settled()

    def _angle_settled(self) -> None:
        before, self._angle_before = self._angle_before, None
        if before is not None and before.angle != self.state.angle:
            text = f"Your line = {self.state.angle:.1f}°"
            self.undo_stack.push(StateChange(self.show_state, before, self.state, text, shown=True))

    def _snap(self) -> None:
        a = self.analysis
        if a is not None and not self.state.table:
            self.set_angle(pca.angle_of(a.pca.components_[0]))
            self.data_view.place_handle()

    def _view_changed(self) -> None:
        """A view switch is one undo step; nothing is computed again."""
        self.change_state(self.state.replace(**self.ui.view_values()), "View")

    # -- drawing -----------------------------------------------------------------------------
    def clear_views(self) -> None:
        """Nothing of the previous data: points of a table, biplot names, curves, notes."""
        self.result = None
        self._clear_drawing()
        self.ui.hover_label.setText(HOVER_HINT)

    def _clear_drawing(self) -> None:
        self.data_view.clear()
        self.table_view.clear()
        self.scree_view.clear()
        self.em_view.clear()
        self.hist_view.clear()
        self.ui.clear_texts()

    def redraw(self) -> None:
        """Draw the current Result; while a drag moves points, or a drag's newer points wait
        to be fitted, only the data plot follows (the side charts catch up with the drag's
        last fit), so 2,000 points keep 30+ frames/s."""
        a, s = self.analysis, self.state
        if a is None:
            return self._clear_drawing()
        points = None if s.table else a
        self.data_view.draw_axes(points, s.show_axes)
        self.data_view.draw_fisher(points, s.show_fisher)
        self.ui.show_fisher(a)
        self._draw_direction()
        if self._dragging or self._refit_waiting:  # (newer points wait: they draw them)
            return
        self.scree_view.draw(a)
        self._draw_table()
        self._draw_em()
        self._draw_histogram()

    def _draw_direction(self) -> None:
        a = None if self.state.table else self.analysis
        line = self.data_view.draw_direction(a, self.state.angle, self.state.show_projections)
        self.ui.show_variance(line, a)

    def _draw_em(self) -> None:
        r = self.result
        if r is None or r.analysis is None:
            return
        plane = pca.components_shown(r.analysis, self.state) if self.state.table else None
        self.data_view.draw_em(r, plane)
        self.em_view.draw(r)
        self.ui.show_em(r)
        self.show_whiteboard(self.state, r)

    def _draw_table(self) -> None:
        if self.state.table:
            self.table_view.draw(self.analysis, self.state)
        else:
            self.table_view.clear()

    def _draw_histogram(self) -> None:
        a = self.analysis
        if a is None:
            return self.hist_view.clear()
        names = dict(enumerate(self.state.class_names))
        self.hist_view.draw(pca.histogram(a, self.state), names)

    def _hover(self, scene_pos) -> None:
        if self.state.table and self.analysis is not None:
            text = self.table_view.hover(scene_pos, self.state)
            if text is not None:
                self.ui.hover_label.setText(text)

    # -- export ------------------------------------------------------------------------------
    def results_frame(self):
        """Scores, loadings and explained variances (``prmlab.lab.pca.results_table``)."""
        a = self.analysis
        return None if a is None else pca.results_table(a, self.state)
