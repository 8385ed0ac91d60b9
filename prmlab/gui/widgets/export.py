"""Figure export (raster images through pyqtgraph, SVG through Qt) and results as CSV.

Every export is encoded in memory first and then written by Python, so a failure is an
``ExportError`` that says in words why nothing was written (missing folder, a folder given
as the file, a name too long, no permission), and a successful one is checked on disk.
"""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyqtgraph as pg
import pyqtgraph.exporters as pgexp
from pyqtgraph.exporters.Exporter import Exporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMargins, QPoint, QRect
from PySide6.QtGui import QColor, QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QWidget

from prmlab.gui.widgets.svg import encoded, portable_svg
from prmlab.gui.widgets.text import elide

NO_CACHE = QGraphicsItem.CacheMode.NoCache


class ExportError(OSError):
    """Nothing (or not all) was written; ``str(exc)`` says why, for the user."""


def raster_formats() -> list[str]:
    """The image file suffixes Qt can write here (png, jpg, bmp, tiff, webp, ...)."""
    return sorted({bytes(f).decode() for f in QImageWriter.supportedImageFormats()})


def figure_formats() -> list[str]:
    """Suffixes ``export_figure`` accepts: SVG and every raster format Qt can write."""
    return ["svg", *raster_formats()]


def figure_filter() -> str:
    """The save dialog's filter: PNG first, SVG, then the other raster formats."""
    others = " ".join(f"*.{f}" for f in raster_formats() if f != "png")
    return f"PNG image (*.png);;SVG vector image (*.svg);;Other images ({others})"


def export_figure(
    view: pg.GraphicsView, path: str | Path, width: int | None = None, below: QWidget | None = None
) -> Path:
    """Write the whole scene of ``view`` (all its plots) to ``path``; the suffix picks the format.
    ``below``: a widget drawn under the figure (the panel's equations), as wide as it.

    Raises ``ExportError`` for a suffix Qt cannot write (the file is left alone: a
    ``report.jpg`` never becomes ``report.png``) and when the file cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in figure_formats():
        given = f"'.{elide(suffix, 20)}'" if suffix else "no extension"
        raise ExportError(
            f"cannot write a figure with {given}: end the file name with one of "
            + ", ".join(f".{f}" for f in figure_formats())
        )
    if suffix == "svg":
        data = _svg_bytes(view, path.stem, below)
    else:
        data = _raster_bytes(view, suffix, width, below)
    write_bytes(path, data)
    return path


def _raster_bytes(
    view: pg.GraphicsView, suffix: str, width: int | None, below: QWidget | None
) -> bytes:
    exporter = pgexp.ImageExporter(view.scene())
    if width:
        exporter.parameters()["width"] = int(width)
    image = exporter.export(toBytes=True)
    if below is not None:
        image = _stacked(image, below)
    data = encoded(image, suffix.upper())
    if not data:
        raise ExportError(f"Qt could not encode the figure as {suffix.upper()}")
    return data


def _stacked(image: QImage, below: QWidget) -> QImage:
    """``image`` with ``below`` drawn under it, scaled to the image's width."""
    scale = image.width() / max(1, below.width())
    out = QImage(image.width(), image.height() + round(below.height() * scale), image.format())
    out.fill(QColor("white"))
    painter = QPainter(out)
    painter.drawImage(0, 0, image)
    painter.translate(0, image.height())
    painter.scale(scale, scale)
    below.render(painter, QPoint(0, 0))
    painter.end()
    return out


def _svg_bytes(view: pg.GraphicsView, title: str, below: QWidget | None = None) -> bytes:
    # pyqtgraph 0.14's SVGExporter fails on the path syntax of current Qt (pyqtgraph issue
    # #3485), so Qt's generator paints the scene as the screen shows it. SVG 1.1 carries
    # the plots' clipping (Tiny 1.2 let a heat map spill out of its plot); the screen's
    # resolution keeps pyqtgraph's cached axis pictures (QPicture) at their size (at Qt's
    # default 72 dpi they were scaled by 72/96, away from the data).
    rect = view.viewport().rect()
    # ``below`` scaled to the figure's width, under it
    scale = rect.width() / max(1, below.width()) if below is not None else 1.0
    extra = round(below.height() * scale) if below is not None else 0
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    generator.setOutputDevice(buffer)
    generator.setResolution(round(QGuiApplication.primaryScreen().logicalDotsPerInchX()))
    generator.setSize(rect.size().grownBy(QMargins(0, 0, 0, extra)))
    generator.setViewBox(QRect(0, 0, rect.width(), rect.height() + extra))
    generator.setTitle(elide(title, 200))
    painter = QPainter(generator)
    # in export mode a scatter draws each symbol as a path, not as a piece of its symbol
    # atlas: Qt's SVG engine drew the whole atlas squeezed into every point
    export_mode = Exporter(view.scene())
    export_mode.setExportMode(True, {"painter": painter, "antialias": True})
    try:
        with _uncached(view.scene()):
            view.render(painter, source=rect)
    finally:
        export_mode.setExportMode(False)
    if below is not None:
        painter.translate(0, rect.height())
        painter.scale(scale, scale)
        below.render(painter, QPoint(0, 0))
    painter.end()
    return portable_svg(bytes(array.data()), rect.width(), rect.height() + extra)


@contextmanager
def _uncached(scene: QGraphicsScene) -> Iterator[None]:
    """Items the screen keeps as pixmaps (the axes) painted as themselves: through their
    cache, Qt's SVG engine wrote them as pictures, not text and lines."""
    cached = [(i, i.cacheMode()) for i in scene.items() if i.cacheMode() != NO_CACHE]
    for item, _mode in cached:
        item.setCacheMode(NO_CACHE)
    try:
        yield
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, then check the file holds it; ``ExportError`` says why not."""
    try:
        with open(path, "wb") as file:
            file.write(data)
        written = path.stat().st_size
    except OSError as exc:
        raise ExportError(why_not_written(exc, path)) from exc
    if written != len(data):
        raise ExportError(f"{_shown(path)}: only {written} of {len(data)} bytes were written")


def why_not_written(exc: OSError, path: Path) -> str:
    """A sentence saying why ``path`` could not be written, from the OS error ``exc``."""
    shown, folder = _shown(path), _shown(path.parent)
    reasons = {
        errno.ENOENT: f"the folder {folder} does not exist: create it or choose another one",
        errno.ENOTDIR: f"part of {folder} is a file, not a folder: choose another folder",
        errno.EISDIR: f"{shown} is a folder: add a file name",
        errno.ENAMETOOLONG: (
            f"the file name has {len(os.fsencode(path.name))} bytes, more than the system "
            "allows (255 at most): choose a shorter name"
        ),
        errno.EACCES: f"no permission to write in {folder}: choose another folder",
        errno.EPERM: f"no permission to write in {folder}: choose another folder",
        errno.EROFS: f"{folder} is on a read-only file system: choose another folder",
        errno.ENOSPC: "the disk is full: free some space or choose another disk",
    }
    return reasons.get(exc.errno, f"{shown}: {exc.strerror or exc}")


def _shown(path: Path) -> str:
    return f"'{elide(str(path), 120)}'"


def export_results(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a panel's results table as CSV; formula-looking text cells are escaped."""
    from prmlab.data.csv import write_csv

    path = Path(path)
    text = io.StringIO()
    write_csv(frame, text)
    write_bytes(path, text.getvalue().encode("utf-8"))
    return path
