"""The figures table of a comparison: one row per figure, the two sides side by side, the
better value in bold on a green tint, a value that differs without a better side in bold."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from prmlab.gui.widgets.colors import ACCEPT
from prmlab.gui.widgets.numbers import shown
from prmlab.lab.compare import Figure

BETTER_TINT = QColor(ACCEPT)
BETTER_TINT.setAlpha(70)  # a tint readable under dark and light text


def figure_text(value: float) -> str:
    """A figure as the table shows it ("—": the side has no such figure)."""
    return "—" if math.isnan(value) else shown(value, ".4g")


class FiguresTable(QTableWidget):
    """``show(titles, figures)``: the rows of a ``Pair``'s figures under the sides' titles."""

    def __init__(self) -> None:
        super().__init__(0, 3)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.setHorizontalHeaderLabels(("figure", "A", "B"))

    def show_figures(self, titles: tuple[str, str], figures: tuple[Figure, ...]) -> None:
        self.setHorizontalHeaderLabels(("figure", *titles))
        self.setRowCount(len(figures))
        for row, figure in enumerate(figures):
            self.setItem(row, 0, QTableWidgetItem(figure.name))
            for side, value in enumerate((figure.left, figure.right)):
                item = QTableWidgetItem(figure_text(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if figure.differs:
                    font = QFont(self.font())
                    font.setBold(figure.winner in (None, side))
                    item.setFont(font)
                if figure.winner == side:
                    item.setBackground(BETTER_TINT)
                    item.setToolTip(f"better ({figure.better} is better)")
                self.setItem(row, side + 1, item)

    def cell_text(self, row: int, col: int) -> str:
        """The text shown in a cell (tests, exports)."""
        item = self.item(row, col)
        return "" if item is None else item.text()
