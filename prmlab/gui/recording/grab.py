"""A widget's pixels as an RGB array (GUI thread only)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget


def grab_rgb(widget: QWidget) -> np.ndarray:
    """``widget`` as drawn now, a ``(height, width, 3)`` uint8 array at its pixel size.

    ``QWidget.grab`` paints the widget with its child widgets, so overlays laid over the
    figure (presenter mode's pen and spotlight) are in the frame; ``QGraphicsView.render``
    would leave them out.
    """
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = image.height(), image.width(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), dtype=np.uint8, count=h * stride).reshape(h, stride)
    return rows[:, : w * 3].reshape(h, w, 3).copy()  # a copy: the QImage's buffer goes with it
