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
