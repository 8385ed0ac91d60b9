"""Compare mode in the window: presets rendered on both sides, one clock stepping both,
shared data, sessions keeping both sides, and the command line's --compare."""

from __future__ import annotations

import numpy as np
import pytest
from pixels import grid_colours
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from prmlab.gui import compare as compare_mode
from prmlab.gui.app import main
from prmlab.gui.panels import PANEL_NAMES
from prmlab.lab import compare
from prmlab.lab.session import load_session


def _figure_image(panel) -> QImage:
    return panel.figure.grab().toImage()


@pytest.mark.parametrize("name", PANEL_NAMES)
def test_a_compare_preset_draws_both_sides_and_they_differ(qtbot, main_window, name):
    assert compare_mode.render(main_window, name, None, ticks=2)
    view = compare_mode.view_of(main_window, name)
    left, right = (grid_colours(_figure_image(p), cells=48) for p in view.panels)
    assert len(set(left)) > 20 and len(set(right)) > 20  # drawn, not blank
    assert left != right  # the two set-ups show different pictures
    assert view.comparison.preset == compare.presets(name)[0]
    assert view.table.rowCount() == len(view.kept[-1][1].figures) > 0
    assert view.table.horizontalHeaderItem(1).text() != "A"  # the sides named by what differs


def test_one_step_moves_both_sides_on_one_clock(qtbot, main_window, wait_idle):
    view = compare_mode.open_preset(main_window, "mcmc", "MH vs HMC")
    assert compare_mode.wait_idle(main_window)
    qtbot.mouseClick(view.playback.step_button, Qt.MouseButton.LeftButton)
    assert compare_mode.wait_idle(main_window)
    left, right = (p.lab_state() for p in view.panels)
    assert left.steps == right.steps == 10
    assert (left.method, right.method) == ("mh", "hmc")
    # the same as the lab's stepper from the preset: nothing drifted
    stepper = compare.stepper(compare.preset("mcmc", "MH vs HMC", view.panels[0].seed()))
    pair = stepper.step()
    assert all(a.same_as(b) for a, b in zip(pair.states, (left, right)))
    rows = {view.table.cell_text(r, 0): r for r in range(view.table.rowCount())}
    assert view.table.cell_text(rows["steps"], 1) == view.table.cell_text(rows["steps"], 2) == "10"

    view.scrubber.setValue(0)  # back to the preset's start: both sides
    assert compare_mode.wait_idle(main_window)
    assert all(p.lab_state().steps == 0 for p in view.panels)


def _add_point_at_corner(qtbot, panel) -> None:
    """A left click in a corner of ``panel``'s point plot (no point there: one is added)."""
    view_box = panel.editor.plot.vb
    x0, y0, w, h = view_box.viewRect().getRect()
    pos = view_box.mapViewToScene(QPointF(x0 + 0.05 * w, y0 + 0.05 * h))
    qtbot.mouseClick(
        panel.figure.viewport(), Qt.MouseButton.LeftButton, pos=panel.figure.mapFromScene(pos)
    )


def test_a_point_added_on_one_side_is_added_on_both(qtbot, main_window, wait_idle):
    view = compare_mode.open_preset(main_window, "svm", "linear vs rbf")
    assert compare_mode.wait_idle(main_window)
    left, right = view.panels
    n = len(left.lab_state().X)
    _add_point_at_corner(qtbot, left)
    assert compare_mode.wait_idle(main_window)
    assert len(left.lab_state().X) == n + 1
    np.testing.assert_array_equal(right.lab_state().X, left.lab_state().X)
    assert (left.lab_state().kernel, right.lab_state().kernel) == ("linear", "rbf")


def test_a_session_keeps_both_sides(qtbot, main_window, tmp_path):
    if not hasattr(main_window.sessions, "add_extra"):
        pytest.skip("sessions without window features' extras")
    view = compare_mode.open_preset(main_window, "gmm", "k-means vs GMM")
    assert compare_mode.wait_idle(main_window)
    view.step_ticks(3)
    assert compare_mode.wait_idle(main_window)
    saved = view.comparison
    path = main_window.sessions.save(tmp_path / "cmp.prmlab")
    compare_mode.end(main_window)
    assert compare_mode.view_of(main_window, "gmm") is None

    assert main_window.sessions.open(path)
    assert compare_mode.wait_idle(main_window)
    reopened = compare_mode.view_of(main_window, "gmm")
    assert reopened is not None and reopened.comparison.preset == saved.preset
    for panel, state in zip(reopened.panels, saved.sides):
        assert panel.lab_state().same_as(state)


def test_the_command_line_renders_saves_and_reopens_a_comparison(tmp_path):
    session = tmp_path / "cmp.prmlab"
    shots = tmp_path / "shots"
    args = ["--panel", "gmm", "--compare", "K = 3", "--screenshot", str(shots)]
    assert main([*args, "--save-session", str(session)]) == 0
    image = QImage(str(shots / "gmm.png"))
    assert len(set(grid_colours(image))) > 50
    extras = getattr(load_session(session), "extras", None)
    if extras is not None:
        saved = extras["compare"]["gmm"]
        assert saved["preset"] == "K = 3 vs K = 5 on overlapping blobs"
        assert (saved["left"]["k"], saved["right"]["k"]) == (3, 5)
        assert main(["--session", str(session), "--screenshot", str(tmp_path / "again")]) == 0


@pytest.mark.parametrize("argv", [["--panel", "mcmc", "--compare", "banana"], ["--compare", "x"]])
def test_an_unknown_comparison_preset_exits_2_listing_the_presets(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    panel = argv[1] if argv[0] == "--panel" else PANEL_NAMES[0]
    assert "no comparison preset starts with" in err
    assert all(name in err for name in compare.presets(panel))


def test_the_ui_benchmark_measures_every_panel_with_both_sides_playing():
    from prmlab.bench.ui import STALL_GOAL_MS, ui_workloads
    from prmlab.bench.ui_compare import compare_play_stall_ms

    rows = {w.name: w for w in ui_workloads()}
    for name in PANEL_NAMES:
        row = rows[f"ui-compare-play:{name}"]
        assert (row.panel, row.measure, row.unit, row.goal) == (
            name,
            compare_play_stall_ms,
            "ms",
            STALL_GOAL_MS,
        )


def test_compare_in_the_menu_duplicates_the_shown_state_and_end_removes_it(
    qtbot, main_window, wait_idle
):
    panel = main_window.show_panel("svm")
    panel.load_demo()
    wait_idle(panel)
    shown = panel.lab_state()
    menu = main_window.menu("compare")
    action = next(a for a in menu.actions() if a.text() == "Compare…")
    action.trigger()
    view = compare_mode.view_of(main_window, "svm")
    assert view is not None and compare_mode.wait_idle(main_window)
    for side in view.panels:  # the same data and parameters (the view follows the plot's size)
        state = side.lab_state()
        np.testing.assert_array_equal(state.X, shown.X)
        assert (state.kernel, state.C, state.gamma) == (shown.kernel, shown.C, shown.gamma)
    assert view.panels[1].isVisibleTo(panel)  # the second side beside the first
    next(a for a in menu.actions() if a.text() == "End comparison").trigger()
    assert compare_mode.view_of(main_window, "svm") is None
    assert not panel.explanation_area.folded
    qtbot.wait(20)  # the second side is deleted
    qtbot.mouseClick(panel.controls_scroll.toggle, Qt.MouseButton.LeftButton)  # no side gone
    assert panel.controls_scroll.folded
    np.testing.assert_array_equal(panel.lab_state().X, shown.X)


def _undo(main_window) -> None:
    edit = main_window.menu("edit")
    next(a for a in edit.actions() if a.shortcut().toString() == "Ctrl+Z").trigger()


def test_ctrl_z_undoes_on_the_side_last_edited(qtbot, main_window):
    view = compare_mode.open_preset(main_window, "svm", "linear vs rbf")
    assert compare_mode.wait_idle(main_window)
    left, right = view.panels
    n = len(left.lab_state().X)
    _add_point_at_corner(qtbot, right)  # an edit on the second side
    assert compare_mode.wait_idle(main_window)
    assert len(left.lab_state().X) == len(right.lab_state().X) == n + 1
    _undo(main_window)
    assert compare_mode.wait_idle(main_window)
    assert len(right.lab_state().X) == len(left.lab_state().X) == n  # undone on both
    _add_point_at_corner(qtbot, left)  # then the first side is the one undone
    assert compare_mode.wait_idle(main_window)
    _undo(main_window)
    assert compare_mode.wait_idle(main_window)
    assert len(left.lab_state().X) == len(right.lab_state().X) == n
    assert left.undo_stack.canRedo() and right.undo_stack.index() == 0


def test_the_second_side_has_the_whole_control_column_and_a_figure_like_the_first(
    qtbot, main_window
):
    view = compare_mode.open_preset(main_window, "svm", "linear vs rbf")
    assert compare_mode.wait_idle(main_window)
    left, right = view.panels
    qtbot.mouseClick(right.controls_scroll.toggle, Qt.MouseButton.LeftButton)  # unfold it
    qtbot.wait(50)
    columns = (left.controls_scroll, right.controls_scroll)
    assert all(c.isVisible() for c in columns)  # the columns fold and unfold together
    # as wide as its controls need (inside the second panel it was cut to half of that)
    assert right.controls_scroll.width() == left.controls_scroll.width()
    assert right.controls_scroll.width() >= right.controls_scroll.needed_width()
    assert left.figure.size() == right.figure.size()  # equal pictures side by side
    assert left.explanation_area.folded  # a few lines of it: more height for both figures
    qtbot.mouseClick(left.controls_scroll.toggle, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert not any(c.isVisible() for c in columns)
    assert left.figure.size() == right.figure.size()
    # the second side's whiteboard is hidden (the first one's says it for both): no board
    # of its own is computed and laid out unseen at every tick
    qtbot.waitUntil(lambda: left.equations.board is not None, timeout=30_000)
    assert right.equations.board is None


@pytest.mark.parametrize(("name", "preset"), [("svm", "linear vs rbf"), ("mcmc", "MH vs HMC")])
def test_while_playing_both_sides_hold_one_fixed_range(qtbot, main_window, name, preset):
    from prmlab.gui.compare.sides import twin_plots

    view = compare_mode.open_preset(main_window, name, preset)
    assert compare_mode.wait_idle(main_window)
    main_plot = twin_plots(*view.panels)[0]  # the data's own plane, aspect-locked
    view.playback.speed.setValue(30.0)
    view.playback.play()
    seen = []
    qtbot.waitUntil(lambda: len(view.kept) > 1, timeout=60_000)
    while len(seen) < 4 and view.playback.playing:
        qtbot.waitUntil(lambda: not view.busy() or not view.playback.playing, timeout=60_000)
        seen.append([np.array(p.vb.viewRange()) for p in main_plot])
        qtbot.wait(40)
    view.playback.pause()
    assert len(seen) >= 2
    for left, right in seen:
        np.testing.assert_allclose(left, right, rtol=1e-9)  # one range on both sides
        np.testing.assert_allclose(left, seen[0][0], rtol=1e-9)  # and it stays


def test_a_comparison_in_a_small_window_settles(qtbot, main_window):
    """Tracking compared at 800x800: its figures, drawn scaled down, wrapped a line more at
    one scale and one fewer at the next, and refitted each other without end (the window
    froze in a repaint loop)."""
    main_window.resize(800, 800)
    assert compare_mode.render(main_window, "track", None, ticks=2)
