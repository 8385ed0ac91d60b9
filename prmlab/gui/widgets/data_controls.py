"""The data controls of a panel that uses table data: which columns, the 2-D view (two
columns or the first two PCs), standardising and the classes. One widget, shared by the
SVM, PCA and EM/GMM panels; the numbers (z-scores, PCs) come from ``prmlab.lab.table``."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from prmlab.gui.widgets.text import elide, name_tip, set_combo_items

VIEW_TEXTS = {"features": "Two columns", "pcs": "First two principal components"}


@dataclass(frozen=True)
class DataChoice:
    """What the user chose: the fitted ``columns`` (empty: all), the 2-D ``view``
    ("features": columns ``x`` and ``y``; "pcs"), z-scores or not, and ``classes`` (one
    class index per class box)."""

    columns: tuple[int, ...] = ()
    view: str = "features"
    x: int = 0
    y: int = 1
    standardise: bool = False
    classes: tuple[int, ...] = ()


class DataControls(QGroupBox):
    """Emits ``sigChanged(DataChoice)`` once per user change; ``show_table`` and
    ``set_choice`` fill it without emitting (a new table, undo, a session)."""

    sigChanged = Signal(object)

    def __init__(
        self,
        *,
        columns: bool = False,
        views: bool = True,
        class_labels: Sequence[str] = (),
        title: str = "Data (CSV)",
        parent: QWidget | None = None,
    ) -> None:
        """``columns``: a checkable list of the fitted columns; ``views``: the 2-D view rows
        (a panel that always shows principal components, as PCA's, has none);
        ``class_labels``: one class box per label ("Class −1", "Class +1" for a two-class
        SVM)."""
        super().__init__(title, parent)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        form.addRow(self.summary)
        self.column_list: QListWidget | None = None
        if columns:
            self.column_list = QListWidget()
            self.column_list.setToolTip("The columns the model uses (tick at least one)")
            self.column_list.setMaximumHeight(110)
            form.addRow("Columns", self.column_list)
            self.column_list.itemChanged.connect(self._emit)
        self.view_box = QComboBox()
        for view, text in VIEW_TEXTS.items():
            self.view_box.addItem(text, view)
        self.view_box.setToolTip("Plot two columns, or the first two principal components")
        self.x_box, self.y_box = QComboBox(), QComboBox()
        form.addRow("View", self.view_box)
        form.addRow("x₁ column", self.x_box)
        form.addRow("x₂ column", self.y_box)
        for box in (self.view_box, self.x_box, self.y_box):
            form.setRowVisible(box, views)
        self.class_boxes = [QComboBox() for _ in class_labels]
        for label, box in zip(class_labels, self.class_boxes):
            form.addRow(label, box)
        self.standardise_box = QCheckBox("Standardise (z-scores)")
        self.standardise_box.setToolTip(
            "Centre each column and divide it by its standard deviation"
        )
        form.addRow(self.standardise_box)
        for box in (self.view_box, self.x_box, self.y_box, *self.class_boxes):
            # long column names must not widen the control column
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(8)
            box.currentIndexChanged.connect(self._emit)
        self.standardise_box.toggled.connect(self._emit)
        self._names: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # shown in boxes
        self._update_enabled()

    # -- what the panel tells it ---------------------------------------------------------
    def show_table(
        self,
        name: str,
        n_rows: int,
        feature_names: Sequence[str],
        class_names: Sequence[str] = (),
        choice: DataChoice | None = None,
    ) -> None:
        """A table's columns and classes, with ``choice`` selected (default: the first
        columns and classes, all columns fitted). The same names again keep their items: a
        panel shows the State a change of these controls made while their signal runs."""
        names = (tuple(feature_names), tuple(class_names))
        if names != self._names:
            self._names = names
            self._fill(feature_names, class_names)
        self.summary.setText(
            f"<b>{html.escape(elide(name or 'Table'))}</b>: {n_rows:,} rows, "
            f"{len(feature_names)} columns"
            + (f", {len(class_names)} classes" if class_names else "")
        )
        default = DataChoice(
            y=min(1, len(feature_names) - 1),
            classes=tuple(
                min(i, max(len(class_names) - 1, 0)) for i in range(len(self.class_boxes))
            ),
        )
        self.set_choice(choice or default)

    def _fill(self, feature_names: Sequence[str], class_names: Sequence[str]) -> None:
        blockers = self._blockers()
        for box in (self.x_box, self.y_box):
            set_combo_items(box, feature_names)
        for box in self.class_boxes:
            set_combo_items(box, class_names)
        if self.column_list is not None:
            self.column_list.clear()
            for column in feature_names:
                item = QListWidgetItem(elide(column))
                item.setToolTip(name_tip(column))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                self.column_list.addItem(item)
        del blockers

    def set_choice(self, choice: DataChoice) -> None:
        """Select ``choice`` without emitting."""
        blockers = self._blockers()
        self.view_box.setCurrentIndex(max(self.view_box.findData(choice.view), 0))
        self.x_box.setCurrentIndex(choice.x)
        self.y_box.setCurrentIndex(choice.y)
        for box, index in zip(self.class_boxes, choice.classes):
            box.setCurrentIndex(index)
        self.standardise_box.setChecked(choice.standardise)
        if self.column_list is not None:
            fitted = set(choice.columns) or set(range(self.column_list.count()))
            for row in range(self.column_list.count()):
                state = Qt.CheckState.Checked if row in fitted else Qt.CheckState.Unchecked
                self.column_list.item(row).setCheckState(state)
        del blockers
        self._update_enabled()

    def choice(self) -> DataChoice:
        """What the controls show now."""
        checked = self._checked()
        all_columns = self.column_list is None or len(checked) == self.column_list.count()
        columns = () if all_columns else checked
        return DataChoice(
            columns=columns,
            view=self.view_box.currentData(),
            x=max(self.x_box.currentIndex(), 0),
            y=max(self.y_box.currentIndex(), 0),
            standardise=self.standardise_box.isChecked(),
            classes=tuple(max(box.currentIndex(), 0) for box in self.class_boxes),
        )

    # -- inside --------------------------------------------------------------------------
    def _blockers(self) -> list[QSignalBlocker]:
        widgets = [self.view_box, self.x_box, self.y_box, self.standardise_box, *self.class_boxes]
        if self.column_list is not None:
            widgets.append(self.column_list)
        return [QSignalBlocker(w) for w in widgets]

    def _checked(self) -> tuple[int, ...]:
        if self.column_list is None:
            return ()
        rows = range(self.column_list.count())
        on = Qt.CheckState.Checked
        return tuple(r for r in rows if self.column_list.item(r).checkState() == on)

    def _update_enabled(self) -> None:
        columns = self.view_box.currentData() == "features"
        self.x_box.setEnabled(columns)
        self.y_box.setEnabled(columns)

    def _emit(self, *_) -> None:
        self._update_enabled()
        if self.column_list is not None and self.column_list.count() and not self._checked():
            # no column is not a model: the x₁ column stays ticked
            self.set_choice(replace(self.choice(), columns=(self.x_box.currentIndex(),)))
        self.sigChanged.emit(self.choice())
