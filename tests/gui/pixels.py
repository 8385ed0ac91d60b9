"""Pixel checks shared by the GUI tests (imported as ``pixels``: pytest puts this folder on
``sys.path``)."""

from __future__ import annotations

from PySide6.QtGui import QImage


def grid_colours(image: QImage, cells: int = 64) -> list[int]:
    """Colours on a ``cells`` x ``cells`` grid over the image (a full scan is slow in Python)."""
    dx, dy = max(1, image.width() // cells), max(1, image.height() // cells)
    return [
        image.pixel(x, y) for x in range(0, image.width(), dx) for y in range(0, image.height(), dy)
    ]


def settled_image(qtbot, panel) -> QImage:
    """``panel``'s figure as painted once its layout has settled: a paint fits an axis to
    its new labels' width, and the plots are laid out again in a later turn."""
    panel.figure.grab()
    qtbot.wait(50)
    return panel.figure.grab().toImage()
