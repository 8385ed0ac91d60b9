"""What every panel promises: its demo ends, its results export as a non-empty CSV, its figure
exports to PNG and SVG, and the same seed reproduces the same results."""

from __future__ import annotations

import pandas as pd
import pytest
from pixels import grid_colours
from PySide6.QtGui import QImage

from prmlab.gui.panels import PANEL_NAMES, panel_class
from prmlab.gui.widgets.export import export_figure


def _demo(make_panel, qtbot, name: str, seed: int):
    panel = make_panel(panel_class(name), seed=seed)
    panel.load_demo()
    qtbot.waitUntil(lambda: not panel.busy(), timeout=60_000)  # the demo must end
    assert panel.messages.level() != "error", panel.messages.text()
    return panel


@pytest.mark.parametrize("name", PANEL_NAMES)
def test_panel_contract(name, make_panel, qtbot, tmp_path):
    panel = _demo(make_panel, qtbot, name, seed=7)
    frame = panel.results_frame()
    assert isinstance(frame, pd.DataFrame) and not frame.empty
    assert frame.shape[1] >= 1 and frame.notna().to_numpy().any()

    png = export_figure(panel.figure, tmp_path / f"{name}.png")
    pixels = QImage(str(png))
    assert not pixels.isNull() and pixels.width() > 200 and pixels.height() > 200
    assert len(set(grid_colours(pixels))) > 8  # drawn, not one flat colour
    svg = export_figure(panel.figure, tmp_path / f"{name}.svg")
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") or "<svg" in text[:500]
    assert text.count("<path") + text.count("<polyline") + text.count("<image") > 3

    again = _demo(make_panel, qtbot, name, seed=7)
    pd.testing.assert_frame_equal(again.results_frame(), frame)
