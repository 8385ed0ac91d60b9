"""Where the plane's pictures are drawn: the points' extent, the grid over it and a line
w·x + b = 0 clipped to it."""

from __future__ import annotations

import numpy as np

GRID = 100  # probability maps are GRID x GRID


def extent_of(X: np.ndarray, pad: float = 0.15) -> tuple[float, float, float, float]:
    """The points' bounding box padded by ``pad`` of its size each side (x0, x1, y0, y1)."""
    if not len(X):
        return (-2.0, 2.0, -2.0, 2.0)
    lo, hi = X.min(axis=0), X.max(axis=0)
    margin = pad * np.maximum(hi - lo, 0.5)
    return (
        float(lo[0] - margin[0]),
        float(hi[0] + margin[0]),
        float(lo[1] - margin[1]),
        float(hi[1] + margin[1]),
    )


def grid_points(extent: tuple[float, float, float, float], n: int = GRID) -> np.ndarray:
    """The (n·n, 2) centres of an n × n grid over ``extent``, row by row (y slowest)."""
    x0, x1, y0, y1 = extent
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def line_segment(
    coef: np.ndarray, intercept: float, extent: tuple[float, float, float, float]
) -> np.ndarray | None:
    """The ends (2, 2) of the line ``coef·x + intercept = 0`` inside ``extent``; None when
    ``coef`` is 0 (no line) or the line misses the box."""
    w1, w2 = float(coef[0]), float(coef[1])
    x0, x1, y0, y1 = extent
    ends = []
    if abs(w2) > 1e-300:
        for x in (x0, x1):
            y = -(w1 * x + intercept) / w2
            if y0 <= y <= y1:
                ends.append((x, y))
    if abs(w1) > 1e-300:
        for y in (y0, y1):
            x = -(w2 * y + intercept) / w1
            if x0 <= x <= x1:
                ends.append((x, y))
    if len(ends) < 2:
        return None
    pts = np.array(ends)
    far = np.argmax(np.sum((pts - pts[0]) ** 2, axis=1))
    return np.array([pts[0], pts[far]])
