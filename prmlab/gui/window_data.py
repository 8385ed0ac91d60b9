"""Data into the main window: the CSV dialog, ``--data``, built-in sets and dropped files,
handed to every panel at once; the current panel's message bar says which took them."""

from __future__ import annotations

import inspect

from PySide6.QtWidgets import QFileDialog

from prmlab.data import Dataset, DatasetError
from prmlab.data.builtin import BUILTIN
from prmlab.gui.panels import PANELS
from prmlab.gui.panels.base import BasePanel
from prmlab.gui.sessions import is_session_file

# compressed tables too (prmlab.data.csv reads gzip, bzip2, xz and one-file ZIPs)
CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".gz", ".bz2", ".xz", ".zip")
TABLE_FILTER = f"Tables ({' '.join('*' + s for s in CSV_SUFFIXES)})"


class DataMixin:
    """``MainWindow``'s data part: loads, the broadcast to the panels, drag and drop."""

    def open_csv(self, path: str | None = None) -> Dataset | None:
        """Show the CSV dialog (asking for a file first when ``path`` is None)."""
        from prmlab.gui.widgets.csv_dialog import CsvDialog

        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Open CSV", self._last_dir(), f"{TABLE_FILTER};;All files (*)"
            )
            if not path:
                return None
        self._remember_dir(path)
        dialog = CsvDialog(path, self)
        if not dialog.exec() or dialog.dataset is None:
            return None
        self.set_dataset(dialog.dataset)
        return dialog.dataset

    def load_data_file(self, path: str) -> Dataset | None:
        """Load a CSV without the dialog (``--data``); a failure is shown, data stay as they were."""
        from prmlab.data.csv import load_csv

        try:
            dataset = load_csv(path)
        except DatasetError as exc:
            self.current_panel().messages.error(f"Could not load {path}: {exc}")
            return None
        self.set_dataset(dataset)
        return dataset

    def load_builtin(self, key: str) -> None:
        """Open a built-in dataset; generated ones use the session's seed (``--seed``)."""
        make = BUILTIN[key]
        seeded = "seed" in inspect.signature(make).parameters
        self.set_dataset(make(seed=self.context.seed) if seeded else make())

    def set_dataset(self, dataset: Dataset) -> None:
        """Hand ``dataset`` to every panel (each built now if it was not); the current panel's
        message bar says which took it and which could not, and why."""
        refused: dict[str, str] = {}
        for name, entry in PANELS.items():
            panel = self.panel(name)
            self._demo_loaded.add(name)  # the user's data replaces the demo
            why = _refusal(panel, dataset)
            if why:
                refused[entry.title] = why
        self._say_who_took(dataset, refused)
        if len(refused) < len(PANELS):
            self._show_data_shape(dataset)

    def _show_data_shape(self, dataset: Dataset) -> None:
        classes = f", {len(dataset.class_names)} classes" if dataset.y is not None else ""
        self.data_label.setText(
            f"{dataset.name or 'Data'}: {dataset.n_samples:,} rows × {dataset.n_features} "
            f"features{classes}"
        )

    def _say_who_took(self, dataset: Dataset, refused: dict[str, str]) -> None:
        took = [e.title for e in PANELS.values() if e.title not in refused]
        text = f"{dataset.name or 'The data'} is in {', '.join(took) or 'no panel'}."
        if refused:
            text += " Not used by " + "; ".join(f"{t} ({why})" for t, why in refused.items())
        if dataset.notes:  # what the loader detected, skipped and dropped: said here too
            text += (". " if refused else " ") + dataset.notes_text()
        panel = self.current_panel()
        if panel.title in refused:
            panel.messages.error(text)
        else:
            panel.messages.note(text)

    def dragEnterEvent(self, event) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            if is_session_file(path):
                self.sessions.open(path)
            else:
                self.open_csv(path)

    @staticmethod
    def _dropped_file(event) -> str | None:
        """The first dropped local table or session file."""
        for url in event.mimeData().urls():
            path = url.toLocalFile() if url.isLocalFile() else ""
            if path.lower().endswith(CSV_SUFFIXES) or is_session_file(path):
                return path
        return None


def _refusal(panel: BasePanel, dataset: Dataset) -> str:
    """Hand ``dataset`` to ``panel``; why it could not take it ("" if it did).

    A panel refuses data with an error in its message bar, or (by default) does not use
    tables at all.
    """
    if type(panel).set_dataset is BasePanel.set_dataset:
        return "it does not use table data"
    panel.messages.clear()  # a message of the old data is not this one's answer
    panel.set_dataset(dataset)
    return panel.messages.text() if panel.messages.level() == "error" else ""
