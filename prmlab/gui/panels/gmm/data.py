"""The EM/GMM panel's data side: presets, tables and painted points become a State, the
model controls and the 2-D view edit it. A mixin of ``GmmPanel`` (it uses the panel's
``ui``, views, job and caches)."""

from __future__ import annotations

import numpy as np

from prmlab.data import Dataset
from prmlab.gui.panels.gmm.controls import data_fields
from prmlab.gui.panels.gmm.density import SCATTER_MAX, DensityView
from prmlab.gui.panels.gmm.work import Drawn, drawn_data, full_run, preset_drawn
from prmlab.gui.widgets.data_controls import DataChoice
from prmlab.gui.widgets.params import StateChange
from prmlab.lab import gmm

EDITABLE_MAX = 5_000  # 2-D data up to this size go into the point editor
BIG_PRESET = gmm.PRESETS[-1]
END = 2 * gmm.MAX_ITER  # a position past any run's end


class GmmData:
    """Data, parameters and the 2-D view of the EM/GMM panel."""

    def _fields(self) -> dict:
        return {**self.ui.read(), "seed": self.seed()}

    def _adopt(
        self, state: gmm.State, undo_text: str | None = None, drawn: Drawn | None = None
    ) -> None:
        """Make ``state`` current with new data (``drawn``: as the worker prepared them):
        editor, controls, caches, no results."""
        self.playback.pause()
        self.job.cancel()
        self.clear_stale()
        self.ui.show(state)
        self._show_seed(state.seed)
        table = not (state.X.shape[1] == 2 and len(state.X) <= EDITABLE_MAX)
        editor = self.data_view.editor
        editor.enabled = not table
        self.ui.edit_mode_box.setEnabled(not table)
        editor.blockSignals(True)  # refit once, not on the editor's signal
        if table or undo_text is None:
            editor.set_data(np.empty((0, 2)) if table else state.X, undoable=False)
        else:
            editor.set_data(state.X, text=undo_text)
        editor.blockSignals(False)
        self._set_state(state, new_data=True, drawn=drawn)
        self.data_view.plot.enableAutoRange()

    def _set_state(
        self, state: gmm.State, new_data: bool = False, drawn: Drawn | None = None
    ) -> None:
        """``state`` with a new fit (data or model changed): no fit, restarts or criteria."""
        self.state = state
        self._experiment = None
        self.frame = None
        self._forget_steps()
        if new_data:
            drawn = drawn or drawn_data(state, self._next_token())
            self.X, self._show_idx = drawn.X, drawn.idx
            n = len(self.X)
            drawn_as = "" if n <= SCATTER_MAX else f", drawn as a density of {len(drawn.points):,}"
            name = state.dataset_name or "Points"
            self.ui.info_label.setText(f"{name}: {n:,} × {self.X.shape[1]}{drawn_as}")
        self.clear_views()
        self._show_method()
        if new_data:
            self._view_changed(drawn)

    def _forget_steps(self) -> None:
        """A new fit: nothing to scrub back to."""
        self.history.clear()
        self.update_timelines()

    def clear_views(self) -> None:
        kmeans = self.ui.mode_box.currentIndex() == 1
        self.restarts_view.clear(kmeans)
        self.criteria_view.clear()

    # -- data -------------------------------------------------------------------------
    def load_demo(self) -> None:
        """Old Faithful, K=2: EM to convergence, 20 restarts and BIC/AIC for K = 1..6."""
        self.load_preset("Old Faithful", then=None)
        look = (self._layout, self._projection)
        self._run(full_run, self.state, END, *look, True, True, label="EM: demo")

    def heavy_job(self) -> None:
        """1,000,000 points, K=5, EM to convergence: data made and fitted in the worker."""
        self.load_preset(BIG_PRESET, then="fit")

    def load_preset(self, name: str, then: str | None = "reset") -> None:
        """Put a built-in data set on the plot, then ``"reset"`` (initialise), ``"fit"`` or
        nothing. Editable presets are one undo step; the large one is made in the worker."""
        keep = {k: v for k, v in self._fields().items() if k in ("method", "covariance_type")}
        keep |= {k: v for k, v in self._fields().items() if k in ("init", "reg_covar")}

        def use(state: gmm.State, drawn: Drawn | None = None) -> None:
            self._adopt(state.replace(**keep), f"Load {state.dataset_name}", drawn)
            self._then(then)

        if name == BIG_PRESET:
            self.playback.pause()
            args = (name, self.seed(), self._next_token())
            self.job.run(preset_drawn, *args, on_done=lambda r: use(*r), label="EM: generate data")
        else:
            use(gmm.preset(name, self.seed()))

    def set_dataset(self, dataset: Dataset) -> None:
        """A CSV or built-in table: fit in all its columns, show two features or two PCs."""
        if dataset.n_samples < 1 or dataset.n_features < 1:
            self.messages.error("The data set needs at least one row and one numeric column.")
            return
        fields = self._fields()
        state = gmm.State(
            np.ascontiguousarray(dataset.X, dtype=np.float64),
            feature_names=tuple(dataset.feature_names),
            dataset_name=dataset.name,
            **{k: fields[k] for k in ("method", "k", "covariance_type", "init", "reg_covar")},
            seed=fields["seed"],
        )
        self._adopt(state, undo_text=f"Load {dataset.name or 'points'}")
        self.reset()
        if self.messages.level() == "error":  # e.g. fewer rows than components: keep it shown
            return
        self.messages.note(
            f"{dataset.name or 'Data'}: {dataset.n_samples:,} rows × {dataset.n_features} "
            f"features, fitted in all of them. {dataset.notes_text()}"
        )

    def _then(self, then: str | None) -> None:
        if then == "fit":
            self.fit()
        elif then == "reset":
            self.reset()

    def _edit_mode_changed(self, index: int) -> None:
        mode = ("add", "spray", "erase")[index]
        if mode == "spray":  # a cloud a few percent of the view wide
            (x0, x1), (y0, y1) = self.data_view.plot.getViewBox().viewRange()
            self.data_view.editor.spray_radius = 0.04 * min(x1 - x0, y1 - y0)
        self.data_view.editor.set_mode(mode)

    def _edited(self) -> None:
        """The point editor changed (click, drag, spray, undo): refit from a fresh init."""
        if self.data_view.editor.enabled:
            points = np.ascontiguousarray(self.data_view.editor.points, dtype=np.float64)
            self._set_state(self.state.replace(X=points, means_init=None, **fresh_fit()), True)
            self.reset()

    def _data_chosen(self, choice: DataChoice) -> None:
        """The data controls changed: other columns or z-scores are a new fit (one undoable
        change); the view alone only redraws."""
        after = self.state.replace(**data_fields(choice, self.state.X.shape[1]))
        if after.columns == self.state.columns and after.standardise == self.state.standardise:
            self.state = after
            self.ui.show_data(after)  # a column not fitted falls back to a fitted one
            self._view_changed()
        else:
            self.change_state(after.replace(means_init=None, **fresh_fit()), "Columns")

    def _model_changed(self, *_) -> None:
        """A model control changed: one undoable change of the State (a reg_covar drag is
        shown live and pushed once, at release)."""
        fields = self._fields()
        after = self.state.replace(**fields, means_init=None, **fresh_fit())
        if self.ui.reg_slider.slider.isSliderDown():
            self._drag_start = self._drag_start or self.state
            self.show_state(after)
        else:
            self.change_state(after, "Change the model")

    def _drag_released(self) -> None:
        before, self._drag_start = self._drag_start, None
        if before is not None and not before.same_as(self.state):
            self.undo_stack.push(
                StateChange(self.show_state, before, self.state, "Change reg_covar", shown=True)
            )

    def _same_data(self, state: gmm.State) -> bool:
        """Whether ``state`` fits the data shown now (same points, columns and scaling)."""
        now = self.state
        return (
            (state.X is now.X or np.array_equal(state.X, now.X))
            and state.columns == now.columns
            and state.standardise == now.standardise
            and state.feature_names == now.feature_names
        )

    def _show_settings(self, state: gmm.State) -> None:
        """``state`` on the data shown now: its controls and a new fit, the zoom kept."""
        self.playback.pause()
        self.job.cancel()
        self.hide_transient()
        self.messages.clear()
        view = ("view", "x_feature", "y_feature")
        moved = any(getattr(state, f) != getattr(self.state, f) for f in view)
        self.ui.show(state)
        self._show_seed(state.seed)
        self._set_state(state)
        if moved:
            self._view_changed()

    def _show_seed(self, seed: int) -> None:
        self.seed_box.blockSignals(True)
        self.seed_box.setValue(seed)
        self.seed_box.blockSignals(False)

    def _runs_changed(self, *_) -> None:
        """How many restarts and up to which K: read when they run."""
        self.state = self.state.replace(
            n_runs=self.ui.runs_box.value(), k_max=self.ui.kmax_box.value()
        )

    def _show_method(self) -> None:
        kmeans = self.state.method == "kmeans"
        self.ui.set_method(kmeans)
        self.curve_view.set_method(kmeans)
        self.criteria_view.set_method(kmeans)
        self.restarts_view.clear(kmeans)

    # -- the 2-D view -------------------------------------------------------------------
    def _view_changed(self, drawn: Drawn | None = None) -> None:
        """The State's 2-D view (``drawn``: prepared with the data): projected anew, drawn
        in a turn of its own."""
        if drawn is None:
            drawn = drawn_data(self.state, self._next_token(), self.X, self._show_idx)
        self._projection, self._shown, self._layout = drawn.projection, drawn.points, drawn.layout
        self.data_view.set_axis_names(self._projection.names)
        # its own turn: a new data set (up to 10^6 points as a density) paints apart from
        # the first EM state that follows it
        self.draw_in_turns(self._draw_projected)

    def _draw_projected(self) -> None:
        self.draw_frame()
        self.data_view.plot.enableAutoRange()

    def _next_token(self) -> int:
        """A new density layout's token (a frame coloured for another one is recoloured)."""
        self._layout_token += 1
        return self._layout_token

    def density_view(self) -> DensityView | None:
        """The pixel layout of the drawn sample (None: few points, drawn as markers)."""
        return self._layout


def fresh_fit() -> dict:
    """The State fields of a fit not started yet."""
    return {"position": 0, "restarts_shown": False, "criteria_shown": False}
