"""Readability checks shared by the theme and screen tests (imported as ``readability``:
pytest puts this folder on ``sys.path``): WCAG contrast, a theme fixture, grabbed pixels,
the scale plot text is drawn at and plots squeezed to no data area."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

from prmlab.gui import theme
from prmlab.gui.widgets.column import READABLE_SCALE

# A panel's share of a window: the menu bar, the tab bar and the status bar take the rest
# (measured at fonts +4: 102 px of 768)
WINDOW_CHROME = (0, 102)


def _luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(color.redF())
        + 0.7152 * linear(color.greenF())
        + 0.0722 * linear(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1 to 21 (AA asks 4.5 for text)."""
    la, lb = sorted((_luminance(QColor(a)), _luminance(QColor(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def grabbed(widget: QWidget) -> np.ndarray:
    """The widget as painted, (height, width, 3) int RGB."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : 3 * image.width()].reshape(image.height(), image.width(), 3).astype(int)


@pytest.fixture
def themed(qapp):
    """``themed(name, point_size=11)`` applies a theme app-wide; the light default comes back
    after the test."""
    palette, font, style = qapp.palette(), qapp.font(), qapp.style().name()
    options = {k: pg.getConfigOption(k) for k in ("background", "foreground", "antialias")}

    def apply(name: str, point_size: int = theme.DEFAULT_POINT_SIZE) -> None:
        theme.apply_app_theme(qapp, name, point_size)

    yield apply
    QApplication.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)
    pg.setConfigOptions(**options)


def text_scale(panel) -> float:
    """The scale the panel's figure is drawn at: its plot text is this share of the font."""
    figure = panel.figure
    return figure.scale_at(figure.width(), figure.height())


def too_small(panel) -> list[str]:
    """Plot text drawn below ``READABLE_SCALE`` of the font, and visible plots whose data
    area is smaller than ``theme.least_data_area`` (squeezed by their axes and legends)."""
    found = []
    scale = text_scale(panel)
    if scale < READABLE_SCALE:
        least = panel.figure.least_size()
        found.append(
            f"text at {scale:.2f} of the font: figure {panel.figure.width()}x"
            f"{panel.figure.height()} px, needs {least[0]:.0f}x{least[1]:.0f}"
        )
    point_size = QApplication.font().pointSize()
    width, height = theme.least_data_area(point_size)
    for view in panel.figure.scene().items():
        if isinstance(view, pg.ViewBox) and view.isVisible():
            box = view.sceneBoundingRect()
            if box.width() < width - 1 or box.height() < height - 1:
                found.append(f"data area {box.width():.0f}x{box.height():.0f} px")
    return found
