"""A panel's message bar: one line for errors, warnings and notes, coloured by level."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QToolButton, QWidget

from prmlab.gui.theme import MESSAGE_COLORS, current_theme
from prmlab.gui.widgets.text import elide, wrappable

log = logging.getLogger("prmlab")

ICONS = {"error": "✖", "warning": "⚠", "note": "ℹ"}
# characters shown of a message; a longer one (a name from the user's data inside it) is cut
# and the whole text is one click away (Copy): word wrap of 1,000,000 characters crashed Qt
MESSAGE_LIMIT = 2000


class MessageBar(QWidget):
    """Shows the latest message; ``level()`` and ``text()`` let tests read it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level = ""
        self._text = ""
        self._label = QLabel()
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.TextFormat.PlainText)  # a name "<b>x" shows as typed
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._copy = QToolButton(text="Copy", autoRaise=True)
        self._copy.clicked.connect(self.copy)
        close = QToolButton(text="✕", toolTip="Dismiss", autoRaise=True)
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._copy)
        layout.addWidget(close)
        # a style sheet paints a plain QWidget subclass's background only with this
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.keep_line(True)
        self.clear()

    def keep_line(self, keep: bool) -> None:
        """Whether an empty bar keeps its line: then a message coming or going does not
        resize the figure above it, as a relayout repaints every plot at once (a stall of
        ~100 ms). A panel too small for its figure gives the line to the figure."""
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(keep)
        self.setSizePolicy(policy)

    def error(self, text: str) -> None:
        log.info("panel error: %s", text)
        self._show("error", text)

    def warning(self, text: str) -> None:
        self._show("warning", text)

    def note(self, text: str) -> None:
        self._show("note", text)

    def clear(self) -> None:
        self._level = ""
        self._text = ""
        self._label.setText("")
        self.hide()

    def copy(self) -> None:
        """Put the whole message, also the part not shown, on the clipboard."""
        QApplication.clipboard().setText(self._text)

    def level(self) -> str:
        return self._level

    def text(self) -> str:
        """The whole message, as given (the bar may show it shortened)."""
        return self._text

    def colors(self) -> tuple[str, str]:
        """(text, background) of the current level in the current theme."""
        return MESSAGE_COLORS[current_theme()][self._level or "note"]

    def _show(self, level: str, text: str) -> None:
        self._level = level
        self._text = text
        shown = wrappable(elide(text, MESSAGE_LIMIT))
        self._label.setText(f"{ICONS[level]} {shown}")
        cut = len(text) > MESSAGE_LIMIT
        self._copy.setVisible(cut)
        self._copy.setToolTip(f"Copy the whole message ({len(text):,} characters)" if cut else "")
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
