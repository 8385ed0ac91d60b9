"""What a class sees: every panel at 1024x768 and 1920x1080, fonts at default, +2 and +4, in
both themes: no control cut off, the control column follows the font, no legend over the
data, readable text, and nothing that points outside the installed package."""

from __future__ import annotations

import re
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTableView, QWidget
from readability import WINDOW_CHROME, contrast, too_small
from readability import themed as themed  # the fixture

import prmlab
from prmlab.gui import theme
from prmlab.gui.panels import PANEL_NAMES, panel_class
from prmlab.gui.widgets.equations.pane import MAX_PANEL_SHARE
from prmlab.gui.widgets.messages import MessageBar

SIZES = ((1024, 768), (1920, 1080))
FONT_STEPS = (0, 2, 4)
SPAN = re.compile(r"color:\s*(#[0-9A-Fa-f]{6})[^>]*>([^<]*)<")


def _settle(qtbot) -> None:
    for _ in range(3):  # the column refits after the controls took a new font (0 ms timer)
        qtbot.wait(1)
        QApplication.processEvents()


def _settle_folds(qtbot, panel) -> None:
    """Wait until the panel has folded or unfolded for its new size or font: each fold
    changes the figure's size, its titles wrap anew and its least size with them, which a
    paint finds and may fold again. Repeated, with a paint each time, until a round changes
    nothing (a fixed wait missed the last refold on a loaded CI machine)."""
    figure, board = panel.figure, panel.equations

    def layout() -> tuple:
        return (
            figure.size().toTuple(),
            figure.least_size(),
            panel.controls_scroll.folded,
            panel.explanation_area.folded,
            board.squeezed,
            board.height(),
        )

    last = None
    for _ in range(40):
        _settle(qtbot)
        figure.viewport().repaint()  # a paint checks the least size (Figure._fit)
        qtbot.waitUntil(lambda: not panel._fold_timer.isActive(), timeout=2000)
        _settle(qtbot)
        if layout() == last:
            return
        last = layout()
    raise AssertionError(f"the panel's folds never settled: {last}")


def _least(widget: QWidget) -> tuple[int, int]:
    """The size a layout may not go below: set minimum, else the minimum size hint."""
    hint = widget.minimumSizeHint()
    width = widget.minimumWidth() or hint.width()
    height = widget.minimumHeight() or hint.height()
    if isinstance(widget, QLabel) and widget.wordWrap():
        height = widget.heightForWidth(widget.width())
    return width, height


def cut_off(panel) -> list[str]:
    """Controls of the panel's column drawn smaller than they need, as readable strings."""
    column = panel.controls_scroll
    found = []
    if column.horizontalScrollBar().isVisible():
        found.append(f"the column needs {column.needed_width()} px, has {column.width()}")
    widgets = column.inner.findChildren(QAbstractButton) + column.inner.findChildren(QLabel)
    for w in widgets:
        if not w.isVisibleTo(panel):
            continue
        width, height = _least(w)
        text = w.text().replace("\n", " ")
        if w.width() < width or w.height() < height:
            found.append(f"{text!r}: {w.width()}x{w.height()} < {width}x{height}")
        wide = (
            isinstance(w, QAbstractButton) and w.fontMetrics().horizontalAdvance(text) > w.width()
        )
        if wide:
            found.append(f"{text!r}: text wider than its button ({w.width()} px)")
    for table in column.inner.findChildren(QTableView):
        if not table.isVisibleTo(panel) or table.model().rowCount() == 0:
            continue
        rows = sum(table.rowHeight(r) for r in range(table.model().rowCount()))
        if rows > table.viewport().height() and not table.verticalScrollBar().isVisible():
            found.append(f"table {table.objectName()!r}: rows cut off ({rows} px)")
        header = table.horizontalHeader()
        scrolls = table.horizontalScrollBar().isVisible()
        for c in range(table.model().columnCount()):
            least = max(header.sectionSizeHint(c), table.sizeHintForColumn(c))
            if header.sectionSize(c) < least and not scrolls:
                found.append(f"table column {c}: {header.sectionSize(c)} px < {least}")
    return found


@pytest.mark.parametrize("name", PANEL_NAMES)
def test_no_control_is_cut_off_at_any_size_or_font(qtbot, make_panel, themed, name):
    panel = make_panel(panel_class(name))
    widths = []
    for step in (*FONT_STEPS, 2, 0):  # Ctrl+= twice, then Ctrl+- twice
        themed("light", theme.DEFAULT_POINT_SIZE + step)
        for size in SIZES:
            panel.resize(*size)
            _settle(qtbot)
            assert cut_off(panel) == [], (name, size, f"+{step}")
        widths.append(panel.controls_scroll.width())
    # the column follows the font: wider at each step up, narrower at each step down, and
    # as wide at +2 on the way down as on the way up
    assert widths[0] < widths[1] < widths[2], widths
    assert widths[2] > widths[3] > widths[4], widths
    assert widths[3] == widths[1], widths


def _text_colours(label: QLabel) -> tuple[QColor, QColor]:
    bar = label.parentWidget()
    if isinstance(bar, MessageBar):
        fg, bg = bar.colors()
        return QColor(fg), QColor(bg)
    palette = label.palette()
    return palette.color(label.foregroundRole()), palette.color(QPalette.ColorRole.Window)


def unreadable(panel) -> list[str]:
    """Enabled labels whose text (or a coloured span in it) fails WCAG AA on its background;
    a coloured single glyph (a legend dot) needs 3:1, as a graphical object."""
    found = []
    for label in panel.findChildren(QLabel):
        if not label.isVisibleTo(panel) or not label.isEnabled() or not label.text():
            continue
        fg, bg = _text_colours(label)
        if contrast(fg, bg) < 4.5:
            found.append(f"{label.text()[:30]!r}: {fg.name()} on {bg.name()}")
        for colour, text in SPAN.findall(label.text()):
            need = 3.0 if len(text.strip()) == 1 else 4.5
            if contrast(QColor(colour), bg) < need:
                found.append(f"{text!r} in {colour} on {bg.name()}")
    return found


def legends_over_data(panel) -> list[str]:
    """Legends with rows whose box overlaps a plot's data area (a view box), or stretched
    past their rows (a sample far from its text)."""
    items = panel.figure.scene().items()
    views = [v for v in items if isinstance(v, pg.ViewBox) and v.isVisible()]
    found = []
    for legend in items:
        if not isinstance(legend, pg.LegendItem) or not legend.items or not legend.isVisible():
            continue
        rows = legend.effectiveSizeHint(Qt.SizeHint.PreferredSize)
        if legend.geometry().height() > rows.height() + 1:
            found.append(f"legend stretched to {legend.geometry().height():.0f} px")
        box = legend.sceneBoundingRect().adjusted(1, 1, -1, -1)  # touching is not covering
        for view in views:
            if box.intersects(view.sceneBoundingRect()):
                texts = [label.text for _, label in legend.items]
                found.append(f"legend {texts[:2]} over a plot")
    return found


@pytest.mark.parametrize("name", PANEL_NAMES)
def test_a_projected_panel_is_readable_in_both_themes(qtbot, make_panel, wait_idle, themed, name):
    themed("dark", theme.DEFAULT_POINT_SIZE + 4)
    panel = make_panel(panel_class(name))
    panel.resize(1024, 768)
    theme.style_plots(panel, "dark", theme.DEFAULT_POINT_SIZE + 4)
    panel.load_demo()
    wait_idle(panel, timeout=60000)
    panel.messages.note("A note a class reads")
    _settle(qtbot)
    assert legends_over_data(panel) == []
    assert unreadable(panel) == []
    # the explanation scrolls rather than squeeze the figure (it took half the panel)
    assert panel.explanation_area.height() <= panel.height() // 4 + 1
    themed("light", theme.DEFAULT_POINT_SIZE + 4)
    theme.style_plots(panel, "light", theme.DEFAULT_POINT_SIZE + 4)
    _settle(qtbot)
    assert unreadable(panel) == []


@pytest.mark.parametrize("name", PANEL_NAMES)
def test_plot_text_is_drawn_near_the_chosen_size_everywhere(
    qtbot, make_panel, wait_idle, themed, name
):
    # at 1024x768 with fonts +4 the figures were drawn at 0.5-0.8 of the font (too many
    # plots and legends for the width beside a 450 px column); now legends wrap, the column
    # and the explanation fold away where the figure needs their room, and data areas keep
    # a least size. Checked in a panel as large as a window's less its menu, tabs and status
    panel = make_panel(panel_class(name))
    panel.load_demo()
    wait_idle(panel, timeout=60000)
    small = {}
    for step in FONT_STEPS:
        # a theme changes colours, not sizes: the dark one is laid out at the largest font
        for look in ("light", "dark") if step == FONT_STEPS[-1] else ("light",):
            themed(look, theme.DEFAULT_POINT_SIZE + step)
            theme.style_plots(panel, look, theme.DEFAULT_POINT_SIZE + step)
            for width, height in SIZES:
                panel.resize(width - WINDOW_CHROME[0], height - WINDOW_CHROME[1])
                _settle_folds(qtbot, panel)
                where = (name, width, f"+{step}", look)
                if too_small(panel):
                    small[(name, width, step)] = too_small(panel)
                assert legends_over_data(panel) == [], where
                assert cut_off(panel) == [], where
    assert small == {}
    # a folded column unfolds at a click, every control whole, and folds again
    column = panel.controls_scroll
    panel.resize(1024 - WINDOW_CHROME[0], 768 - WINDOW_CHROME[1])
    _settle_folds(qtbot, panel)
    assert_squeezed_whiteboard_opens_at_a_click(qtbot, panel)
    if column.folded:
        qtbot.mouseClick(column.toggle, Qt.MouseButton.LeftButton)
        _settle_folds(qtbot, panel)
        assert column.isVisible() and cut_off(panel) == []
        qtbot.mouseClick(column.toggle, Qt.MouseButton.LeftButton)
        _settle_folds(qtbot, panel)
        assert not column.isVisible()


def assert_squeezed_whiteboard_opens_at_a_click(qtbot, panel) -> None:
    """Where the figure needed the whiteboard's and the explanation's room too, the board
    shows its tab row only; its "Show" opens it until the next resize (the user's choice
    is not remembered as a fold), and the explanation comes back with room to spare."""
    board, explanation = panel.equations, panel.explanation_area
    if not board.squeezed:
        return
    assert board.shows_folded and board.height() <= board.head.sizeHint().height()
    assert explanation.height() == 0 and not panel.messages.sizePolicy().retainSizeWhenHidden()
    qtbot.mouseClick(board.fold_button, Qt.MouseButton.LeftButton)
    _settle_folds(qtbot, panel)
    assert board.scroll.isVisible() and board.height() > 2 * board.head.height()
    assert not board.folded  # not the remembered fold of every panel's board
    panel.resize(1920 - WINDOW_CHROME[0], 1080 - WINDOW_CHROME[1])
    _settle_folds(qtbot, panel)
    assert not board.squeezed and explanation.height() > 0
    assert panel.messages.sizePolicy().retainSizeWhenHidden()


@pytest.mark.parametrize(("name", "squeezed"), [("linear", False), ("svm", True)])
def test_a_folded_panel_shows_its_board_whole_or_folds_it(
    qtbot, make_panel, wait_idle, themed, name, squeezed
):
    # at 1024x768 with fonts +4 both fold their column for width; Linear's figure has the
    # height to spare for its whole board, SVM's would have kept a sliver of a board (its
    # caption and the top of an equation): folded to its tab row, its Show a click away
    panel = make_panel(panel_class(name))
    panel.load_demo()
    wait_idle(panel, timeout=60000)
    themed("dark", theme.DEFAULT_POINT_SIZE + 4)
    theme.style_plots(panel, "dark", theme.DEFAULT_POINT_SIZE + 4)
    panel.resize(1024 - WINDOW_CHROME[0], 768 - WINDOW_CHROME[1])
    _settle_folds(qtbot, panel)
    board = panel.equations
    assert panel.controls_scroll.folded and board.squeezed == squeezed
    if not squeezed:
        assert board.height() == board.height_at(panel.height(), MAX_PANEL_SHARE)


def test_nothing_shipped_points_outside_the_installed_package():
    # a user has no formula sheet and no ../shared folder: texts cite PRML instead
    root = Path(prmlab.__file__).parent
    readme = root.parent / "README.md"
    files = [*root.rglob("*.py"), *root.rglob("*.md"), readme]
    stray = re.compile(r"formula sheet|\.\./shared|shared/seeds", re.IGNORECASE)
    found = [
        f"{path.relative_to(root.parent)}:{n}"
        for path in files
        if path.exists()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if stray.search(line)
    ]
    assert found == []
