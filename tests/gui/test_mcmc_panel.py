"""The MCMC panel driven through its widgets: demo, expressions, Step, start clicks, views."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from prmlab.gui import theme
from prmlab.gui.panels.mcmc import McmcPanel
from prmlab.lab import mcmc
from prmlab.lab.mcmc import CUSTOM


@pytest.fixture
def panel(make_panel, wait_idle, qtbot):
    p = make_panel(McmcPanel)
    p.load_demo()
    qtbot.waitUntil(lambda: p.n_steps > 2000 and not p.job.running, timeout=60000)
    wait_idle(p)
    return p


def _type_expression(qtbot, panel, text):
    panel.form.expr_edit.clear()
    qtbot.keyClicks(panel.form.expr_edit, text)
    qtbot.keyClick(panel.form.expr_edit, Qt.Key.Key_Return)


def test_demo_fills_the_rhat_table_and_flags_it(panel):
    assert panel.view.label == "Banana"
    assert panel.chains.shape == (4, 2001, 2)
    rhat_item = panel.form.table.item(0, 3)
    assert rhat_item is not None and rhat_item.text() != "–"
    value = float(rhat_item.text())
    assert value == pytest.approx(panel.summary.rhat[0], abs=6e-4)
    flagged = value > 1.01
    error_text = theme.ERROR_TEXT[theme.current_theme()]
    assert (rhat_item.foreground().color().name().upper() == error_text) == flagged
    assert panel.form.table.item(1, 2).text().isdigit()  # ESS of y
    frame = panel.results_frame()
    assert len(frame) == 4 * 2001
    assert {"chain", "step", "x", "y", "accepted", "kept"} <= set(frame.columns)
    assert not frame.loc[frame.step < 200, "kept"].any()


def test_bad_expression_shows_the_error_and_keeps_the_target(qtbot, panel, wait_idle):
    before = panel.view
    _type_expression(qtbot, panel, "x + foo(y)")
    assert panel.form.expr_error.isVisible()
    assert "column 5" in panel.form.expr_error.text() and "foo" in panel.form.expr_error.text()
    assert panel.messages.level() == "error"
    assert panel.view is before
    # Valid syntax, but zero density everywhere: refused by the worker, target kept.
    _type_expression(qtbot, panel, "-inf")
    wait_idle(panel)
    assert panel.view is before
    assert "-inf everywhere" in panel.form.expr_error.text()
    assert panel.experiment.target is before


def test_typed_expression_becomes_the_target(qtbot, panel, wait_idle):
    _type_expression(qtbot, panel, "0 if x*x + y*y < 4 else -inf")
    wait_idle(panel)
    assert panel.view.target.name == "Expression"
    assert panel.form.preset_box.currentText() == CUSTOM
    assert not panel.form.expr_error.isVisible()
    panel.run_long(3000)
    wait_idle(panel)
    assert np.all((panel.chains**2).sum(axis=2) < 4)  # the disc is never left


def test_step_draws_a_proposal(qtbot, panel, wait_idle):
    n = panel.n_steps
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    assert panel.n_steps == n + 1
    assert panel.result.steps == n and panel.result.proposals.shape == (4, 30, 2)
    assert len(panel.views.map.props_ok.data) + len(panel.views.map.props_bad.data) == 4
    x, _ = panel.views.map.moves.getData()
    assert len(x) == 4 * 3  # from, to, gap per chain


def test_hmc_step_draws_the_leapfrog_path(qtbot, panel, wait_idle):
    panel.form.method_box.setCurrentText("HMC (leapfrog)")
    panel.form.leap_spin.setValue(7)
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    assert panel.result.trajectories.shape == (4, 8, 2)
    x, _ = panel.views.map.moves.getData()
    assert len(x) == 4 * (8 + 1)


def test_click_sets_the_start_of_every_chain(qtbot, panel):
    vb = panel.views.map.plot.getViewBox()
    pos = panel.figure.mapFromScene(vb.mapViewToScene(QPointF(0.5, 0.0)))
    qtbot.mouseClick(panel.figure.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: panel.state.x0 is not None)
    assert np.allclose(panel.result.starts, panel.state.x0)
    assert panel.state.x0 == pytest.approx([0.5, 0.0], abs=0.1)
    assert panel.n_steps == 1


def test_play_advances_and_pause_stops(qtbot, panel):
    n = panel.n_steps
    panel.form.per_tick.setCurrentText("10")
    qtbot.mouseClick(panel.playback.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.n_steps >= n + 30, timeout=10000)
    qtbot.mouseClick(panel.playback.play_button, Qt.MouseButton.LeftButton)
    assert not panel.playback.playing


def test_rejection_and_importance_views(qtbot, panel, wait_idle):
    panel.form.view_box.setCurrentIndex(1)
    wait_idle(panel)
    assert panel.rejection.layout.isVisible() and not panel.views.layout.isVisible()
    assert len(panel.rejection.dots.data) == panel.form.mc_n.value()
    assert "accepted" in panel.rejection.map.plot.titleLabel.text
    frame = panel.results_frame()
    assert len(frame) == panel.form.mc_n.value()
    assert (frame.accepted == (frame.u * np.exp(frame.log_M_q) <= np.exp(frame.log_p))).all()
    panel.form.view_box.setCurrentIndex(2)
    wait_idle(panel)
    assert "ESS" in panel.importance.weights.titleLabel.text
    assert panel.results_frame().weight.sum() == pytest.approx(1.0)
    panel.form.view_box.setCurrentIndex(0)
    assert panel.views.layout.isVisible()


def test_nan_density_while_stepping_is_reported_and_the_chains_kept(qtbot, panel, wait_idle):
    _type_expression(qtbot, panel, "log(x) - 2*x - y*y")  # NaN for x < 0
    wait_idle(panel)
    assert panel.messages.level() == ""
    panel.form.scale_slider.slider.setValue(panel.form.scale_slider.slider.maximum())
    panel.form.per_tick.setCurrentText("100")
    before = panel.chains.copy()
    qtbot.mouseClick(panel.playback.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.messages.level() == "error", timeout=10000)
    assert "NaN" in panel.messages.text() and "(x, y) = (-" in panel.messages.text()
    assert not panel.playback.playing
    np.testing.assert_array_equal(panel.chains[:, : before.shape[1]], before)


def test_a_density_wider_than_the_box_is_warned(qtbot, panel, wait_idle):
    _type_expression(qtbot, panel, "-(x**2 + y**2)/200")
    wait_idle(panel)
    assert panel.messages.level() == "warning"
    assert "edge of the box" in panel.messages.text()


def test_step_back_and_forward_scrub_the_chains(qtbot, panel, wait_idle):
    timeline = panel.timeline
    assert timeline.positions[0] == 0 and timeline.positions[-1] == 2000
    assert len(timeline.positions) <= 102  # the demo's long run: ~100 stations
    demo = panel.chains.copy()
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    stepped = panel.result
    assert timeline.positions[-1] == 2001 and "2001 / 2001" in timeline.label.text()
    qtbot.mouseClick(timeline.back_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    assert panel.state.steps == 2000 and "2000 / 2001" in timeline.label.text()
    np.testing.assert_array_equal(panel.chains, demo)
    qtbot.keyClick(panel, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)  # Step back
    wait_idle(panel)
    back = timeline.positions[-3]
    assert panel.state.steps == back
    np.testing.assert_array_equal(panel.chains, demo[:, : back + 1])
    assert panel.form.table.item(0, 3).text() != "–"  # diagnostics of the earlier draws
    for _ in range(2):
        qtbot.mouseClick(timeline.forward_button, Qt.MouseButton.LeftButton)
        wait_idle(panel)
    assert panel.state.steps == 2001
    np.testing.assert_array_equal(panel.chains, stepped.chains)
    np.testing.assert_array_equal(panel.result.proposals, stepped.proposals)
    # From an earlier step, Step takes a new future.
    qtbot.mouseClick(timeline.back_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    panel.form.per_tick.setCurrentText("10")
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    assert panel.state.steps == 2010 and timeline.positions[-2:] == (2000, 2010)


def test_a_saved_state_reopens_exactly(qtbot, panel, make_panel, wait_idle):
    panel.form.method_box.setCurrentText("HMC (leapfrog)")
    panel.form.per_tick.setCurrentText("10")
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    panel.form.leap_spin.setValue(5)  # from step 10 on
    panel.form.burn_spin.setValue(3)
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    saved = panel.session_state()
    assert saved is not None and saved.state["steps"] == 20
    other = make_panel(McmcPanel, seed=5)
    other.restore_session_state(saved)
    wait_idle(other)
    # the diagnostics table fills after the chains are drawn: busy() waits for it too
    qtbot.waitUntil(lambda: not (panel.busy() or other.busy()), timeout=30_000)
    assert other.lab_state().same_as(panel.lab_state())
    np.testing.assert_array_equal(other.chains, panel.chains)
    np.testing.assert_array_equal(other.result.trajectories, panel.result.trajectories)
    assert other.form.method_box.currentText() == "HMC (leapfrog)"
    assert other.form.leap_spin.value() == 5 and other.seed() == panel.seed()
    for row in range(2):
        for col in range(4):
            assert other.form.table.item(row, col).text() == panel.form.table.item(row, col).text()
    assert other.form.diag_label.text() == panel.form.diag_label.text()


def test_parameter_changes_undo_and_redo(qtbot, panel, wait_idle):
    demo = panel.lab_state()
    chains = panel.chains.copy()
    slider = panel.form.scale_slider.slider
    slider.setValue(slider.value() + 20)  # a click on the slider: one change
    changed = panel.state.proposal_scale
    assert changed > demo.proposal_scale and panel.undo_stack.count() == 1
    panel.form.chains_spin.setValue(2)  # new chains
    wait_idle(panel)
    assert panel.chains.shape == (2, 1, 2) and panel.undo_stack.count() == 2
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.form.chains_spin.value() == 4 and panel.state.proposal_scale == changed
    np.testing.assert_array_equal(panel.chains, chains)
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.lab_state().same_as(demo)
    assert panel.form.scale_slider.value() == demo.proposal_scale
    panel.undo_stack.redo()
    wait_idle(panel)
    assert panel.state.proposal_scale == changed and panel.form.scale_slider.value() == changed


def test_a_saved_monte_carlo_view_reopens_in_that_view(panel, make_panel, wait_idle):
    state = panel.lab_state().replace(view="Importance sampling", mc_n=300)
    other = make_panel(McmcPanel)
    other.show_state(state)
    wait_idle(other)
    assert other.importance.layout.isVisible() and not other.views.layout.isVisible()
    assert other.form.view_box.currentText() == "Importance sampling"
    assert len(other.results_frame()) == 300


def test_other_chains_at_the_same_step_get_their_own_diagnostics(qtbot, panel, wait_idle):
    state = panel.lab_state()  # the demo at step 2000, one experiment
    changed = state.replace(earlier=(mcmc.Settings(1000, 2.0, 1.0, 0.15, 20),))
    panel.show_state(changed)  # the same starts, other draws after step 1000
    qtbot.waitUntil(lambda: panel.lab_state().same_as(changed) and not panel.busy())
    assert panel.summary.mean[0] == pytest.approx(panel.chains[:, 200:, 0].mean())
