"""Thicker lines for a projector: the figure's curves widened while presenter mode is on.

Widening each ``PlotCurveItem`` once when the mode started did not hold: most curves are the
child curve of a ``PlotDataItem``, which hands its own ``opts["pen"]`` to that curve again
on every ``setData``/``updateItems`` (a Step's redraw, a zoom), and panels replace pens or
add curves themselves; the widening was lost (or never made, when a redraw followed it),
and the pens left wide leaked out of the mode. So the pen widened is the owner's: a
``PlotDataItem``'s through its ``setPen`` (its curve follows it), a bare ``PlotCurveItem``'s
directly; and before every paint of the figure (the scene's ``sigPrepareForPaint``) each
curve whose pen is not the wide one set is widened anew: a pen the panel set, a new curve.
Leaving puts the widths back on the pens the curves have then (a colour the theme or panel
changed meanwhile stays), and leaves alone a pen set since the last paint (the panel's).
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
import shiboken6
from PySide6.QtGui import QPen

from prmlab.gui import theme


def line_factor(point_size: int) -> float:
    """How much wider lines are drawn at ``point_size``: as much as the text grew from the
    default size (1 at or below it)."""
    return max(1.0, point_size / theme.DEFAULT_POINT_SIZE)


def _curves(scene) -> list:
    """The items of ``scene`` owning a curve's pen: ``PlotDataItem``s and the
    ``PlotCurveItem``s that are not one's curve."""
    return [
        item
        for item in scene.items()
        if isinstance(item, pg.PlotDataItem)
        or (
            isinstance(item, pg.PlotCurveItem)
            and not isinstance(item.parentItem(), pg.PlotDataItem)
        )
    ]


def widen_lines(figure: pg.GraphicsView, factor: float) -> Callable[[], None]:
    """Draw every curve of ``figure`` ``factor`` times wider (a hairline counts as 1 px),
    however often it is redrawn or given a new pen; returns the function that narrows them
    back (see the module's docstring)."""
    if factor <= 1.0:
        return lambda: None
    scene = figure.scene()
    widened: dict = {}  # item -> (the wide pen set on it, its own width)
    hooked = [True]  # until narrowed (once)

    def widen() -> None:
        present = set()
        for item in _curves(scene):
            present.add(item)
            pen = item.opts.get("pen")
            wide, width = widened.get(item, (None, None))
            if pen is wide:
                continue
            if not isinstance(pen, QPen):  # no line now (pen=None)
                widened.pop(item, None)
                continue
            if wide is None or pen.widthF() != wide.widthF():
                width = pen.widthF()  # a pen of the panel's, not one made from the wide one
            new = QPen(pen)
            new.setWidthF(max(width, 1.0) * factor)
            item.setPen(new)
            widened[item] = (item.opts["pen"], width)  # setPen keeps a copy
        for item in [i for i in widened if i not in present]:  # taken off the figure
            _narrow_item(item, *widened.pop(item))

    def narrow() -> None:
        if not hooked:
            return
        hooked.clear()
        if shiboken6.isValid(scene):  # else the figure is gone, and its curves with it
            scene.sigPrepareForPaint.disconnect(widen)
        for item, (wide, width) in widened.items():
            _narrow_item(item, wide, width)
        widened.clear()

    widen()
    scene.sigPrepareForPaint.connect(widen)
    return narrow


def _narrow_item(item, wide: QPen, width: float) -> None:
    """``item``'s pen as it is but ``width`` wide, unless it is no longer ``wide`` (the
    panel's own since)."""
    if shiboken6.isValid(item) and item.opts.get("pen") is wide:
        pen = QPen(wide)
        pen.setWidthF(width)
        item.setPen(pen)
