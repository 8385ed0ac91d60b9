"""The HMM panel's tables of λ = (π, A, B): filled from a model, read back (cells that do
not parse are reported), rows that break the rules marked, rows normalised."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QSizePolicy, QTableWidget, QTableWidgetItem

from prmlab.lab import hmm as lab

BAD_CELL = QColor(213, 94, 0, 90)  # vermillion, faint: a row that breaks the rules


def shown_cell(x: float) -> str:
    """A table cell's text, at most 5 characters for 0.001 <= x < 1 so that it fits a narrow
    column (0.0417 -> 0.042); the exact value stays in the item's UserRole data."""
    text = f"{x:.3g}"
    return f"{x:.3f}" if len(text) > 5 and 1e-3 <= abs(x) < 1 else text


class ModelTables:
    """π, A and B as editable tables holding the exact values behind rounded texts."""

    def __init__(self, fit_table: Callable[[QTableWidget], None]) -> None:
        self._fit_table = fit_table  # sizes a table to its cells within the column
        self.pi = self._table(1)
        self.A = self._table(4)
        self.B = self._table(4)
        self.kind = "symbols"
        self.filling = False  # True while the tables are filled by the program

    @staticmethod
    def _table(rows: int) -> QTableWidget:
        table = QTableWidget(rows, 2)
        # Ignored: a table never widens the controls column (the figure keeps its room)
        table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        table.setMinimumWidth(120)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setMinimumSectionSize(44)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    def tables(self) -> list[tuple[QTableWidget, str, bool]]:
        """Each table, its name and whether its rows are probability distributions."""
        return [(self.pi, "π", True), (self.A, "A", True), (self.B, "B", self.kind == "symbols")]

    def fill(self, m: lab.Model) -> None:
        self.kind = m.kind
        b_cols = list(m.symbols) if m.kind == "symbols" else ["mean", "variance"]
        self.filling = True
        try:
            for table, rows, cols, values in (
                (self.pi, ["π"], list(m.states), m.startprob[None, :]),
                (self.A, list(m.states), list(m.states), m.transmat),
                (self.B, list(m.states), b_cols, m.B),
            ):
                table.setRowCount(len(rows))
                table.setColumnCount(len(cols))
                table.setVerticalHeaderLabels(rows)
                table.setHorizontalHeaderLabels(cols)
                for i in range(len(rows)):
                    for j in range(len(cols)):
                        self._set(table, i, j, float(values[i, j]))
                self._fit_table(table)
        finally:
            self.filling = False

    @staticmethod
    def _set(table: QTableWidget, i: int, j: int, value: float) -> None:
        item = table.item(i, j)
        if item is None:
            item = QTableWidgetItem()
            table.setItem(i, j, item)
        item.setText(shown_cell(value))
        item.setData(Qt.ItemDataRole.UserRole, value)

    @staticmethod
    def cells(table: QTableWidget) -> tuple[np.ndarray, list[tuple[int, int, str]]]:
        """The table's values (NaN where a cell is not a number) and those bad cells."""
        out = np.full((table.rowCount(), table.columnCount()), np.nan)
        bad = []
        for i in range(table.rowCount()):
            for j in range(table.columnCount()):
                item = table.item(i, j)
                text = item.text().strip() if item is not None else ""
                exact = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
                if exact is not None and text == shown_cell(exact):
                    out[i, j] = exact  # the full-precision value behind a rounded display
                    continue
                try:
                    out[i, j] = float(text)
                except ValueError:
                    bad.append((i, j, text))
        return out, bad

    def _read(self, table: QTableWidget, name: str) -> np.ndarray:
        out, bad = self.cells(table)
        if bad:
            i, j, text = bad[0]
            row = table.verticalHeaderItem(i).text()
            col = table.horizontalHeaderItem(j).text()
            raise ValueError(f"{name}[{row}, {col}]: {text!r} is not a number")
        return out

    def model(self, template: lab.Model) -> lab.Model:
        """``template`` with the tables' values, or ``ValueError`` naming the first problem."""
        pi = self._read(self.pi, "π")[0]
        return lab.checked_model(template, pi, self._read(self.A, "A"), self._read(self.B, "B"))

    def mark_bad_rows(self) -> None:
        """Tint each row that is not a probability distribution (or not numbers)."""
        self.filling = True
        try:
            for table, _, distributions in self.tables():
                for i, bad in enumerate(lab.bad_rows(self.cells(table)[0], distributions)):
                    for j in range(table.columnCount()):
                        table.item(i, j).setBackground(QBrush(BAD_CELL) if bad else QBrush())
        finally:
            self.filling = False

    def normalise(self) -> None:
        """Divide every probability row by its sum (negative or unreadable entries: 0)."""
        self.filling = True
        try:
            for table, _, distributions in self.tables():
                if distributions:
                    values = lab.normalised_rows(self.cells(table)[0])
                    for (i, j), x in np.ndenumerate(values):
                        self._set(table, i, j, float(x))
        finally:
            self.filling = False
