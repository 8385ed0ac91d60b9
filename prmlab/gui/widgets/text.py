"""Text on screen: user-supplied names kept short, and pyqtgraph's TextItem framed right.

A name comes from the user's data (a CSV column, a class, a file name) and may be any
length: a column named with 120,000 characters made Qt lay out, measure and paint a
1.2-million-pixel line (10 GB for the Tracking panel) and a 1,000,000-character message
without spaces crashed the word wrap. So every name is shown through ``elide`` (a few
dozen characters, the full text in a bounded tooltip) and long text through ``wrappable``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QComboBox

NAME_LIMIT = 32  # characters of a name on a plot, in a legend, a table or a list: ~330 px
TIP_LIMIT = 500  # characters of the tooltip that shows an elided name in full
ELLIPSIS = "…"
_LONG_RUN = re.compile(r"\S{40}")  # 40 characters without a break opportunity
_ZERO_WIDTH_SPACE = "\u200b"  # a line-break opportunity that shows nothing


def elide(text: object, limit: int = NAME_LIMIT) -> str:
    """``str(text)``, cut to at most ``limit`` characters ending in "…" when longer."""
    text = str(text)
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def wrappable(text: str) -> str:
    """``text`` with an invisible break opportunity after every 40 characters without one.

    Word wrap of a long unbroken run is quadratic in Qt (2 GB for 30,000 characters);
    zero-width spaces give it places to break, so wrapping stays cheap and text shows whole.
    """
    return _LONG_RUN.sub(lambda m: m.group(0) + _ZERO_WIDTH_SPACE, text)


def name_tip(text: object, limit: int = NAME_LIMIT) -> str:
    """A tooltip for a name shown with ``elide(text, limit)``: "" when nothing was cut."""
    text = str(text)
    return wrappable(elide(text, TIP_LIMIT)) if len(text) > limit else ""


def set_combo_items(box: QComboBox, names: Iterable[object]) -> None:
    """Replace ``box``'s items with ``names``, elided, each long one's full text as its tooltip.

    The box measures its items for its width: one very long name made it wider than any
    screen and the whole panel with it.
    """
    box.clear()
    for i, name in enumerate(names):
        box.addItem(elide(name))
        tip = name_tip(name)
        if tip:
            box.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)


class TextItem(pg.TextItem):
    """``pg.TextItem`` whose fill and border also follow a figure drawn scaled down.

    On an item's first paint pyqtgraph attaches it to the scene and sets the painter to the
    scene's transform, which drops the view's scaling (``Figure`` scales the whole figure down
    in a small window): the frame came out at full size, beside scaled text, and stayed until
    that area was painted again. That first paint goes to a scratch image here instead, and
    the frame is drawn at the next paint, with the view's transform.
    """

    _attached = False

    def paint(self, p: QPainter, *args) -> None:
        if self._attached:
            super().paint(p, *args)
            return
        self._attached = True
        scratch = QImage(1, 1, QImage.Format.Format_ARGB32)
        painter = QPainter(scratch)
        super().paint(painter, *args)
        painter.end()
        self.update()
