"""DotCloud: dots of a fixed pixel size at data points, on screen, in a kept frame and exported."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from prmlab.gui.widgets.dots import DotCloud
from prmlab.gui.widgets.export import export_figure

RED = QColor(255, 0, 0)


@pytest.fixture
def plot(qtbot):
    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    view.resize(400, 300)
    plot = view.addPlot()
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    view.show()
    qtbot.waitExposed(view)
    return view, plot


def _rendered(view: pg.GraphicsLayoutWidget) -> QImage:
    view.scene().prepareForPaint()
    image = QImage(view.viewport().size(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    view.render(painter)
    painter.end()
    return image


def _red_pixels(image: QImage) -> np.ndarray:
    """(row, col) of the strongly red pixels."""
    rgb = np.array(
        [
            [QColor(image.pixel(x, y)).getRgb()[:3] for x in range(image.width())]
            for y in range(image.height())
        ]  # fmt: skip
    )
    return np.argwhere((rgb[..., 0] > 200) & (rgb[..., 1] < 80))


def test_data_drops_points_that_are_not_finite():
    dots = DotCloud(4, RED)
    dots.setData([1.0, np.nan, 3.0, np.inf], [1.0, 2.0, np.nan, 4.0])
    x, y = dots.getData()
    assert x.tolist() == [1.0] and y.tolist() == [1.0]
    assert dots.dataBounds(0) == (1.0, 1.0)
    dots.setData([], [])
    assert dots.dataBounds(1) == (None, None) and dots.boundingRect().isEmpty()


def test_each_dot_is_drawn_at_its_point_with_its_pixel_size_whatever_the_zoom(plot):
    view, item = plot
    dots = DotCloud(8, RED)
    item.addItem(dots)
    dots.setData([2.0, 8.0], [5.0, 5.0])
    sizes = []
    for span in (10, 40):  # zoomed out 4x: the dots keep their size, they come closer
        item.setRange(xRange=(0, span), yRange=(0, span), padding=0)
        red = _red_pixels(_rendered(view))
        left, right = red[red[:, 1] < red[:, 1].mean()], red[red[:, 1] >= red[:, 1].mean()]
        centre = view.viewport().mapFromGlobal(
            view.mapToGlobal(view.mapFromScene(item.vb.mapViewToScene(pg.Point(2.0, 5.0))))
        )
        assert abs(left[:, 1].mean() - centre.x()) <= 1.5
        assert abs(left[:, 0].mean() - centre.y()) <= 1.5
        sizes.append((np.ptp(left[:, 1]) + 1, np.ptp(right[:, 1]) + 1))
    assert all(6 <= s <= 9 for pair in sizes for s in pair)


def test_an_svg_export_draws_each_dot_as_a_vector_disc(plot, tmp_path):
    view, item = plot
    dots = DotCloud(6, RED)
    item.addItem(dots)
    dots.setData(np.linspace(1, 9, 5), np.full(5, 5.0))
    svg = export_figure(view, tmp_path / "dots.svg").read_text()
    assert "<image" not in svg  # no pixmaps in a vector file
    assert svg.count('<circle cx="') == 5 and svg.count('r="3"') == 5
