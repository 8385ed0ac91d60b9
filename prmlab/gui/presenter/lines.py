"""Thicker lines for a projector: the figure's curves widened while presenter mode is on.

Curves keep their pen across redraws (``setData`` keeps it), so widening them once when the
mode starts holds; leaving puts back each pen the panel has not replaced meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtGui import QPen

from prmlab.gui import theme


def line_factor(point_size: int) -> float:
    """How much wider lines are drawn at ``point_size``: as much as the text grew from the
    default size (1 at or below it)."""
    return max(1.0, point_size / theme.DEFAULT_POINT_SIZE)


def widen_lines(figure: pg.GraphicsView, factor: float) -> Callable[[], None]:
    """Draw every curve of ``figure`` ``factor`` times wider (a hairline counts as 1 px);
    returns the function that narrows them back."""
    widened: list[tuple[pg.PlotCurveItem, QPen, QPen]] = []
    if factor <= 1.0:
        return lambda: None
    for item in figure.scene().items():
        pen = item.opts.get("pen") if isinstance(item, pg.PlotCurveItem) else None
        if not isinstance(pen, QPen):
            continue
        wide = QPen(pen)
        wide.setWidthF(max(pen.widthF(), 1.0) * factor)
        item.setPen(wide)
        widened.append((item, pen, item.opts["pen"]))

    def narrow() -> None:
        for item, pen, wide in widened:
            if item.opts.get("pen") is wide:  # not replaced by the panel since
                item.setPen(pen)

    return narrow
