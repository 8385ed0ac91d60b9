"""The SVM panel's points: presets and their seed, the demo, and a table's rows (columns or
principal components, two of its classes) put into the point editor, whose change refits.
A mixin of the panel."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker

from prmlab.data import Dataset
from prmlab.lab import svm as lab


class SvmData:
    """Loads points into ``self.editor`` (a ``PointEditor``) with their names."""

    def load_preset(self, name: str) -> None:
        preset = lab.preset(name, self.seed())
        self.clear_stale()
        self._dataset = None
        self._source = name
        self.data_controls.setVisible(False)
        with QSignalBlocker(self.preset_box):
            self.preset_box.setCurrentText(name)
        self._sticky_note = ""
        self._class_names, self._axis_names = lab.PRESET_CLASSES, lab.PRESET_AXES
        self.map_view.fill_legend(self._class_names)
        with QSignalBlocker(self.kernel_box):
            self.set_kernel(preset.kernel)
        self.update_enabled()
        self._set_points(preset.X, preset.labels, f"Preset {name}")

    def _new_sample(self) -> None:
        self._dataset = None
        self.seed_box.draw_new()  # its valueChanged loads the preset from the new seed

    def _reseed(self) -> None:
        """A seed typed (Enter, Tab) or drawn: a new sample of the preset shown."""
        if self._dataset is None:
            self.load_preset(self.preset_box.currentText())

    def load_demo(self) -> None:
        """Noisy moons, RBF, C = 10, γ = 2: a curved boundary, SVs both on and inside the margin."""
        self.show_controls(lab.demo(self.seed()))
        self.load_preset("Moons")

    def _set_points(self, X: np.ndarray, labels: np.ndarray, text: str) -> None:
        self.map_view.set_axes(self._axis_names)
        if len(X):
            x0, x1, y0, y1 = lab.points_range(X)
            self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
            self.map_view.forget_view()
        self.editor.set_data(X, labels, text=text)  # its sigChanged refits

    def set_dataset(self, dataset: Dataset) -> None:
        if dataset.y is None or len(np.unique(dataset.y)) < 2:
            self.messages.error(
                f"{dataset.name or 'This table'} has no class column with two or more classes; "
                "the SVM needs labelled points (choose a label column when opening the CSV)"
            )
            return
        if dataset.n_features < 2:
            self.messages.error(
                f"{dataset.name or 'This table'} has {dataset.n_features} numeric feature(s); "
                "the SVM panel needs at least two"
            )
            return
        self.clear_stale()
        self._dataset = dataset
        self._source = dataset.name or "Table"
        names = [str(c) for c in dataset.class_names] or [
            str(k) for k in range(int(dataset.y.max()) + 1)
        ]
        self.data_controls.show_table(dataset.name, dataset.n_samples, dataset.feature_names, names)
        self.data_controls.setVisible(True)
        self._classes_note = ""
        if len(names) > 2:
            self._classes_note = (
                f"{dataset.name or 'The table'} has {len(names)} classes ({', '.join(names[:6])}); "
                "the SVM separates two: choose which under Data (CSV)."
            )
        self._apply_dataset()

    def _apply_dataset(self) -> None:
        ds = self._dataset
        if ds is None:
            return
        choice = self.data_controls.choice()
        pca = choice.view == "pcs"
        cols, classes = (choice.x, choice.y), choice.classes
        if classes[0] == classes[1]:
            self.messages.error("Choose two different classes for −1 and +1")
            return
        if not pca and cols[0] == cols[1]:
            self.messages.error("Choose two different columns for x₁ and x₂, or use PCA")
            return
        points = lab.table_points(ds, cols, classes, pca, choice.standardise)
        notes = (self._classes_note, points.scale_note)
        self._sticky_note = " ".join(n for n in notes if n)
        boxes = self.data_controls.class_boxes
        self._class_names = (boxes[0].currentText(), boxes[1].currentText())
        self._axis_names = points.axis_names
        self.map_view.fill_legend(self._class_names)
        self._set_points(points.X, points.labels, f"Load {ds.name or 'table'}")
