"""The two sides of a comparison laid out as mirror images, and their shared view ranges.

``Mirror(left, right)`` puts the second panel's figure beside the first one's and its
control column at the far right of the first panel, full width (inside the second panel the
column was capped at half of that narrower panel: a cut-down column), the columns folding
together, so both figures always get the same pixel size. ``SharedRanges`` holds each pair
of twin plots on one fixed range while playing: pyqtgraph's aspect lock makes equal ranges
on views of unequal sizes drift apart, and auto-range on each side made the two pictures
jump independently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyqtgraph import GraphicsLayout, PlotItem
from PySide6.QtCore import QRectF

if TYPE_CHECKING:
    from prmlab.gui.panels.base import BasePanel


class Mirror:
    """``right`` beside ``left``'s figure, its column at ``left``'s far right; ``undo()``
    puts back what this moved."""

    def __init__(self, left: BasePanel, right: BasePanel) -> None:
        self.left, self.right = left, right
        right.explanation_area.hide()  # the left side's explanation says it for both
        right.equations.setVisible(False)
        # no margins of its own and its messages under the bar: its figure is left's size
        right.layout().setContentsMargins(0, 0, 0, 0)
        left.body.insertWidget(2, right.messages)
        left.figure_row.addWidget(right, 1)
        outer = left.layout()
        column = right.controls_scroll
        outer.addWidget(column.toggle)
        outer.addWidget(column)
        # one fold for both columns, started folded (two figures share the row), and no
        # folding of their own: two panels folding in one row undid each other's fold
        left.auto_fold = right.auto_fold = False
        left.explanation_area.fold(True, left.height())  # a few lines: the figures' height
        columns = (left.controls_scroll, column)
        self._follow = []  # (toggle, slot): each toggle's click folds the other column too
        for one, other in (columns, columns[::-1]):
            one.set_folded(True)
            slot = lambda _=False, a=one, b=other: b.choose_folded(a.folded)  # noqa: E731
            one.toggle.clicked.connect(slot)
            self._follow.append((one.toggle, slot))

    def undo(self) -> None:
        """``right``'s column and messages go back into it (they end with it); ``left``
        folds as its size needs again."""
        for toggle, slot in self._follow:
            toggle.clicked.disconnect(slot)
        left, right = self.left, self.right
        column = right.controls_scroll
        for widget in (column, column.toggle, right.messages):
            widget.setParent(right)
        left.auto_fold = True
        left.explanation_area.fold(False, left.height())
        left.controls_scroll.set_folded(False)  # its next resize folds it as it needs


def twin_plots(left: BasePanel, right: BasePanel) -> list[tuple[PlotItem, PlotItem]]:
    """Each plot of ``left``'s figure with the same plot of ``right``'s."""
    return list(zip(plots_in(left.figure.ci), plots_in(right.figure.ci)))


def plots_in(layout: GraphicsLayout) -> list[PlotItem]:
    """The plots of ``layout`` and of the layouts nested in it, in the order added."""
    found = []
    for item in layout.items:
        if isinstance(item, PlotItem):
            found.append(item)
        elif isinstance(item, GraphicsLayout):
            found += plots_in(item)
    return found


def _fixed_by_panel(plot: PlotItem) -> bool:
    """A plot of the data's own space: aspect-locked, or its range set by the panel (a
    series growing with the steps keeps its auto-range: a fixed one would cut it off)."""
    state = plot.vb.state
    return bool(state["aspectLocked"]) or not any(state["autoRange"])


class SharedRanges:
    """While ``hold`` is on, each pair of twin data plots shows one fixed range: the union
    of both sides' ranges when it began (or the range a user zoomed or panned to)."""

    def __init__(self, left: BasePanel, right: BasePanel) -> None:
        self.pairs = twin_plots(left, right)
        self.fixed: dict[int, QRectF] = {}  # pair index -> its held range
        # what each held plot showed once set (an aspect lock widens the range it is given)
        self._shown: dict[PlotItem, QRectF] = {}
        for index, pair in enumerate(self.pairs):
            for source, target in (pair, pair[::-1]):
                source.vb.sigRangeChangedManually.connect(
                    lambda _mask, i=index, s=source, t=target: self._zoomed(i, s, t)
                )

    def _zoomed(self, index: int, source: PlotItem, target: PlotItem) -> None:
        # a zoom or pan of one plot sets the same range on its twin (and is held there)
        rect = source.vb.viewRect()
        target.vb.setRange(rect=rect, padding=0.0)
        if index in self.fixed:
            self.fixed[index] = rect
            self._shown = {}

    def hold(self) -> None:
        """Fix each pair of data plots at the union of its two ranges."""
        self.fixed = {
            i: a.vb.viewRect().united(b.vb.viewRect())
            for i, (a, b) in enumerate(self.pairs)
            if _fixed_by_panel(a) and _fixed_by_panel(b)
        }
        self._shown = {}
        self.keep()

    def keep(self) -> None:
        """Set the held range on a plot not showing it (its side's drawing moved it); nothing
        for the others: a range set again lays the plot out and repaints both figures."""
        for index, rect in self.fixed.items():
            for plot in self.pairs[index]:
                if plot.vb.viewRect() == self._shown.get(plot, rect):  # there already
                    continue
                plot.vb.setRange(rect=rect, padding=0.0)
                self._shown[plot] = plot.vb.viewRect()

    def release(self) -> None:
        """Stop holding: the panels range their plots as they like again."""
        self.fixed = {}
        self._shown = {}
