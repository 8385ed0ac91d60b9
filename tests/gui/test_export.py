"""File > Export: nothing is reported written that was not, and an SVG renders like the screen."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage

from prmlab.gui.widgets.export import figure_formats

resvg_py = pytest.importorskip("resvg_py")  # the second SVG renderer (pyproject's test extra)
RSVG = shutil.which("rsvg-convert")  # librsvg's, as in GNOME and many tools (.ci/run installs it)


def _resvg(svg) -> bytes:
    return resvg_py.svg_to_bytes(
        svg_path=str(svg), background="white", sans_serif_family="DejaVu Sans"
    )


def _rsvg(svg) -> bytes:
    return subprocess.run([RSVG, "-b", "white", str(svg)], capture_output=True, check=True).stdout


RENDERERS = [_resvg, _rsvg] if RSVG else [_resvg]


def _error_of(window) -> str:
    messages = window.current_panel().messages
    assert messages.level() == "error"
    return messages.text()


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        (lambda tmp: tmp / "missing" / "fig.png", "does not exist"),
        (lambda tmp: tmp / "a-file.txt" / "fig.png", "is a file, not a folder"),
        (lambda tmp: tmp / "folder.png", "is a folder"),
        (lambda tmp: tmp / ("x" * 300 + ".png"), "more than the system allows"),
        (lambda tmp: "/sys/fig.png", "no permission"),  # root may not write in sysfs either
    ],
    ids=["missing folder", "under a file", "a folder", "300-char name", "no permission"],
)
def test_a_figure_that_cannot_be_written_says_why(main_window, tmp_path, where, reason):
    (tmp_path / "a-file.txt").write_text("x")
    (tmp_path / "folder.png").mkdir()
    path = where(tmp_path)
    assert main_window.export_figure(str(path)) is None
    assert reason in _error_of(main_window)
    assert "written" not in main_window.statusBar().currentMessage()


def test_results_that_cannot_be_written_say_why(main_window, tmp_path, monkeypatch):
    panel = main_window.current_panel()
    monkeypatch.setattr(panel, "results_frame", lambda: pd.DataFrame({"a": [1.0, -2.0]}))
    assert main_window.export_results(str(tmp_path / "no" / "r.csv")) is None
    assert "does not exist" in _error_of(main_window)
    assert main_window.export_results(str(tmp_path)) is None
    assert "is a folder" in _error_of(main_window)
    written = main_window.export_results(str(tmp_path / "r.csv"))
    assert written.read_text() == "a\n1.0\n-2.0\n"
    assert "Results written" in main_window.statusBar().currentMessage()


def test_a_jpg_is_a_jpeg_and_never_overwrites_a_png_of_the_same_name(main_window, tmp_path):
    assert "jpg" in figure_formats() and "svg" in figure_formats()
    (tmp_path / "report.png").write_bytes(b"keep me")
    written = main_window.export_figure(str(tmp_path / "report.jpg"))
    assert written == tmp_path / "report.jpg"
    assert written.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG's signature
    assert (tmp_path / "report.png").read_bytes() == b"keep me"
    assert "Figure written" in main_window.statusBar().currentMessage()


def test_an_unknown_extension_is_refused_with_the_supported_ones(main_window, tmp_path):
    (tmp_path / "report.png").write_bytes(b"keep me")
    for name in ("report.xyz", "report"):
        assert main_window.export_figure(str(tmp_path / name)) is None
        message = _error_of(main_window)
        assert ".png" in message and ".svg" in message and ".jpg" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.png"]
    assert (tmp_path / "report.png").read_bytes() == b"keep me"


def _image(png: bytes) -> QImage:
    return QImage.fromData(png).convertToFormat(QImage.Format.Format_Grayscale8)


def _pixels(image: QImage, size: QSize) -> np.ndarray:
    small = image.scaled(size, mode=Qt.TransformationMode.SmoothTransformation)
    array = np.frombuffer(small.constBits(), np.uint8).reshape(-1, small.bytesPerLine())
    return array[:, : size.width()] / 255


def _plotted_box(dark: np.ndarray) -> np.ndarray:
    rows, cols = np.nonzero(dark)
    return np.array([rows.min(), rows.max(), cols.min(), cols.max()])


@pytest.mark.parametrize("name", ["svm", "gmm", "hmm"])
def test_an_svg_renders_like_the_png_in_resvg_and_rsvg(main_window, wait_idle, tmp_path, name):
    # rsvg and resvg drew strokes of a curve in data units scaled by the plot (huge black and
    # blue shapes); Qt's renderer drew axes at 72/96 of their size, away from the data; Qt's
    # engine wrote stale or empty clips (axes, legends, HMM's trellis nodes vanished)
    panel = main_window.show_panel(name)
    panel.load_demo()
    wait_idle(panel)
    png = main_window.export_figure(str(tmp_path / "fig.png")).read_bytes()
    svg = main_window.export_figure(str(tmp_path / "fig.svg"))
    screen = _image(png)
    small = screen.size() / 8
    a = _pixels(screen, small)
    for render in RENDERERS:
        drawn = _image(render(svg))
        assert drawn.size() == screen.size(), render.__name__
        b = _pixels(drawn, small)
        assert np.mean(np.abs(a - b)) < 0.05, render.__name__
        assert abs(np.mean(a < 0.5) - np.mean(b < 0.5)) < 0.02  # no huge dark shapes
        ink_a, ink_b = a < 0.9, b < 0.9  # data, axes and text: whatever is not background
        # 0.03: a dotted line (SVM's −1 margin), shrunk 8x, lands either side of 0.9 by
        # how each renderer spaces its dots (measured 0.023 for resvg)
        assert abs(ink_a.mean() - ink_b.mean()) < 0.03, render.__name__
        assert np.abs(_plotted_box(ink_a) - _plotted_box(ink_b)).max() <= 2  # nothing offset


def test_the_axes_kept_as_pixmaps_on_screen_are_text_and_lines_in_an_svg(main_window, tmp_path):
    # the screen keeps each axis as a pixmap between its changes; through that cache Qt's
    # SVG engine wrote every axis as a picture
    import pyqtgraph as pg
    from PySide6.QtWidgets import QGraphicsItem

    panel = main_window.show_panel("svm")
    axes = [i for i in panel.figure.scene().items() if isinstance(i, pg.AxisItem)]
    assert axes and all(
        a.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache for a in axes
    )
    panel.plot.setRange(xRange=(-2.5, 2.5), yRange=(-1.5, 1.5), padding=0)
    svg = main_window.export_figure(str(tmp_path / "fig.svg")).read_text()
    assert "<image" not in svg  # no demo: nothing in the figure is a picture
    assert ">-2<" in svg.replace(" ", "") or "−2" in svg  # a tick label, as text
    assert all(a.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache for a in axes)
