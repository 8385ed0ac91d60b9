"""The scrubber and BasePanel's lab-floor hooks: States in, sessions out, history scrubbed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from PySide6.QtCore import Qt

from prmlab.gui.panels.base import BasePanel
from prmlab.lab._state import LabState
from prmlab.lab.session import PanelState, SessionError, register_migration


@dataclass(frozen=True, eq=False)
class CountState(LabState):
    TOPIC = "counter"
    VERSION = 2

    points: np.ndarray
    rate: float = 1.0
    position: int = 0


class CounterPanel(BasePanel):
    """A minimal converted panel: shows a State, records one history entry per step."""

    name = "counter"
    title = "Counter"
    state_class = CountState

    def build(self) -> None:
        self.shown: list[CountState] = []
        self.state = CountState(np.arange(3.0))
        self.timeline = self.make_timeline()
        self.timeline.sigStepForward.connect(self.step)
        self.controls.addWidget(self.timeline)

    def lab_state(self) -> CountState:
        return self.state

    def show_state(self, state: CountState) -> None:
        self.state = state
        self.shown.append(state)

    def step(self) -> None:
        self.state = self.state.replace(position=self.state.position + 1)
        self.record(self.state.position, self.state, None)


def _speed_became_rate(state: dict) -> dict:
    state = dict(state)
    state["rate"] = state.pop("speed")
    return state


register_migration("counter", 1, _speed_became_rate)


def test_timeline_scrubs_back_and_forth_and_steps_past_the_newest(qtbot, make_panel):
    panel = make_panel(CounterPanel)
    panel.activateWindow()  # the Shift+arrow shortcuts work in the active window
    qtbot.waitActive(panel)
    timeline = panel.timeline
    assert timeline.label.text() == "step – / –" and not timeline.back_button.isEnabled()
    for _ in range(3):
        qtbot.mouseClick(timeline.forward_button, Qt.MouseButton.LeftButton)  # new steps
    assert timeline.positions == (1, 2, 3) and timeline.label.text() == "step 3 / 3"
    assert panel.shown == []  # recording a step it already shows redraws nothing

    qtbot.mouseClick(timeline.back_button, Qt.MouseButton.LeftButton)
    assert timeline.position() == 2 and panel.shown[-1].position == 2
    assert timeline.label.text() == "step 2 / 3"
    qtbot.keyClick(timeline.slider, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert timeline.position() == 1 and panel.shown[-1].position == 1
    qtbot.keyClick(timeline.slider, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)  # the first
    assert timeline.position() == 1 and not timeline.back_button.isEnabled()
    qtbot.keyClick(timeline.slider, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert timeline.position() == 2 and panel.shown[-1].position == 2
    timeline.slider.setValue(2)  # a drag to the end
    assert panel.shown[-1].position == 3 and len(panel.history) == 3


def test_a_thinned_step_shows_the_kept_one_before_it(qtbot, make_panel):
    panel = make_panel(CounterPanel)
    for position in (0, 5, 9):
        panel.record(position, panel.state.replace(position=position), None)
    panel.seek(7)
    assert panel.shown[-1].position == 5
    panel.timeline.set_positions(panel.history.positions, 7)
    assert panel.timeline.position() == 5


def test_session_state_round_trips_and_migrates(qtbot, make_panel):
    panel = make_panel(CounterPanel)
    panel.state = CountState(np.array([1.0, np.nan]), rate=np.inf, position=4)
    saved = panel.session_state()
    assert saved.version == 2
    other = make_panel(CounterPanel)
    other.restore_session_state(saved)
    assert other.shown[-1].same_as(panel.state)

    old = PanelState(1, {"points": np.zeros(2), "speed": 3.0, "position": 1})
    other.restore_session_state(old)
    assert other.shown[-1].rate == 3.0


@pytest.mark.parametrize(
    "saved, words",
    [
        (PanelState(3, {"points": np.zeros(1)}), "newer prmlab"),
        (PanelState(2, {"points": "many"}), "damaged"),
        (PanelState(2, {"points": np.zeros(1), "colour": 1}), "damaged"),
    ],
)
def test_a_bad_saved_state_is_a_session_error_and_changes_nothing(qtbot, make_panel, saved, words):
    panel = make_panel(CounterPanel)
    with pytest.raises(SessionError, match=words):
        panel.restore_session_state(saved)
    assert panel.shown == []


def test_a_panel_without_a_state_saves_nothing_and_refuses_states(qtbot, make_panel):
    panel = make_panel(BasePanel)
    assert panel.lab_state() is None and panel.session_state() is None
    with pytest.raises(SessionError, match="cannot open saved states"):
        panel.restore_session_state(PanelState(1, {}))
