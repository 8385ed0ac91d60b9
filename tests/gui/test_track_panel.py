"""The tracking panel driven through its real widgets and mouse events."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from prmlab.data import Dataset
from prmlab.gui.panels.track import TrackPanel


@pytest.fixture
def panel(make_panel, wait_idle):
    p = make_panel(TrackPanel)
    p.steps_box.setValue(60)
    p.c.particles_slider.setValue(300)
    p.load_demo()
    wait_idle(p)
    return p


def _widget_pos(panel, x: float, y: float) -> QPoint:
    scene = panel.track_view.view.mapViewToScene(QPointF(x, y))
    return panel.figure.mapFromScene(scene)


def _traces(run):
    return np.trace(run.kf.covs[:, :2, :2], axis1=1, axis2=2)


def test_demo_runs_to_a_drawn_result(panel):
    r = panel.run
    assert r is not None and r.zs.shape == (60, 2)
    assert np.isfinite(r.kf.means).all() and np.isfinite(r.pf.means).all()
    assert panel.t == 59 and not panel.busy()
    frame = panel.results_frame()
    assert len(frame) == 60
    assert {"true_x", "measured_x", "kalman_x", "rts_x", "particle_x", "ess", "nis", "nees"} <= set(
        frame.columns
    )


def test_drawing_a_path_produces_measurements_and_estimates(qtbot, panel, wait_idle):
    panel.clear_dropouts()
    wait_idle(panel)
    vp = panel.figure.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=_widget_pos(panel, -40, -20))
    for k in range(1, 21):  # an arc, with pauses so that pyqtgraph sees every move
        qtbot.wait(20)
        qtbot.mouseMove(vp, pos=_widget_pos(panel, -40 + 4 * k, -20 + 30 * np.sin(k * np.pi / 20)))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=_widget_pos(panel, 40, 20))
    wait_idle(panel)
    r = panel.run
    assert panel.c.source_label.text() == "Drawn path"
    truth = r.truth
    assert truth.shape == (60, 2)
    assert truth[0, 0] < -30 and truth[-1, 0] > 30  # follows the stroke
    assert truth[:, 1].max() > 15  # through the top of the arc
    assert np.isfinite(r.zs).all() and np.isfinite(r.kf.means).all()
    err = np.sqrt(np.mean(np.sum((r.rts_means[:, :2] - truth) ** 2, axis=1)))
    assert err < 10
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.c.source_label.text() == "Preset: Figure-8"


def test_a_dropout_grows_the_ellipses(qtbot, panel, wait_idle):
    panel.clear_dropouts()
    wait_idle(panel)
    before = _traces(panel.run)
    qtbot.mouseClick(panel.c.add_dropout_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    ((t0, t1),) = panel.dropouts()
    a, b = int(round(t0)), int(round(t1))
    r = panel.run
    assert np.isnan(r.zs[a : b + 1]).all()
    after = _traces(r)
    assert (np.diff(after[a : b + 1]) > 0).all()
    assert after[b] > 3 * before[b]
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.dropouts() == () and not np.isnan(panel.run.zs).any()
    panel.undo_stack.redo()
    wait_idle(panel)
    assert len(panel.dropouts()) == 1 and np.isnan(panel.run.zs).any()


def test_changing_r_refilters(panel, wait_idle):
    old, old_sigma = panel.run, panel.state.sigma
    slider = panel.c.sigma_slider.slider  # drag the real QSlider: larger R
    slider.setValue(slider.value() + 40)
    wait_idle(panel)
    new = panel.run
    assert new is not old and panel.state.sigma == pytest.approx(panel.c.sigma_slider.value())
    assert panel.state.sigma > old_sigma
    assert _traces(new)[-1] > _traces(old)[-1]


def test_step_and_scrubber_move_the_drawn_time(qtbot, panel):
    panel.scrubber.setValue(5)
    assert panel.t == 5 and panel.c.time_label.text().startswith("t = 5 / 59")
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    assert panel.t == 6 and panel.ess_view.cursor.value() == 6
    assert sum(len(item.getData()[0]) for item in panel.track_view.cloud_items) == 300
    qtbot.mouseClick(panel.playback.reset_button, Qt.MouseButton.LeftButton)
    assert panel.t == 0
    panel.set_time(59)
    qtbot.mouseClick(panel.playback.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.t >= 3, timeout=5000)  # replays from the start
    qtbot.mouseClick(panel.playback.play_button, Qt.MouseButton.LeftButton)
    assert not panel.playback.playing and panel.t < 59


def test_range_bearing_and_constant_acceleration(panel, wait_idle):
    panel.c.meas_box.setCurrentIndex(1)
    wait_idle(panel)
    panel.c.motion_box.setCurrentIndex(1)
    wait_idle(panel)
    r = panel.run
    assert r.zs.shape == (60, 4) and r.kf.means.shape == (60, 6)
    assert np.isfinite(r.pf.means).all()


def test_csv_track_with_time_is_filtered(panel, wait_idle):
    t = np.cumsum(np.r_[0.0, np.full(49, 0.5)])
    X = np.column_stack([t, np.cos(t / 4) * 30, np.sin(t / 4) * 30])
    panel.set_dataset(Dataset(X, ["time", "east", "north"], name="walk.csv"))
    wait_idle(panel)
    r = panel.run
    assert r.truth is None and r.zs.shape == (50, 2)
    assert "dt = 0.5" in panel.c.source_label.text()
    assert "nees" not in panel.results_frame().columns
    assert np.isfinite(r.rts_means).all()
    panel.c.csv_role_box.setCurrentIndex(1)
    panel.c.csv_role_box.activated.emit(1)
    wait_idle(panel)
    r = panel.run
    np.testing.assert_allclose(r.truth, X[:, 1:])
    assert "nees" in panel.results_frame().columns


def test_csv_with_one_column_is_refused(panel):
    old = panel.run
    panel.set_dataset(Dataset(np.ones((5, 1)), ["x"]))
    assert panel.messages.level() == "error" and "two position columns" in panel.messages.text()
    assert panel.run is old


def test_dragging_a_dropout_moves_it_and_refilters(qtbot, panel, wait_idle):
    ((t0, t1),) = panel.dropouts()
    vb = panel.ess_view.plot.getViewBox()

    def at(t, y=0.5):
        return panel.figure.mapFromScene(vb.mapViewToScene(QPointF(t, y)))

    mid = 0.5 * (t0 + t1)
    vp = panel.figure.viewport()
    # Hover first, so the region claims the drag, not the view. pyqtgraph rate-limits hover
    # events and a move to the pointer's own position sends none: move in until it is hovered.
    (region,) = panel._regions
    for _ in range(20):
        qtbot.mouseMove(vp, pos=at(mid + 3, 0.9))
        qtbot.wait(40)
        qtbot.mouseMove(vp, pos=at(mid))
        qtbot.wait(40)
        if region.mouseHovering:
            break
    assert region.mouseHovering
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=at(mid))
    for k in range(1, 11):
        qtbot.wait(25)  # pyqtgraph drops mouse moves that come faster than its rate limit
        qtbot.mouseMove(vp, pos=at(mid - 2 * k))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=at(mid - 20))
    wait_idle(panel)
    ((n0, n1),) = panel.dropouts()
    assert n0 < t0 - 10 and n1 - n0 == pytest.approx(t1 - t0)
    a, b = int(np.ceil(n0)), int(np.floor(n1))
    assert np.isnan(panel.run.zs[a : b + 1]).all()
    assert panel.undo_stack.undoText() == "Move dropout"


def test_the_scrubber_stays_put_as_the_time_text_grows(qtbot, panel):
    panel.scrubber.setValue(0)
    qtbot.wait(20)
    x = panel.scrubber.x()
    for t in (5, 50, panel.scrubber.maximum()):
        panel.scrubber.setValue(t)
        qtbot.wait(20)
        assert panel.scrubber.x() == x, t


def test_step_back_and_the_timeline_move_over_every_time_step(qtbot, panel):
    run = panel.run
    timeline = panel.timeline
    assert timeline.positions == tuple(range(60)) and panel.t == 59
    qtbot.mouseClick(timeline.back_button, Qt.MouseButton.LeftButton)
    assert panel.t == 58 and panel.c.time_label.text().startswith("t = 58 / 59")
    panel.activateWindow()
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert panel.t == 57 and panel.ess_view.cursor.value() == 57
    qtbot.mouseClick(timeline.forward_button, Qt.MouseButton.LeftButton)
    assert panel.t == 58 and panel.lab_state().t == 58
    assert panel.run is run and not panel.busy()  # scrubbing never refilters


def test_a_session_state_reopens_exactly(make_panel, panel, wait_idle):
    panel.clear_dropouts()
    wait_idle(panel)
    panel.c.show_rts.setChecked(False)
    panel.set_time(17)
    saved = panel.session_state()
    other = make_panel(TrackPanel, seed=5)
    other.restore_session_state(saved)
    wait_idle(other)
    assert other.lab_state().same_as(panel.lab_state())
    np.testing.assert_array_equal(other.run.pf.means, panel.run.pf.means)
    np.testing.assert_array_equal(other.run.zs, panel.run.zs)
    assert other.t == 17 and other.c.time_label.text() == panel.c.time_label.text()
    assert not other.c.show_rts.isChecked() and other.dropouts() == ()
    xs = other.track_view.rts_item.getData()[0]
    assert xs is None or len(xs) == 0
    assert other.c.source_label.text() == "Preset: Figure-8" and other.seed() == 0


def test_view_switches_redraw_without_refiltering(panel):
    run = panel.run
    panel.c.show_cloud.setChecked(False)
    assert not panel.busy() and panel.run is run and not panel.lab_state().show_particles
    assert all(len(item.getData()[0]) == 0 for item in panel.track_view.cloud_items)


def test_a_csv_as_measurements_is_one_undo_step(panel, wait_idle):
    X = np.column_stack([np.linspace(0, 50, 30), np.linspace(0, 20, 30)])
    panel.c.meas_box.setCurrentIndex(1)
    wait_idle(panel)
    panel.set_dataset(Dataset(X, ["x", "y"], name="line.csv"))
    wait_idle(panel)
    assert panel.state.measurement == "position" and panel.run.truth is None
    assert panel.c.meas_box.currentIndex() == 0
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.state.measurement == "range_bearing" and panel.run.zs.shape[1] == 4


def test_a_parameter_change_is_one_undo_step(panel, wait_idle):
    old = panel.state.q
    slider = panel.c.param_forms[1].sliders["q"].slider
    slider.setValue(slider.value() + 30)
    wait_idle(panel)
    assert panel.state.q > old and panel.undo_stack.undoText().startswith("Q: q = ")
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.state.q == old and panel.c.read()["q"] == old


def test_the_rmse_title_is_the_runs_from_the_start(make_panel, panel):
    # a title that grew after the first paint re-laid the figure out: a reopened session
    # drew the RMSE chart ~10 px off its demo's
    fresh = make_panel(TrackPanel)
    assert fresh.rmse_view.plot.titleLabel.text == panel.rmse_view.plot.titleLabel.text


def test_the_time_label_grows_with_the_font(qtbot, panel):
    panel.set_time(59)
    label = panel.c.time_label
    font = label.font()
    for size in (font.pointSizeF(), 2.5 * font.pointSizeF()):  # presenter mode's fonts
        font.setPointSizeF(size)
        panel.setFont(font)
        qtbot.waitUntil(
            lambda: label.width() >= label.fontMetrics().horizontalAdvance(label.text())
        )
