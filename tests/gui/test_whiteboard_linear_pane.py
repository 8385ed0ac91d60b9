"""The linear-models panel's whiteboard: every mode's equations typeset, and the pane shows
the step's numbers once the demo has run."""

from __future__ import annotations

import pytest
from test_equations import idle, ink

from prmlab.gui.panels.linear import LinearPanel
from prmlab.gui.widgets.equations import layout
from prmlab.gui.widgets.equations.pane import templates
from prmlab.lab import linear
from prmlab.lab.whiteboard import board_for


@pytest.mark.parametrize("mode", linear.MODES)
def test_every_modes_board_typesets(qapp, mode):
    exp = linear.Experiment(linear.demo(mode, 0))
    board = board_for(exp.state, exp.run_to(1))
    for template, shapes in templates(board):
        assert layout.layout(template, shapes).viewbox[2] > 0


def test_the_pane_shows_the_regression_board(qtbot, make_panel, wait_idle):
    panel = make_panel(LinearPanel)
    panel.load_demo()
    wait_idle(panel)
    qtbot.waitUntil(lambda: idle(panel), timeout=120_000)
    assert panel.equations.board.title.startswith("Regression")
    assert ink(panel.equations.view.grab().toImage()) > 2000
