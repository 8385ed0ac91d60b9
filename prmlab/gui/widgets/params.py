"""Parameter controls: sliders with a value label (linear or log, optionally with ∞), seeds, groups."""

from __future__ import annotations

import math
import random

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSlider,
    QSpinBox,
    QWidget,
)

MAX_SEED = 2**31 - 1
NEW_SEEDS = 100_000  # "New" draws below this: a seed short enough to read out and type again


class ValueSlider(QWidget):
    """A float slider with its value shown; ``log=True`` spaces ticks geometrically.

    ``inf_label`` adds one notch past ``maximum`` meaning infinity (e.g. "∞ (hard margin)").
    ``valueChanged`` fires while dragging, so panels refit live (the Job keeps the latest).
    """

    valueChanged = Signal(float)

    def __init__(
        self,
        minimum: float,
        maximum: float,
        value: float,
        *,
        log: bool = False,
        steps: int = 200,
        decimals: int = 3,
        inf_label: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if log and minimum <= 0:
            raise ValueError(f"a log slider needs minimum > 0, got {minimum}")
        self._lo, self._hi, self._log, self._steps = minimum, maximum, log, steps
        self._decimals, self._inf_label = decimals, inf_label
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, steps + (1 if inf_label else 0))
        self.label = QLabel()
        self.label.setMinimumWidth(56)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.slider.valueChanged.connect(self._moved)
        self.setValue(value)

    def _to_value(self, pos: int) -> float:
        if self._inf_label and pos > self._steps:
            return math.inf
        f = pos / self._steps
        if self._log:
            return math.exp(math.log(self._lo) + f * (math.log(self._hi) - math.log(self._lo)))
        return self._lo + f * (self._hi - self._lo)

    def _to_pos(self, value: float) -> int:
        if math.isinf(value) and self._inf_label:
            return self._steps + 1
        v = min(max(value, self._lo), self._hi)
        if self._log:
            f = (math.log(v) - math.log(self._lo)) / (math.log(self._hi) - math.log(self._lo))
        else:
            f = (v - self._lo) / (self._hi - self._lo) if self._hi > self._lo else 0.0
        return round(f * self._steps)

    def value(self) -> float:
        return self._value

    def setValue(self, value: float) -> None:
        self._value = float(value)
        self.slider.blockSignals(True)
        self.slider.setValue(self._to_pos(self._value))
        self.slider.blockSignals(False)
        self._show()

    def _moved(self, pos: int) -> None:
        self._value = self._to_value(pos)
        self._show()
        self.valueChanged.emit(self._value)

    def _show(self) -> None:
        if math.isinf(self._value):
            self.label.setText(self._inf_label or "∞")
        else:
            self.label.setText(f"{self._value:.{self._decimals}g}")


class SeedBox(QSpinBox):
    """The random seed: every stochastic step of a panel draws from it.

    ``valueChanged`` fires once a typed seed is entered (Enter, Tab, leaving the box) or
    the arrows step it, never per keystroke: typing "123" is one reseed, not three.
    """

    def __init__(self, value: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, MAX_SEED)
        self.setKeyboardTracking(False)
        self.setValue(int(value))
        self.setToolTip("Random seed: the same seed gives the same run (Enter applies it)")

    def draw_new(self) -> int:
        """Show a fresh random seed (not the typed one plus 1) and return it; a panel
        connected to ``valueChanged`` reseeds from it."""
        seed = random.randrange(NEW_SEEDS)
        while seed == self.value():
            seed = random.randrange(NEW_SEEDS)
        self.setValue(seed)
        return seed


def group(layout: QLayout, title: str) -> QFormLayout:
    """Add a titled group box to ``layout`` and return its form layout for label/field rows."""
    box = QGroupBox(title)
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    layout.addWidget(box)
    return form
