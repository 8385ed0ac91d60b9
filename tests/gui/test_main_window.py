"""The app shell driven as a user would: panels, menus, status bar, export, settings, drops."""

from __future__ import annotations

import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence

from prmlab.data import Dataset
from prmlab.engine import TOPICS
from prmlab.gui import app as app_module
from prmlab.gui.main_window import STATUS_DELAY_MS
from prmlab.gui.panels import PANEL_NAMES, PANELS, PanelEntry, panel_class
from prmlab.gui.panels.base import BasePanel


def test_a_tab_per_registered_panel_and_panels_built_when_first_shown(qtbot, main_window):
    titles = [main_window.tabs.tabText(i) for i in range(main_window.tabs.count())]
    assert titles == [entry.title for entry in PANELS.values()]
    assert titles[:6] == ["SVM", "PCA", "EM/GMM", "HMM", "Tracking", "MCMC"]
    assert tuple(main_window.panels) == ("svm",)  # only the panel on screen is built
    qtbot.keyClick(main_window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_panel().name == "gmm"
    main_window.tabs.setCurrentIndex(5)
    assert main_window.current_panel().name == "mcmc"
    assert tuple(main_window.panels) == ("svm", "gmm", "mcmc")
    assert main_window.undo_group.activeStack() is main_window.panels["mcmc"].undo_stack
    assert main_window.panels["mcmc"].isVisible()


class _FakePanel(BasePanel):
    name = "fake"
    title = "Fake"


def _window(qtbot, tmp_path):
    from prmlab.gui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, warmup=False, autoload_demos=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # shortcuts go to the active window
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_a_panel_added_to_the_registry_gets_its_tab_menu_action_and_ctrl_digit(
    qtbot, tmp_path, monkeypatch
):
    module = types.ModuleType("fake_panel_module")
    module.FakePanel = _FakePanel
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(PANELS, "fake", PanelEntry(module.__name__, "FakePanel", "Fake", ()))
    window = _window(qtbot, tmp_path)
    index = list(PANELS).index("fake")
    assert window.tabs.tabText(index) == "Fake"
    action = window.panel_actions["fake"]
    assert action in window.menu("view").actions() and action.text() == "Fake"
    assert action.shortcut() == QKeySequence(f"Ctrl+{index + 1}")
    assert "fake" not in window.panels  # built when first shown, like the others
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1.value + index), Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_panel(), _FakePanel)
    assert window.tabs.currentIndex() == index


def test_a_feature_plugs_its_menu_and_shortcut_into_the_window(qtbot, tmp_path, monkeypatch):
    from prmlab.gui import window_features

    presented = []

    def install(window):  # what e.g. presenter mode does, with no edit of main_window
        menu = window.menu("present", "&Present")
        window.add_action(menu, "Presenter mode", lambda: presented.append(True), "F5")

    module = types.ModuleType("fake_feature_module")
    module.install = install
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(window_features, "WINDOW_FEATURES", (f"{module.__name__}:install",))
    window = _window(qtbot, tmp_path)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Present", "&Help"]  # before Help
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert presented == [True]
    with pytest.raises(KeyError, match="give a title"):
        window.menu("nowhere")


def test_the_registry_matches_the_panel_classes():
    for name, entry in PANELS.items():
        cls = panel_class(name)
        assert (cls.name, cls.title) == (name, entry.title)
        assert set(entry.topics) <= set(TOPICS)
    assert sorted(t for e in PANELS.values() for t in e.topics) == sorted(TOPICS)


def _slow(n):
    for i in range(n):
        time.sleep(0.01)
        yield type("Step", (), {"progress": i / n})()


def test_status_bar_shows_a_long_job_and_escape_cancels_it(qtbot, main_window):
    panel = main_window.current_panel()
    done = []
    panel.job.run(_slow, 10_000, on_done=done.append, label="Long job")
    qtbot.waitUntil(lambda: main_window.cancel_button.isVisible(), timeout=3000)
    assert "Long job" in main_window.job_label.text()
    qtbot.waitUntil(lambda: main_window.progress.maximum() == 1000, timeout=3000)
    qtbot.keyClick(main_window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not panel.job.running, timeout=3000)
    assert not main_window.cancel_button.isVisible()
    assert done == []


def test_short_jobs_leave_the_status_bar_alone(qtbot, main_window):
    # a drag's refits come and go many times a second: showing each relaid out the bar
    panel = main_window.current_panel()
    done = []
    for _ in range(5):
        panel.job.run(_slow, 2, on_done=done.append, label="Short job")
        qtbot.waitUntil(lambda: not panel.job.running, timeout=3000)
        assert not main_window.cancel_button.isVisible()
    assert len(done) == 5
    qtbot.wait(STATUS_DELAY_MS + 100)
    assert not main_window.cancel_button.isVisible()


def test_an_error_in_a_job_becomes_the_panel_message(qtbot, main_window):
    panel = main_window.current_panel()

    def fails():
        raise ZeroDivisionError("division by zero in a kernel")

    panel.job.run(fails)
    qtbot.waitUntil(lambda: panel.messages.level() == "error", timeout=3000)
    assert "ZeroDivisionError" in panel.messages.text()
    assert main_window.isVisible()


def test_export_figure_png_and_svg(main_window, tmp_path):
    png = main_window.export_figure(str(tmp_path / "fig.png"))
    svg = main_window.export_figure(str(tmp_path / "fig.svg"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:2000]


def test_a_hover_tooltip_is_never_exported(main_window, tmp_path):
    from prmlab.gui.widgets.text import TextItem

    panel = main_window.current_panel()
    tip = panel.transient(TextItem("#54: α = 0.01"))
    panel.figure.getItem(0, 0).addItem(tip)  # the mouse rests on a point: Ctrl+E
    assert tip.isVisible()
    main_window.export_figure(str(tmp_path / "fig.png"))
    assert not tip.isVisible()


def test_export_results_without_results_says_so(main_window, tmp_path):
    assert main_window.export_results(str(tmp_path / "r.csv")) is None
    assert main_window.current_panel().messages.level() == "note"


def test_theme_fonts_and_geometry_are_remembered(qtbot, main_window, tmp_path):
    from prmlab.gui.main_window import MainWindow

    main_window.set_theme("dark")
    base = main_window.font_size
    qtbot.keyClick(main_window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert main_window.font_size == base + 2
    main_window.close()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    again = MainWindow(settings=settings, warmup=False, autoload_demos=False)
    qtbot.addWidget(again)
    assert again.theme == "dark" and again.font_size == base + 2
    assert again.dark_action.isChecked()
    again.set_theme("light")
    again.set_font_size(base)


def test_dropping_a_csv_opens_it(qtbot, main_window, tmp_path, monkeypatch, drop_file):
    opened = []
    monkeypatch.setattr(main_window, "open_csv", lambda path=None: opened.append(path))
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n")
    drop_file(main_window, path)
    assert opened == [str(path)]


def test_built_in_data_reaches_the_current_panel(qtbot, main_window, monkeypatch):
    got = []
    panel = main_window.current_panel()
    monkeypatch.setattr(panel, "set_dataset", got.append)
    main_window.load_builtin("Iris")
    assert got[0].X.shape == (150, 4)


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, "no display"),
        ({"DISPLAY": ":0"}, "libxcb-cursor0"),
    ],
)
def test_platform_problems_are_explained(monkeypatch, env, expected):
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(app_module.sys, "platform", "linux")
    monkeypatch.setattr(app_module.ctypes.util, "find_library", lambda name: None)
    assert expected in app_module.platform_problem()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert app_module.platform_problem() is None


def _answer_dialog(qtbot, action):
    """Run ``action(dialog)`` on the modal CSV dialog once it is shown (exec() blocks)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, poll)
            return
        action(dialog)

    QTimer.singleShot(0, poll)


def test_open_csv_through_the_dialog_good_then_bad(qtbot, main_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    panel = main_window.current_panel()
    received = []
    monkeypatch.setattr(panel, "set_dataset", received.append)

    good = tmp_path / "good.csv"
    good.write_text("x,y,species\n1,2,a\n2,3,b\n3,5,a\n4,4,b\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), ""))
    _answer_dialog(qtbot, lambda d: qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton))
    dataset = main_window.open_csv()
    assert dataset is not None and received == [dataset]
    assert dataset.feature_names == ["x", "y"] and dataset.class_names == ["a", "b"]

    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02 binary \x00")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    seen = []

    def look_then_cancel(dialog):
        seen.append((dialog.messages.level(), dialog.ok_button.isEnabled()))
        dialog.reject()

    _answer_dialog(qtbot, look_then_cancel)
    assert main_window.open_csv() is None
    assert seen == [("error", False)]
    assert received == [dataset]  # the panel keeps the data it had
    assert main_window.settings.value("last_dir") == str(tmp_path)


SETTING_KEYS = ("geometry", "theme", "font_size", "panel", "last_dir")


@pytest.mark.parametrize(
    "garbage",
    ["hello", ["a", "b"], 7, 12.5, True, b"\x00not a geometry", {"a": 1}, "", "x" * 5000],
    ids=["text", "list", "int", "float", "bool", "bytes", "map", "empty", "long"],
)
def test_garbage_settings_are_ignored_logged_and_rewritten(qtbot, tmp_path, caplog, garbage):
    # geometry=hello (or a list, an int) made restoreGeometry raise, then the process crash,
    # on every start
    from prmlab.gui.main_window import MainWindow
    from prmlab.gui.settings import read_settings
    from prmlab.gui.theme import DEFAULT_POINT_SIZE

    path = str(tmp_path / "settings.ini")
    bad = QSettings(path, QSettings.Format.IniFormat)
    for key in SETTING_KEYS:
        bad.setValue(key, garbage)
    bad.sync()
    settings = QSettings(path, QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, warmup=False, autoload_demos=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.theme == "light" and window.font_size == DEFAULT_POINT_SIZE
    assert window.current_panel().name == "svm"
    assert window._last_dir() == str(Path.home())
    logged = caplog.text
    assert all(f"ignored {key} = " in logged for key in SETTING_KEYS if key != "font_size")
    window.close()  # writes good values over the bad ones
    caplog.clear()
    saved = read_settings(QSettings(path, QSettings.Format.IniFormat))
    assert "ignored" not in caplog.text
    assert saved.geometry is not None and saved.panel == "svm"


def test_the_error_dialog_stays_on_screen_until_closed(qtbot):
    import gc

    from PySide6.QtWidgets import QApplication, QMessageBox

    from prmlab.gui.excepthook import ExceptionHook

    hook = ExceptionHook(show_dialog=True)  # not installed: only its dialog is tested
    hook.report(RuntimeError("boom in a slot"))

    def dialogs():
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible() and "boom" in w.text()
        ]

    qtbot.waitUntil(lambda: len(dialogs()) == 1, timeout=3000)
    gc.collect()
    qtbot.wait(200)
    (box,) = dialogs()  # it was collected at once before
    box.close()
    qtbot.waitUntil(lambda: not hook.dialogs, timeout=3000)


def test_a_data_set_goes_to_every_panel_that_can_use_it(qtbot, main_window):
    # --data and File > Open CSV filled only the current panel
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)) + np.repeat([[0.0, 0.0], [3.0, 3.0]], 20, axis=0)
    y = np.repeat([0, 1], 20)
    main_window.set_dataset(Dataset(X, ["x", "y"], y, ["a", "b"], name="two blobs"))
    assert tuple(main_window.panels) == tuple(PANELS)  # each built, to be handed the data
    note = main_window.current_panel().messages
    assert note.level() == "note"
    took, _, refused = note.text().rstrip(".").partition(" Not used by ")
    # (panels registered after the first six say where they stand in the same sentences)
    assert took.startswith("two blobs is in SVM, PCA, EM/GMM, HMM, Tracking")
    assert "MCMC (it does not use table data)" in refused
    for name in ("svm", "pca", "gmm", "hmm", "track"):  # each shows the data, not a demo
        assert main_window.panels[name].messages.level() != "error"


def test_a_panel_that_refuses_the_data_says_why(qtbot, main_window):
    one_column = Dataset(np.arange(30.0)[:, None], ["x"], name="one column")
    main_window.set_dataset(one_column)
    messages = main_window.current_panel().messages
    assert messages.level() == "error"  # SVM: two features needed
    took, _, refused = messages.text().partition(" Not used by ")
    assert took.startswith("one column is in EM/GMM, HMM")
    assert refused.startswith("SVM (one column has no class column")
    assert "; Tracking (a track needs two position columns" in refused
    assert "; MCMC (it does not use table data)" in refused


def test_kernel_preparation_says_which_panel_it_prepares_first(qtbot, tmp_path, monkeypatch):
    import threading

    from prmlab.engine.warmup import WarmupStep
    from prmlab.gui import main_window as window_module

    order, shown = [], threading.Event()

    def warmup_seen_step_by_step(topics):
        order.extend(topics)
        for i, topic in enumerate(topics):
            yield WarmupStep(topic, i, len(topics))
            assert shown.wait(10)  # the status bar showed this step
            shown.clear()
        yield WarmupStep("", len(topics), len(topics))

    monkeypatch.setattr(window_module, "warmup_all", warmup_seen_step_by_step)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = window_module.MainWindow(settings=settings, start_panel="track", autoload_demos=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: len(order) >= 2, timeout=10000)  # the worker has started
    assert order[:2] == ["kalman", "particle"]  # the panel on screen first
    seen = []

    def look():
        text = window.job_label.text()
        if "(" in text and text not in seen:
            seen.append(text)
            shown.set()
        return not window.warmup_job.running

    qtbot.waitUntil(look, timeout=20000)
    n = len(TOPICS)  # every engine topic, the panel on screen's first
    assert seen[0] == f"Running: Preparing kernels for Tracking (1/{n})…"
    assert seen[2] == f"Running: Preparing kernels for SVM (3/{n})…"
    assert len(seen) == n


@pytest.mark.parametrize("name", PANEL_NAMES)
def test_no_plot_shows_a_degenerate_axis_before_its_first_result(qtbot, main_window, name):
    # while kernels were being prepared, the RMSE axis of zero-height bars read "-5e-305"
    import pyqtgraph as pg

    panel = main_window.show_panel(name)
    qtbot.wait(50)
    plots = [i for i in panel.figure.scene().items() if isinstance(i, pg.PlotItem)]
    assert plots
    for plot in plots:
        for low, high in plot.viewRange():
            assert high - low > 1e-6, (plot.titleLabel.text, low, high)


def test_the_apps_early_warm_up_shows_in_the_status_bar(qtbot, tmp_path):
    # a first start with an empty kernel cache compiles for ~30 s: the user sees what runs
    import threading

    from prmlab.gui.jobs import Job
    from prmlab.gui.main_window import MainWindow

    release = threading.Event()

    def compiling():
        yield type("Step", (), {"progress": 0.0})()
        release.wait(10)

    early = Job(label="Preparing kernels for SVM…")
    early.run(compiling)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, warmup=False, autoload_demos=False, warmup_job=early)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.cancel_button.isVisible(), timeout=3000)
    assert window.job_label.text() == "Running: Preparing kernels for SVM…"
    release.set()
    qtbot.waitUntil(lambda: not window.cancel_button.isVisible(), timeout=5000)


def test_the_first_demo_starts_once_the_window_is_shown(qtbot, tmp_path, monkeypatch):
    # started before show(), the demo was fitted to the view's first size, then again
    from prmlab.gui.main_window import MainWindow
    from prmlab.gui.panels.svm import SvmPanel

    shown_at_load = []
    monkeypatch.setattr(
        SvmPanel, "load_demo", lambda panel: shown_at_load.append(panel.isVisible())
    )
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, warmup=False, start_panel="svm")
    qtbot.addWidget(window)
    assert shown_at_load == []
    window.show()
    qtbot.waitUntil(lambda: shown_at_load == [True], timeout=3000)


def test_a_job_waiting_for_the_kernels_says_so(qtbot, main_window):
    # on a first start the demo's fit waits ~30 s for its kernels to compile
    import threading

    release = threading.Event()

    def compiling():
        yield type("Step", (), {"progress": 0.0})()
        release.wait(10)

    main_window.warmup_job.label = "Preparing kernels for SVM…"
    main_window.warmup_job.run(compiling)
    main_window.current_panel().job.run(_slow, 10_000, label="Fitting SVM")
    qtbot.waitUntil(lambda: main_window.cancel_button.isVisible(), timeout=3000)
    assert main_window.job_label.text() == "Running: Fitting SVM · Preparing kernels for SVM…"
    release.set()
    main_window.current_panel().job.cancel()


def test_the_other_panels_kernels_load_once_the_first_demo_is_drawn(qtbot, tmp_path, monkeypatch):
    # loading them holds the GIL: begun when the demo's fit ended, it slowed the drawing
    # turns and the whiteboard that followed (start-up time)
    from prmlab.gui import main_window as window_module

    seen = []

    def record(window, first):
        panel = window.panels[first]
        seen.append((panel.job.running, panel.drawing(), panel.equations.busy()))

    monkeypatch.setattr(window_module.MainWindow, "_warm_up", record)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = window_module.MainWindow(settings=settings, start_panel="svm")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(seen), timeout=20000)
    assert seen == [(False, False, False)]


def test_no_warm_up_starts_once_the_window_has_shut_down(main_window):
    # a timer waiting for the demo to be drawn fired after quit's shutdown: its warm-up then
    # ran while the interpreter tore the window down ("Signal source has been deleted")
    main_window.shutdown()
    main_window._warm_up_when_drawn(main_window.current_panel().name)
    assert not main_window.warmup_job.running
