"""The changes a user makes to λ and O (presets, table edits, N, typed, clicked, sampled
and CSV observations), to the settings (T, restarts, max iterations, shading, paths: undoable)
and the model's export, as a part of the HMM panel."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtWidgets import QFileDialog

from prmlab.data import Dataset
from prmlab.gui.panels.hmm.controls import SETTINGS
from prmlab.gui.widgets.params import StateChange
from prmlab.gui.widgets.text import elide, set_combo_items
from prmlab.lab import hmm as lab


class UserEdits:
    """The HmmPanel's handlers of edits of λ and O: each makes a State from ``_base()``
    (λ on screen at iteration 0) and shows it."""

    # -- the settings ----------------------------------------------------------------------
    def _settings_changed(self, text: str) -> None:
        """The shaded quantity or a path shown: one undoable change, drawn now."""
        after = self.state.replace(**self.c.parameters())
        self.undo_stack.push(StateChange(self._show_settings, self.state, after, text))

    def _show_settings(self, state: lab.State) -> None:
        """``state``'s settings (T, restarts, max iterations: used by the next sample or
        fit; the shaded quantity and the paths: drawn now) on the State shown, whose data
        and result stay: a step or sample since the change is not undone with it."""
        self.state = self.state.replace(**{f: getattr(state, f) for f in SETTINGS})
        self.c.show_settings(self.state)
        self._draw_time()

    # -- the model -------------------------------------------------------------------------
    def load_preset(self, name: str, sample: bool = True) -> None:
        """One of the lab's presets into the tables; then sample a sequence from it."""
        self.clear_stale()
        self.c.preset_box.setCurrentText(name)
        state = lab.without_fit(lab.with_model(self._base(), lab.PRESET_MODELS[name]()))
        if sample:
            self._change(lab.sampled, state, label="Sampling and decoding")
        else:
            self.show_state(state)

    def _table_edited(self, _item=None) -> None:
        if self.c.tables.filling:
            return
        self.c.tables.mark_bad_rows()
        try:
            model = self.c.tables.model(self.model)
        except ValueError as e:
            self.messages.error(f"{e}. The last valid model is still in use.")
            return
        self.messages.clear()
        self.change_state(lab.with_model(self._base(), model), "Edit π, A, B")

    def normalise_tables(self) -> None:
        """Divide every probability row by its sum (negative or unreadable entries: 0)."""
        self.c.tables.normalise()
        self._table_edited()

    def _states_changed(self, n: int) -> None:
        self.c.preset_box.setCurrentIndex(-1)
        self.clear_views()  # the curves were the old model's
        self.change_state(lab.random_start(self._base(), int(n)), "States N")
        self.messages.note(f"A random model with {n} states (seed {self.seed()}): fit it to O.")

    # -- observations ----------------------------------------------------------------------
    def _observe(self, obs: np.ndarray, source: str) -> None:
        self.show_state(lab.with_observations(self._base(), obs, source))

    def use_typed(self) -> None:
        if self.model.kind != "symbols":
            self.messages.error("Typed observations need a model over symbols (pick a preset)")
            return
        try:
            obs = lab.parse_symbols(self.c.obs_edit.text(), self.model.symbols)
        except ValueError as e:
            self.messages.error(str(e))
            return
        self.messages.clear()
        self._observe(obs, "typed")

    def append_symbol(self, k: int) -> None:
        self._observe(np.append(self.obs, k).astype(np.int64), "clicked")

    def pop_symbol(self) -> None:
        if self.T > 1:
            self._observe(self.obs[:-1], "clicked")

    def clear_observations(self) -> None:
        self._observe(self.model.empty_observations(), "cleared")

    def sample(self) -> None:
        """Draw T observations and their hidden states from λ on screen (seeded)."""
        try:
            self.model.check()
        except ValueError as e:
            self.messages.error(str(e))
            return
        self._change(lab.sampled, self._base(), label="Sampling and decoding")

    def _reseed(self) -> None:
        """A seed typed (Enter, Tab): a sampled sequence is drawn again from it; a CSV
        column gets a new random start for Baum-Welch. Typed symbols stay as they are."""
        if self.state.source.startswith("sampled"):
            self.sample()
        elif self.dataset is not None:
            self.reset_fit()
        else:  # the seed of the next random start
            self.state = self.state.replace(seed=self.seed())

    def set_dataset(self, dataset: Dataset) -> None:
        """A CSV / built-in table: choose the column to decode in 'CSV column'."""
        if dataset.n_samples < 2:
            self.messages.error(f"{dataset.name or 'the data'} has fewer than 2 rows")
            return
        self.clear_stale()
        self.dataset = dataset
        set_combo_items(self.c.column_box, dataset.feature_names)
        self._use_column()

    def _use_column(self) -> None:
        ds = self.dataset
        if ds is None:
            return
        j = max(self.c.column_box.currentIndex(), 0)
        name = f"{elide(ds.name or 'CSV')}: column {elide(ds.feature_names[j])}"
        n = max(int(self.c.states_box.value()), 2)
        self.c.preset_box.setCurrentIndex(-1)
        self.clear_views()  # a fit of the previous observations is not this one's
        self.show_state(lab.from_column(self._base(), ds.X[:, j], name, n))
        self.messages.note(
            f"Loaded {name}: a random {n}-state model; 'Fit from random starts' learns λ."
        )

    def save_model(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(lab.model_dict(self.model), f, indent=2)
        self.messages.note(f"Model saved to {path}")

    def _save_model_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save model", "hmm_model.json", "JSON (*.json)")
        if path:
            try:
                self.save_model(path)
            except OSError as e:
                self.messages.error(f"Could not write {path}: {e}")
