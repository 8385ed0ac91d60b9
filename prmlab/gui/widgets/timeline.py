"""The scrubber: a slider over the steps a panel recorded, with Step back and Step forward.

The timeline knows positions, not States: the panel tells it which step positions its
``History`` keeps (``set_positions``) and answers ``sigSeek(position)`` by showing that step.
Step forward past the newest recorded step asks the panel for a new step
(``sigStepForward``, wired to the panel's own Step), so one button both replays and advances.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSlider, QStyle, QWidget

BACK_KEY = "Shift+Left"
FORWARD_KEY = "Shift+Right"


class Timeline(QWidget):
    """Emits ``sigSeek(position)`` when the user drags to, or steps to, a recorded step."""

    sigSeek = Signal(int)
    sigStepForward = Signal()  # forward from the newest step: the panel computes a new one

    def __init__(self, parent: QWidget | None = None, *, unit: str = "step") -> None:
        super().__init__(parent)
        self._unit = unit
        self._positions: list[int] = []
        style = self.style()
        self.back_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward), "Step back"
        )
        self.back_button.setToolTip(f"Show the previous recorded {unit} ({BACK_KEY})")
        self.forward_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward), "Step forward"
        )
        self.forward_button.setToolTip(f"Show the next {unit}, computing it if new ({FORWARD_KEY})")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip(f"Drag to any recorded {unit}")
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.slider, 0, 0, 1, 2)
        grid.addWidget(self.label, 0, 2)
        grid.addWidget(self.back_button, 1, 0)
        grid.addWidget(self.forward_button, 1, 1, 1, 2)

        # Window-wide keys, live only while this timeline is visible (one panel is shown).
        for key, slot in ((BACK_KEY, self.step_back), (FORWARD_KEY, self.step_forward)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

        self.slider.valueChanged.connect(self._dragged)
        self.back_button.clicked.connect(self.step_back)
        self.forward_button.clicked.connect(self.step_forward)
        self.set_positions((), None)

    # -- what the panel tells it ---------------------------------------------------------
    def set_positions(self, positions: Sequence[int], current: int | None) -> None:
        """Show the recorded ``positions`` (increasing) with ``current`` selected (None: the
        newest). Emits nothing: the panel already shows ``current``."""
        self._positions = [int(p) for p in positions]
        index = self._index_of(current)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(self._positions) - 1, 0))
        self.slider.setValue(index)
        self.slider.blockSignals(False)
        self._refresh()

    @property
    def positions(self) -> tuple[int, ...]:
        return tuple(self._positions)

    def position(self) -> int | None:
        """The selected step position (None: nothing recorded)."""
        return self._positions[self.slider.value()] if self._positions else None

    # -- what the user does --------------------------------------------------------------
    def step_back(self) -> None:
        """Select the previous recorded step (nothing before the first)."""
        if self._positions and self.slider.value() > 0:
            self.slider.setValue(self.slider.value() - 1)

    def step_forward(self) -> None:
        """Select the next recorded step, or ask for a new one from the newest."""
        if self._positions and self.slider.value() < len(self._positions) - 1:
            self.slider.setValue(self.slider.value() + 1)
        else:
            self.sigStepForward.emit()

    def _dragged(self, index: int) -> None:
        self._refresh()
        if self._positions:
            self.sigSeek.emit(self._positions[index])

    def _index_of(self, position: int | None) -> int:
        if not self._positions:
            return 0
        if position is None:
            return len(self._positions) - 1
        # a position between two kept ones (thinned) selects the kept one before it
        return max(bisect.bisect_right(self._positions, int(position)) - 1, 0)

    def _refresh(self) -> None:
        has_steps = bool(self._positions)
        self.slider.setEnabled(len(self._positions) > 1)
        self.back_button.setEnabled(has_steps and self.slider.value() > 0)
        if has_steps:
            self.label.setText(f"{self._unit} {self.position()} / {self._positions[-1]}")
        else:
            self.label.setText(f"{self._unit} – / –")
