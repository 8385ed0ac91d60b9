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
    p.particles_slider.setValue(300)
    p.load_demo()
    wait_idle(p)
    return p


def _widget_pos(panel, x: float, y: float) -> QPoint:
    scene = panel.view.mapViewToScene(QPointF(x, y))
    return panel.figure.mapFromScene(scene)


def _traces(result):
    return np.trace(result.kf.covs[:, :2, :2], axis1=1, axis2=2)


def test_demo_runs_to_a_drawn_result(panel):
    r = panel.result
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
    r = panel.result
    assert panel.source_label.text() == "Drawn path"
    truth = r.scenario.truth
    assert truth.shape == (60, 2)
    assert truth[0, 0] < -30 and truth[-1, 0] > 30  # follows the stroke
    assert truth[:, 1].max() > 15  # through the top of the arc
    assert np.isfinite(r.zs).all() and np.isfinite(r.kf.means).all()
    err = np.sqrt(np.mean(np.sum((r.rts_means[:, :2] - truth) ** 2, axis=1)))
    assert err < 10
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.source_label.text() == "Preset: Figure-8"


def test_a_dropout_grows_the_ellipses(qtbot, panel, wait_idle):
    panel.clear_dropouts()
    wait_idle(panel)
    before = _traces(panel.result)
    qtbot.mouseClick(panel.add_dropout_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    ((t0, t1),) = panel.dropouts()
    a, b = int(round(t0)), int(round(t1))
    r = panel.result
    assert np.isnan(r.zs[a : b + 1]).all()
    after = _traces(r)
    assert (np.diff(after[a : b + 1]) > 0).all()
    assert after[b] > 3 * before[b]
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.dropouts() == () and not np.isnan(panel.result.zs).any()
    panel.undo_stack.redo()
    wait_idle(panel)
    assert len(panel.dropouts()) == 1 and np.isnan(panel.result.zs).any()


def test_changing_r_refilters(panel, wait_idle):
    old = panel.result
    slider = panel.sigma_slider.slider  # drag the real QSlider: larger R
    slider.setValue(slider.value() + 40)
    wait_idle(panel)
    new = panel.result
    assert new is not old and new.scenario.sigma == pytest.approx(panel.sigma_slider.value())
    assert new.scenario.sigma > old.scenario.sigma
    assert _traces(new)[-1] > _traces(old)[-1]


def test_step_and_scrubber_move_the_drawn_time(qtbot, panel):
    panel.scrubber.setValue(5)
    assert panel.t == 5 and panel.time_label.text().startswith("t = 5 / 59")
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    assert panel.t == 6 and panel.cursor.value() == 6
    assert sum(len(item.getData()[0]) for item in panel.cloud_items) == 2 * 300
    qtbot.mouseClick(panel.playback.reset_button, Qt.MouseButton.LeftButton)
    assert panel.t == 0
    panel.set_time(59)
    qtbot.mouseClick(panel.playback.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.t >= 3, timeout=5000)  # replays from the start
    qtbot.mouseClick(panel.playback.play_button, Qt.MouseButton.LeftButton)
    assert not panel.playback.playing and panel.t < 59


def test_range_bearing_and_constant_acceleration(panel, wait_idle):
    panel.meas_box.setCurrentIndex(1)
    wait_idle(panel)
    panel.motion_box.setCurrentIndex(1)
    wait_idle(panel)
    r = panel.result
    assert r.zs.shape == (60, 4) and r.kf.means.shape == (60, 6)
    assert np.isfinite(r.pf.means).all()


def test_csv_track_with_time_is_filtered(panel, wait_idle):
    t = np.cumsum(np.r_[0.0, np.full(49, 0.5)])
    X = np.column_stack([t, np.cos(t / 4) * 30, np.sin(t / 4) * 30])
    panel.set_dataset(Dataset(X, ["time", "east", "north"], name="walk.csv"))
    wait_idle(panel)
    r = panel.result
    assert r.scenario.truth is None and r.zs.shape == (50, 2)
    assert "dt = 0.5" in panel.source_label.text()
    assert "nees" not in panel.results_frame().columns
    assert np.isfinite(r.rts_means).all()
    panel.csv_role_box.setCurrentIndex(1)
    panel.csv_role_box.activated.emit(1)
    wait_idle(panel)
    r = panel.result
    np.testing.assert_allclose(r.scenario.truth, X[:, 1:])
    assert "nees" in panel.results_frame().columns


def test_csv_with_one_column_is_refused(panel):
    old = panel.result
    panel.set_dataset(Dataset(np.ones((5, 1)), ["x"]))
    assert panel.messages.level() == "error" and "two position columns" in panel.messages.text()
    assert panel.result is old


def test_dragging_a_dropout_moves_it_and_refilters(qtbot, panel, wait_idle):
    ((t0, t1),) = panel.dropouts()
    vb = panel.time_plot.getViewBox()

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
    assert np.isnan(panel.result.zs[a : b + 1]).all()
    assert panel.undo_stack.undoText() == "Move dropout"


def test_the_scrubber_stays_put_as_the_time_text_grows(qtbot, panel):
    panel.scrubber.setValue(0)
    qtbot.wait(20)
    x = panel.scrubber.x()
    for t in (5, 50, panel.scrubber.maximum()):
        panel.scrubber.setValue(t)
        qtbot.wait(20)
        assert panel.scrubber.x() == x, t
