"""The arrays the panels' plots draw are computed in the job's worker, not on the GUI thread
(issue #16's stall points: on big data each such reduction held the GUI thread for tens of
ms, ``python -m prmlab.bench --ui``). Each test records the thread every such lab function
runs on while the panel works, and checks the picture is the lab's."""

from __future__ import annotations

import threading

import numpy as np


def _threads_of(monkeypatch, module, *names: str) -> list[tuple[str, bool]]:
    """Wrap ``module.<name>`` for each name: the list gets (name, on the GUI thread?) per
    call."""
    calls: list[tuple[str, bool]] = []
    for name in names:
        original = getattr(module, name)

        def wrapped(*args, _name=name, _original=original, **kwargs):
            calls.append((_name, threading.current_thread() is threading.main_thread()))
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapped)
    return calls


def test_mcmc_statistics_are_computed_in_the_worker(make_panel, qtbot, monkeypatch):
    from prmlab.gui.panels.mcmc import McmcPanel
    from prmlab.lab import mcmc

    calls = _threads_of(monkeypatch, mcmc, "trace_envelope", "histograms", "acceptance_curves")
    panel = make_panel(McmcPanel)
    panel.load_demo()  # the target opened, then a long run
    qtbot.waitUntil(lambda: not panel.busy(), timeout=60000)
    panel.step_forward()  # a Step
    qtbot.waitUntil(lambda: not panel.busy(), timeout=60000)
    panel.step_back()  # the timeline's seek
    qtbot.waitUntil(lambda: not panel.busy(), timeout=60000)
    assert calls and not [name for name, gui in calls if gui]
    # the picture is the lab's
    steps, values = mcmc.trace_envelope(panel.chains, 0)
    x, y = panel.views.traces[0].curves[0].getData()
    np.testing.assert_array_equal(x, steps)
    np.testing.assert_array_equal(y, values[0])
    burn, thin = mcmc.kept_window(panel.state, panel.chains.shape[1])
    edges, density = mcmc.histograms(panel.chains[:, burn::thin], panel.view.target.bounds)[1]
    x, y = panel.views.marginals[1].bars.getData()
    np.testing.assert_array_equal(x, edges)
    np.testing.assert_array_equal(y, density)


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
