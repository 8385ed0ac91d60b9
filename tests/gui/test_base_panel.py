"""BasePanel: drawing parts one per event-loop turn, nothing stale, the playback bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt

from prmlab.gui.panels.base import BasePanel
from prmlab.gui.widgets.text import TextItem


def test_parts_run_in_order_once_each_and_busy_waits_for_them(qtbot, make_panel, wait_idle):
    panel = make_panel(BasePanel)
    ran = []
    first, second = (lambda: ran.append("first")), (lambda: ran.append("second"))
    panel.draw_in_turns(first, second)
    panel.draw_in_turns(first)  # already waiting: not queued twice
    assert ran == [] and panel.drawing() and panel.busy()
    wait_idle(panel)
    assert ran == ["first", "second"] and not panel.busy()


def test_a_failing_part_reaches_the_hook_and_the_rest_still_draw(
    qtbot, make_panel, wait_idle, exception_hook
):
    panel = make_panel(BasePanel)
    ran = []

    def broken() -> None:
        raise RuntimeError("part failed")

    panel.draw_in_turns(broken, lambda: ran.append("after"))
    wait_idle(panel)
    assert ran == ["after"]
    assert any("part failed" in str(e) for e in exception_hook.errors)
    exception_hook.errors.clear()


def test_play_and_pause_are_icons_and_the_buttons_keep_their_places(qtbot, make_panel):
    panel = make_panel(BasePanel)
    playback = panel.make_playback(step_text="Step EM")
    panel.controls.insertWidget(0, playback)
    qtbot.wait(20)
    buttons = (playback.step_button, playback.play_button, playback.reset_button)
    places = [b.geometry() for b in buttons]
    play_icon = playback.play_button.icon().cacheKey()
    assert all(not b.icon().isNull() for b in buttons)
    assert all(ch not in b.text() for b in buttons for ch in "▶⏸⟲")  # no font glyphs
    qtbot.mouseClick(playback.play_button, Qt.MouseButton.LeftButton)
    qtbot.wait(20)
    assert playback.playing and playback.play_button.text() == "Pause"
    assert playback.play_button.icon().cacheKey() != play_icon
    assert [b.geometry() for b in buttons] == places
    playback.pause()


def test_clear_stale_hides_tooltips_and_clears_messages_and_views(qtbot, make_panel):
    panel = make_panel(BasePanel)
    cleared = []
    panel.clear_views = lambda: cleared.append(True)
    tip = panel.transient(TextItem("#3: α = 0.5"))
    panel.figure.addPlot().addItem(tip)
    panel.messages.note("One point has no variance yet: add another.")
    panel.clear_stale(data=False)  # a parameter: the tooltip goes, the rest stays
    assert not tip.isVisible() and panel.messages.text() and not cleared
    tip.show()
    panel.clear_stale()  # new data: everything of the old goes
    assert not tip.isVisible() and not panel.messages.text() and cleared == [True]
    tip.show()
    panel.figure.leaveEvent(QEvent(QEvent.Type.Leave))
    assert not tip.isVisible()
