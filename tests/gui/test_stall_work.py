"""A result that changes many plots is drawn a part a turn, each part painted before the
next (issue #16's stall points, ``python -m prmlab.bench --ui``): each test records the
order of the figure's paints and of the views' draws."""

from __future__ import annotations


def _events(monkeypatch, draws: dict) -> list[str]:
    """The order of the figures' paints and of the named draw methods' calls: ``draws``
    maps a name to (owner class, method name). Before the panel is made: PySide binds a
    widget's paintEvent override when the widget is made."""
    from prmlab.gui.widgets.figure import Figure

    events: list[str] = []
    paint = Figure.paintEvent

    def painted(self, ev):
        events.append("paint")
        return paint(self, ev)

    monkeypatch.setattr(Figure, "paintEvent", painted)
    for name, (owner, method) in draws.items():
        original = getattr(owner, method)

        def wrapped(*args, _name=name, _original=original, **kwargs):
            events.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(owner, method, wrapped)
    return events


def test_hmm_result_is_drawn_a_part_a_turn_each_painted(make_panel, wait_idle, monkeypatch):
    from prmlab.gui.panels.hmm import HmmPanel
    from prmlab.gui.panels.hmm.trellis import TrellisView
    from prmlab.gui.panels.hmm.views import ModelView, PosteriorView
    from prmlab.lab import hmm

    draws = {"model": (ModelView, "draw"), "trellis": (TrellisView, "draw")}
    events = _events(monkeypatch, {**draws, "posterior": (PosteriorView, "draw")})
    panel = make_panel(HmmPanel)
    wait_idle(panel)
    events.clear()
    panel.load_preset(hmm.PRESETS[0])
    wait_idle(panel)
    drawn = [e for e in events if e != "paint"]
    assert {"model", "trellis", "posterior"} <= set(drawn)
    # between two parts, the first one's paint
    assert all(a == "paint" or b == "paint" for a, b in zip(events, events[1:])), events
    assert panel.analysis is not None and panel.analysis.T == panel.state.T


def test_hmm_trellis_labels_are_made_a_few_a_turn(make_panel, wait_idle, monkeypatch):
    from prmlab.gui.panels.hmm import HmmPanel
    from prmlab.gui.panels.hmm.trellis import NEW_TEXTS_A_TURN, TrellisView
    from prmlab.lab import hmm

    made: list[int] = []  # texts made by each draw_window
    new_text, draw_window = TrellisView._new_obs_text, TrellisView.draw_window

    def counted_new_text(self):
        made[-1] += 1
        return new_text(self)

    def counted_draw_window(self):
        made.append(0)
        return draw_window(self)

    monkeypatch.setattr(TrellisView, "_new_obs_text", counted_new_text)
    monkeypatch.setattr(TrellisView, "draw_window", counted_draw_window)
    panel = make_panel(HmmPanel)
    panel.load_preset(hmm.PRESETS[0])
    wait_idle(panel)
    view = panel.trellis_view
    assert sum(made) > NEW_TEXTS_A_TURN and max(made) <= NEW_TEXTS_A_TURN
    shown = [t for t in view.obs_texts if t.isVisible()]
    assert len(shown) == len(view._obs_labels(*view.visible_window()))  # all, in the end
