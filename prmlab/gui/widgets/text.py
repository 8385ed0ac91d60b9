"""Text on plots: pyqtgraph's TextItem, with its frame right in a scaled-down figure."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QImage, QPainter


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
