"""The EM/GMM panel's data side: presets, tables and painted points become a State, the
model controls and the 2-D view edit it. A mixin of ``GmmPanel`` (it uses the panel's
``ui``, views, job and caches)."""

from __future__ import annotations

import numpy as np

from prmlab.data import Dataset
from prmlab.gui.panels.gmm.controls import data_fields
from prmlab.gui.panels.gmm.density import (
    DENSITY_SAMPLE,
    SCATTER_MAX,
    DensityView,
    density_view,
)
from prmlab.gui.panels.gmm.work import full_run
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

    def _adopt(self, state: gmm.State, undo_text: str | None = None) -> None:
        """Make ``state`` current with new data: editor, controls, caches, no results."""
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
        self._set_state(state, new_data=True)
        self.data_view.plot.enableAutoRange()

    def _set_state(self, state: gmm.State, new_data: bool = False) -> None:
        """``state`` with a new fit (data or model changed): no fit, restarts or criteria."""
        self.state = state
        self._experiment = None
        self.frame = None
        self._forget_steps()
        if new_data:
            self.X = gmm.fitted_data(state)
            n = len(self.X)
            self._show_idx = None
            if n > DENSITY_SAMPLE:
                rng = np.random.default_rng(0)
                self._show_idx = np.sort(rng.choice(n, DENSITY_SAMPLE, replace=False))
            drawn = (
                "" if n <= SCATTER_MAX else f", drawn as a density of {min(n, DENSITY_SAMPLE):,}"
            )
            name = state.dataset_name or "Points"
            self.ui.info_label.setText(f"{name}: {n:,} × {self.X.shape[1]}{drawn}")
        self.clear_views()
        self._show_method()
        if new_data:
            self._view_changed()

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
        self._run(full_run, self.state, END, self._layout, True, True, label="EM: demo")

    def heavy_job(self) -> None:
        """1,000,000 points, K=5, EM to convergence: data made and fitted in the worker."""
        self.load_preset(BIG_PRESET, then="fit")

    def load_preset(self, name: str, then: str | None = "reset") -> None:
        """Put a built-in data set on the plot, then ``"reset"`` (initialise), ``"fit"`` or
        nothing. Editable presets are one undo step; the large one is made in the worker."""
        keep = {k: v for k, v in self._fields().items() if k in ("method", "covariance_type")}
        keep |= {k: v for k, v in self._fields().items() if k in ("init", "reg_covar")}

        def use(state: gmm.State) -> None:
            self._adopt(state.replace(**keep), undo_text=f"Load {state.dataset_name}")
            self._then(then)

        if name == BIG_PRESET:
            self.playback.pause()
            self.job.run(gmm.preset, name, self.seed(), on_done=use, label="EM: generate data")
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
    def _view_changed(self) -> None:
        """The State's 2-D view: projected anew, drawn in a turn of its own."""
        self._projection = gmm.projection(self.state, self.X)
        self._shown, self._layout = None, None
        self.data_view.set_axis_names(self._projection.names)
        self._shown_points()
        # its own turn: a new data set (up to 10^6 points as a density) paints apart from
        # the first EM state that follows it
        self.draw_in_turns(self._draw_projected)

    def _draw_projected(self) -> None:
        self.draw_frame()
        self.data_view.plot.enableAutoRange()

    def _shown_points(self) -> np.ndarray:
        """The drawn sample in display coordinates, and its density layout when large."""
        if self._shown is None:
            X = self.X if self._show_idx is None else self.X[self._show_idx]
            self._shown = self._projection.project(X) if len(X) else np.empty((0, 2))
            self._layout = None
            if len(self._shown) > SCATTER_MAX:
                self._layout_token += 1
                self._layout = density_view(self._shown, self._show_idx, self._layout_token)
        return self._shown

    def density_view(self) -> DensityView | None:
        """The pixel layout of the drawn sample (None: few points, drawn as markers)."""
        self._shown_points()
        return self._layout


def fresh_fit() -> dict:
    """The State fields of a fit not started yet."""
    return {"position": 0, "restarts_shown": False, "criteria_shown": False}
