"""Colours that stay apart for colour-blind viewers and on a projector (Okabe-Ito)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # green
    "#D55E00",  # vermillion
    "#CC79A7",  # purple
    "#56B4E9",  # sky
    "#F0E442",  # yellow
    "#7F7F7F",  # grey
)
ACCEPT = "#009E73"
REJECT = "#D55E00"
DIVERGING_MIDDLE = "#F7F7F7"  # the 0 of signed maps: light in both themes


def color(i: int, alpha: int = 255) -> QColor:
    """The i-th palette colour (cycling)."""
    c = QColor(PALETTE[int(i) % len(PALETTE)])
    c.setAlpha(alpha)
    return c


def rgba(i: int, alpha: int = 255) -> tuple[int, int, int, int]:
    c = color(i, alpha)
    return c.red(), c.green(), c.blue(), c.alpha()


def palette_rgb(k: int) -> np.ndarray:
    """(k, 3) float RGB in [0, 255] of the first k palette colours."""
    return np.array([rgba(i)[:3] for i in range(k)], dtype=float)


def blend(resp: np.ndarray, alpha: int = 230) -> list[QColor]:
    """Per-point colours mixing the component colours by responsibility, resp (n, K)."""
    rgb = np.asarray(resp, float) @ palette_rgb(resp.shape[1])
    rgb = np.clip(np.rint(rgb), 0, 255).astype(int)
    return [QColor(int(r), int(g), int(b), alpha) for r, g, b in rgb]


def diverging_colormap() -> pg.ColorMap:
    """Blue (negative) - white (0) - orange (positive): for signed maps such as f(x)."""
    return pg.ColorMap(
        [0.0, 0.5, 1.0], [QColor("#3B7DBF"), QColor(DIVERGING_MIDDLE), QColor("#E8A33D")]
    )


def sequential_colormap() -> pg.ColorMap:
    """Perceptually uniform, for densities and probabilities."""
    return pg.colormap.get("viridis")


def density_colormap() -> pg.ColorMap:
    """Grey-violet shading of a density, see-through where it is 0: the plot's background,
    light or dark, shows around it (an opaque white low end was a white square in the dark
    theme)."""
    return pg.ColorMap(
        [0.0, 0.35, 1.0],
        [QColor(201, 201, 218, 0), QColor(170, 170, 200, 150), QColor(110, 110, 142, 255)],
    )
