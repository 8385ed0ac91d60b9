"""Presenter mode (issue #20): every clicker key on a real panel, the pen in data
coordinates, the laser, blank screens, the second screen's placement, strokes in sessions."""

from __future__ import annotations

import threading

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from prmlab.gui.panels import PANELS
from prmlab.gui.presenter import mode
from prmlab.gui.presenter.ink import PEN_COLOURS, Ink, Stroke
from prmlab.gui.presenter.keys import KEY_ACTIONS, action_for
from prmlab.gui.presenter.lines import line_factor
from prmlab.gui.presenter.overlay import plot_views
from prmlab.gui.presenter.placement import presenter_screen, projector_point_size
from prmlab.gui.theme import current_theme
from prmlab.gui.widgets import colors
from prmlab.lab.session import Session, SessionError, load_session, save_session

K = Qt.Key
COLD_START_MS = 180_000  # a demo's first run compiles its kernels when no cache is there yet
NONE = Qt.KeyboardModifier.NoModifier


# -- pure parts ---------------------------------------------------------------------------
def test_every_clicker_key_has_its_action():
    expected = {
        "step": (K.Key_PageDown, K.Key_Right, K.Key_Space, K.Key_Return, K.Key_Enter),
        "back": (K.Key_PageUp, K.Key_Left, K.Key_Backspace),
        "black": (K.Key_B, K.Key_Period),
        "white": (K.Key_W, K.Key_Comma),
        "reset": (K.Key_Home,),
        "play": (K.Key_P,),
        "leave": (K.Key_Escape,),
    }
    for action, keys in expected.items():
        for key in keys:
            assert action_for(key, NONE) == action, key
    assert action_for(K.Key_3, NONE) == "panel:2"
    assert action_for(K.Key_3, Qt.KeyboardModifier.KeypadModifier) == "panel:2"
    assert action_for(K.Key_S, Qt.KeyboardModifier.ControlModifier) is None  # Ctrl+S saves
    assert action_for(K.Key_Q, NONE) is None
    assert len(set(KEY_ACTIONS)) == len(KEY_ACTIONS)


def test_pen_colours_are_none_of_the_plots():
    plotted = {c.lower() for c in (*colors.PALETTE, colors.ACCEPT, colors.REJECT)}
    assert len(set(PEN_COLOURS)) == len(PEN_COLOURS) and not plotted & set(PEN_COLOURS)


def test_the_presenter_view_goes_to_the_largest_other_screen():
    laptop, projector, small = (0, 0, 1280, 800), (1280, 0, 1920, 1080), (0, 800, 800, 600)
    assert presenter_screen([laptop], 0, other=True) == 0  # one screen: stays
    assert presenter_screen([laptop, projector], 0, other=False) == 0
    assert presenter_screen([laptop, projector], 0, other=True) == 1
    assert presenter_screen([projector, laptop], 1, other=True) == 0
    assert presenter_screen([laptop, small, projector], 0, other=True) == 2
    with pytest.raises(ValueError, match="laptop must index one of the 2 screens, got 5"):
        presenter_screen([laptop, projector], 5, other=True)


def test_projector_fonts_grow_with_the_screen_never_below_the_users():
    assert projector_point_size(1024, 768, 11) == 15
    assert projector_point_size(1920, 1080, 11) == 21
    assert projector_point_size(1024, 768, 18) == 18


def test_ink_tree_round_trip_and_damage(tmp_path):
    ink = Ink(strokes={"svm": [Stroke(1, 2, [[0.0, 1.0], [2.0, 3.0]])]}, colour=2, laser=True)
    path = save_session(tmp_path / "s.prmlab", Session(extras={"presenter": ink.to_tree()}))
    back = Ink.from_tree(load_session(path).extras["presenter"])
    (stroke,) = back.strokes["svm"]
    assert (stroke.plot, stroke.colour, back.colour, back.laser, back.pen) == (1, 2, 2, True, False)
    np.testing.assert_array_equal(stroke.points, [[0.0, 1.0], [2.0, 3.0]])
    with pytest.raises(SessionError, match="colour must be 0 … 4, got 9"):
        Ink.from_tree({"version": 1, "strokes": {"svm": [{"plot": 0, "colour": 9, "points": []}]}})
    with pytest.raises(SessionError, match="newer prmlab"):
        Ink.from_tree({"version": 99})
    assert load_session(save_session(tmp_path / "old.prmlab", Session())).extras == {}


# -- the window ---------------------------------------------------------------------------
@pytest.fixture
def presenting(main_window, qtbot, wait_idle):
    """The main window in presenter mode (entered with F5) on the SVM demo."""
    panel = main_window.show_panel("svm")
    panel.load_demo()
    wait_idle(panel, timeout=COLD_START_MS)
    press_f5(qtbot, main_window, panel)
    assert main_window.presenter.active
    return main_window, panel


def curve_width(panel) -> float:
    """The width of the SVM's dual-objective curve (its second plot's first curve)."""
    view = plot_views(panel.figure)[1]
    curve = next(i for i in view.addedItems if isinstance(i, pg.PlotDataItem))
    return curve.curve.opts["pen"].widthF()


def press_f5(qtbot, window, panel):
    """F5 as a clicker sends it: to the active window (a shortcut needs one)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(panel.figure, K.Key_F5)


def press(qtbot, panel, key):
    qtbot.keyClick(panel.figure, key)


def test_f5_fills_the_screen_and_esc_leaves(presenting, qtbot):
    window, panel = presenting
    font = window.presenter._look[0]
    window.presenter.leave()
    width = curve_width(panel)
    window.presenter.enter()
    assert window.isFullScreen()
    for hidden in (window.menuBar(), window.statusBar(), window.tabs.tabBar()):
        assert not hidden.isVisible()
    assert not panel.controls_scroll.isVisible() and not panel.explanation_area.isVisible()
    assert panel.figure.isVisible() and panel.equations.isVisible()
    assert window.font_size >= font
    assert curve_width(panel) == pytest.approx(width * line_factor(window.font_size))
    press(qtbot, panel, K.Key_C)  # the controls come back, and go again
    assert panel.controls_scroll.isVisible()
    press(qtbot, panel, K.Key_C)
    assert not panel.controls_scroll.isVisible()
    release = threading.Event()

    def long_job():  # Esc leaves the mode; it does not cancel this
        while not release.wait(0.01):
            yield None

    panel.job.run(long_job, on_done=lambda _: None)
    press(qtbot, panel, K.Key_Escape)
    assert panel.job.running
    release.set()
    qtbot.waitUntil(lambda: not panel.job.running)
    assert not window.presenter.active and window.menuBar().isVisible()
    assert not window.isFullScreen() and window.font_size == font
    column = panel.controls_scroll  # shown, or folded as the window's size needs
    assert panel.explanation_area.isVisible() and column.toggle.isVisible()
    qtbot.waitUntil(lambda: column.isVisible() != column.folded)
    assert curve_width(panel) == width


def window_rect(widget) -> tuple[int, int, int, int]:
    """``widget``'s place and size in its window."""
    return (*widget.mapTo(widget.window(), QPoint(0, 0)).toTuple(), *widget.size().toTuple())


def settled_rect(qtbot, widget) -> tuple[int, int, int, int]:
    """``window_rect(widget)`` once it has not changed for 200 ms (the whiteboard's layout
    runs in a job of its own and may still take its height)."""
    previous, rect = None, window_rect(widget)
    for _ in range(50):  # 10 s at most
        if rect == previous:
            break
        qtbot.wait(200)
        previous, rect = rect, window_rect(widget)
    return rect


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
def test_c_floats_the_controls_over_the_figure_which_keeps_its_size(
    presenting, qtbot, wait_idle, size
):
    window, panel = presenting
    window.showNormal()  # the offscreen screen is 800 x 600: the projector's size instead
    window.resize(*size)
    window.set_font_size(projector_point_size(*size, window.font_size))
    qtbot.waitUntil(lambda: window.size().toTuple() == size)
    wait_idle(panel)
    figure = settled_rect(qtbot, panel.figure)  # laid out for the new size and font
    column = panel.controls_scroll
    press(qtbot, panel, K.Key_C)
    assert column.isVisible()
    qtbot.wait(50)  # a layout pass would move the figure now
    assert window_rect(panel.figure) == figure
    x, y, width, height = window_rect(column)
    assert (x, y) == window_rect(panel.view_area)[:2]  # over the figure's left part
    assert height == panel.view_area.height() and width < figure[2] / 2
    inside = column.mapTo(panel, QPoint(width // 2, height // 2))
    assert column.isAncestorOf(panel.childAt(inside)) or panel.childAt(inside) is column
    assert column.frameShape() != column.Shape.NoFrame
    shadow = window.presenter.drawer.shadow  # along its right edge, the figure's height
    assert shadow.isVisible() and shadow.x() == column.x() + width
    assert shadow.height() == height
    # a click on a control in the overlay works: Step SMO advances the run
    press(qtbot, panel, K.Key_Home)
    wait_idle(panel)
    start = panel.timeline.position()
    button = panel.playback.step_button
    column.ensureWidgetVisible(button)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(panel)
    assert panel.timeline.position() == start + 1
    press(qtbot, panel, K.Key_C)  # the key again hides it; the figure has not moved
    assert not column.isVisible() and window_rect(panel.figure) == figure
    press(qtbot, panel, K.Key_C)
    press(qtbot, panel, K.Key_Escape)  # leaving hides it, the column back in the layout
    assert not window.presenter.active
    assert column.frameShape() == column.Shape.NoFrame and window.presenter.drawer is None
    assert panel.layout().indexOf(column) == 0
    qtbot.waitUntil(lambda: column.isVisible() != column.folded)
    if column.isVisible():  # beside the figure again (or folded, as the window's size needs)
        assert column.x() + column.width() <= panel.view_area.x()


def test_keys_typed_into_the_floating_controls_are_theirs(presenting, qtbot):
    window, panel = presenting
    press(qtbot, panel, K.Key_C)
    edit = panel.seed_box.lineEdit()
    panel.controls_scroll.ensureWidgetVisible(panel.seed_box)
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    edit.selectAll()
    qtbot.keyClicks(edit, "27")  # digits: the seed, not panels 2 and 7
    assert edit.text() == "27" and window.current_panel() is panel
    assert panel.controls_scroll.isVisible()


def test_the_floating_controls_follow_the_theme_and_font(presenting, qtbot):
    window, panel = presenting
    column = panel.controls_scroll
    press(qtbot, panel, K.Key_C)
    for name in ("dark", "light"):
        window.set_theme(name)
        assert current_theme() == name
        qtbot.wait(20)
        image = column.grab().toImage()  # a spot between controls: the window colour
        colour = image.pixelColor(column.width() - column.verticalScrollBar().width() - 4, 3)
        assert colour == window.palette().color(column.backgroundRole())
    width = column.width()
    window.set_font_size(window.font_size + 4)
    qtbot.waitUntil(lambda: column.width() > width)  # wider for the bigger controls
    assert column.geometry().topLeft() == panel.view_area.geometry().topLeft()
    assert column.height() == panel.view_area.height()


def test_clicker_steps_back_and_forth_resets_and_plays(presenting, qtbot, wait_idle):
    window, panel = presenting
    press(qtbot, panel, K.Key_Home)
    wait_idle(panel)
    start = panel.timeline.position()
    for n, key in enumerate((K.Key_PageDown, K.Key_Right, K.Key_Space, K.Key_Return), 1):
        press(qtbot, panel, key)
        wait_idle(panel)
        assert panel.timeline.position() == start + n, key
    for n, key in enumerate((K.Key_PageUp, K.Key_Left, K.Key_Backspace), 1):
        press(qtbot, panel, key)
        wait_idle(panel)
        assert panel.timeline.position() == start + 4 - n, key
    press(qtbot, panel, K.Key_P)
    assert panel.playback.playing
    press(qtbot, panel, K.Key_P)
    assert not panel.playback.playing
    wait_idle(panel)
    press(qtbot, panel, K.Key_Home)
    wait_idle(panel)
    assert panel.timeline.position() == start


def test_blank_screens_and_any_key_returns(presenting, qtbot, wait_idle):
    window, panel = presenting
    blank = window.presenter.blank
    for key, colour in (
        (K.Key_B, "#000000"),
        (K.Key_Period, "#000000"),
        (K.Key_W, "#ffffff"),
        (K.Key_Comma, "#ffffff"),
    ):
        press(qtbot, panel, key)
        assert blank.isVisible() and blank.colour == colour
        assert blank.geometry() == window.rect()
        position = panel.timeline.position()
        press(qtbot, panel, K.Key_PageUp)  # returns only: no step back
        assert not blank.isVisible() and panel.timeline.position() == position


def test_digit_keys_switch_panels(presenting, qtbot, wait_idle):
    window, panel = presenting
    names = list(PANELS)
    press(qtbot, panel, K.Key_2)
    assert window.current_panel().name == names[1]
    second = window.current_panel()
    assert not second.controls_scroll.isVisible() and second.presenting
    assert not panel.presenting  # the first is back as it was
    qtbot.keyClick(second.figure, K.Key_1)
    assert window.current_panel() is panel and panel.presenting
    wait_idle(second)


def test_the_floating_controls_follow_a_panel_switch(presenting, qtbot, wait_idle):
    window, panel = presenting
    press(qtbot, panel, K.Key_C)
    press(qtbot, panel, K.Key_2)
    second = window.current_panel()
    for shown, hidden in ((second, panel), (panel, second)):
        column = shown.controls_scroll
        assert column.isVisible() and shown.layout().indexOf(column) == -1  # floating
        assert hidden.layout().indexOf(hidden.controls_scroll) == 0  # back in its layout
        assert hidden.controls_scroll.frameShape() == hidden.controls_scroll.Shape.NoFrame
        qtbot.keyClick(shown.figure, K.Key_1)
    wait_idle(second)


def drag(qtbot, overlay, points):
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=points[0])
    for p in points[1:]:
        qtbot.mouseMove(overlay, p)
    qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=points[-1])


def widget_point(panel, view, x, y) -> QPoint:
    return panel.figure.mapFromScene(view.mapViewToScene(QPointF(x, y)))


def test_pen_strokes_stay_on_the_data_when_the_view_pans(presenting, qtbot):
    window, panel = presenting
    presenter = window.presenter
    press(qtbot, panel, K.Key_D)
    overlay = presenter.overlays["svm"]
    assert overlay.pen_on
    view = plot_views(panel.figure)[0]
    (x0, x1), (y0, y1) = view.viewRange()
    xs = np.linspace(x0 + 0.3 * (x1 - x0), x0 + 0.7 * (x1 - x0), 6)
    ym = (y0 + y1) / 2
    drag(qtbot, overlay, [widget_point(panel, view, x, ym) for x in xs])
    (stroke,) = presenter.ink.strokes["svm"]
    assert stroke.plot == 0 and stroke.colour == 0
    np.testing.assert_allclose(stroke.points[:, 0], xs, atol=(x1 - x0) / 100)
    view.translateBy(x=0.2 * (x1 - x0))  # pan: the stroke moves with the data
    qtbot.wait(50)
    middle = widget_point(panel, view, xs[3], ym)
    image = panel.figure.grab().toImage()  # what a recording grabs
    assert image.pixelColor(middle) == QColor(PEN_COLOURS[0])
    press(qtbot, panel, K.Key_K)  # next colour, a second stroke, undo, clear
    drag(qtbot, overlay, [widget_point(panel, view, x, ym + 0.1 * (y1 - y0)) for x in xs])
    assert [s.colour for s in presenter.ink.strokes["svm"]] == [0, 1]
    press(qtbot, panel, K.Key_U)
    assert len(presenter.ink.strokes["svm"]) == 1
    press(qtbot, panel, K.Key_E)
    assert not presenter.ink.strokes.get("svm")
    press(qtbot, panel, K.Key_D)
    assert not overlay.pen_on


def test_laser_follows_the_mouse(presenting, qtbot):
    window, panel = presenting
    press(qtbot, panel, K.Key_L)
    overlay = window.presenter.overlays["svm"]
    assert overlay.laser_on
    qtbot.mouseMove(panel.figure.viewport(), QPoint(200, 150))
    qtbot.waitUntil(lambda: overlay.laser_at is not None)
    assert overlay.laser_at.toPoint() == QPoint(200, 150)
    press(qtbot, panel, K.Key_L)
    assert not overlay.laser_on


def test_the_whiteboard_reaches_the_bottom_of_the_screen(presenting, qtbot):
    window, panel = presenting
    qtbot.waitUntil(lambda: panel.equations.geometry().bottom() == panel.view_area.rect().bottom())
    assert not panel.messages.sizePolicy().retainSizeWhenHidden()  # no empty grey line
    press(qtbot, panel, K.Key_Escape)
    qtbot.waitUntil(lambda: panel.messages.sizePolicy().retainSizeWhenHidden())


def test_the_laser_points_at_the_whiteboard_too(presenting, qtbot):
    window, panel = presenting
    press(qtbot, panel, K.Key_L)
    dot = window.presenter.dots["svm"]
    assert dot.isVisible() and dot.geometry() == panel.equations.rect()
    board = panel.equations.view  # an equation under the figure
    qtbot.mouseMove(board, QPoint(60, 20))
    where = dot.mapFromGlobal(board.mapToGlobal(QPoint(60, 20)))
    qtbot.waitUntil(lambda: dot.at is not None and dot.at.toPoint() == where)
    red = dot.grab().toImage().pixelColor(where)
    assert red.red() > 200 and red.green() < 120  # the glow is drawn there
    qtbot.mouseMove(panel.figure.viewport(), QPoint(200, 150))
    qtbot.waitUntil(lambda: dot.at is None)  # over the plots, the figure's dot takes over
    press(qtbot, panel, K.Key_L)
    assert not dot.isVisible()


def test_strokes_and_switches_are_saved_in_the_session(presenting, qtbot, tmp_path):
    window, panel = presenting
    presenter = window.presenter
    stroke = Stroke(0, 1, [[0.0, 0.0], [1.0, 1.0]])
    presenter.ink.strokes["svm"] = [stroke]
    press(qtbot, panel, K.Key_L)
    path = window.sessions.save(tmp_path / "talk.prmlab")
    presenter.ink = Ink()
    assert window.sessions.open(path)
    (back,) = presenter.ink.strokes["svm"]
    np.testing.assert_array_equal(back.points, stroke.points)
    assert presenter.ink.laser and presenter.overlays["svm"].laser_on
    # a damaged tree is refused and changes nothing
    session = load_session(path)
    session.extras["presenter"]["strokes"]["svm"][0]["plot"] = -1
    bad = save_session(tmp_path / "bad.prmlab", session)
    assert not window.sessions.open(bad)
    assert "pen strokes are damaged" in window.current_panel().messages.text()
    assert len(presenter.ink.strokes["svm"]) == 1


def test_presenter_view_on_the_other_screen_keeps_the_controls(main_window, qtbot, monkeypatch):
    window = main_window
    screen = window.screen()
    monkeypatch.setattr(mode, "screens", lambda: [screen, screen])
    presenter = window.presenter
    presenter._screens_changed()
    assert presenter.other_screen_action.isEnabled()
    presenter.other_screen_action.setChecked(True)
    panel = window.show_panel("svm")
    press_f5(qtbot, main_window, panel)
    assert presenter.view is not None and panel.view_area.window() is presenter.view
    assert panel.controls_scroll.isVisible() and not window.isFullScreen()
    qtbot.keyClick(panel.figure, K.Key_C)  # the controls stay beside the laptop's figure
    assert panel.controls_scroll.isVisible() and panel.layout().indexOf(panel.controls_scroll) == 0
    qtbot.keyClick(panel.figure, K.Key_Escape)
    assert not presenter.active and panel.view_area.window() is window
    assert panel.figure.isVisible()


def test_clicker_steps_a_panel_with_helpers_of_its_own(main_window, qtbot, wait_idle):
    """MCMC (and HMM) have a ``_shown`` method of their own: Step must still step."""
    panel = main_window.show_panel("mcmc")
    panel.load_demo()
    wait_idle(panel, timeout=COLD_START_MS)
    press_f5(qtbot, main_window, panel)
    end = panel.timeline.position()
    press(qtbot, panel, K.Key_PageUp)
    wait_idle(panel)
    assert panel.timeline.position() < end
    press(qtbot, panel, K.Key_PageDown)
    wait_idle(panel)
    assert panel.timeline.position() == end


def test_the_laser_points_without_selecting(presenting, qtbot):
    """Pointing at a point with the laser leaves the whiteboard's selection and hover
    tooltips as they were (each point passed redrew the board); without it, a hover
    selects the point as before."""
    window, panel = presenting
    editor, viewport = panel.editor, panel.figure.viewport()
    at, away = (widget_point(panel, editor.view, *editor.points[k]) for k in (0, 1))
    before = panel.board_selection  # None: the topic's default
    press(qtbot, panel, K.Key_L)
    assert window.presenter.overlays["svm"].laser_on and not panel.figure.inspecting
    qtbot.mouseMove(viewport, away)
    qtbot.mouseMove(viewport, at)
    qtbot.wait(50)
    assert panel.board_selection == before
    press(qtbot, panel, K.Key_L)
    assert panel.figure.inspecting
    qtbot.mouseMove(viewport, away)
    qtbot.mouseMove(viewport, at)
    qtbot.waitUntil(lambda: panel.board_selection is not None)
    assert panel.board_selection == editor._hovered >= 0
