"""A panel's message bar: one line for errors, warnings and notes, coloured by level."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from prmlab.gui.theme import MESSAGE_COLORS, current_theme

log = logging.getLogger("prmlab")

ICONS = {"error": "✖", "warning": "⚠", "note": "ℹ"}


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
        # a style sheet paints a plain QWidget subclass's background only with this
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
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

    def colors(self) -> tuple[str, str]:
        """(text, background) of the current level in the current theme."""
        return MESSAGE_COLORS[current_theme()][self._level or "note"]

    def _show(self, level: str, text: str) -> None:
        self._level = level
        self._label.setText(f"{ICONS[level]} {text}")
        self._restyle()
        self.show()

    def _restyle(self) -> None:
        fg, bg = self.colors()
        sheet = f"MessageBar {{ background: {bg}; }} QLabel, QToolButton {{ color: {fg}; }}"
        if sheet != self.styleSheet():  # setting one sends a palette change: no loop
            self.setStyleSheet(sheet)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        changed = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in changed and self._level:
            self._restyle()  # the theme changed
