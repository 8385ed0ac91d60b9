"""View > Presenter keys: the table of presenter mode's keys, in a dialog that fits its screen.

At a projector's font size the table is taller than a 1024x768 screen (a message box was 853
px high there, its OK button off the screen): the table scrolls instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from prmlab.gui.presenter.keys import KEY_HELP

SCREEN_SHARE = 0.85  # of the screen's free area, at most


class KeySheet(QDialog):
    """The key table over ``parent`` (window-modal), at most ``SCREEN_SHARE`` of its screen."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Presenter keys")
        rows = "".join(
            f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>" for k, what in KEY_HELP
        )
        self.table = QLabel(f"<table>{rows}</table>")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setWordWrap(True)  # a narrow screen wraps the descriptions
        self.table.setContentsMargins(8, 8, 8, 8)
        scroll = QScrollArea()
        scroll.setWidget(self.table)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        screen = parent.screen() or QGuiApplication.primaryScreen()
        free = screen.availableGeometry()
        table = self.table.sizeHint()
        bar = scroll.verticalScrollBar().sizeHint().width()
        extra = buttons.sizeHint().height() + 3 * layout.spacing() + 40
        self.resize(
            min(table.width() + bar + 40, int(SCREEN_SHARE * free.width())),
            min(table.height() + extra, int(SCREEN_SHARE * free.height())),
        )
