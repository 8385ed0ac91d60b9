"""Figure export (PNG through pyqtgraph's ImageExporter, SVG through Qt) and results as CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyqtgraph as pg
import pyqtgraph.exporters as pgexp
from PySide6.QtCore import QRect
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator

FIGURE_FILTER = "PNG image (*.png);;SVG vector image (*.svg)"


def export_figure(view: pg.GraphicsView, path: str | Path, width: int | None = None) -> Path:
    """Write the whole scene of ``view`` (all its plots) to ``path``; the suffix picks the format."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        path = path.with_suffix(".png")
    scene = view.scene()
    if path.suffix.lower() == ".svg":
        _render_svg(view, path)
        return path
    exporter = pgexp.ImageExporter(scene)
    if width:
        exporter.parameters()["width"] = int(width)
    exporter.export(str(path))
    return path


def _render_svg(view: pg.GraphicsView, path: Path) -> None:
    # pyqtgraph 0.14's SVGExporter fails on the path syntax of current Qt
    # (pyqtgraph issue #3485), so Qt's own SVG generator paints the scene.
    rect = view.viewport().rect()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(rect.size())
    generator.setViewBox(QRect(0, 0, rect.width(), rect.height()))
    generator.setTitle(path.stem)
    painter = QPainter(generator)
    try:
        view.render(painter, source=rect)
    finally:
        painter.end()
    if not path.exists():
        raise OSError(f"could not write {path}")


def export_results(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a panel's results table; formula-looking text cells are escaped."""
    from prmlab.data.csv import write_csv

    path = Path(path)
    write_csv(frame, path)
    return path
