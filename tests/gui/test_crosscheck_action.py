"""The Cross-check action (issue #21) in the main window: Tools > Cross-check on a panel's
demo shows the reference library's rows, off the GUI thread; a missing library is said
with the package to install; a panel with nothing loaded says so."""

from __future__ import annotations

import sys
import threading

import pytest

from prmlab.gui import crosscheck as action
from prmlab.lab import crosscheck


def trigger(window) -> action.CrossCheckDialog:
    (found,) = [a for a in window.menus["tools"].actions() if a.text().startswith("&Cross-check")]
    assert found.shortcut().toString() == action.SHORTCUT
    found.trigger()
    return window.crosscheck_dialog


def cells(dialog) -> list[list[str]]:
    table = dialog.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


@pytest.mark.parametrize("name", ["svm", "linear"])
def test_the_action_shows_the_rows_of_the_current_panels_state(
    main_window, qtbot, wait_idle, monkeypatch, name
):
    panel = main_window.show_panel(name)
    panel.load_demo()
    wait_idle(panel, timeout=120000)
    threads = []
    run = crosscheck.cross_check

    def recorded(state):
        threads.append(threading.current_thread())
        return run(state)

    monkeypatch.setattr(crosscheck, "cross_check", recorded)
    dialog = trigger(main_window)
    assert dialog.isVisible() and panel.title in dialog.windowTitle()
    qtbot.waitUntil(lambda: not dialog.busy() and bool(dialog.rows), timeout=60000)
    assert threads and threads[0] is not threading.main_thread()  # in the worker
    rows = cells(dialog)
    assert len(rows) == len(dialog.rows) >= 2
    assert all(row[-1] == "✓" for row in rows), rows
    assert dialog.status.text().startswith("Every output agrees with its reference")
    first = {"svm": "SVC dual objective", "linear": "least-squares weights"}[name]
    assert rows[0][:2] == [first, "scikit-learn"]
    assert dialog.table.item(0, 0).toolTip() == dialog.rows[0].text()


def test_a_missing_reference_says_which_package_to_install(
    main_window, qtbot, wait_idle, monkeypatch
):
    panel = main_window.show_panel("svm")
    panel.load_demo()
    wait_idle(panel, timeout=120000)
    monkeypatch.setitem(sys.modules, "sklearn.svm", None)  # its import now fails
    dialog = trigger(main_window)
    qtbot.waitUntil(lambda: not dialog.busy() and "pip install" in dialog.status.text())
    assert "needs scikit-learn" in dialog.status.text()
    assert "pip install prmlab[references]" in dialog.status.text()
    assert dialog.table.rowCount() == 0


def test_a_state_without_a_reference_is_said_not_raised(main_window, qtbot, wait_idle):
    panel = main_window.show_panel("inference")
    panel.load_demo()
    wait_idle(panel, timeout=120000)
    panel.show_state(panel.lab_state().replace(mode="denoise"))
    wait_idle(panel, timeout=120000)
    dialog = trigger(main_window)
    qtbot.waitUntil(lambda: not dialog.busy() and "could not run" in dialog.status.text())
    assert "no reference library" in dialog.status.text()


def test_nothing_loaded_yet_is_said(main_window):
    panel = main_window.show_panel("svm")
    assert panel.lab_state() is None
    dialog = trigger(main_window)
    assert dialog.status.text().startswith("Nothing to check yet")
    assert not dialog.busy()
