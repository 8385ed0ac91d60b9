"""The graph's potentials as two editable tables: ψᵢ(xᵢ) per node and ψ(x_u, x_v) per edge
(the potentials themselves, not their logs). An edit is reported as text; the panel asks the
lab for the new State, which checks it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
)

UNARY_COLUMNS = ("ψ(0)", "ψ(1)")
PAIR_COLUMNS = ("ψ(0,0)", "ψ(0,1)", "ψ(1,0)", "ψ(1,1)")


def _format(psi: float) -> str:
    return f"{psi:.3g}"


class PotentialTable(QTableWidget):
    """One table of potentials; ``sigEdited(row, column, text)`` when the user changes a
    cell (not when ``show_values`` fills it)."""

    sigEdited = Signal(int, int, str)

    def __init__(self, columns: tuple[str, ...]) -> None:
        super().__init__(0, len(columns))
        self.setHorizontalHeaderLabels(list(columns))
        # Ignored: a table never widens the controls column (the figure keeps its room);
        # the column's fit_table gives it its rows' height and its columns' least widths
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(120)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.itemChanged.connect(self._changed)

    def show_values(self, names: list[str], values: np.ndarray) -> None:
        """Fill the table: one row per name, ``values (rows, columns)`` (potentials)."""
        with QSignalBlocker(self):
            self.setRowCount(len(names))
            self.setVerticalHeaderLabels(names)
            for r, row in enumerate(values):
                for c, v in enumerate(row):
                    item = self.item(r, c)
                    if item is None:
                        self.setItem(r, c, QTableWidgetItem(_format(v)))
                    else:
                        item.setText(_format(v))

    def _changed(self, item: QTableWidgetItem) -> None:
        self.sigEdited.emit(item.row(), item.column(), item.text())


def parse_potential(text: str) -> float:
    """The number typed in a cell, or a ValueError saying what to type."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise ValueError(
            f"a potential must be a number > 0, got {text!r}; type e.g. 0.5 or 2"
        ) from None
