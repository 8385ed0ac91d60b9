"""The "Step by step" and "Result" groups of a stepped panel's control column: its playback
(Step / Play / Reset), its timeline (scrubber and Step back) and a line saying what the step
did, then the result's rich text."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLayout

from prmlab.gui.widgets.params import group
from prmlab.gui.widgets.playback import Playback
from prmlab.gui.widgets.status import SteadyLabel
from prmlab.gui.widgets.timeline import Timeline


class StepGroups(NamedTuple):
    playback: Playback
    timeline: Timeline
    step_label: SteadyLabel
    result_label: QLabel


def step_groups(
    controls: QLayout, playback: Playback, timeline: Timeline, *, step_lines: int
) -> StepGroups:
    """Add the two groups to ``controls``; ``step_lines`` is the height kept for the step's
    description (a steady height, so the controls under it never jump)."""
    form = group(controls, "Step by step")
    form.addRow(playback)
    form.addRow(timeline)
    step_label = SteadyLabel("", lines=step_lines)
    step_label.setWordWrap(True)
    form.addRow(step_label)
    form = group(controls, "Result")
    result_label = QLabel("–")
    result_label.setTextFormat(Qt.TextFormat.RichText)
    result_label.setWordWrap(True)
    form.addRow(result_label)
    return StepGroups(playback, timeline, step_label, result_label)
