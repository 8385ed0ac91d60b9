"""Value controls that take the mouse wheel only when focused, so a scrolled column scrolls.

Scrolling a column of controls sent the wheel to whichever slider, spin box or combo box
passed under the pointer and changed its value (HMM's speed went 1.9 -> 1 while scrolling).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QComboBox, QWidget

VALUE_WIDGETS = (QAbstractSlider, QAbstractSpinBox, QComboBox)


class WheelGuard(QObject):
    """An event filter: an unfocused value control passes the wheel on to its parents."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and not watched.hasFocus():
            # ignored and filtered: Qt offers the event to the parent widgets (the scroll area)
            event.ignore()
            return True
        return False


def guard_wheel(root: QWidget, guard: WheelGuard) -> None:
    """Install ``guard`` on every slider, spin box and combo box under ``root``.

    Their focus comes from a click or Tab, not the wheel, so a wheel over them scrolls until
    the user picks one. Installing twice is harmless (Qt keeps one entry per filter).
    """
    for widget in root.findChildren(QWidget):
        if isinstance(widget, VALUE_WIDGETS):
            if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            widget.installEventFilter(guard)
