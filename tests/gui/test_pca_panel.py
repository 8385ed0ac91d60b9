"""The PCA panel driven through its real widgets: direction drag, EM steps, tables by label."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pixels import settled_image
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from prmlab.data import Dataset, load_csv
from prmlab.data.builtin import iris
from prmlab.gui.panels.pca import PcaPanel
from prmlab.gui.widgets import colors
from prmlab.lab import pca

LEFT = Qt.MouseButton.LeftButton
FIXTURES = Path(__file__).parents[1] / "data" / "fixtures"


@pytest.fixture
def panel(make_panel, wait_idle):
    p = make_panel(PcaPanel)
    p.load_demo()
    wait_idle(p)
    return p


def to_widget(panel, x: float, y: float):
    return panel.figure.mapFromScene(panel.data_view.plot.vb.mapViewToScene(QPointF(x, y)))


def drag(qtbot, panel, start, end, steps=6):
    vp = panel.figure.viewport()
    qtbot.mousePress(vp, LEFT, pos=to_widget(panel, *start))
    for t in np.linspace(0, 1, steps)[1:]:
        qtbot.mouseMove(
            vp, pos=to_widget(panel, *(np.asarray(start) * (1 - t) + np.asarray(end) * t))
        )
    qtbot.mouseRelease(vp, LEFT, pos=to_widget(panel, *end))


def variance(panel) -> float:
    """The variance along the panel's line, as the lab computes it."""
    return pca.line_projection(panel.analysis, panel.state.angle).variance


def hover(panel, x: float, y: float) -> None:
    """A plain mouse move (no button) over the figure: what a user's pointer sends."""
    QTest.qWait(40)  # pyqtgraph's scene drops moves that come faster than ~60 per second
    vp = panel.figure.viewport()
    local = QPointF(to_widget(panel, x, y))
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        local,
        QPointF(vp.mapToGlobal(local.toPoint())),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(vp, event)


def test_demo_draws_axes_scree_em_and_fisher(panel):
    a = panel.analysis
    assert a is not None and len(a.X) == 140
    assert a.fisher is not None and a.fisher.criteria_[0] > 10 * a.fisher.criterion(
        a.pca.components_[0]
    )
    assert len(a.frames) > 2 and panel.state.iteration == len(a.frames) - 1  # demo shows EM's end
    assert "converged" in panel.ui.em_label.text()
    heights = panel.scree_view.bars.opts["height"]
    np.testing.assert_allclose(heights, 100 * a.pca.explained_variance_ratio_)
    assert panel.data_view.arrows[0].isVisible()
    assert panel.messages.level() != "error"


def test_lines_and_the_sigma2_curves_do_not_depend_on_the_sizes_drawn_at(qtbot, panel):
    # lines reaching past the view's range, and σ² lined up by screen geometry: a demo drawn
    # before its layout settled and its reopened session differed (issue #16)
    view, em = panel.data_view, panel.em_view
    lines = [item.getData() for item in (view.your_line, view.fisher_line)]
    assert em.sigma_view.viewRange()[0] == em.plot.viewRange()[0]
    x_range = view.plot.viewRange()[0]
    panel.resize(1000, 560)
    qtbot.waitUntil(lambda: view.plot.viewRange()[0] != x_range)  # (its aspect is locked)
    panel.redraw()
    for item, (x, y) in zip((view.your_line, view.fisher_line), lines):
        np.testing.assert_array_equal(item.getData()[0], x)
        np.testing.assert_array_equal(item.getData()[1], y)
    assert em.sigma_view.viewRange()[0] == em.plot.viewRange()[0]
    em.sigma_view.setXRange(1.0, 5.0, padding=0)  # a drag over σ²'s view pans both
    assert em.plot.viewRange()[0] == [1.0, 5.0]


def test_dragging_the_direction_handle_updates_projected_variance(qtbot, panel, wait_idle):
    a = panel.analysis
    before, label_before = variance(panel), panel.ui.variance_label.text()
    assert before < 0.6 * a.pca.explained_variance_[0]  # the demo's line starts far from PC 1
    start = np.array([panel.data_view.handle.pos().x(), panel.data_view.handle.pos().y()])
    v1 = a.pca.components_[0]
    end = a.pca.mean_ + np.linalg.norm(start - a.pca.mean_) * v1
    drag(qtbot, panel, start, end)
    after = variance(panel)
    assert after == pytest.approx(a.pca.explained_variance_[0], rel=0.01)  # found the maximum
    assert panel.ui.variance_label.text() != label_before
    assert f"{after:.4g}" in panel.ui.variance_label.text()
    u = pca.direction(panel.state.angle)
    assert abs(u @ v1) == pytest.approx(1.0, abs=0.01)
    assert panel.ui.angle_slider.value() == pytest.approx(panel.state.angle)
    # the reconstruction error is the rest of the total variance
    assert f"{a.pca.total_variance_ - after:.4g}" in panel.ui.variance_label.text()


def test_angle_slider_and_snap(qtbot, panel):
    panel.ui.angle_slider.slider.setValue(0)  # the real slider: 0 degrees
    u = pca.direction(panel.state.angle)
    np.testing.assert_allclose(u, [1.0, 0.0], atol=1e-12)
    assert variance(panel) == pytest.approx(panel.analysis.covariance[0, 0])
    qtbot.mouseClick(panel.ui.snap_button, LEFT)
    assert variance(panel) == pytest.approx(panel.analysis.pca.explained_variance_[0])


def test_step_advances_em_and_play_stops_at_convergence(qtbot, panel):
    frames = panel.analysis.frames
    qtbot.mouseClick(panel.playback.reset_button, LEFT)
    assert panel.state.iteration == 0 and "iteration <b>0</b>" in panel.ui.em_label.text()
    ll_before = panel.em_view.ll_curve.getData()[1].copy()
    qtbot.mouseClick(panel.playback.step_button, LEFT)
    qtbot.mouseClick(panel.playback.step_button, LEFT)
    assert panel.state.iteration == 2 and "iteration <b>2</b>" in panel.ui.em_label.text()
    ll = panel.em_view.ll_curve.getData()[1]
    assert len(ll) == 3 and len(ll_before) == 1 and np.all(np.diff(ll) >= 0)
    w_line = panel.data_view.em_line.getData()
    np.testing.assert_allclose(w_line[0][1] - panel.analysis.pca.mean_[0], frames[2].W[0, 0])
    panel.playback.speed.setValue(60.0)
    qtbot.mouseClick(panel.playback.play_button, LEFT)
    qtbot.waitUntil(lambda: not panel.playback.playing, timeout=10000)
    assert panel.state.iteration == len(frames) - 1


def test_table_projection_colours_by_label_and_hover_shows_the_row(qtbot, panel, wait_idle):
    panel.set_dataset(iris())
    wait_idle(panel)
    assert panel.state.table and not panel.editor.enabled
    assert panel.ui.preset_box.currentIndex() == -1  # own data, no preset showing
    assert len(panel.table_view.class_scatters) == 3
    for k, item in enumerate(panel.table_view.class_scatters):
        assert len(item.data) == 50
        assert item.opts["brush"].color().name() == colors.PALETTE[k].lower()
    a = panel.analysis
    assert a.standardised and a.fisher is not None and a.fisher.components_.shape == (2, 4)
    assert panel.data_view.plot.getAxis("bottom").labelText.startswith("PC 1")
    # hover over the most isolated row (iris has duplicate rows)
    gaps = np.linalg.norm(a.scores[:, None, :2] - a.scores[None, :, :2], axis=2)
    np.fill_diagonal(gaps, np.inf)
    row = int(np.argmax(gaps.min(axis=1)))
    hover(panel, *a.scores[row, :2])
    assert f"row {row + 1}</b>" in panel.ui.hover_label.text()
    assert iris().class_names[iris().y[row]] in panel.ui.hover_label.text()
    assert panel.table_view.hover_text.isVisible()
    (x0, x1), (y0, y1) = panel.data_view.plot.viewRange()
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 9)[1:-1], np.linspace(y0, y1, 9)[1:-1]), -1)
    grid = grid.reshape(-1, 2)
    empty = grid[
        np.argmax(np.min(np.linalg.norm(grid[:, None] - a.scores[None, :, :2], axis=2), 1))
    ]
    hover(panel, *empty)
    assert not panel.table_view.hover_text.isVisible()
    # biplot: one loading segment per feature
    assert len(panel.table_view.loading_texts) == 4
    # component choice per axis
    panel.ui.pc_x.setValue(3)
    assert panel.data_view.plot.getAxis("bottom").labelText.startswith("PC 3")
    np.testing.assert_allclose(
        panel.table_view.class_scatters[0].data["x"], a.scores[iris().y == 0, 2]
    )


def test_standardise_toggle_changes_the_spectrum(panel, wait_idle):
    panel.set_dataset(iris())
    wait_idle(panel)
    standardised = panel.analysis.pca.explained_variance_ratio_[0]
    panel.ui.data_controls.standardise_box.click()
    wait_idle(panel)
    raw = panel.analysis.pca.explained_variance_ratio_[0]
    assert standardised == pytest.approx(0.7296, abs=1e-3)
    assert raw == pytest.approx(0.9246, abs=1e-3)


def test_click_adds_a_point_refits_and_undo_restores(qtbot, panel, wait_idle):
    n = len(panel.analysis.X)
    qtbot.mouseClick(panel.figure.viewport(), LEFT, pos=to_widget(panel, 6.0, -6.0))
    wait_idle(panel)
    assert len(panel.analysis.X) == n + 1
    panel.undo_stack.undo()
    wait_idle(panel)
    assert len(panel.analysis.X) == n


def test_dragging_a_point_refits_and_side_charts_catch_up_at_release(qtbot, panel, wait_idle):
    start = panel.editor.points[0]
    drag(qtbot, panel, start, (7.0, -7.0))
    wait_idle(panel)
    qtbot.waitUntil(lambda: not panel._dragging)
    a = panel.analysis
    np.testing.assert_allclose(a.X[0], [7.0, -7.0], atol=0.1)
    np.testing.assert_allclose(
        panel.scree_view.bars.opts["height"], 100 * a.pca.explained_variance_ratio_
    )
    assert variance(panel) == pytest.approx(
        pca.direction(panel.state.angle) @ a.covariance @ pca.direction(panel.state.angle)
    )


def test_identical_points_explain_zero_variance(panel, wait_idle):
    panel.editor.set_data(np.ones((4, 2)), np.array([0, 0, 1, 1]))
    wait_idle(panel)
    assert panel.messages.level() == "warning"
    assert "zero total variance" in panel.messages.text()
    a = panel.analysis
    assert np.isfinite(a.pca.explained_variance_ratio_).all()
    assert "zero total variance" in panel.ui.em_label.text()  # p-PCA explains itself too
    assert "nan" not in panel.ui.variance_label.text().lower()
    panel.editor.set_data(np.array([[1.0, 2.0]]))
    wait_idle(panel)
    assert panel.analysis is None and "another" in panel.messages.text()


def test_unusable_table_is_refused_and_previous_data_kept(panel):
    before = panel.analysis
    panel.set_dataset(Dataset(X=np.ones((5, 1)), feature_names=["a"], name="thin"))
    assert panel.messages.level() == "error" and "2 numeric columns" in panel.messages.text()
    assert panel.analysis is before and not panel.state.table


def test_results_frame_has_scores_loadings_and_variances(panel):
    frame = panel.results_frame()
    assert set(frame["kind"]) == {
        "score", "loading", "explained_variance", "explained_variance_ratio",
    }  # fmt: skip
    scores = frame[frame["kind"] == "score"]
    np.testing.assert_allclose(scores[["PC1", "PC2"]].to_numpy(), panel.analysis.scores)
    assert set(scores["label"]) == {"class A", "class B"}
    loadings = frame[frame["kind"] == "loading"]
    np.testing.assert_allclose(
        loadings[["PC1", "PC2"]].to_numpy(), panel.analysis.pca.components_.T
    )


def test_presets_load(panel, wait_idle):
    for name in ("Correlated Gaussian", "Elongated", "Ring", "2,000 points", "Wine (13 columns)"):
        panel.load_preset(name)
        wait_idle(panel)
        assert panel.analysis is not None and panel.messages.level() != "error", name
    assert panel.analysis.X.shape == (178, 13)


def test_a_preset_after_a_table_keeps_nothing_of_the_table(qtbot, panel, wait_idle):
    panel.set_dataset(iris())
    wait_idle(panel)
    hover(panel, *panel.analysis.scores[0, :2])
    panel.ui.preset_box.setCurrentText("Empty: click your own")
    panel.ui.preset_box.textActivated.emit("Empty: click your own")
    wait_idle(panel)
    assert all(len(item.data) == 0 for item in panel.table_view.class_scatters)  # iris's points
    assert not any(text.isVisible() for text in panel.table_view.loading_texts)  # biplot names
    assert not panel.data_view.plot.getAxis("bottom").labelText.startswith("PC")
    assert not panel.table_view.hover_text.isVisible()
    assert panel.analysis is None and not panel.ui.fisher_label.text()
    assert "Projection on" not in panel.hist_view.plot.titleLabel.text
    (x0, x1), (y0, y1) = panel.data_view.plot.viewRange()  # a sensible empty range, not ±500
    assert -20 < x0 < x1 < 20 and -20 < y0 < y1 < 20
    panel.editor.add_point(0.0, 0.0, 0)
    wait_idle(panel)
    assert "another" in panel.messages.text()  # "one point has no variance yet" ...
    panel.ui.preset_box.setCurrentText("Ring")
    panel.ui.preset_box.textActivated.emit("Ring")
    wait_idle(panel)
    assert panel.messages.level() == "" and panel.analysis is not None  # ... goes with it


def test_spraying_keeps_the_view(qtbot, panel, wait_idle):
    panel.load_preset("Empty: click your own")
    panel.ui.tool_box.setCurrentText("Spray")
    wait_idle(panel)  # laid out: the aspect-locked range follows the plot's shape
    before = panel.data_view.plot.viewRange()
    drag(qtbot, panel, (-2.0, -2.0), (2.0, 2.0), steps=12)  # paints a diagonal stroke
    wait_idle(panel)
    # the same view (the aspect lock may trade a few % between x and y as the layout settles)
    after = np.array(panel.data_view.plot.viewRange())
    np.testing.assert_allclose(after.mean(axis=1), np.mean(before, axis=1), atol=1e-9)
    assert np.ptp(after, axis=1).min() == pytest.approx(np.ptp(before, axis=1).min())
    points = panel.editor.points
    assert len(points) >= 12 and np.ptp(points[:, 0]) > 3  # a stroke, not a blob


def test_a_typed_seed_draws_the_preset_again(qtbot, panel, wait_idle, type_seed):
    before = panel.editor.points
    type_seed(panel, "7")
    wait_idle(panel)
    assert panel.seed() == 7 and panel.ui.preset_box.currentText() == "Two clusters"
    np.testing.assert_allclose(panel.editor.points, pca.preset_points("Two clusters", 7)[0])
    assert not np.allclose(panel.editor.points, before)


def test_one_row_per_class_says_why_fishers_j_is_infinite(panel, wait_idle):
    """statecrime with its 'state' column as the label: 51 classes of one row each, so the
    within-class scatter is zero and J was printed as NumPy's "inf"."""
    panel.set_dataset(load_csv(FIXTURES / "statecrime.csv", label_column="state"))
    wait_idle(panel)
    text = panel.ui.fisher_label.text()
    assert "inf" not in text and "∞" in text and "single row" in text
    assert "inf" not in panel.hist_view.plot.titleLabel.text


def test_the_timeline_steps_back_and_forward_through_em(qtbot, panel, wait_idle):
    last = panel.result.last
    assert panel.timeline.positions == tuple(range(last + 1))  # the demo ran EM to its end
    qtbot.mouseClick(panel.timeline.back_button, LEFT)
    assert panel.state.iteration == last - 1 and f"<b>{last - 1}</b>" in panel.ui.em_label.text()
    frame = panel.analysis.frames[last - 1]
    w = panel.data_view.em_line.getData()
    np.testing.assert_allclose(w[0][1] - panel.analysis.pca.mean_[0], frame.W[0, 0])
    assert len(panel.em_view.ll_curve.getData()[0]) == last  # the curve up to that iteration
    panel.data_view.plot.getViewBox().setFocus()
    qtbot.keyClick(panel.figure, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert panel.state.iteration == last - 2
    panel.timeline.slider.setValue(0)  # dragged to EM's random start
    assert panel.state.iteration == 0 and "iteration <b>0</b>" in panel.ui.em_label.text()
    qtbot.mouseClick(panel.timeline.forward_button, LEFT)
    assert panel.state.iteration == 1
    panel.timeline.slider.setValue(last)
    qtbot.mouseClick(panel.timeline.forward_button, LEFT)  # nothing after the end
    assert panel.state.iteration == last
    expected = pca.Experiment(panel.lab_state()).result
    np.testing.assert_array_equal(panel.result.frame.W, expected.frame.W)


def test_the_history_restarts_with_new_data_and_follows_steps(qtbot, panel, wait_idle):
    panel.load_preset("Correlated Gaussian")
    wait_idle(panel)
    assert panel.timeline.positions == (0,)  # a new data set: EM from its start
    qtbot.mouseClick(panel.playback.step_button, LEFT)
    qtbot.mouseClick(panel.playback.step_button, LEFT)
    assert panel.timeline.positions == (0, 1, 2)
    assert panel.history.nbytes < 10_000  # one W per position, the data shared


def test_a_shown_state_is_drawn_exactly_in_a_new_panel(qtbot, panel, make_panel, wait_idle):
    panel.set_dataset(iris())
    wait_idle(panel)
    panel.ui.pc_x.setValue(3)
    panel.ui.hist_box.setCurrentText("Fisher direction")
    qtbot.mouseClick(panel.playback.step_button, LEFT)
    state = panel.lab_state()
    assert state.table and state.pc_x == 3 and state.iteration == 1
    other = make_panel(PcaPanel)
    other.restore_session_state(panel.session_state())
    wait_idle(other)
    assert other.lab_state().same_as(state)
    assert other.ui.pc_x.value() == 3 and other.ui.hist_box.currentText() == "Fisher direction"
    assert other.ui.em_label.text() == panel.ui.em_label.text()
    assert other.hist_view.plot.titleLabel.text == panel.hist_view.plot.titleLabel.text
    for mine, theirs in zip(panel.table_view.class_scatters, other.table_view.class_scatters):
        np.testing.assert_array_equal(mine.data["x"], theirs.data["x"])
    points = pca.preset("Ring", seed=4).replace(angle=30.0, iteration=3, show_axes=False)
    other.show_state(points)
    wait_idle(other)
    assert other.lab_state().same_as(points) and other.editor.enabled
    np.testing.assert_array_equal(other.editor.points, points.X)
    assert not other.data_view.arrows[0].isVisible() and other.ui.angle_slider.value() == 30.0


def test_standardising_and_columns_are_the_shared_data_controls_and_undoable(panel, wait_idle):
    panel.set_dataset(iris())
    wait_idle(panel)
    data = panel.ui.data_controls  # the shared widget, as in the SVM and EM/GMM panels
    if panel.controls_scroll.folded:  # folded where the figure needs the room: opened
        panel.controls_scroll.toggle.click()
    assert data.isVisible() and data.column_list.count() == 4 and not data.view_box.isVisible()
    assert "150 rows, 4 columns, 3 classes" in data.summary.text()
    data.standardise_box.click()
    wait_idle(panel)
    assert not panel.state.standardise and not panel.analysis.standardised
    data.column_list.item(0).setCheckState(Qt.CheckState.Unchecked)  # PCA of 3 columns
    wait_idle(panel)
    assert panel.state.columns == (1, 2, 3) and panel.analysis.X.shape == (150, 3)
    np.testing.assert_array_equal(panel.analysis.X, iris().X[:, 1:])
    assert panel.ui.pc_x.maximum() == 3 and len(panel.table_view.loading_texts) >= 3
    assert list(panel.results_frame().query("kind == 'loading'")["name"]) == list(
        iris().feature_names[1:]
    )
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.state.columns == () and panel.analysis.X.shape == (150, 4)
    assert data.column_list.item(0).checkState() == Qt.CheckState.Checked
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.state.standardise and data.standardise_box.isChecked()
    assert panel.analysis.standardised
    panel.load_preset("Two clusters")  # 2-D points: no table controls
    wait_idle(panel)
    assert not data.isVisible()


def test_your_line_and_view_switches_undo_one_step_each(qtbot, panel, wait_idle):
    analysis = panel.analysis
    start = np.array([panel.data_view.handle.pos().x(), panel.data_view.handle.pos().y()])
    end = analysis.pca.mean_ + np.linalg.norm(start - analysis.pca.mean_) * np.array([1.0, 0.0])
    drag(qtbot, panel, start, end)  # one gesture, many angles
    turned = panel.state.angle
    assert abs(turned - 90.0) > 45.0
    panel.ui.axes_check.setChecked(False)
    assert not panel.data_view.arrows[0].isVisible()
    panel.undo_stack.undo()  # the axes come back, drawn from the same analysis
    assert panel.state.show_axes and panel.data_view.arrows[0].isVisible()
    assert panel.analysis is analysis and not panel.job.running
    panel.undo_stack.undo()  # the whole drag of the handle at once
    assert panel.state.angle == 90.0 and panel.ui.angle_slider.value() == 90.0
    assert variance(panel) == pytest.approx(analysis.covariance[1, 1])
    panel.undo_stack.redo()
    assert panel.state.angle == pytest.approx(turned)


def test_a_drag_draws_each_fit_that_ends_then_the_newest_points(qtbot, panel, wait_idle):
    # every move came while a fit ran and replaced it, so a drag whose fits were slower than
    # the mouse's frames drew nothing until the mouse paused: now the running fit is drawn
    drawn = []
    received = panel._received
    panel._received = lambda experiment: drawn.append(experiment.state.X[0]) or received(experiment)
    start = panel.editor.points[0]
    drag(qtbot, panel, start, (7.0, -7.0))  # no pause: the first move's fit is still running
    wait_idle(panel)
    assert len(drawn) == 2 and not np.allclose(drawn[0], [7.0, -7.0], atol=0.1)
    np.testing.assert_allclose(drawn[-1], [7.0, -7.0], atol=0.1)
    np.testing.assert_allclose(panel.analysis.X[0], [7.0, -7.0], atol=0.1)


def test_a_state_one_em_position_on_draws_only_em_and_as_a_full_redraw(
    qtbot, make_panel, wait_idle, monkeypatch
):
    """Compare mode shows a State at every tick: a State that moves only the EM position
    draws EM's parts (W on the data, the EM chart, its numbers), not the table, scree and
    histogram again, and the figure is the one a full redraw of that State paints."""
    panel = make_panel(PcaPanel)
    panel.show_state(pca.preset("Iris (4 columns)", seed=1))
    wait_idle(panel)
    drawn = []
    for view in (panel.table_view, panel.scree_view, panel.hist_view):
        monkeypatch.setattr(view, "draw", lambda *a, draw=view.draw: drawn.append(a) or draw(*a))
    panel.show_state(panel.state.replace(iteration=3))
    wait_idle(panel)
    assert panel.result.iteration == 3 and drawn == []
    em = panel.em_view.ll_curve.getData()
    incremental = settled_image(qtbot, panel)
    panel.redraw()
    assert len(drawn) == 3
    np.testing.assert_array_equal(panel.em_view.ll_curve.getData(), em)
    assert settled_image(qtbot, panel) == incremental
    panel.show_state(panel.state.replace(iteration=5, pc_y=3))  # a view change too: all
    wait_idle(panel)
    assert len(drawn) == 6 and panel.result.iteration == 5
