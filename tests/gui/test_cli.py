"""The command line: headless screenshots, and a clear message when there is no display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from prmlab.gui.app import main

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_writes_a_big_enough_png(tmp_path):
    assert main(["--screenshot", str(tmp_path), "--panel", "svm", "--seed", "3"]) == 0
    image = QImage(str(tmp_path / "svm.png"))
    assert image.width() >= 1280 and image.height() >= 800


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
