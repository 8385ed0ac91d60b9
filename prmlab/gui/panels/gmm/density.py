"""Colours of many points: responsibility-blended brushes for a scatter, and for large data a
density image whose pixels are the mean colour of their points (coloured in the worker)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg

from prmlab.gui.widgets import colors

# Up to SCATTER_MAX points get one marker each (pyqtgraph styles every marker in Python,
# ~9 µs each); more are drawn as a density image of at most DENSITY_SAMPLE of them, each
# pixel the mean colour of its points: redraws stay at a few ms for any n.
SCATTER_MAX = 4_000
DENSITY_SAMPLE = 60_000
DENSITY_PIXELS = 240


@dataclass(frozen=True)
class DensityView:
    """Large data are drawn as an image: drawn row ``idx[j]`` falls in pixel ``flat[j]``.

    Made on the GUI thread once per data and view; workers colour the pixels of each result
    (mean responsibility blend), so a redraw on the GUI thread is a plain ``setImage``.
    ``lo`` and ``span`` place the image in display coordinates.
    """

    idx: np.ndarray | None  # rows of X drawn (None: all)
    flat: np.ndarray  # (m,) pixel of each drawn row, in a pixels x pixels image
    count: np.ndarray  # (pixels * pixels,) drawn rows per pixel
    pixels: int
    palette: np.ndarray  # (8, 3) RGB of the component colours
    token: int
    lo: np.ndarray
    span: np.ndarray


def bounds(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise min and max (per column: ``min(axis=0)`` on an (n, 2) array is ~50x slower)."""
    return (
        np.array([points[:, j].min() for j in range(points.shape[1])]),
        np.array([points[:, j].max() for j in range(points.shape[1])]),
    )


def density_view(shown: np.ndarray, idx: np.ndarray | None, token: int) -> DensityView:
    """The pixel layout of ``shown (m, 2)`` (display coordinates of rows ``idx`` of X)."""
    g = DENSITY_PIXELS
    lo, hi = bounds(shown)
    span = np.maximum(hi - lo, 1e-12)
    ij = np.minimum((g * (shown - lo) / span).astype(np.int64), g - 1)
    flat = ij[:, 0] * g + ij[:, 1]
    count = np.bincount(flat, minlength=g * g).astype(np.float64)
    return DensityView(idx, flat, count, g, colors.palette_rgb(8), token, lo, span)


def density_image(resp: np.ndarray | None, view: DensityView) -> np.ndarray:
    """``(pixels, pixels, 4)`` RGBA: colour = mean blend of the pixel's points, alpha ~ log count."""
    g, count = view.pixels, view.count
    filled = count > 0
    img = np.zeros((g * g, 4))
    if resp is None:
        img[:, :3] = view.palette[7]
    else:
        r = resp if view.idx is None else resp[view.idx]
        for c in range(3):  # element-wise, not a BLAS product (whose threads spin on 2 cores)
            rgb = sum(r[:, k] * view.palette[k, c] for k in range(r.shape[1]))
            img[filled, c] = np.bincount(view.flat, weights=rgb, minlength=g * g)[filled]
            img[filled, c] /= count[filled]
    img[:, 3] = 255 * (0.25 + 0.75 * np.log1p(count) / np.log1p(count.max())) * filled
    return img.reshape(g, g, 4).astype(np.ubyte)


def blend_brushes(resp: np.ndarray) -> list:
    """Responsibility-weighted colours (``colors.blend``), quantised to steps of 8 per channel
    so a few hundred brushes serve any number of points."""
    rgb = resp @ colors.palette_rgb(resp.shape[1])
    q = np.clip(np.rint(rgb / 8.0), 0, 31).astype(np.int64)
    codes = (q[:, 0] << 10) | (q[:, 1] << 5) | q[:, 2]
    uniq, inverse = np.unique(codes, return_inverse=True)
    table = [
        pg.mkBrush(
            min(255, 8 * (c >> 10)), min(255, 8 * ((c >> 5) & 31)), min(255, 8 * (c & 31)), 225
        )
        for c in uniq.tolist()
    ]
    return [table[i] for i in inverse.tolist()]
