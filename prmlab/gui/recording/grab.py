"""A widget's pixels as an RGB array (GUI thread only)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QWidget

from prmlab.gui.widgets.figure import Figure


def image_rgb(image: QImage) -> np.ndarray:
    """``image`` as a ``(height, width, 3)`` uint8 array of its own."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = image.height(), image.width(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), dtype=np.uint8, count=h * stride).reshape(h, stride)
    return rows[:, : w * 3].reshape(h, w, 3).copy()  # a copy: the QImage's buffer goes with it


def grab_rgb(widget: QWidget) -> np.ndarray:
    """``widget`` as drawn now, a ``(height, width, 3)`` uint8 array at its pixel size.

    ``QWidget.grab`` paints the widget with its child widgets, so overlays laid over the
    figure (presenter mode's pen and spotlight) are in the frame; ``QGraphicsView.render``
    would leave them out.
    """
    return image_rgb(widget.grab().toImage())


def kept_frame_rgb(figure: Figure) -> np.ndarray:
    """The frame ``figure`` keeps (``Figure.keep_frame``) with the widgets laid over it (the
    pen, the spotlight) drawn on top, as ``grab_rgb`` would give it without painting the
    figure again."""
    image = figure.frame
    overlays = [
        child
        for child in figure.viewport().findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
        )
        if child.isVisible()
    ]
    if overlays:
        image = image.copy()
        painter = QPainter(image)
        for child in overlays:
            child.render(painter, child.pos(), renderFlags=QWidget.RenderFlag.DrawChildren)
        painter.end()
    return image_rgb(image)
