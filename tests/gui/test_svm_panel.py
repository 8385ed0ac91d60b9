"""The SVM panel driven through its real widgets with qtbot."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pixels import settled_image
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtWidgets import QPushButton

from prmlab.data import Dataset, load_csv
from prmlab.data.builtin import iris
from prmlab.gui.panels.svm import SvmPanel
from prmlab.lab import svm
from prmlab.lab.svm import NEG, POS, preset_points

FIXTURES = Path(__file__).parents[1] / "data" / "fixtures"


@pytest.fixture
def panel(make_panel, wait_idle):
    p = make_panel(SvmPanel)
    p.load_preset("Separable")
    wait_idle(p)
    return p


def to_widget(panel, x, y):
    return panel.figure.mapFromScene(panel.plot.getViewBox().mapViewToScene(QPointF(x, y)))


def click_at(qtbot, panel, x, y, button=Qt.MouseButton.LeftButton, modifier=None):
    modifier = modifier or Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(panel.figure.viewport(), button, modifier, to_widget(panel, x, y))


# Empty spots on each side of the Separable preset's line, clear of its points at any layout
NEG_SIDE_SPOT = (-1.0, 1.3)
POS_SIDE_SPOT = (0.3, 1.4)


def click_to_add(qtbot, panel, x, y, button=Qt.MouseButton.LeftButton):
    """A click that adds a point: the spot must be outside every point's pick radius, or the
    click picks that point instead (a squeezed figure puts points a few pixels apart)."""
    spot = to_widget(panel, x, y)
    pixels = [to_widget(panel, *p) - spot for p in panel.editor.points]
    nearest = min(math.hypot(d.x(), d.y()) for d in pixels)
    assert nearest > panel.editor.pick_radius_px, f"({x}, {y}) is {nearest:.1f} px from a point"
    click_at(qtbot, panel, x, y, button)


def boundary(panel):
    x = panel.map_view.boundary.getData()[0]
    return np.empty(0) if x is None else np.array(x)


def test_demo_draws_map_boundary_margins_and_support_vectors(make_panel, wait_idle):
    p = make_panel(SvmPanel)
    p.load_demo()
    wait_idle(p)
    frame = p.result
    assert frame is not None and frame.converged and frame.kernel == "rbf"
    assert len(boundary(p)) > 0 and len(p.map_view.margins.getData()[0]) > 0
    assert p.map_view.image.image is not None and p.map_view.image.image.shape == frame.grid.shape
    n_sv = int(np.sum(frame.alpha > 0))
    assert len(p.map_view.sv_free.data) + len(p.map_view.sv_bound.data) == n_sv
    assert "Training accuracy" in p.result_label.text()
    assert len(p.dual_view.curve.getData()[0]) > 2  # the dual objective's climb
    df = p.results_frame()
    assert len(df) == n_sv and {"alpha", "alpha_y", "alpha_at_C", "class"} <= set(df.columns)
    assert np.all(df["alpha"] > 0) and "intercept_b" in df.attrs
    assert {"x1", "x2", "b"} <= set(df.columns) and set(df["class"]) <= {"class -1", "class +1"}
    np.testing.assert_allclose(df["alpha_y"], df["alpha"] * df["y"])
    assert not p.busy()


def test_click_adds_point_and_boundary_updates_then_undo_restores(qtbot, panel, wait_idle):
    n = len(panel.editor.points)
    before = boundary(panel).copy()
    alpha, b = panel.result.alpha, panel.result.b
    click_to_add(qtbot, panel, *NEG_SIDE_SPOT)  # a +1 point on the -1 side of the line
    wait_idle(panel)
    assert len(panel.editor.points) == n + 1 and panel.editor.labels[-1] == POS
    assert len(panel.result.X) == n + 1
    assert not np.array_equal(boundary(panel), before)
    click_to_add(qtbot, panel, *POS_SIDE_SPOT, Qt.MouseButton.RightButton)
    wait_idle(panel)
    assert panel.editor.labels[-1] == NEG and len(panel.result.X) == n + 2
    panel.undo_stack.undo()
    panel.undo_stack.undo()
    wait_idle(panel)
    assert len(panel.editor.points) == n and len(panel.result.X) == n
    np.testing.assert_allclose(panel.result.alpha, alpha)
    assert panel.result.b == pytest.approx(b)


def test_drag_refits_live(qtbot, panel, wait_idle):
    X = panel.editor.points
    i = int(np.argmax(X[:, 0]))
    vp = panel.figure.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=to_widget(panel, *X[i]))
    for t in np.linspace(0, 1, 5)[1:]:
        qtbot.mouseMove(vp, pos=to_widget(panel, X[i, 0] - t, X[i, 1]))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=to_widget(panel, X[i, 0] - 1, X[i, 1]))
    wait_idle(panel)
    np.testing.assert_allclose(panel.result.X[i], [X[i, 0] - 1, X[i, 1]], atol=0.05)
    # the dual objective, left alone during the drag, shows the final fit's
    assert panel.dual_view.dot.yData[0] == pytest.approx(panel.result.dual_objective)


def test_changing_the_kernel_refits(qtbot, panel, wait_idle):
    assert panel.result.kernel == "linear"
    assert "Margin width 2/‖w‖" in panel.result_label.text()
    xs, ys = panel.map_view.width_line.getData()  # the arrow spans the margin: f = -1 to f = +1
    assert panel.map_view.width_line.isVisible()
    assert np.hypot(np.diff(xs), np.diff(ys))[0] == pytest.approx(panel.result.margin_width)
    assert not panel.degree_box.isEnabled()
    panel.kernel_box.setCurrentIndex(panel.kernel_box.findData("poly"))
    wait_idle(panel)
    assert panel.result.kernel == "poly" and panel.degree_box.isEnabled()
    assert "Margin width" not in panel.result_label.text()
    assert not panel.map_view.width_line.isVisible()
    panel.kernel_box.setCurrentIndex(panel.kernel_box.findData("rbf"))
    panel.gamma_slider.setValue(5.0)
    panel.gamma_slider.slider.setValue(panel.gamma_slider.slider.value() + 1)
    wait_idle(panel)
    assert panel.result.kernel == "rbf"


def test_step_smo_advances_from_alpha_zero_and_play_converges(qtbot, panel, wait_idle):
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    first = panel.result
    assert first.stepping and first.n_iter == 0 and first.pair is None
    assert np.all(first.alpha == 0) and len(first.violators) == len(first.X)
    assert len(panel.map_view.violator_items.data) == len(first.X)
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    second = panel.result
    assert second.n_iter == 1 and second.pair is not None
    assert second.dual_objective > first.dual_objective
    assert len(panel.map_view.pair_items.data) == 2 and "pair (i, j)" in panel.smo_label.text()
    panel.pairs_box.setValue(5)
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    assert panel.result.n_iter == 6 or panel.result.converged
    assert len(panel.result.history) == panel.result.n_iter + 1  # W(0) and each update
    qtbot.mouseClick(panel.playback.reset_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    assert panel.result.stepping and panel.result.n_iter == 0
    panel.load_preset("Moons")  # an edit ends the replay; it restarts from a = 0 on Play
    wait_idle(panel)
    assert panel._replay is None and not panel.result.stepping
    panel.playback.speed.setValue(60.0)
    panel.playback.play()
    qtbot.waitUntil(
        lambda: panel.result is not None and panel.result.stepping and panel.result.finished,
        timeout=20000,
    )
    wait_idle(panel)
    assert not panel.playback.playing and panel.result.converged
    objective = panel.dual_view.curve.yData  # (the log axis leaves out W(0) = 0)
    assert np.all(np.diff(objective) >= -1e-9) and len(objective) == panel.result.n_iter
    # beside it the primal and the gap, per pair update, the gap closed at the end
    gap = panel.dual_view.gap.yData
    np.testing.assert_allclose(panel.dual_view.primal.yData[-1], panel.result.primal)
    assert gap[-1] == pytest.approx(panel.result.duality_gap) and gap[-1] < 1e-3 * gap[0]
    title = panel.dual_view.plot.titleLabel.text  # it names the curves in their colours
    assert all(name in title for name in ("dual W(α)", "primal P(w, b)", "gap P − W"))
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)
    assert "converged" in panel.messages.text()


def test_hard_margin_on_overlapping_data_says_not_separable(qtbot, panel, wait_idle):
    panel.load_preset("Overlapping")
    wait_idle(panel)
    panel.c_slider.slider.setValue(panel.c_slider.slider.maximum())
    assert math.isinf(panel.svc_params()["C"])
    wait_idle(panel)
    assert panel.messages.level() == "error"
    assert "not separable" in panel.messages.text() and "finite C" in panel.messages.text()
    assert panel.result is None and len(boundary(panel)) == 0
    qtbot.mouseClick(panel.playback.step_button, Qt.MouseButton.LeftButton)  # same error
    wait_idle(panel)
    assert "not separable" in panel.messages.text() and panel._replay is None
    panel.load_preset("Separable")
    wait_idle(panel)
    assert panel.messages.level() == "" and panel.result.converged
    assert len(panel.map_view.sv_bound.data) == 0  # no alpha = C when C is infinite


def test_erase_mode_delete_key_and_one_class_note(qtbot, panel, wait_idle):
    n = len(panel.editor.points)
    qtbot.mouseClick(panel.erase_button, Qt.MouseButton.LeftButton)
    points = panel.editor.points
    gaps = np.linalg.norm(points[:, None] - points[None], axis=-1) + 1e9 * np.eye(len(points))
    x = points[gaps.min(axis=1).argmax()]  # the most isolated point: the click erases it alone
    click_at(qtbot, panel, *x)
    wait_idle(panel)
    assert len(panel.editor.points) == n - 1
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    panel.editor.set_data([[0.0, 0.0], [1.0, 1.0]], [POS, POS])
    wait_idle(panel)
    assert panel.messages.level() == "note" and "both classes" in panel.messages.text()
    assert panel.result is None
    click_at(qtbot, panel, 0.5, 0.0, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier)
    wait_idle(panel)
    assert panel.editor.labels[-1] == NEG and panel.result is not None
    # Offscreen, hover events depend on which window last had the mouse: send the scene's
    # own mouse-moved signal at the point instead.
    view = panel.editor.view
    panel.figure.scene().sigMouseMoved.emit(view.mapViewToScene(QPointF(0.5, 0.0)))
    qtbot.waitUntil(lambda: panel.map_view.hover_text.isVisible(), timeout=5000)
    assert "α =" in panel.map_view.hover_text.textItem.toPlainText()
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_Delete)
    wait_idle(panel)
    assert len(panel.editor.points) == 2


def test_three_class_csv_asks_which_two(qtbot, panel, wait_idle):
    panel.set_dataset(iris())
    wait_idle(panel)
    assert panel.data_controls.isVisible()
    assert panel.messages.level() == "note" and "3 classes" in panel.messages.text()
    assert panel.data_controls.class_boxes[0].count() == 3
    assert len(panel.editor.points) == 100 and panel.result is not None
    panel.data_controls.class_boxes[1].setCurrentIndex(2)  # setosa vs virginica
    wait_idle(panel)
    df = panel.results_frame()
    assert set(df["class"]) <= {
        panel.data_controls.class_boxes[0].itemText(0),
        panel.data_controls.class_boxes[1].itemText(2),
    }
    panel.data_controls.view_box.setCurrentIndex(1)  # first two principal components
    panel.data_controls.standardise_box.setChecked(True)
    wait_idle(panel)
    assert panel.plot.getAxis("bottom").labelText.startswith("PC1")
    assert not panel.data_controls.x_box.isEnabled()
    panel.data_controls.class_boxes[1].setCurrentIndex(0)
    assert panel.messages.level() == "error" and "two different classes" in panel.messages.text()


def test_new_sample_draws_a_fresh_seed_and_shows_it(qtbot, panel, wait_idle, type_seed):
    before = panel.editor.points
    type_seed(panel, "41", key=None)  # typed, not entered: "New" ignores it
    new = [b for b in panel.findChildren(QPushButton) if "New" in b.text()][0]
    qtbot.mouseClick(new, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    seed = panel.seed()
    assert seed not in (41, 42) and panel.seed_box.text() == str(seed)
    assert panel.preset_box.currentText() == "Separable"
    np.testing.assert_allclose(panel.editor.points, preset_points("Separable", seed)[0])
    assert not np.allclose(panel.editor.points, before)


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Tab])
def test_a_typed_seed_reseeds_on_enter_or_tab(qtbot, panel, wait_idle, type_seed, key):
    type_seed(panel, "123", key=None)
    assert not np.allclose(panel.editor.points, preset_points("Separable", 123)[0])
    qtbot.keyClick(panel.seed_box.lineEdit(), key)
    wait_idle(panel)
    assert panel.seed() == 123
    np.testing.assert_allclose(panel.editor.points, preset_points("Separable", 123)[0])


def hover(qtbot, panel, index: int) -> None:
    """Hover point ``index`` (offscreen, through the scene's own mouse-moved signal)."""
    x, y = panel.editor.points[index]
    scene_pos = panel.editor.view.mapViewToScene(QPointF(x, y))
    panel.figure.scene().sigMouseMoved.emit(scene_pos)
    qtbot.waitUntil(lambda: panel.map_view.hover_text.isVisible(), timeout=5000)
    assert panel.map_view.hover_text.textItem.toPlainText().startswith(f"#{index}: α =")


def test_a_hovered_points_tooltip_goes_with_a_new_c_kernel_preset_or_the_mouse(
    qtbot, panel, wait_idle
):
    hover(qtbot, panel, 3)
    panel.c_slider.slider.setValue(panel.c_slider.slider.value() + 10)  # C
    assert not panel.map_view.hover_text.isVisible()
    wait_idle(panel)
    panel.figure.scene().sigMouseMoved.emit(QPointF(-50, -50))  # off the plot, then back
    hover(qtbot, panel, 3)
    panel.kernel_box.setCurrentIndex(panel.kernel_box.findData("rbf"))
    assert not panel.map_view.hover_text.isVisible()
    wait_idle(panel)
    panel.figure.scene().sigMouseMoved.emit(QPointF(-50, -50))
    hover(qtbot, panel, 5)
    panel.preset_box.setCurrentText("Moons")
    panel.preset_box.activated.emit(panel.preset_box.currentIndex())
    assert not panel.map_view.hover_text.isVisible()
    wait_idle(panel)
    assert not panel.map_view.hover_text.isVisible()
    hover(qtbot, panel, 5)
    panel.figure.leaveEvent(QEvent(QEvent.Type.Leave))  # the mouse leaves for the menu bar
    assert not panel.map_view.hover_text.isVisible()
    hover(qtbot, panel, 5)  # and back over the same point: shown again


def test_a_csv_after_a_preset_keeps_nothing_of_the_preset(qtbot, panel, wait_idle):
    panel.step_smo()
    wait_idle(panel)
    panel.set_dataset(iris())
    assert panel.result is None and "Press Step SMO" in panel.smo_label.text()
    wait_idle(panel)
    panel.load_preset("XOR")  # and back: the table's controls go
    assert not panel.data_controls.isVisible() and panel.messages.level() != "note"


def test_smo_updates_tick_whole_numbers(qtbot, panel, wait_idle):
    panel.step_smo()
    wait_idle(panel)
    panel.dual_view.plot.setXRange(0, 1, padding=0)  # one SMO update: no 0.2, 0.4, ...
    axis = panel.dual_view.plot.getAxis("bottom")
    ticks = [v for _, values in axis.tickValues(0, 1, 400) for v in values]
    assert ticks and all(float(v).is_integer() for v in ticks)
    assert "W(α) = 0," in panel.smo_label.text()  # α = 0


def test_unscaled_table_suggests_standardising(qtbot, panel, wait_idle):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(40, 12, 60), rng.normal(5e4, 2e4, 60)])  # age, income
    ds = Dataset(X=X, feature_names=["age", "income"], y=(X[:, 0] > 40).astype(np.int64))
    panel.set_kernel("rbf")
    wait_idle(panel)
    panel.set_dataset(ds)
    wait_idle(panel)
    assert panel.messages.level() == "note" and "Standardise" in panel.messages.text()
    panel.data_controls.standardise_box.setChecked(True)
    wait_idle(panel)
    assert panel.messages.level() == ""
    np.testing.assert_allclose(panel.editor.points.std(axis=0), 1.0)


def test_unlabelled_table_is_refused_and_points_stay(qtbot, panel):
    n = len(panel.editor.points)
    panel.set_dataset(
        Dataset(X=np.random.default_rng(0).normal(size=(10, 3)), feature_names=list("abc"))
    )
    assert panel.messages.level() == "error" and "class column" in panel.messages.text()
    assert len(panel.editor.points) == n and not panel.data_controls.isVisible()


def test_one_row_per_class_shows_no_raw_numpy_warning(qtbot, panel, wait_idle):
    """statecrime with its 'state' column as the label: Alabama against Alaska, one row
    each. The decision map is flat along PCA's second axis, where NumPy warned "invalid
    value encountered in divide" in the contour code."""
    panel.set_dataset(load_csv(FIXTURES / "statecrime.csv", label_column="state"))
    for projection, standardise in ((0, False), (1, False), (1, True), (0, True)):
        panel.data_controls.view_box.setCurrentIndex(projection)
        panel.data_controls.standardise_box.setChecked(standardise)
        wait_idle(panel)
        assert panel.messages.level() != "warning", panel.messages.text()
        assert panel.result is not None


def step(qtbot, panel, wait_idle, button=None):
    qtbot.mouseClick(button or panel.playback.step_button, Qt.MouseButton.LeftButton)
    wait_idle(panel)


def test_the_timeline_scrubs_the_replay_back_and_forth(qtbot, panel, wait_idle):
    assert not panel.timeline.isVisible()  # a fit has no steps to scrub
    for _ in range(4):
        step(qtbot, panel, wait_idle)
    assert panel.history.positions == (0, 1, 2, 3) and panel.timeline.isVisible()
    third = panel.history.get(3)[1]
    step(qtbot, panel, wait_idle, panel.timeline.back_button)
    assert panel.result.position == 2 and panel.state.position == 2
    assert panel.result.pair == panel.history.get(2)[1].pair
    np.testing.assert_array_equal(panel.map_view.image.image, panel.history.get(2)[1].grid)
    assert "step 2 / 3" in panel.timeline.label.text()
    qtbot.keyClick(panel.timeline, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    wait_idle(panel)
    assert panel.result.position == 1 and panel.result.n_iter == 1
    panel.timeline.slider.setValue(3)  # dragged to the newest: shown as recorded
    wait_idle(panel)
    assert panel.result is third
    step(qtbot, panel, wait_idle, panel.timeline.forward_button)  # past the newest: computed
    assert panel.result.position == 4 and panel.history.positions[-1] == 4
    step(qtbot, panel, wait_idle, panel.timeline.back_button)
    step(qtbot, panel, wait_idle)  # Step SMO from an earlier step: a new future from there
    assert panel.result.position == 4 and panel.history.positions == (0, 1, 2, 3, 4)
    panel.c_slider.slider.setValue(panel.c_slider.slider.value() + 5)  # an edit ends it
    wait_idle(panel)
    assert not panel.result.stepping and len(panel.history) == 0
    assert not panel.timeline.isVisible()


def test_a_thinned_step_is_recomputed_exactly(qtbot, panel, wait_idle):
    panel.history.budget = 1  # thins at every record: keeps the first and the newest
    for _ in range(4):
        step(qtbot, panel, wait_idle)
    assert 2 not in panel.history.positions
    panel.seek(2)
    wait_idle(panel)
    expected = svm.Experiment(panel.state).run_to(2)
    assert panel.result.position == panel.state.position == 2
    np.testing.assert_array_equal(panel.result.alpha, expected.alpha)
    np.testing.assert_array_equal(panel.result.grid, expected.grid)


@pytest.mark.parametrize("steps", [0, 1, 3], ids=["fit", "alpha-0", "replay"])
def test_a_saved_state_is_drawn_the_same_in_another_panel(
    qtbot, panel, wait_idle, make_panel, steps
):
    click_to_add(qtbot, panel, *NEG_SIDE_SPOT)  # a user edit, a kernel and C of their own
    panel.kernel_box.setCurrentIndex(panel.kernel_box.findData("poly"))
    panel.c_slider.setValue(20.0)
    wait_idle(panel)
    for _ in range(steps):
        step(qtbot, panel, wait_idle)
    replay = steps > 0
    saved = panel.lab_state()
    assert saved.replay is replay and len(saved.X) == len(panel.editor.points)
    other = make_panel(SvmPanel)
    other.restore_session_state(other.session_state() or panel.session_state())
    wait_idle(other)
    assert other.lab_state().same_as(saved)
    for name in ("alpha", "grid", "history", "f_train"):
        np.testing.assert_array_equal(getattr(other.result, name), getattr(panel.result, name))
    assert other.kernel_box.currentData() == "poly" and other.c_slider.value() == 20.0
    assert other.result_label.text() == panel.result_label.text()
    assert other.smo_label.text() == panel.smo_label.text()
    np.testing.assert_array_equal(other.editor.points, panel.editor.points)
    assert other.undo_stack.count() == 0  # showing a state is not an edit
    assert other.timeline.isVisible() is replay
    # the dual plot's range too (α = 0 is one point: it kept the previous fit's span)
    np.testing.assert_allclose(other.dual_view.plot.viewRange(), panel.dual_view.plot.viewRange())


def test_parameter_changes_undo_and_a_drag_is_one_change(qtbot, panel, wait_idle):
    c0, n = panel.c_slider.value(), panel.undo_stack.count()
    panel.kernel_box.setCurrentIndex(panel.kernel_box.findData("rbf"))
    wait_idle(panel)
    slider = panel.gamma_slider.slider
    slider.setSliderDown(True)  # a drag: three values shown live, one command at release
    for k in (1, 2, 3):
        slider.setValue(slider.value() + k)
    slider.setSliderDown(False)
    wait_idle(panel)
    gamma = panel.gamma_slider.value()
    assert panel.undo_stack.count() == n + 2 and panel.result.kernel == "rbf"
    panel.undo_stack.undo()  # the drag
    wait_idle(panel)
    assert panel.gamma_slider.value() == 1.0 and panel.state.gamma == 1.0
    panel.undo_stack.undo()  # the kernel
    wait_idle(panel)
    assert panel.kernel_box.currentData() == "linear" and panel.result.kernel == "linear"
    assert panel.c_slider.value() == c0 and not panel.gamma_slider.isEnabled()
    panel.undo_stack.redo()
    panel.undo_stack.redo()
    wait_idle(panel)
    assert panel.state.kernel == "rbf" and panel.state.gamma == gamma


def test_stepping_back_while_playing_pauses_the_replay(qtbot, panel, wait_idle):
    panel.playback.play()
    qtbot.waitUntil(lambda: len(panel.history) >= 3, timeout=20000)
    qtbot.mouseClick(panel.timeline.back_button, Qt.MouseButton.LeftButton)
    assert not panel.playback.playing
    wait_idle(panel)
    shown = panel.timeline.position()
    assert panel.result.position == shown < panel.history.positions[-1]


def test_a_state_over_the_same_points_is_drawn_in_place_as_a_full_redraw_draws_it(
    qtbot, make_panel, wait_idle, monkeypatch
):
    """Compare mode shows a State at every tick: the same points keep the editor's items,
    the legend's rows and the plot's range, a replay of the same fit steps on from the frame
    it reached, and the figure ends as a full redraw (points set again, a new replay from
    α = 0) draws the same States."""
    full = make_panel(SvmPanel)
    full.show_state(svm.preset("XOR", seed=2))
    wait_idle(full)
    # the plot's own range (as the aspect lock widens it) and a map covering it: no pan
    # makes a new map while the States are drawn
    view = full.map_view.view_range()
    first = svm.preset("XOR", seed=2).replace(
        replay=True, position=4, view=view, extent=svm.map_extent(view)
    )
    shown = (first.replace(position=15), first.replace(position=15, C=10.0))
    with monkeypatch.context() as m:  # every State's points taken as new ones
        m.setattr(svm, "same_points", lambda *_: False)
        m.setattr(svm, "same_fit", lambda *_: False)
        for state in (first, *shown):
            full.show_state(state)
            wait_idle(full)
    panel = make_panel(SvmPanel)
    panel.show_state(first)
    wait_idle(panel)
    made, edits, ranges = [], [], []
    experiment = svm.Experiment
    monkeypatch.setattr(svm, "Experiment", lambda s: made.append(s) or experiment(s))
    monkeypatch.setattr(panel.editor, "set_data", lambda *a, **k: edits.append(a))
    panel.plot.getViewBox().sigRangeChanged.connect(lambda *_: ranges.append(1))
    legend = list(panel.map_view.legend.items)
    panel.show_state(shown[0])
    wait_idle(panel)
    assert made == [] and panel.result.position == 15  # stepped on from frame 4
    panel.show_state(shown[1])  # another fit of the same points
    wait_idle(panel)
    assert len(made) == 1 and panel.result.C == 10.0
    assert edits == [] and ranges == [] and panel.map_view.legend.items == legend
    for name in ("alpha", "grid", "history", "duality"):
        np.testing.assert_array_equal(getattr(full.result, name), getattr(panel.result, name))
    assert settled_image(qtbot, full) == settled_image(qtbot, panel)
    # other points and class names: drawn afresh
    panel.show_state(shown[1].replace(X=first.X + 0.1, class_names=("no", "yes")))
    wait_idle(panel)
    assert len(edits) == 1 and panel.map_view.legend.items[0][1].text == "y = +1: yes"
