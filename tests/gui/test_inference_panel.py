"""The inference panel driven through its real widgets with qtbot: each mode's demo draws and
exports, BP stepped one message at a time (the message just sent drawn highlighted) and
scrubbed back, potentials typed into the tables (a bad one said, not raised) and undone,
the evidence ticked on a Bayesian network, the noise slider and the
coupling rerunning the denoisers, and mean field stepped."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from readability import themed as themed  # the fixture

from prmlab.gui import theme
from prmlab.gui.panels.inference import InferencePanel
from prmlab.gui.panels.inference.network import HIGHLIGHT
from prmlab.lab import inference as lab


@pytest.fixture
def panel(make_panel, wait_idle):
    p = make_panel(InferencePanel)
    p.load_demo()
    wait_idle(p)
    return p


def choose_mode(panel, wait_idle, mode):
    index = panel.mode_box.findData(mode)
    panel.mode_box.setCurrentIndex(index)
    panel.mode_box.activated.emit(index)
    wait_idle(panel)


def click(qtbot, panel, wait_idle, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(panel)


def move(row, lo, hi, value):
    """Move a linear ValueSlider's handle to ``value`` as a user would (keyboard or mouse)."""
    row.slider.setValue(round((value - lo) / (hi - lo) * row.slider.maximum()))


KINDS = {
    "graph": lab.GraphResult,
    "bayes": lab.BayesResult,
    "denoise": lab.DenoiseResult,
    "variational": lab.VariationalResult,
}


def test_each_modes_model_draws_and_exports(panel, wait_idle):
    assert isinstance(panel.result, lab.GraphResult) and panel.state.position > 0
    for mode in ("bayes", "denoise", "variational", "graph"):
        choose_mode(panel, wait_idle, mode)
        assert panel.state.mode == mode and panel.messages.level() != "error"
        assert isinstance(panel.result, KINDS[mode])
        frame = panel.results_frame()
        assert frame is not None and not frame.empty
        assert panel.mode_groups[mode].isVisibleTo(panel)
        assert not any(panel.mode_groups[m].isVisibleTo(panel) for m in lab.MODES if m != mode)
        for plot in panel.views[mode].plots:
            assert plot.scene() is panel.figure.scene()  # the mode's plots are shown
    panel.undo_stack.undo()  # modes undo one by one
    wait_idle(panel)
    assert panel.state.mode == "variational"


def test_one_message_at_a_time_is_drawn_and_scrubbed_back(qtbot, panel, wait_idle):
    click(qtbot, panel, wait_idle, panel.per_message_box)
    assert panel.state.per_message
    click(qtbot, panel, wait_idle, panel.playback.reset_button)
    assert panel.state.position == 0 and panel.result.updated == -1
    click(qtbot, panel, wait_idle, panel.playback.step_button)
    click(qtbot, panel, wait_idle, panel.playback.step_button)
    assert panel.state.position == 2 and panel.result.updated == 1
    arrows = panel.views["graph"].network._arrows.items
    assert arrows[1].opts["brush"].color().name().lower() == HIGHLIGHT.lower()
    assert arrows[0].opts["brush"].color().name().lower() != HIGHLIGHT.lower()
    # the message sent is the engine's update from the messages before it
    before = panel.experiment.moved_to(panel.state.replace(position=1)).show()
    fresh = lab.model_of(panel.state)
    from prmlab.engine.pgm import message_update

    np.testing.assert_allclose(
        panel.result.messages[1], message_update(fresh, before.messages, 1), atol=1e-12
    )
    click(qtbot, panel, wait_idle, panel.timeline.back_button)
    assert panel.state.position == 1
    # per sweep again: Step lands on the next sweep's end
    click(qtbot, panel, wait_idle, panel.per_message_box)
    click(qtbot, panel, wait_idle, panel.playback.step_button)
    assert panel.state.position == panel.state.n_messages


def test_potentials_typed_into_the_tables_and_undone(qtbot, panel, wait_idle):
    table = panel.unary_table
    table.item(0, 1).setText("3")  # as a user's edit: itemChanged
    wait_idle(panel)
    assert panel.state.log_unary[0, 1] == pytest.approx(np.log(3.0))
    assert panel.state.graph == "3×3 grid"
    assert panel.state.position == 3 * panel.state.n_messages  # BP's three sweeps redone
    table.item(0, 1).setText("-1")
    wait_idle(panel)
    assert panel.messages.level() == "error" and "> 0" in panel.messages.text()
    assert table.item(0, 1).text() == "3"  # the table shows the State again
    panel.pair_table.item(0, 1).setText("abc")
    wait_idle(panel)
    assert "type e.g." in panel.messages.text()
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.state.log_unary[0, 1] != pytest.approx(np.log(3.0))


def test_evidence_ticked_changes_the_answer(panel, wait_idle):
    choose_mode(panel, wait_idle, "bayes")
    assert not panel.result.separated  # explaining away: the alarm's call is observed
    call = panel.evidence_list.item(3)
    call.setCheckState(Qt.CheckState.Unchecked)
    wait_idle(panel)
    assert panel.state.evidence == () and panel.result.separated
    assert "⊥" in panel.views["bayes"].dag.plot.titleLabel.text
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.state.evidence == (3,) and not panel.result.separated


def test_noise_and_coupling_rerun_the_denoisers(panel, wait_idle):
    choose_mode(panel, wait_idle, "denoise")
    first = panel.result.run.error[:, 0].copy()
    sliders = panel.forms["denoise"].sliders
    move(sliders["noise"], 0.0, 0.4, 0.25)
    wait_idle(panel)
    assert panel.state.noise == pytest.approx(0.25, abs=0.01)
    assert panel.result.run.error[0, 0] > first[0]  # more pixels flipped
    move(sliders["beta"], 0.0, 2.0, 0.0)  # no coupling: each pixel alone, BP removes no noise
    wait_idle(panel)
    run = panel.result.run
    assert run.error[0, -1] == pytest.approx(run.error[0, 0], abs=0.02)


def test_mean_field_steps_raise_the_elbo(qtbot, panel, wait_idle):
    choose_mode(panel, wait_idle, "variational")
    click(qtbot, panel, wait_idle, panel.playback.reset_button)
    elbos = []
    for _ in range(3):
        click(qtbot, panel, wait_idle, panel.playback.step_button)
        elbos.append(panel.result.elbo[panel.state.position])
    assert panel.state.position == 3 and elbos == sorted(elbos)
    move(panel.forms["variational"].sliders["rho"], -0.99, 0.99, 0.0)
    wait_idle(panel)
    result = panel.result
    np.testing.assert_allclose(result.q_var, result.moment_var)  # independent: q is exact
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.state.rho == pytest.approx(0.9, abs=0.01)


def test_every_modes_board_typesets_and_follows_the_step(qtbot, panel, wait_idle):
    from prmlab.gui.widgets.equations import layout
    from prmlab.gui.widgets.equations.pane import templates

    for mode in ("graph", "bayes", "denoise", "variational"):
        if mode != "graph":
            choose_mode(panel, wait_idle, mode)
        board = panel.equations.board
        assert board is not None and board.equations
        for template, shapes in templates(board):
            assert layout.layout(template, shapes).viewbox[2] > 0
    click(qtbot, panel, wait_idle, panel.playback.step_button)
    assert panel.equations.board.title == f"Variational: update {panel.state.position}"


def test_painting_the_clean_image_is_one_undoable_change(qtbot, panel, wait_idle):
    from PySide6.QtCore import QPointF

    choose_mode(panel, wait_idle, "denoise")
    view = panel.views["denoise"]
    plot = view.image_plots[0]
    assert panel.state.image[1, 1] == 0  # the corner of "Shapes" is background

    def at(row, col):
        scene = plot.getViewBox().mapViewToScene(QPointF(col + 0.5, row + 0.5))
        return panel.figure.mapFromScene(scene)

    qtbot.mouseClick(panel.figure.viewport(), Qt.MouseButton.LeftButton, pos=at(1, 1))
    wait_idle(panel)
    assert panel.state.image_name == "Painted"
    assert panel.state.image[0:3, 0:3].all() and panel.state.image.sum() > 0
    assert panel.result.run.error.shape[1] == panel.state.sweeps + 1  # rerun on it
    qtbot.mouseClick(
        panel.figure.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        pos=at(1, 1),
    )
    wait_idle(panel)
    assert not panel.state.image[0:3, 0:3].any()
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.state.image[0:3, 0:3].all()


def test_a_mode_shown_after_a_font_change_takes_the_font(panel, wait_idle, themed):
    big = theme.DEFAULT_POINT_SIZE + 4
    themed("light", big)  # Ctrl+= four times in graph mode: the window restyles the plots shown
    theme.style_plots(panel, "light", big)
    for mode in ("denoise", "variational"):
        panel.set_mode(mode)
        wait_idle(panel)
        axes = [i for i in panel.figure.scene().items() if isinstance(i, pg.AxisItem)]
        shown = [a for a in axes if a.isVisible() and a.style["showValues"]]
        # its plots were out of the scene at the restyle: they had the default font
        assert shown and all(a.style["tickFont"].pointSize() == big for a in shown), mode
