"""The command line: headless screenshots, --data, a clear message when there is no display,
and a start-up that imports only what the first panel needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from prmlab.gui import main_window as window_module
from prmlab.gui.app import main
from prmlab.gui.panels import PANEL_NAMES

ROOT = Path(__file__).resolve().parents[2]


def _colours(image: QImage, step: int = 16) -> set[int]:
    return {
        image.pixel(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }


def test_screenshot_writes_a_drawn_png(tmp_path):
    assert main(["--screenshot", str(tmp_path), "--panel", "svm", "--seed", "3"]) == 0
    image = QImage(str(tmp_path / "svm.png"))
    assert image.width() >= 1280 and image.height() >= 800
    assert len(_colours(image)) > 50  # a blank or one-colour window fails


def test_data_option_fills_every_panel(tmp_path, monkeypatch):
    # --data filled only the first panel
    csv = tmp_path / "blobs.csv"
    rows = [f"{i % 5 + 4 * (i % 2)},{(i * 7) % 6 + 4 * (i % 2)},{'ab'[i % 2]}" for i in range(60)]
    csv.write_text("x,y,label\n" + "\n".join(rows) + "\n")
    seen = {}
    original = window_module.MainWindow.set_dataset

    def record(window, dataset):
        original(window, dataset)
        seen["panels"] = tuple(window.panels)
        seen["message"] = window.current_panel().messages.text()

    monkeypatch.setattr(window_module.MainWindow, "set_dataset", record)
    shots = tmp_path / "shots"
    assert main(["--screenshot", str(shots), "--panel", "pca", "--data", str(csv)]) == 0
    assert sorted(seen["panels"]) == sorted(PANEL_NAMES)
    assert seen["message"].startswith(
        "blobs.csv is in SVM, PCA, EM/GMM, HMM, Tracking, Linear models."
    )
    assert len(_colours(QImage(str(shots / "pca.png")))) > 50


def test_the_first_panel_imports_no_pandas_or_scipy_optimizers():
    # importing all six panels (and SciPy's optimizers and statistics, pandas) took most of
    # the start-up; the SVM panel and the window need none of them
    code = (
        "import sys\n"
        "from prmlab._process import tune_process\n"
        "tune_process()\n"
        "import prmlab.gui.main_window, prmlab.gui.panels.svm\n"
        "heavy = {'pandas', 'scipy.optimize', 'scipy.stats', 'prmlab.gui.panels.pca'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


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


def test_data_in_every_panel_then_a_screenshot_exits_cleanly(tmp_path):
    """Work --data started in panels not on screen ends before the window goes (it crashed
    the interpreter's exit: a segfault after the PNG was written)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    data = ROOT / "resources" / "datasets" / "iris.csv"
    args = ["--data", str(data), "--screenshot", str(tmp_path), "--panel", "svm"]
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / "svm.png").stat().st_size > 0


def test_start_up_runs_no_automatic_garbage_collection(monkeypatch, tmp_path):
    # start-up allocates most of the heap (Numba, SciPy, Qt): automatic collections scanned it
    # again and again; the app collects on the GUI thread once its window exists
    import gc

    from prmlab.gui import app as app_module

    seen = []
    tune = app_module.tune_process
    monkeypatch.setattr(app_module, "tune_process", lambda: seen.append(gc.isenabled()) or tune())
    gc.enable()  # as in a user's process (the GUI tests' collector switched it off)
    try:
        code = main(["--record", str(tmp_path / "x.mp4"), "--seconds", "0"])  # refused early
        assert (code, seen, gc.isenabled()) == (2, [False], True)  # and left as it was found
    finally:
        gc.disable()


def test_start_ups_heap_is_not_scanned_by_the_first_collection(monkeypatch, tmp_path):
    import gc

    from prmlab.gui import jobs

    class Stop(Exception):
        pass

    frozen_before = gc.get_freeze_count()

    def collector(app):
        # the start-up heap is frozen before the collector's first (full) collection
        assert gc.get_freeze_count() > frozen_before
        raise Stop

    monkeypatch.setattr(jobs, "MainThreadGarbageCollector", collector)
    with pytest.raises(Stop):
        main(["--screenshot", str(tmp_path), "--panel", "svm"])


def test_the_first_panels_qt_free_modules_are_imported_before_qt():
    # once PySide6 is imported it reads the source of every module imported after it
    import importlib.util

    code = (
        "import sys\n"
        "from prmlab.gui.app import prepare_engine\n"
        "prepare_engine('svm')\n"
        "modules = {'prmlab.lab.svm', 'prmlab.lab.whiteboard.svm', 'prmlab.lab.session'}\n"
        "print(modules <= set(sys.modules), 'PySide6' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]
    for name in PANEL_NAMES:  # every panel's are named so
        for module in (f"prmlab.lab.{name}", f"prmlab.lab.whiteboard.{name}"):
            assert importlib.util.find_spec(module) is not None, module
