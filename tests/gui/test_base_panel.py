"""BasePanel.draw_in_turns: drawing parts one per event-loop turn."""

from __future__ import annotations

from prmlab.gui.panels.base import BasePanel


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
