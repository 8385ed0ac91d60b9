"""Cross-check (issue #21): Tools > Cross-check (Ctrl+Shift+X) runs the reference library
on the current panel's State in a worker and shows each output's largest difference with
its verdict ("SVC dual objective vs scikit-learn: 9e-16 ✓").

A missing reference library is said in the dialog with the package to install
(``pip install prmlab[references]``); a State the check cannot use says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from prmlab.gui.jobs import Job
from prmlab.lab import crosscheck
from prmlab.lab._state import LabState

if TYPE_CHECKING:
    from prmlab.gui.main_window import MainWindow
    from prmlab.gui.panels.base import BasePanel

SHORTCUT = "Ctrl+Shift+X"
COLUMNS = ("Output", "Reference", "Largest difference", "Tolerance", "Verdict")


def install(window: MainWindow) -> None:
    """Tools > Cross-check… on ``window``: checks the current panel's State."""
    menu = window.menu("tools", "&Tools")
    window.crosscheck_dialog = None
    window.add_action(
        menu, "&Cross-check against the reference library…",
        lambda: open_for(window, window.current_panel()), SHORTCUT,
    )  # fmt: skip


def open_for(window: MainWindow, panel: BasePanel) -> CrossCheckDialog:
    """Show the cross-check dialog of ``panel``'s current State (one dialog, reused)."""
    dialog = window.crosscheck_dialog
    if dialog is None:
        dialog = window.crosscheck_dialog = CrossCheckDialog(window)
    dialog.check(panel)
    dialog.show()
    dialog.raise_()
    return dialog


def checked(state: LabState) -> list[crosscheck.Row] | str:
    """The rows of ``state``'s cross-check, or the advice to install a missing reference
    (run in the worker: the reference libraries import there too)."""
    try:
        return crosscheck.cross_check(state)
    except crosscheck.MissingReference as exc:
        return str(exc)


class CrossCheckDialog(QDialog):
    """A table of the rows (output, reference, largest difference, tolerance, verdict) and a
    status line; its own Job runs the check, so the panel's work goes on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cross-check")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 320)
        self.job = Job(self, on_error=self._failed, label="Cross-check")
        self.rows: list[crosscheck.Row] = []

    def check(self, panel: BasePanel) -> None:
        """Run the cross-check of ``panel``'s current State (a newer one replaces it)."""
        self.setWindowTitle(f"Cross-check: {panel.title}")
        self.job.monitor = panel.context.monitor
        self._show_rows([])
        state = panel.lab_state()
        if state is None:
            self.status.setText("Nothing to check yet: load data or a preset first.")
            return
        if state.TOPIC not in crosscheck.MODULES:
            self.status.setText(f"The {panel.title} panel has no cross-check yet.")
            return
        self.status.setText(f"Running the reference library on the {panel.title} State…")
        self.job.run(checked, state, on_done=self._done)

    def busy(self) -> bool:
        return self.job.running

    def _done(self, outcome: list[crosscheck.Row] | str) -> None:
        if isinstance(outcome, str):
            self.status.setText(outcome)
            return
        self._show_rows(outcome)
        failed = sum(not row.passed for row in outcome)
        self.status.setText(
            "Every output agrees with its reference within its tolerance."
            if not failed
            else f"{failed} of {len(outcome)} outputs differ from the reference by more "
            "than their tolerance (✗)."
        )

    def _failed(self, message: str) -> None:
        self.status.setText(f"The cross-check could not run: {message}")

    def _show_rows(self, rows: list[crosscheck.Row]) -> None:
        self.rows = list(rows)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            tolerance = "none" if row.tolerance is None else f"{row.tolerance:.1g}"
            cells = (row.output, row.reference, f"{row.difference:.2g}", tolerance, row.verdict)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(row.text())
                self.table.setItem(r, c, item)

    def closeEvent(self, event) -> None:
        self.job.cancel()
        super().closeEvent(event)
