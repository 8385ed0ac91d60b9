"""Qt's SVG output made to render like the screen in every SVG renderer.

``QSvgGenerator`` writes each shape in the coordinates of the item that drew it, under a
``transform`` of the group, and keeps pen widths in screen pixels with
``vector-effect="non-scaling-stroke"``. A renderer without that property (librsvg, resvg)
scales the pen with the transform: a curve drawn in data units (a scale of ~120) got a
pen 360 px wide, and plots turned into huge black and blue shapes. Here such shapes get
their group's transform applied to their coordinates instead, so no renderer has to
know the property. Qt also writes the clip of an item that set one (a title's text) around
items painted after it that set none, so axes and legends vanished: a clip that does not
even touch what it wraps is such a leftover and is dropped. Qt's "Sans Serif" also gets the generic ``sans-serif`` as a fallback
(renderers that did not know the name drew no text) and the size is given in pixels.
A small image drawn with its pixels as blocks (a 2 x 2 transition matrix) is stored with
each pixel repeated, as rsvg smooths any image it enlarges into a blur.
"""

from __future__ import annotations

import base64
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_MATRIX = re.compile(r"matrix\(([^)]*)\)")
_SHAPES = {f"{{{SVG}}}{tag}" for tag in ("path", "polyline", "polygon", "rect")}
_NON_SCALING = "non-scaling-stroke"
_BLOCK_SIDE = 64  # px: an image's side below this is stored enlarged ...
_ENLARGED_SIDE = 256  # px: ... to at least this
_PNG_PREFIX = "data:image/png;base64,"


def portable_svg(data: bytes, width: int, height: int) -> bytes:
    """Qt's SVG ``data`` of a ``width`` x ``height`` pixel view, without non-scaling strokes."""
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    root = ET.fromstring(data)
    root.set("width", str(width))
    root.set("height", str(height))
    for parent in list(root.iter()):
        for index in reversed(range(len(parent))):
            group = parent[index]
            if group.tag == f"{{{SVG}}}g" and any(_non_scaling(child) for child in group):
                parent[index : index + 1] = _baked(group)
    _drop_stale_clips(root)
    for image in root.iter(f"{{{SVG}}}image"):
        _enlarge_pixels(image)
    for element in root.iter():
        family = element.get("font-family")
        if family and "sans-serif" not in family:
            element.set("font-family", f"'{family.strip(chr(39) + chr(34))}', sans-serif")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _non_scaling(element: ET.Element) -> bool:
    return element.tag in _SHAPES and element.get("vector-effect") == _NON_SCALING


def _baked(group: ET.Element) -> list[ET.Element]:
    """``group`` split in runs: non-scaling shapes with the transform applied, the rest kept."""
    matrix = _matrix(group.get("transform", ""))
    runs: list[tuple[bool, ET.Element]] = []
    for child in group:
        bake = _non_scaling(child)
        if not runs or runs[-1][0] != bake:
            run = ET.Element(group.tag, dict(group.attrib))
            if bake:
                run.attrib.pop("transform", None)
            runs.append((bake, run))
        runs[-1][1].append(_transformed(child, matrix) if bake else child)
    return [run for _, run in runs]


def _matrix(transform: str) -> np.ndarray:
    """The 2x3 affine matrix of an SVG ``matrix(a,b,c,d,e,f)`` (identity when absent)."""
    found = _MATRIX.search(transform)
    a, b, c, d, e, f = (
        [float(v) for v in found.group(1).split(",")] if found else (1, 0, 0, 1, 0, 0)
    )
    return np.array([[a, c, e], [b, d, f]])


def _transformed(shape: ET.Element, matrix: np.ndarray) -> ET.Element:
    """``shape`` in the parent's coordinates, as a path, polyline or polygon, strokes unscaled."""
    tag = shape.tag.rsplit("}", 1)[-1]
    attrib = {k: v for k, v in shape.attrib.items() if k not in ("vector-effect", "x", "y")}
    if tag == "rect":  # a rectangle under a rotation or a flip is a polygon
        x, y = float(shape.get("x", 0)), float(shape.get("y", 0))
        w, h = float(attrib.pop("width", 0)), float(attrib.pop("height", 0))
        tag, attrib["points"] = "polygon", f"{x},{y} {x + w},{y} {x + w},{y + h} {x},{y + h}"
    key = "d" if tag == "path" else "points"
    # Qt writes absolute commands (M, L, C, Z), so the numbers are x, y pairs in order
    text = attrib[key]
    numbers = [float(v) for v in _NUMBER.findall(text)]
    if numbers:
        xy = np.array(numbers).reshape(-1, 2)
        mapped = iter((xy @ matrix[:, :2].T + matrix[:, 2]).ravel())
        text = _NUMBER.sub(lambda _: f"{next(mapped):.6g}", text)
    attrib[key] = text
    out = ET.Element(f"{{{SVG}}}{tag}", attrib)
    out.tail = shape.tail
    return out


def _drop_stale_clips(root: ET.Element) -> None:
    """Unclip what Qt clipped with a leftover clip; give text clipped to its own box room.

    A text item clips itself to its box, and Qt's engine then writes that box around the
    items painted after it that set no clip of their own (axes, legends, a plot's
    scatter): those lost all or part of their drawing, or an empty clip hid them. A text's own box never clips anything
    else on screen, so other content loses such a clip, as does content a clip does not
    even touch. The text itself gets 10 % more room to the right, as another renderer's
    glyphs may be a little wider than Qt's (titles lost their last letters).
    """
    defs = root.find(f"{{{SVG}}}defs")
    clips = {c.get("id"): _bounds(c, _IDENTITY) for c in root.iter(f"{{{SVG}}}clipPath")}
    for group in root.iter(f"{{{SVG}}}g"):  # an empty clip (d="") hid a scatter shown on screen
        if (
            group.get("clip-path", "")[5:-1] in clips
            and clips[group.get("clip-path")[5:-1]] is None
        ):
            del group.attrib["clip-path"]
    groups = [
        g
        for g in root.iter(f"{{{SVG}}}g")
        if g.get("clip-path", "")[5:-1] in clips and _bounds(g, _IDENTITY) is not None
    ]
    own = {id(g) for g in groups if _clipped_to_itself(g, clips[g.get("clip-path")[5:-1]])}
    text_boxes = {g.get("clip-path") for g in groups if id(g) in own}
    for group in groups:
        clip = clips[group.get("clip-path")[5:-1]]
        if id(group) in own and defs is not None:
            x0, y0, x1, y1 = clip
            wider = ET.SubElement(defs, f"{{{SVG}}}clipPath", id=f"text{len(defs)}")
            box = {"x": f"{x0:g}", "y": f"{y0:g}", "width": f"{1.1 * (x1 - x0):g}"}
            ET.SubElement(wider, f"{{{SVG}}}rect", box, height=f"{y1 - y0:g}")
            group.set("clip-path", f"url(#{wider.get('id')})")
        elif group.get("clip-path") in text_boxes or not _overlap(clip, _bounds(group, _IDENTITY)):
            del group.attrib["clip-path"]


def _clipped_to_itself(group: ET.Element, clip: np.ndarray) -> bool:
    """Whether ``group`` holds only text placed at the corner of its clip (its item's box)."""
    inner = list(group)
    if not inner or any(g.tag != f"{{{SVG}}}g" for g in inner):
        return False
    if any(t.tag != f"{{{SVG}}}text" for g in inner for t in g):
        return False
    corners = [_matrix(g.get("transform", ""))[:, 2] for g in inner]
    return all(np.abs(corner - clip[:2]).max() < 0.5 for corner in corners)


_IDENTITY = np.eye(3)[:2]


def _bounds(element: ET.Element, matrix: np.ndarray) -> np.ndarray | None:
    """(x0, y0, x1, y1) of what ``element`` draws under ``matrix``; None if nothing."""
    tag = element.tag.rsplit("}", 1)[-1]
    if tag in ("g", "clipPath"):
        inner = _matrix(element.get("transform", ""))
        matrix = np.vstack([matrix, [0, 0, 1]]) @ np.vstack([inner, [0, 0, 1]])
        boxes = [b for child in element if (b := _bounds(child, matrix[:2])) is not None]
        if not boxes:
            return None
        stacked = np.array(boxes)
        return np.concatenate([stacked[:, :2].min(axis=0), stacked[:, 2:].max(axis=0)])
    if tag in ("rect", "image"):
        x, y = float(element.get("x", 0)), float(element.get("y", 0))
        w, h = float(element.get("width", 0)), float(element.get("height", 0))
        xy = np.array([[x, y], [x + w, y + h], [x + w, y], [x, y + h]])
    elif tag == "text":
        xy = np.array([[float(element.get("x", 0)), float(element.get("y", 0))]])
    elif tag in ("path", "polyline", "polygon"):
        numbers = [
            float(v) for v in _NUMBER.findall(element.get("d") or element.get("points") or "")
        ]
        if len(numbers) < 2:
            return None
        xy = np.array(numbers[: len(numbers) // 2 * 2]).reshape(-1, 2)
    else:
        return None
    mapped = xy @ matrix[:, :2].T + matrix[:, 2]
    return np.concatenate([mapped.min(axis=0), mapped.max(axis=0)])


def _overlap(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3])


def _enlarge_pixels(image: ET.Element) -> None:
    """Store a small blocky image (Qt's ``optimizeSpeed``) with each pixel repeated."""
    href = f"{{{XLINK}}}href"
    data = image.get(href, "")
    if image.get("image-rendering") != "optimizeSpeed" or not data.startswith(_PNG_PREFIX):
        return
    pixels = QImage.fromData(base64.b64decode(data[len(_PNG_PREFIX) :]))
    w, h = pixels.width(), pixels.height()
    if pixels.isNull() or min(w, h) >= _BLOCK_SIDE:
        return
    kx, ky = (max(1, math.ceil(_ENLARGED_SIDE / side)) for side in (w, h))
    bigger = pixels.scaled(w * kx, h * ky, mode=Qt.TransformationMode.FastTransformation)
    image.set(href, _PNG_PREFIX + base64.b64encode(encoded(bigger, "PNG")).decode("ascii"))


def encoded(image: QImage, image_format: str) -> bytes:
    """``image`` as the bytes of a file of ``image_format`` ("PNG", "JPG", ...); b"" if Qt
    cannot encode it."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    return bytes(array.data()) if image.save(buffer, image_format) else b""
