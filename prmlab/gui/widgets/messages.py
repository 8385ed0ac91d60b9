"""A panel's message bar: one line for errors, warnings and notes, coloured by level."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

log = logging.getLogger("prmlab")

_STYLE = {
    "error": ("✖", "#8B0000", "#FDE2E1"),
    "warning": ("⚠", "#6B4A00", "#FFF3CD"),
    "note": ("ℹ", "#0B3D6B", "#E3F0FB"),
}


class MessageBar(QWidget):
    """Shows the latest message; ``level()`` and ``text()`` let tests read it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level = ""
        self._label = QLabel()
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(text="✕", toolTip="Dismiss", autoRaise=True)
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self._label, 1)
        layout.addWidget(close)
        self.setAutoFillBackground(True)
        # an empty bar keeps its line: a message coming or going must not resize the figure
        # above it, as a relayout repaints every plot at once (a stall of ~100 ms)
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.clear()

    def error(self, text: str) -> None:
        log.info("panel error: %s", text)
        self._show("error", text)

    def warning(self, text: str) -> None:
        self._show("warning", text)

    def note(self, text: str) -> None:
        self._show("note", text)

    def clear(self) -> None:
        self._level = ""
        self._label.setText("")
        self.hide()

    def level(self) -> str:
        return self._level

    def text(self) -> str:
        return self._label.text().split(" ", 1)[-1] if self._level else ""

    def _show(self, level: str, text: str) -> None:
        icon, fg, bg = _STYLE[level]
        self._level = level
        self._label.setText(f"{icon} {text}")
        self.setStyleSheet(f"MessageBar {{ background: {bg}; }} QLabel {{ color: {fg}; }}")
        self.show()
