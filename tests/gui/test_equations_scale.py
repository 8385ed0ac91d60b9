"""The whiteboard pane follows the app's font (Ctrl+=, presenter mode): its cached layouts
are painted larger, the live numbers still in their boxes, never wider than the pane."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from prmlab.gui.widgets.equations.board import NUMBER_INK, math_scale

COLD_START_MS = 180_000  # the demo's first run may compile its kernels


def test_math_scale_follows_the_font_up_to_the_pane_width():
    assert math_scale(1.0, 300.0, 1000.0) == 1.0
    assert math_scale(2.0, 300.0, 1000.0) == 2.0
    assert math_scale(2.0, 400.0, 1000.0) == 2.0
    assert math_scale(4.0, 400.0, 1000.0) == pytest.approx(2.5)  # no wider than the pane
    assert math_scale(2.0, 1200.0, 1000.0) == 1.0  # already too wide: as laid out
    assert math_scale(0.75, 300.0, 1000.0) == 0.75  # smaller fonts, smaller equations


def live_row(view):
    """The rectangle (x, y, w, h) and Typeset of the first equation with live numbers."""
    for rect, rows in view._blocks:
        y = rect.top()
        for row in rows:
            w, h = view._row_size(row)
            kind, payload = row
            if kind == "math" and payload[1]:
                return (int(rect.left()), int(y), int(w) + 1, int(h) + 1), payload[0]
            y += h + 4
    raise AssertionError("no live equation on the board")


def measured(view):
    """The live equation's ink bounding box (width, height), its number-ink pixels and
    how many of those fall outside every slot box (scaled, 2 px of antialiasing)."""
    (x, y, w, h), typeset = live_row(view)
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    rgb = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    crop = rgb[y : y + h, x : x + w, :3].astype(int)
    ink = crop.min(axis=2) < 200
    rows, cols = np.nonzero(ink)
    box = (cols.max() - cols.min(), rows.max() - rows.min())
    b, r = crop[..., 0], crop[..., 2]
    blue = (b - r > 60) & (b > 100)  # NUMBER_INK: the live numbers
    assert NUMBER_INK.blue() - NUMBER_INK.red() > 60
    inside = np.zeros_like(blue)
    vx, vy = typeset.layout.viewbox[:2]
    s = view.scale
    for x0, y0, x1, y1 in typeset.layout.boxes.values():
        top, bottom = int((y0 - vy) * s) - 2, int((y1 - vy) * s) + 2 + int(0.3 * (y1 - y0) * s)
        inside[max(0, top) : bottom, max(0, int((x0 - vx) * s) - 2) : int((x1 - vx) * s) + 3] = 1
    return box, int(blue.sum()), int((blue & ~inside).sum())


@pytest.fixture
def gmm_board(main_window, qtbot, wait_idle):
    """The main window on EM/GMM's demo after an E step: a board with live numbers."""
    panel = main_window.show_panel("gmm")
    panel.load_preset("Blobs (3)")
    wait_idle(panel, timeout=COLD_START_MS)
    qtbot.mouseClick(panel.ui.step_e_button, Qt.MouseButton.LeftButton)
    wait_idle(panel, timeout=COLD_START_MS)
    return main_window, panel


def test_ctrl_plus_twice_paints_the_equations_larger(gmm_board, qtbot):
    window, panel = gmm_board
    view = panel.equations.view
    (width, height), numbers, stray = measured(view)
    assert view.scale == pytest.approx(1.0) and numbers > 50 and stray == 0
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    for _ in range(2):
        qtbot.keyClick(panel.figure, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.font_size == 15
    qtbot.waitUntil(lambda: view.scale > 1.0)  # Qt posts the font change to the widgets
    assert view.scale == pytest.approx(15 / 11)  # the pane is wide enough for it
    (big_width, big_height), big_numbers, big_stray = measured(view)
    assert big_width > 1.25 * width and big_height > 1.25 * height
    assert big_numbers > 1.4 * numbers and big_stray == 0  # the numbers stay in their boxes
    window.set_font_size(11)  # and back
    qtbot.waitUntil(lambda: view.scale == pytest.approx(1.0))
    assert measured(view)[0] == (width, height)


def test_presenter_mode_paints_the_equations_at_projector_size(gmm_board, qtbot):
    window, panel = gmm_board
    view = panel.equations.view
    (width, _), _, _ = measured(view)
    window.presenter.enter()
    try:
        assert window.font_size > 11
        qtbot.waitUntil(lambda: view.scale > 1.0)
        (big_width, _), numbers, stray = measured(view)
        # the offscreen screen is 800 px wide: projector fonts 12 pt, 12/11 larger ink
        assert view.scale == pytest.approx(window.font_size / 11)
        assert big_width >= width * view.scale - 3 and numbers > 50 and stray == 0
        widest = max(r.right() for r, _ in view._blocks)
        assert widest <= view.width()  # grown, never cut at the pane's right edge
    finally:
        window.presenter.leave()
    qtbot.waitUntil(lambda: view.scale == pytest.approx(1.0))
