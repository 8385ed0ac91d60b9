"""The EM/GMM panel driven through its real widgets with qtbot."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from prmlab.data import Dataset
from prmlab.data.builtin import iris
from prmlab.gui.panels.gmm import GmmPanel
from prmlab.lab import gmm


@pytest.fixture
def panel(make_panel, wait_idle):
    p = make_panel(GmmPanel)
    p.load_preset("Blobs (3)")
    wait_idle(p)
    return p


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def to_widget(panel, plot, x, y):
    return panel.figure.mapFromScene(plot.getViewBox().mapViewToScene(QPointF(x, y)))


def point_colours(panel):
    return [b.color().name() for b in panel.data_view.points.data["brush"]]


def ellipse(panel, k=0):
    return np.array(panel.data_view.curves[2 * k].getData())


def test_step_e_recolours_then_step_m_moves_ellipses(qtbot, panel, wait_idle):
    panel.load_preset("Overlapping blobs (5)")
    wait_idle(panel)
    assert panel.result.half == "init"
    colours0, ellipse0 = point_colours(panel), ellipse(panel)
    assert not panel.ui.step_m_button.isEnabled()
    click(qtbot, panel.ui.step_e_button)
    wait_idle(panel)
    assert panel.result.half == "E" and len(panel.result.history) == 1
    assert point_colours(panel) != colours0  # soft responsibilities blend the colours
    np.testing.assert_array_equal(ellipse(panel), ellipse0)  # E leaves the parameters
    assert panel.ui.step_m_button.isEnabled() and not panel.ui.step_e_button.isEnabled()
    colours1 = point_colours(panel)
    click(qtbot, panel.ui.step_m_button)
    wait_idle(panel)
    assert panel.result.half == "M"
    assert not np.allclose(ellipse(panel), ellipse0)  # M re-estimates means and covariances
    assert point_colours(panel) == colours1
    click(qtbot, panel.playback.step_button)  # Step (E+M): one more full iteration
    wait_idle(panel)
    assert panel.result.half == "M" and panel.result.iteration == 2
    panel.data_view.plot.getViewBox().setFocus()
    qtbot.keyClick(panel.figure, Qt.Key.Key_E)  # keys for the lecture: E, M, N
    wait_idle(panel)
    assert panel.result.half == "E" and panel.result.iteration == 3
    qtbot.keyClick(panel.figure, Qt.Key.Key_M)
    wait_idle(panel)
    assert panel.result.half == "M"


def test_play_runs_to_convergence_and_the_curve_never_decreases(qtbot, panel, wait_idle):
    panel.playback.speed.setValue(30.0)
    click(qtbot, panel.playback.play_button)
    qtbot.waitUntil(lambda: not panel.playback.playing, timeout=20000)
    wait_idle(panel)  # the curve is drawn in a turn after the plot
    assert panel.result.converged
    h = panel.result.history
    assert len(h) >= 2 and (np.diff(h) >= -1e-9).all()
    assert panel.curve_view.mono_text.toPlainText().startswith("✓")
    frame = panel.results_frame()
    assert {"label", "resp_0", "weight"} <= set(frame.columns)
    assert (frame["row"] == "point").sum() == len(panel.X)


def test_dragging_a_mean_reinitialises(qtbot, panel, wait_idle):
    click(qtbot, panel.ui.fit_button)
    wait_idle(panel)
    assert panel.result.iteration > 0
    handle = panel.data_view.handles[0]
    start = handle.pos()
    target = QPointF(start.x() + 3.0, start.y() - 2.0)
    vp = panel.figure.viewport()
    qtbot.mousePress(
        vp,
        Qt.MouseButton.LeftButton,
        pos=to_widget(panel, panel.data_view.plot, start.x(), start.y()),
    )
    for t in np.linspace(0, 1, 6)[1:]:
        qtbot.mouseMove(
            vp, pos=to_widget(panel, panel.data_view.plot, start.x() + 3 * t, start.y() - 2 * t)
        )
    qtbot.mouseRelease(
        vp,
        Qt.MouseButton.LeftButton,
        pos=to_widget(panel, panel.data_view.plot, target.x(), target.y()),
    )
    wait_idle(panel)
    assert panel.result.half == "init" and panel.result.iteration == 0
    assert len(panel.result.history) == 0
    np.testing.assert_allclose(panel.result.means[0], [target.x(), target.y()], atol=0.1)


def test_restarts_fill_the_histogram_and_a_click_loads_a_run(qtbot, panel, wait_idle):
    panel.ui.runs_box.setValue(6)
    click(qtbot, panel.ui.restarts_button)
    wait_idle(panel)
    heights = panel.restarts_view.bars.opts["height"]
    assert int(np.sum(heights)) == 6
    qtbot.wait(100)  # let the layout settle (the title changed) before mapping the click
    r = panel.restarts_view.restarts
    worst = int(np.argmin(r.scores))
    x = float(r.scores[worst])
    vb = panel.restarts_view.plot.getViewBox()
    y = float(np.mean(vb.viewRange()[1]))
    qtbot.mouseClick(
        panel.figure.viewport(),
        Qt.MouseButton.LeftButton,
        pos=to_widget(panel, panel.restarts_view.plot, x, y),
    )
    assert panel.restarts_view.mark.isVisible()
    assert panel.seed() == int(r.seeds[int(np.argmin(np.abs(r.scores - x)))])
    wait_idle(panel)  # its responsibilities are recomputed in the worker
    assert panel.result.converged


def test_kmeans_mode_shows_hard_labels_and_voronoi(qtbot, panel, wait_idle):
    panel.ui.mode_box.setCurrentIndex(1)
    wait_idle(panel)
    assert panel.data_view.voronoi.isVisible() and not panel.data_view.curves[0].isVisible()
    click(qtbot, panel.ui.fit_button)
    wait_idle(panel)
    s = panel.result
    assert s.method == "kmeans" and s.converged
    assert set(np.unique(s.resp)) <= {0.0, 1.0}
    assert (np.diff(s.history) <= 1e-9 * s.history[1:]).all()
    click(qtbot, panel.ui.criteria_button)
    wait_idle(panel)
    assert len(panel.criteria_view.bic.getData()[0]) == panel.ui.kmax_box.value()


def test_bic_aic_chart(qtbot, panel, wait_idle):
    panel.ui.kmax_box.setValue(4)
    click(qtbot, panel.ui.criteria_button)
    wait_idle(panel)
    xs, bic = panel.criteria_view.bic.getData()
    assert list(xs) == [1, 2, 3, 4] and np.isfinite(bic).all()
    assert "Lowest BIC" in panel.messages.text()


def test_table_data_fits_all_dims_and_shows_pcs(qtbot, panel, wait_idle):
    panel.set_dataset(iris())
    wait_idle(panel)
    data = panel.ui.data_controls  # the shared widget, as in the SVM and PCA panels
    assert panel.X.shape == (150, 4) and not panel.data_view.editor.enabled
    assert data.column_list.count() == 4 and "150 rows, 4 columns" in data.summary.text()
    data.view_box.setCurrentIndex(data.view_box.findData("pcs"))
    assert panel.data_view.plot.getAxis("bottom").labelText == "PC1"
    assert panel.lab_state().view == "pcs" and not data.x_box.isEnabled()
    click(qtbot, panel.ui.fit_button)
    wait_idle(panel)
    assert panel.result.means.shape == (panel.ui.k_box.value(), 4)
    assert len(panel.data_view.points.data) == 150
    data.column_list.item(3).setCheckState(Qt.CheckState.Unchecked)  # fit in 3 features
    wait_idle(panel)
    assert panel.X.shape == (150, 3) and panel.result.means.shape[1] == 3
    assert panel.lab_state().columns == (0, 1, 2)
    frame = panel.results_frame()
    assert list(frame.columns[2:5]) == list(iris().feature_names[:3])
    data.view_box.setCurrentIndex(data.view_box.findData("features"))
    data.y_box.setCurrentIndex(2)  # petal length against sepal length
    assert panel.lab_state().y_feature == 2
    assert panel.data_view.plot.getAxis("left").labelText == iris().feature_names[2]
    data.y_box.setCurrentIndex(3)  # not fitted: the view falls back to a fitted column
    assert data.y_box.currentIndex() == 1 and panel.lab_state().y_feature == 1
    data.standardise_box.click()  # z-scores: a new fit, one undo step
    wait_idle(panel)
    assert panel.lab_state().standardise and abs(panel.X.mean()) < 1e-9
    panel.undo_stack.undo()
    wait_idle(panel)
    assert not panel.lab_state().standardise and not data.standardise_box.isChecked()
    assert panel.X.shape == (150, 3) and panel.result is not None


def test_painting_points_refits_and_undo_takes_back_points_and_parameters(
    qtbot, make_panel, wait_idle
):
    p = make_panel(GmmPanel)
    p.load_preset("Empty: paint your own")
    wait_idle(p)
    assert p.result is None and "No points" in p.messages.text()
    p.ui.k_box.setValue(2)
    p.data_view.plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    vp = p.figure.viewport()
    for x, y in [(2, 2), (2.5, 2.2), (8, 8), (8.2, 7.5)]:
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=to_widget(p, p.data_view.plot, x, y))
    wait_idle(p)
    assert len(p.X) == 4 and p.result is not None
    p.ui.k_box.setValue(6)  # more components than points: a clear error, not a crash
    wait_idle(p)
    assert p.messages.level() == "error" and "n_components" in p.messages.text()
    p.ui.k_box.setValue(2)
    wait_idle(p)
    assert p.result is not None and p.messages.level() != "error"
    p.undo_stack.undo()  # parameter changes are undoable too: K back to 6, the error again
    wait_idle(p)
    assert p.ui.k_box.value() == 6 and p.messages.level() == "error"
    p.undo_stack.undo()
    wait_idle(p)
    assert p.ui.k_box.value() == 2 and p.lab_state().k == 2 and p.result.means.shape == (2, 2)
    p.undo_stack.undo()  # then the last point
    wait_idle(p)
    assert len(p.X) == 3


def test_large_data_is_drawn_as_a_density_coloured_in_the_worker(qtbot, panel, wait_idle):
    from prmlab.data.builtin import blobs

    panel.set_dataset(blobs(30_000, 3, 1.0, seed=1))
    wait_idle(panel)
    assert panel.data_view.density.isVisible() and len(panel.data_view.points.data) == 0
    assert panel.X.shape == (30_000, 2)
    click(qtbot, panel.ui.step_e_button)
    wait_idle(panel)
    s = panel.result
    assert s.half == "E" and panel.frame.image is not None
    assert (
        panel.frame.image_token == panel.density_view().token
    )  # drawn as made, no GUI-side recolour


def test_a_table_with_fewer_rows_than_components_shows_the_error(panel, wait_idle):
    panel.set_dataset(Dataset(np.array([[1.0, 2.0]]), ["a", "b"], None, [], [], name="one row"))
    wait_idle(panel)
    assert panel.messages.level() == "error"
    assert "n_components must be <= n_samples" in panel.messages.text()


def test_new_data_keep_no_restarts_of_the_old(qtbot, panel, wait_idle):
    panel.ui.runs_box.setValue(3)
    click(qtbot, panel.ui.restarts_button)
    wait_idle(panel)
    assert panel.restarts_view.plot.titleLabel.text.startswith("Restarts: 3 runs")
    panel.set_dataset(iris())
    wait_idle(panel)
    assert panel.restarts_view.plot.titleLabel.text == "Restarts: final log-likelihood"
    assert (
        len(panel.restarts_view.bars.opts["height"]) == 0 and panel.restarts_view.restarts is None
    )


def test_the_timeline_steps_back_and_forward_through_kept_half_steps(qtbot, panel, wait_idle):
    panel.load_preset("Overlapping blobs (5)")  # many iterations to converge
    wait_idle(panel)
    for _ in range(3):
        click(qtbot, panel.playback.step_button)
        wait_idle(panel)
    assert panel.result.position == 6 and panel.timeline.positions[-1] == 6
    kept = panel.timeline.positions
    click(qtbot, panel.timeline.back_button)
    wait_idle(panel)
    back = panel.result
    assert back.position == kept[-2] and panel.lab_state().position == back.position
    expected = gmm.Experiment(panel.lab_state()).result
    np.testing.assert_array_equal(back.means, expected.means)
    np.testing.assert_array_equal(back.resp, expected.resp)
    np.testing.assert_array_equal(ellipse(panel), _ellipse_of(panel, expected))
    panel.data_view.plot.getViewBox().setFocus()
    qtbot.keyClick(panel.figure, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    wait_idle(panel)
    assert panel.result.position == kept[-3]
    panel.timeline.slider.setValue(0)  # dragged to the start: the init
    wait_idle(panel)
    assert panel.result.half == "init" and panel.ui.status_label.text().startswith("Iteration 0")
    panel.timeline.slider.setValue(len(kept) - 1)
    wait_idle(panel)
    assert panel.result.position == 6
    click(qtbot, panel.timeline.forward_button)  # from the newest: a new half-step
    wait_idle(panel)
    assert panel.result.position == 7 and panel.result.half == "E"
    assert panel.timeline.positions[-1] == 7


def test_a_thinned_step_is_recomputed_in_the_worker(panel, wait_idle):
    panel.load_preset("Overlapping blobs (5)")
    wait_idle(panel)
    panel.fit()
    wait_idle(panel)
    end = panel.result.position
    panel.history.clear()  # as if thinned away
    panel.seek(3)
    wait_idle(panel)
    assert panel.result.position == 3
    np.testing.assert_array_equal(
        panel.result.means, gmm.Experiment(panel.lab_state()).result.means
    )
    assert end > 3


def test_show_state_draws_a_saved_state_and_a_session_reopens_it(make_panel, wait_idle):
    state = gmm.preset("Blobs (3)", seed=2).replace(
        position=3, covariance_type="diag", n_runs=3, restarts_shown=True, k=2
    )
    first = make_panel(GmmPanel)
    first.show_state(state)
    wait_idle(first)
    assert first.lab_state().same_as(state)
    assert first.result.position == 3 and first.result.half == "E"
    assert first.ui.cov_box.currentText() == "diag" and first.ui.k_box.value() == 2
    np.testing.assert_array_equal(first.result.resp, gmm.Experiment(state).result.resp)
    assert int(np.sum(first.restarts_view.bars.opts["height"])) == 3
    second = make_panel(GmmPanel)
    second.restore_session_state(first.session_state())
    wait_idle(second)
    assert second.lab_state().same_as(state)
    assert point_colours(second) == point_colours(first)
    np.testing.assert_array_equal(ellipse(second), ellipse(first))


def _ellipse_of(panel, result):
    from prmlab.gui.widgets.ellipse import ellipse_xy

    m2 = result.means[0]  # two features shown as they are
    return np.array(ellipse_xy(m2, result.covariances[0], 1.0))


def test_a_reg_covar_drag_is_one_undoable_change(panel, wait_idle):
    slider = panel.ui.reg_slider
    before, commands = panel.lab_state().reg_covar, panel.undo_stack.count()
    slider.slider.setSliderDown(True)
    start = slider.slider.value()
    for notch in (10, 20, 30):  # the handle dragged 30 notches right
        slider.slider.setValue(start + notch)
        wait_idle(panel)
    slider.slider.setSliderDown(False)  # the release
    wait_idle(panel)
    assert panel.undo_stack.count() == commands + 1
    assert panel.lab_state().reg_covar == slider.value() > before
    panel.undo_stack.undo()
    wait_idle(panel)
    assert panel.lab_state().reg_covar == before and panel.result is not None
    assert slider.value() == pytest.approx(before)


def _array_bytes(value, seen: set) -> int:
    """Bytes of the distinct arrays ``value`` holds (views of one buffer counted once)."""
    import dataclasses

    if isinstance(value, np.ndarray):
        base = value if value.base is None else value.base
        if id(base) in seen:
            return 0
        seen.add(id(base))
        return base.nbytes if isinstance(base, np.ndarray) else value.nbytes
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(_array_bytes(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    if isinstance(value, (list, tuple)):
        return sum(_array_bytes(v, seen) for v in value)
    return 0


def test_a_million_points_keep_every_half_step_within_the_history_budget(
    qtbot, make_panel, wait_idle
):
    from prmlab.gui.panels.gmm.data import BIG_PRESET

    p = make_panel(GmmPanel)
    p.load_preset(BIG_PRESET)
    wait_idle(p, timeout=120_000)
    pictures = {}
    while not p.result.finished:  # E, M, E, ... to convergence (a few iterations)
        click(qtbot, p.timeline.forward_button)
        wait_idle(p, timeout=60_000)
        pictures[p.result.position] = p.figure.grab().toImage()
    end = p.result.position
    assert len(p.X) == 1_000_000 and p.history.positions == tuple(range(end + 1)) and end >= 6
    entries = [p.history.get(position) for position in p.history.positions]
    assert all(state.X is p.state.X for state, _ in entries)  # the data once, shared
    seen = {id(p.state.X if p.state.X.base is None else p.state.X.base)}
    held = _array_bytes(entries, seen)  # what the entries hold beyond the shared data
    assert held <= p.history.budget and p.history.nbytes <= p.history.budget
    assert held < 2 * 2**20  # parameters only: one n x K resp would be 40 MB
    for position in (end - 2, 3):  # back to an M and an E step: the pixels of the first time
        p.seek(position)
        wait_idle(p, timeout=60_000)
        assert p.result.position == position
        assert p.figure.grab().toImage() == pictures[position]


def test_steps_check_the_data_once_and_a_big_preset_is_prepared_in_the_worker(
    qtbot, panel, wait_idle, monkeypatch
):
    import threading

    from prmlab.gui.panels.gmm import data, work
    from prmlab.gui.panels.gmm import panel as panel_module

    checks, threads = [], []
    check = gmm.check_state
    monkeypatch.setattr(panel_module.gmm, "check_state", lambda s: checks.append(s) or check(s))
    for _ in range(3):  # steps on the same data and model: no new scan of the data
        click(qtbot, panel.playback.step_button)
        wait_idle(panel)
    assert checks == [] and panel.result.position >= 4
    panel.ui.k_box.setValue(4)  # another model: checked (once) before it runs
    wait_idle(panel)
    assert len(checks) == 1 and checks[0].k == 4
    drawn_data = work.drawn_data
    monkeypatch.setattr(
        work, "drawn_data", lambda *a: threads.append(threading.current_thread()) or drawn_data(*a)
    )
    panel.load_preset(data.BIG_PRESET, then=None)
    wait_idle(panel, timeout=120_000)
    assert len(panel.X) == 1_000_000 and panel.density_view() is not None
    assert threads and threading.main_thread() not in threads  # sampled and laid out there


def test_new_data_keep_the_titles_and_legend_rows_that_did_not_change(panel, wait_idle):
    criteria = panel.criteria_view
    rows = [sample for sample, _label in criteria.legend.items]
    panel.load_preset("Old Faithful")  # same method: nothing to lay the figure out again for
    wait_idle(panel)
    assert len(criteria.legend.items) == len(rows) == 2
    assert all(a is b for a, b in zip(rows, (s for s, _ in criteria.legend.items)))
    panel.ui.mode_box.setCurrentIndex(1)  # k-means: its own rows
    wait_idle(panel)
    assert len(criteria.legend.items) == 1 and criteria.legend.items[0][0] is not rows[0]


def test_the_ellipses_are_made_in_the_worker_and_redrawn_for_a_new_view(
    qtbot, panel, wait_idle, monkeypatch
):
    # an eigh and an outline per ellipse per half-step held the GUI thread: the worker's
    # Frame brings them; only a view the Frame was not made for makes them here
    import threading

    from prmlab.gui.panels.gmm import work

    threads = []
    outlines = work.component_outlines
    monkeypatch.setattr(
        work,
        "component_outlines",
        lambda *a: threads.append(threading.current_thread()) or outlines(*a),
    )
    click(qtbot, panel.playback.step_button)
    wait_idle(panel)
    assert threads and threading.main_thread() not in threads
    assert panel.frame.projection is panel._projection
    np.testing.assert_array_equal(ellipse(panel), panel.frame.outlines[0, 0])
    np.testing.assert_array_equal(ellipse(panel), _ellipse_of(panel, panel.result))


def test_the_demo_fits_old_faithful_with_its_restarts_and_criteria(panel, wait_idle):
    panel.load_demo()
    wait_idle(panel, timeout=120_000)
    assert panel.result.finished and len(panel.X) == 272
    assert panel.restarts_view.restarts is not None and panel.frame.outlines.shape[:2] == (2, 2)
