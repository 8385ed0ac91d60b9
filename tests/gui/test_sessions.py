"""Sessions: File menu save/open/recent/drop in the main window, bad files refused with the
work untouched, and the command line's exact round trip (identical screenshots)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage

from prmlab.gui.app import main
from prmlab.gui.panels import PANEL_NAMES, panel_class
from prmlab.lab.session import PanelState, Session, load_session, save_session

ROOT = Path(__file__).resolve().parents[2]


def _converted(name: str) -> bool:
    return panel_class(name).state_class is not None


def _states(window) -> dict:
    return {name: p.lab_state() for name, p in window.panels.items()}


def _same_states(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        (x is None and y is None) or (x is not None and x.same_as(y))
        for x, y in ((a[k], b[k]) for k in a)
    )


def test_save_then_open_shows_the_saved_states_and_remembers_the_file(
    qtbot, main_window, tmp_path, wait_idle
):
    panel = main_window.show_panel("pca")
    if panel.state_class is None:
        pytest.skip(f"the {panel.name} panel has no State yet")
    panel.load_demo()
    wait_idle(panel)
    saved = panel.lab_state()
    path = main_window.sessions.save(tmp_path / "demo.prmlab")
    assert path is not None and main_window.sessions.recent() == [str(path.resolve())]
    assert load_session(path).current == panel.name

    panel.show_state(saved.replace(seed=saved.seed + 1))  # the user goes on
    wait_idle(panel)
    assert main_window.sessions.open(path)
    wait_idle(panel)
    assert panel.lab_state().same_as(saved)
    assert main_window.statusBar().currentMessage().startswith("Session opened: demo.prmlab")

    recent = main_window.sessions.recent_menu  # File > Open recent session
    recent.aboutToShow.emit()
    assert [a.toolTip() for a in recent.actions()] == [str(path.resolve())]
    main_window.statusBar().clearMessage()
    recent.actions()[0].trigger()
    wait_idle(panel)
    assert main_window.statusBar().currentMessage().startswith("Session opened: demo.prmlab")


@pytest.mark.parametrize(
    "content, words",
    [
        (b"not a zip", "not a prmlab session"),
        (None, "newer prmlab"),
        (None, "does not know"),
    ],
)
def test_a_bad_session_is_refused_and_the_work_is_untouched(
    qtbot, main_window, tmp_path, wait_idle, content, words
):
    panel = main_window.current_panel()
    wait_idle(panel)
    before = _states(main_window)
    path = tmp_path / "bad.prmlab"
    if content is not None:
        path.write_bytes(content)
    elif words == "newer prmlab":
        save_session(path, Session({panel.name: PanelState(10**6, {})}, current=panel.name))
    else:
        save_session(path, Session({"nope": PanelState(1, {})}))
    assert not main_window.sessions.open(path)
    assert words in panel.messages.text() and panel.messages.level() == "error"
    assert _same_states(_states(main_window), before)
    assert main_window.sessions.recent() == []


def test_a_panel_not_built_gets_its_saved_state_when_first_shown(
    qtbot, main_window, tmp_path, wait_idle
):
    name = next((n for n in PANEL_NAMES[1:] if _converted(n)), None)
    if name is None:
        pytest.skip("no converted panel besides the first")
    state = _saved_demo_state(qtbot, name, wait_idle)
    path = tmp_path / "one.prmlab"
    save_session(path, Session({name: PanelState(state.VERSION, state.to_dict())}, current=None))
    assert main_window.sessions.open(path)
    assert name not in main_window.panels  # not built by opening
    resaved = main_window.sessions.session().panels[name]  # kept as it was given
    assert type(state).from_dict(resaved.state).same_as(state)
    panel = main_window.show_panel(name)
    wait_idle(panel)
    assert panel.lab_state().same_as(state)


def test_dropping_a_session_file_opens_it(qtbot, main_window, tmp_path, wait_idle, drop_file):
    panel = main_window.current_panel()
    if panel.state_class is None:
        pytest.skip(f"the {panel.name} panel has no State yet")
    path = main_window.sessions.save(tmp_path / "dropped.prmlab")
    drop_file(main_window, path)
    assert main_window.sessions.path == path
    wait_idle(panel)


def _saved_demo_state(qtbot, name: str, wait_idle):
    from prmlab.gui.jobs import JobMonitor
    from prmlab.gui.panels.base import PanelContext

    panel = panel_class(name)(PanelContext(monitor=JobMonitor()))
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    panel.load_demo()
    wait_idle(panel)
    return panel.lab_state()


# -- the command line: the same pixels after a round trip --------------------------------
def _pixels_equal(a, b) -> bool:
    first, second = QImage(str(a)), QImage(str(b))
    return first.size() == second.size() and first == second


def _round_trip(tmp_path, name: str) -> Path:
    """``--panel NAME --seed 7 --screenshot first --save-session F``; F (skips a panel
    without a State)."""
    if not _converted(name):
        pytest.skip(f"the {name} panel has no State yet")
    session = tmp_path / f"{name}.prmlab"
    args = ["--panel", name, "--seed", "7", "--screenshot", str(tmp_path / "first")]
    assert main([*args, "--save-session", str(session)]) == 0
    saved = load_session(session)
    if saved.panels.get(name) is None:
        pytest.skip(f"the {name} panel's lab_state() returned None")
    assert saved.current == name
    return session


def _same_pixels_again(tmp_path, name: str, session: Path, first: str) -> bool:
    second = tmp_path / f"{first}-again"
    assert main(["--session", str(session), "--screenshot", str(second)]) == 0
    return _pixels_equal(tmp_path / first / f"{name}.png", second / f"{name}.png")


@pytest.mark.parametrize("name", PANEL_NAMES)
def test_a_saved_session_redraws_the_same_pixels_also_after_a_step(qtbot, tmp_path, name):
    from prmlab.gui.app import take_screenshots, wait_until_idle
    from prmlab.gui.main_window import MainWindow

    session = _round_trip(tmp_path, name)
    assert _same_pixels_again(tmp_path, name, session, "first")

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        settings=settings,
        warmup=False,
        autoload_demos=False,
        session=load_session(session),
        stored_look=False,
        notes=False,
    )
    qtbot.addWidget(window)
    take_screenshots(window, tmp_path / "opened", (name,), demos=False)
    panel = window.current_panel()
    qtbot.mouseClick(panel._playbacks[0].step_button, Qt.MouseButton.LeftButton)  # the user
    assert wait_until_idle(panel)
    edited = tmp_path / "edited.prmlab"
    window.sessions.save(edited)
    take_screenshots(window, tmp_path / "edited", (name,), demos=False)
    window.shutdown()
    assert _same_pixels_again(tmp_path, name, edited, "edited")


def test_bad_sessions_on_the_command_line_exit_2_with_one_line(tmp_path, capsys):
    path = tmp_path / "bad.prmlab"
    path.write_bytes(np.zeros(10).tobytes())
    assert main(["--session", str(path), "--screenshot", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("prmlab: cannot open the session") and "\n" not in err
    assert "Traceback" not in err
    assert main(["--session", str(tmp_path / "missing.prmlab")]) == 2
    assert "no such file" in capsys.readouterr().err


# -- autosave: restored after a kill -----------------------------------------------------
def _start_app(tmp_path, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_DATA_HOME": str(tmp_path / "data"),  # the per-user data folder
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # the settings
    }
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--autosave-every", "0.5", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _autosaved(tmp_path, newer_than: float = 0.0, timeout_s: float = 60.0) -> Path:
    """The autosave file once written after ``newer_than`` (a time stamp)."""
    path = tmp_path / "data" / "prmlab" / "prmlab" / "autosave.prmlab"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.is_file() and path.stat().st_mtime > newer_than:
            return path
        time.sleep(0.1)
    raise AssertionError(f"no autosave in {path.parent}")


def _pca_state(path: Path):
    saved = load_session(path).panels["pca"]
    return panel_class("pca").state_from_saved(saved)


def test_after_a_kill_the_next_start_restores_the_autosave(tmp_path):
    if not _converted("pca"):
        pytest.skip("the PCA panel has no State yet")
    first = _start_app(tmp_path, "--panel", "pca", "--seed", "5")
    try:
        _autosaved(tmp_path)
        time.sleep(2.0)  # the demo's end is autosaved too
    finally:
        first.kill()  # no quit: the autosave and the run's mark stay
        first.wait(30)
    path = _autosaved(tmp_path)
    work = _pca_state(path)
    killed_at = path.stat().st_mtime

    second = _start_app(tmp_path, "--panel", "pca", "--restore-autosave", "yes")
    try:
        restored = _pca_state(_autosaved(tmp_path, newer_than=killed_at))
    finally:
        second.kill()
        second.wait(30)
    assert restored.same_as(work) and work.seed == 5  # not the demo of seed 0

    third = _start_app(tmp_path, "--panel", "pca", "--restore-autosave", "no")
    try:
        _autosaved(tmp_path, newer_than=path.stat().st_mtime)
        time.sleep(2.0)  # the demo's end
        fresh = _pca_state(path)
    finally:
        third.kill()
        third.wait(30)
    assert fresh.seed == 0  # declined: the demo, not the old work


def test_save_session_alone_saves_after_the_demo_with_the_default_look(tmp_path, monkeypatch):
    if not _converted("pca"):
        pytest.skip("the PCA panel has no State yet")
    from prmlab.gui import app, theme

    # the user's stored look (in a throwaway settings folder)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    stored = QSettings("prmlab", "prmlab")
    stored.setValue("theme", "dark")
    stored.setValue("font_size", theme.DEFAULT_POINT_SIZE + 6)
    stored.sync()
    looks = []
    run_headless = app._run_headless

    def record(window, *args):
        looks.append((window.theme, window.font_size))
        return run_headless(window, *args)

    monkeypatch.setattr(app, "_run_headless", record)
    path = tmp_path / "demo.prmlab"
    assert main(["--panel", "pca", "--seed", "4", "--save-session", str(path)]) == 0
    assert looks == [("light", theme.DEFAULT_POINT_SIZE)]
    state = _pca_state(path)
    assert state.seed == 4 and load_session(path).current == "pca"
    assert QSettings("prmlab", "prmlab").value("theme") == "dark"  # not overwritten


def _answer_the_restore_dialog(qtbot, button) -> list[str]:
    """Click ``button`` of the modal dialog once it shows; its text is returned in the list."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)
        else:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    return seen


@pytest.mark.parametrize("restore", [True, False])
def test_a_start_after_a_crash_asks_and_restores_or_discards(qtbot, tmp_path, restore):
    from PySide6.QtWidgets import QMessageBox

    from prmlab.gui.autosave import Autosave
    from prmlab.gui.main_window import MainWindow

    folder = tmp_path / "data"
    folder.mkdir()
    # what a killed run leaves: its autosave (showing PCA) and its "running" mark
    save_session(folder / "autosave.prmlab", Session(panels={}, current="pca"))
    (folder / "running").touch()
    button = QMessageBox.StandardButton.Yes if restore else QMessageBox.StandardButton.No
    asked = _answer_the_restore_dialog(qtbot, button)
    autosave = Autosave(folder)
    session = autosave.claim_and_offer("ask")
    assert len(asked) == 1 and "did not quit normally" in asked[0]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, warmup=False, autoload_demos=False, session=session)
    qtbot.addWidget(window)
    assert window.current_panel().name == ("pca" if restore else "svm")
    autosave.start(window)
    autosave.stop()  # quit normally: no offer at the next start
    assert not (folder / "running").exists()
    assert Autosave(folder).claim_and_offer("ask") is None
