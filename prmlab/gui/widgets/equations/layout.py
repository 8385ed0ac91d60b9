"""Typesetting of equation templates with ziamath, once per template and matrix shape.

A template is LaTeX with slots, ``\\slot{name}``, for live numbers. Each slot is laid out
as a fixed-width placeholder (``SLOT_WIDTH`` digits) in a colour of its own; the
placeholder's glyphs are then taken out of the SVG and their bounding box kept, so a new
number is painted into that box (``render.py``) without laying the equation out again. A
slot whose value is an array becomes a matrix (a vector: a column) of slots
``name[i]`` / ``name[i,j]``.

Why ziamath: pure Python (~1.4 MB with its STIX Two Math font), real fractions, matrices,
sub/superscripts and Greek, and its SVG renders through QtSvg offscreen, in exported
figures and in the screenshot mode. matplotlib's mathtext has no matrix environment and is
a 35 MB dependency prmlab does not have; QtWebEngine (MathJax) is not in
PySide6-Essentials. ``ziamath.config.svg2 = False``: its SVG2 output renders blank in QtSvg.

Cost, measured on a shared 2-core machine under a load average of ~12 (an idle one is
several times faster; ``tests/gui/test_equations.py`` prints a layout's): importing ziamath
and loading its font ~1.0 s once; a first layout 50-300 ms for a scalar or vector equation
and ~700 ms for one with a 4 × 4 matrix (16 placeholder cells); turning it into a QPicture
~1 ms. So layouts run in the pane's worker, lazily (never at start-up), and are cached
here by template and slot shapes. A cached update (replaying the picture and painting the
numbers into their boxes) costs ~0.3 ms plus ~0.08 ms per number: a 4 × 2 gain ~0.9 ms.
This module is Qt-free: the worker calls it.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

SLOT_WIDTH = 7  # characters a live number may take ("−0.0123", "1.2e+05")
FONT_SIZE = 15.0  # ziamath's size: SVG units per em

_SLOT = re.compile(r"\\slot\{([^}]+)\}")
_PATH = re.compile(r'<path d="([^"]*)"\s+fill="([^"]*)"\s*/>')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_VIEWBOX = re.compile(r'viewBox="([^"]*)"')


@dataclass(frozen=True)
class Layout:
    """A typeset template: ``svg`` without the slots' placeholder glyphs, its ``viewbox``
    ``(x, y, width, height)`` in SVG units, and each slot's box ``(x0, y0, x1, y1)`` in the
    same units (``y1`` is the placeholder digits' baseline)."""

    svg: str
    viewbox: tuple[float, float, float, float]
    boxes: Mapping[str, tuple[float, float, float, float]]


def shape_of(value: object) -> tuple[int, ...]:
    """A slot value's shape: () for a number, (n,) or (n, m) for an array."""
    return tuple(np.shape(value))


def slot_names(name: str, shape: tuple[int, ...]) -> list[list[str]]:
    """The names of a slot's cells as matrix rows: ``[[name]]`` for a number, one column
    for a vector."""
    if not shape:
        return [[name]]
    if len(shape) == 1:
        return [[f"{name}[{i}]"] for i in range(shape[0])]
    return [[f"{name}[{i},{j}]" for j in range(shape[1])] for i in range(shape[0])]


def expand(template: str, shapes: Mapping[str, tuple[int, ...]]) -> tuple[str, dict[str, str]]:
    """``template`` with each slot replaced by coloured placeholders; returns the LaTeX and
    the colour (``#rrggbb``) of each cell."""
    colors: dict[str, str] = {}

    def cell(name: str) -> str:
        color = f"#fe{len(colors) // 256:02x}{len(colors) % 256:02x}"
        colors[name] = color
        return "{\\color{" + color + "}" + "0" * SLOT_WIDTH + "}"

    def replace(match: re.Match) -> str:
        name = match.group(1)
        rows = slot_names(name, tuple(shapes.get(name, ())))
        if len(rows) == 1 and len(rows[0]) == 1 and not shapes.get(name):
            return cell(name)
        body = r" \\ ".join(" & ".join(cell(c) for c in row) for row in rows)
        return r"\begin{bmatrix}" + body + r"\end{bmatrix}"

    return _SLOT.sub(replace, template), colors


def _bounds(d: str) -> tuple[float, float, float, float]:
    values = [float(v) for v in _NUMBER.findall(d)]
    xs, ys = values[0::2], values[1::2]
    return min(xs), min(ys), max(xs), max(ys)


_cache: dict[tuple, Layout] = {}
_lock = threading.Lock()  # ziamath keeps module state: one layout at a time


def typesetter_loaded() -> bool:
    """Whether a layout has been made in this process (the typesetter is imported)."""
    return bool(_cache)


def cached(template: str, shapes: Mapping[str, tuple[int, ...]]) -> Layout | None:
    """The cached layout of ``template`` with these slot shapes, or None."""
    return _cache.get(_key(template, shapes))


def _key(template: str, shapes: Mapping[str, tuple[int, ...]]) -> tuple:
    return (template, tuple(sorted((k, tuple(v)) for k, v in shapes.items())))


def layout(template: str, shapes: Mapping[str, tuple[int, ...]] | None = None) -> Layout:
    """Typeset ``template`` (slots of the given ``shapes``; unnamed ones are numbers),
    cached by template and shapes. ValueError with the LaTeX if ziamath cannot read it."""
    shapes = shapes or {}
    key = _key(template, shapes)
    if key in _cache:
        return _cache[key]
    latex, colors = expand(template, shapes)
    with _lock, warnings.catch_warnings():
        # ziamath 0.13 loads its font through a deprecated importlib.resources call
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath  # ~0.8 s the first time: only ever in a worker

        ziamath.config.svg2 = False  # SVG2 renders blank in QtSvg
        try:
            svg = ziamath.Latex(latex, size=FONT_SIZE).svg()
        except Exception as exc:  # ziamath raises XML and layout errors of many types
            raise ValueError(f"cannot typeset {template!r}: {exc}") from exc
    by_color = {c: name for name, c in colors.items()}
    boxes: dict[str, list[float]] = {}

    def keep(match: re.Match) -> str:
        name = by_color.get(match.group(2).lower())
        if name is None:
            return match.group(0)
        x0, y0, x1, y1 = _bounds(match.group(1))
        box = boxes.setdefault(name, [x0, y0, x1, y1])
        box[:] = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
        return ""  # the placeholder's glyph: the live number is painted in its place

    svg = _PATH.sub(keep, svg)
    viewbox = tuple(float(v) for v in _VIEWBOX.search(svg).group(1).split())
    result = Layout(svg, viewbox, {k: tuple(v) for k, v in boxes.items()})
    _cache[key] = result
    return result


def fit_number(value: float, width: int = SLOT_WIDTH) -> str:
    """``value`` in at most ``width`` characters (fewer digits, then exponent form), with a
    true minus sign and no "-0"."""
    value = float(value)
    if not np.isfinite(value):
        return "∞" if value > 0 else ("−∞" if value < 0 else "NaN")
    if value == 0:
        return "0"
    for digits in range(4, 0, -1):
        text = f"{value:.{digits}g}"
        if len(text) <= width and "e" not in text:
            break
    else:  # exponent form without "+" and leading zeros: "1.2e5", "−3.3e-9"
        for digits in (1, 0):
            mantissa, exponent = f"{value:.{digits}e}".split("e")
            text = f"{mantissa}e{int(exponent)}"
            if len(text) <= width:
                break
    if float(text) == 0:
        text = "0"
    return text.replace("-", "−")
