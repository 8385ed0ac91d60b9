"""Declarative parameters: Param rows -> State -> one undo command per change."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QSlider, QStyleOptionSlider

from prmlab.gui.panels.base import BasePanel
from prmlab.gui.widgets.params import Param, group
from prmlab.lab._state import LabState


@dataclass(frozen=True, eq=False)
class FitState(LabState):
    TOPIC = "fit"
    k: int = 3
    c: float = 1.0


class FitPanel(BasePanel):
    name = "fit"
    title = "Fit"
    state_class = FitState
    params = (
        Param("k", "Components K", 1, 10, integer=True, tooltip="How many components"),
        Param("c", "C", 0.01, 100.0, log=True, inf_label="∞"),
    )

    def build(self) -> None:
        self.state = FitState()
        self.shown: list[FitState] = []
        self.form = self.make_param_form(group(self.controls, "Model"))
        self.form.set_state(self.state)

    def lab_state(self) -> FitState:
        return self.state

    def show_state(self, state: FitState) -> None:
        self.state = state
        self.shown.append(state)
        self.form.set_state(state)


def test_rows_come_from_the_params_with_their_tooltips(qtbot, make_panel):
    panel = make_panel(FitPanel)
    k = panel.form.sliders["k"]
    assert k.toolTip() == "How many components" and k.label.text() == "3"
    assert panel.form.values() == {"k": 3, "c": 1.0}


def test_each_change_is_one_undo_command_and_undo_restores_the_rows(qtbot, make_panel):
    panel = make_panel(FitPanel)
    k = panel.form.sliders["k"].slider
    k.setValue(k.value() + 1)  # a keyboard step or a click on the groove
    assert panel.state.k == 4 and isinstance(panel.state.k, int)
    assert panel.undo_stack.count() == 1 and panel.undo_stack.undoText() == "Components K = 4"
    c = panel.form.sliders["c"].slider
    c.setValue(c.maximum())  # the ∞ notch
    assert math.isinf(panel.state.c) and panel.undo_stack.undoText() == "C = ∞"

    panel.undo_stack.undo()
    assert panel.state.c == pytest.approx(1.0) and panel.form.values()["c"] == pytest.approx(1)
    panel.undo_stack.undo()
    assert panel.state.k == 3 and panel.form.sliders["k"].label.text() == "3"
    panel.undo_stack.redo()
    assert panel.state.k == 4 and panel.form.sliders["k"].label.text() == "4"


def test_a_slider_drag_shows_live_and_is_one_command_at_release(qtbot, make_panel):
    panel = make_panel(FitPanel)
    slider = panel.form.sliders["k"].slider
    handle = slider.style().subControlRect(
        slider.style().ComplexControl.CC_Slider,
        _option(slider),
        slider.style().SubControl.SC_SliderHandle,
        slider,
    )
    start = handle.center()
    qtbot.mousePress(slider, Qt.MouseButton.LeftButton, pos=start)
    for dx in (10, 30, 60, 90):
        qtbot.mouseMove(slider, start + QPoint(dx, 0))
    qtbot.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=start + QPoint(90, 0))
    assert panel.state.k > 3 and len(panel.shown) > 1  # drawn live while dragging
    assert panel.undo_stack.count() == 1
    panel.undo_stack.undo()
    assert panel.state.k == 3


def test_a_bad_param_is_refused_with_a_message():
    with pytest.raises(ValueError, match="'k': hi must be > lo, got lo=5, hi=1"):
        Param("k", "K", 5, 1)
    with pytest.raises(ValueError, match="log scale needs lo > 0"):
        Param("c", "C", 0, 1, log=True)


def test_a_spin_box_row_is_one_undo_command_per_entered_value(qtbot, make_panel):
    class SpinPanel(FitPanel):
        params = (Param("k", "Components K", 1, 1000, integer=True, spin=True, step=10),)

    panel = make_panel(SpinPanel)
    box = panel.form.spin_boxes["k"]
    assert box.value() == 3 and box.singleStep() == 10
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "250")  # typed: nothing yet, not 2, 25, 250
    assert panel.undo_stack.count() == 0
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert panel.state.k == 250 and panel.undo_stack.undoText() == "Components K = 250"
    panel.undo_stack.undo()
    assert panel.state.k == 3 and box.value() == 3 and panel.undo_stack.count() == 1
    with pytest.raises(ValueError, match="'n': a spin box row holds whole numbers"):
        Param("n", "N", 1, 10, spin=True)


def _option(slider: QSlider) -> QStyleOptionSlider:
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    return option
