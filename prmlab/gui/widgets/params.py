"""Parameter controls: sliders with a value label (linear or log, optionally with ∞), seeds,
groups, and declarative parameter forms whose every change is one undoable State change."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSlider,
    QSpinBox,
    QWidget,
)

from prmlab.lab._state import LabState

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


def side_by_side(*widgets: QWidget, columns: int = 0) -> QWidget:
    """``widgets`` in one row of a form (``columns`` > 0: that many a row, then the next)."""
    row = QWidget()
    grid = QGridLayout(row)
    grid.setContentsMargins(0, 0, 0, 0)
    for k, w in enumerate(widgets):
        grid.addWidget(w, *(divmod(k, columns) if columns else (0, k)))
    return row


def group(layout: QLayout, title: str) -> QFormLayout:
    """Add a titled group box to ``layout`` and return its form layout for label/field rows."""
    box = QGroupBox(title)
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    layout.addWidget(box)
    return form


@dataclass(frozen=True)
class Param:
    """A number field of a State, described once: the form row, its range and its tooltip.

    ``name`` is the State's field; ``lo``..``hi`` the slider's range (``log``: spaced
    geometrically; ``integer``: whole numbers); ``inf_label`` adds a notch meaning ∞.
    ``spin`` makes the row a spin box stepping by ``step`` (whole numbers one types, such
    as a sequence length: a slider over 1..1,000,000 could not give 300).
    """

    name: str
    label: str
    lo: float
    hi: float
    log: bool = False
    integer: bool = False
    tooltip: str = ""
    inf_label: str | None = None
    spin: bool = False
    step: int = 1

    def __post_init__(self) -> None:
        if not self.hi > self.lo:
            raise ValueError(
                f"Param {self.name!r}: hi must be > lo, got lo={self.lo}, hi={self.hi}; "
                "swap them or widen the range"
            )
        if self.spin and not self.integer:
            raise ValueError(
                f"Param {self.name!r}: a spin box row holds whole numbers, got integer=False; "
                "pass integer=True or spin=False"
            )
        if self.log and self.lo <= 0:
            raise ValueError(
                f"Param {self.name!r}: a log scale needs lo > 0, got lo={self.lo}; "
                "use a positive lower bound or log=False"
            )

    def steps(self) -> int:
        """Slider notches: one per whole number for a linear integer range (at most 1000)."""
        if self.integer and not self.log:
            return max(1, min(int(self.hi - self.lo), 1000))
        return 200

    def typed(self, value: float) -> float | int:
        """``value`` as the State stores it (∞ stays a float)."""
        return round(value) if self.integer and math.isfinite(value) else float(value)


class StateChange(QUndoCommand):
    """One change of a panel's State: redo shows ``after``, undo shows ``before``."""

    def __init__(
        self,
        show: Callable[[LabState], None],
        before: LabState,
        after: LabState,
        text: str,
        *,
        shown: bool = False,
    ) -> None:
        super().__init__(text)
        self._show, self.before, self.after = show, before, after
        self._skip_redo = shown  # pushed after the change was already shown (a slider drag)

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._show(self.after)

    def undo(self) -> None:
        self._show(self.before)


class ParamForm(QObject):
    """Form rows for ``params`` in ``form``, bound to a panel's State.

    A change shows ``current().replace(name=value)`` through ``show`` and is one command
    on ``undo_stack``; a slider drag shows each value live but pushes one command, at
    release. ``set_state`` fills the rows from a State (after undo, a session, a preset).
    """

    def __init__(
        self,
        params: Sequence[Param],
        form: QFormLayout,
        undo_stack: QUndoStack,
        current: Callable[[], LabState | None],
        show: Callable[[LabState], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.params = {p.name: p for p in params}
        self._undo_stack, self._current, self._show = undo_stack, current, show
        self._drag_start: LabState | None = None
        self.sliders: dict[str, ValueSlider] = {}
        self.spin_boxes: dict[str, QSpinBox] = {}
        for p in params:
            if p.spin:
                self._add_spin_box(p, form)
                continue
            slider = ValueSlider(
                p.lo,
                p.hi,
                p.lo,
                log=p.log,
                steps=p.steps(),
                decimals=max(3, len(str(int(p.hi)))) if p.integer else 3,
                inf_label=p.inf_label,
            )
            slider.setToolTip(p.tooltip)
            form.addRow(p.label, slider)
            form.labelForField(slider).setToolTip(p.tooltip)
            slider.valueChanged.connect(lambda v, p=p: self._changed(p, v))
            slider.slider.sliderReleased.connect(lambda p=p: self._released(p))
            self.sliders[p.name] = slider

    def _add_spin_box(self, p: Param, form: QFormLayout) -> None:
        box = QSpinBox()
        box.setRange(int(p.lo), int(p.hi))
        box.setSingleStep(p.step)
        box.setKeyboardTracking(False)  # a typed "300" is one change, not three
        box.setToolTip(p.tooltip)
        form.addRow(p.label, box)
        form.labelForField(box).setToolTip(p.tooltip)
        box.valueChanged.connect(lambda v, p=p: self._changed(p, v))
        self.spin_boxes[p.name] = box

    def values(self) -> dict[str, float | int]:
        """The rows' values as the State stores them."""
        rows = {**self.sliders, **self.spin_boxes}
        return {n: self.params[n].typed(w.value()) for n, w in rows.items()}

    def set_state(self, state: LabState) -> None:
        """Show ``state``'s values in the rows without changing anything."""
        for name, slider in self.sliders.items():
            slider.setValue(float(getattr(state, name)))
        for name, box in self.spin_boxes.items():
            box.blockSignals(True)
            box.setValue(int(getattr(state, name)))
            box.blockSignals(False)

    def _changed(self, param: Param, value: float) -> None:
        state = self._current()
        if state is None:
            return
        changed = state.replace(**{param.name: param.typed(value)})
        if param.spin and getattr(state, param.name) == getattr(changed, param.name):
            return  # the value the State holds (the panel set it): nothing to undo
        slider = self.sliders.get(param.name)
        if slider is not None and slider.slider.isSliderDown():  # mid-drag: live, not undoable
            if self._drag_start is None:
                self._drag_start = state
            self._show(changed)
            return
        self._undo_stack.push(StateChange(self._show, state, changed, self._text(param, value)))

    def _released(self, param: Param) -> None:
        before, self._drag_start = self._drag_start, None
        after = self._current()
        if before is None or after is None or after.same_as(before):
            return
        value = self.sliders[param.name].value()
        self._undo_stack.push(
            StateChange(self._show, before, after, self._text(param, value), shown=True)
        )

    def _text(self, param: Param, value: float) -> str:
        if param.name in self.spin_boxes:
            return f"{param.label} = {int(value)}"
        shown = self.sliders[param.name].label.text()
        return f"{param.label} = {shown}" if math.isfinite(value) else f"{param.label} = ∞"
