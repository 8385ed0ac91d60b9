"""Value controls that take the mouse wheel only when focused, so a scrolled column scrolls.

Scrolling a column of controls sent the wheel to whichever slider, spin box or combo box
passed under the pointer and changed its value (HMM's speed went 1.9 -> 1 while scrolling).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

VALUE_WIDGETS = (QAbstractSlider, QAbstractSpinBox, QComboBox)


class WheelGuard(QObject):
    """An event filter: an unfocused value control hands the wheel to ``scroll_area``.

    Handed on explicitly: Qt passes an ignored wheel event to the parents only when it came
    from the window system, not when a program (or a test) sent it.
    """

    def __init__(self, scroll_area: QAbstractScrollArea) -> None:
        super().__init__(scroll_area)
        self.scroll_area = scroll_area

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and not watched.hasFocus():
            QApplication.sendEvent(self.scroll_area.verticalScrollBar(), event)
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
