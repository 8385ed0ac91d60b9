"""The command line: headless screenshots, and a clear message when there is no display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pixels import grid_colours
from PySide6.QtGui import QImage

from prmlab.gui.app import main
from prmlab.gui.panels import PANEL_NAMES

ROOT = Path(__file__).resolve().parents[2]


def test_screenshots_show_each_panel_drawn(tmp_path):
    assert main(["--screenshot", str(tmp_path), "--seed", "3"]) == 0
    seen = {}
    for name in PANEL_NAMES:
        image = QImage(str(tmp_path / f"{name}.png"))
        assert image.width() >= 1280 and image.height() >= 800
        colours = grid_colours(image)
        assert len(set(colours)) > 16, f"{name}.png is (nearly) one flat colour"
        seen[name] = colours
    # each panel draws its own picture, not the same window six times
    assert len({tuple(c) for c in seen.values()}) == len(PANEL_NAMES)


def test_no_display_gives_a_message_not_a_traceback():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert "no display found" in out.stderr
    assert "Traceback" not in out.stderr
