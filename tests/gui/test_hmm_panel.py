"""The HMM panel driven through its real widgets with qtbot."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetricsF

from prmlab.data import Dataset
from prmlab.gui.panels.hmm import HEAT_COLUMNS, HmmPanel


@pytest.fixture
def panel(make_panel, wait_idle):
    p = make_panel(HmmPanel)
    p.c.length_box.setValue(60)
    p.load_preset("Occasionally dishonest casino")
    wait_idle(p)
    return p


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def n_points(item) -> int:
    x = item.getData()[0]
    return 0 if x is None else len(x)


def test_step_advances_t_and_fills_delta(qtbot, panel):
    panel.c.quantity_box.setCurrentText("δ Viterbi")
    click(qtbot, panel.trellis_playback.reset_button)
    assert panel.t_now == 0 and panel.back_from is None
    assert panel.trellis_view.heat.image[1:].max() == 0  # nothing past t = 0 yet
    for _ in range(3):
        click(qtbot, panel.trellis_playback.step_button)
    assert panel.t_now == 3
    shade = panel.trellis_view.heat.image
    np.testing.assert_allclose(shade[:4].max(axis=1), 1.0)  # each filled column has its best
    assert shade[4:].max() == 0
    qtbot.waitUntil(lambda: n_points(panel.trellis_view.back_edges) == 2 * 3 * 2)
    x, y = panel.trellis_view.back_edges.getData()
    a = panel.analysis
    assert y[0] == a.psi[1, 0] and y[1] == 0  # ψ_2(Fair) -> Fair
    # the fourth column (index 3) is t = 4 on screen: time is 1-based as in the formulas
    assert "ψ" in panel.step_label.text() and "<b>t = 4</b>" in panel.step_label.text()
    assert "log δ<sub>4</sub>" in panel.step_label.text()
    assert n_points(panel.trellis_view.viterbi_curve) == 0  # no path before backtracking

    # past the last column, each step backtracks one more step of the best path
    panel.set_time_step(panel.T - 2)
    click(qtbot, panel.trellis_playback.step_button)
    click(qtbot, panel.trellis_playback.step_button)
    click(qtbot, panel.trellis_playback.step_button)
    assert panel.back_from == panel.T - 2
    xs, ys = panel.trellis_view.viterbi_curve.getData()
    np.testing.assert_array_equal(ys, a.viterbi[-2:])
    click(qtbot, panel.c.fill_button)
    panel.trellis.setXRange(-0.5, panel.T - 0.5, padding=0)
    qtbot.waitUntil(lambda: n_points(panel.trellis_view.viterbi_curve) == panel.T)
    np.testing.assert_array_equal(panel.trellis_view.viterbi_curve.getData()[1], a.viterbi)


def test_invalid_transition_row_shows_error_and_keeps_model(qtbot, panel, wait_idle):
    before = panel.model.transmat.copy()
    item = panel.c.tables.A.item(0, 0)
    item.setText("0.5")  # row Fair now sums to 0.55
    assert panel.messages.level() == "error"
    assert "row 0 sums to 0.55" in panel.messages.text()
    assert "last valid model" in panel.messages.text()
    np.testing.assert_array_equal(panel.model.transmat, before)
    assert item.background().style() != Qt.BrushStyle.NoBrush  # the bad row is tinted
    panel.c.tables.A.item(0, 1).setText("x")
    assert "is not a number" in panel.messages.text()
    panel.c.tables.A.item(0, 1).setText("0.5")  # now 0.5 + 0.5: valid
    wait_idle(panel)
    assert panel.messages.level() == ""
    np.testing.assert_allclose(panel.model.transmat[0], [0.5, 0.5])
    assert panel.c.tables.A.item(0, 0).background().style() == Qt.BrushStyle.NoBrush
    panel.undo_stack.undo()  # Ctrl+Z: the casino's row comes back
    wait_idle(panel)
    np.testing.assert_array_equal(panel.model.transmat, before)
    assert panel.c.tables.A.item(0, 0).text() == "0.95"
    panel.undo_stack.redo()
    wait_idle(panel)
    np.testing.assert_allclose(panel.model.transmat[0], [0.5, 0.5])


def test_sampling_and_decoding_the_casino_shows_both_paths(qtbot, panel, wait_idle):
    panel.c.length_box.setValue(400)
    click(qtbot, panel.c.sample_button)
    wait_idle(panel)
    panel.trellis.setXRange(-0.5, 399.5, padding=0)
    qtbot.waitUntil(lambda: n_points(panel.trellis_view.true_curve) == 400)
    a = panel.analysis
    assert len(a.viterbi) == 400 and panel.true_path is not None
    np.testing.assert_array_equal(panel.trellis_view.viterbi_curve.getData()[1], a.viterbi)
    np.testing.assert_array_equal(panel.trellis_view.posterior_curve.getData()[1], a.posterior)
    np.testing.assert_array_equal(panel.trellis_view.true_curve.getData()[1], panel.true_path)
    assert (a.viterbi == panel.true_path).mean() > 0.7
    assert (a.posterior != a.viterbi).any() or (a.posterior == a.viterbi).all()
    for img, _ in panel.posterior_view.strips.values():
        assert img.image is not None and img.image.shape[0] == 400
    frame = panel.results_frame()
    assert list(frame.columns[:4]) == ["t", "observation", "viterbi_state", "posterior_state"]
    assert {"gamma_Fair", "gamma_Loaded", "true_state"} <= set(frame.columns)
    np.testing.assert_allclose(frame[["gamma_Fair", "gamma_Loaded"]].sum(axis=1), 1.0)


def test_typed_and_clicked_observations(qtbot, panel, wait_idle):
    panel.c.obs_edit.setText("6 6 6 1 2")
    qtbot.keyClick(panel.c.obs_edit, Qt.Key.Key_Return)
    wait_idle(panel)
    np.testing.assert_array_equal(panel.obs, [5, 5, 5, 0, 1])
    six = next(b for b in panel.c.symbol_buttons if b.text() == "6")
    click(qtbot, six)
    wait_idle(panel)
    np.testing.assert_array_equal(panel.obs, [5, 5, 5, 0, 1, 5])
    assert panel.true_path is None and len(panel.analysis.viterbi) == 6
    panel.c.obs_edit.setText("6 x")
    qtbot.keyClick(panel.c.obs_edit, Qt.Key.Key_Return)
    assert "unknown symbol 'x' at position 2" in panel.messages.text()
    assert len(panel.obs) == 6


def test_baum_welch_step_and_restarts(qtbot, panel, wait_idle):
    panel.c.length_box.setValue(300)
    click(qtbot, panel.c.sample_button)
    wait_idle(panel)
    click(qtbot, panel.fit_playback.reset_button)
    wait_idle(panel)
    for _ in range(3):
        click(qtbot, panel.fit_playback.step_button)
        wait_idle(panel)
    (curve,) = panel.fit_curves
    assert len(curve) == 3 and (np.diff(curve) >= -1e-9).all()
    panel.c.restarts_box.setValue(2)
    panel.c.iter_box.setValue(40)
    click(qtbot, panel.c.fit_button)
    wait_idle(panel)
    assert len(panel.fit_curves) == 2
    for h in panel.fit_curves:
        assert (np.diff(h) >= -1e-8 * np.abs(h[1:])).all()
    np.testing.assert_allclose(panel.model_view.a.image.image, panel.model.transmat)
    np.testing.assert_allclose(panel.model.transmat.sum(axis=1), 1.0)
    assert panel.model.states == ("Fair", "Loaded")  # relabelled to match the true model


def test_csv_columns_as_symbols_or_gaussian(qtbot, panel, wait_idle):
    rng = np.random.default_rng(0)
    die = rng.integers(1, 7, size=200).astype(float)
    level = np.r_[rng.normal(0, 1, 100), rng.normal(5, 1, 100)]
    panel.c.states_box.setValue(2)
    wait_idle(panel)
    panel.set_dataset(Dataset(np.column_stack([die, level]), ["die", "level"], name="rolls"))
    wait_idle(panel)
    assert panel.model.kind == "symbols" and panel.model.symbols == tuple("123456")
    assert len(panel.analysis.viterbi) == 200
    panel.column_box.setCurrentIndex(1)
    panel.column_box.activated.emit(1)
    wait_idle(panel)
    assert panel.model.kind == "gaussian" and "Gaussian" in panel.c.b_title.text()
    click(qtbot, panel.c.fit_button)
    wait_idle(panel)
    path = panel.analysis.viterbi
    assert (
        max((path == (np.arange(200) >= 100)).mean(), (path != (np.arange(200) >= 100)).mean())
        > 0.95
    )


def test_long_sequence_is_drawn_as_images(qtbot, panel, wait_idle):
    panel.c.length_box.setValue(100_000)
    click(qtbot, panel.c.sample_button)
    wait_idle(panel, timeout=60000)
    panel.trellis.setXRange(0, 100_000, padding=0)
    qtbot.waitUntil(
        lambda: panel.trellis_view.heat.isVisible() and len(panel.trellis_view.nodes.data) == 0
    )
    assert panel.trellis_view.heat.image.shape[0] <= HEAT_COLUMNS + 1  # decimated: blocks of steps
    assert (
        panel.trellis_view.heat.mapRectToParent(panel.trellis_view.heat.boundingRect()).width()
        >= 100_000
    )
    panel.trellis.setXRange(5000, 5030, padding=0)
    qtbot.waitUntil(lambda: len(panel.trellis_view.nodes.data) > 0)
    assert not panel.trellis_view.heat.isVisible()
    assert (
        panel.trellis_view.nodes.data["x"].min() >= 4999
        and panel.trellis_view.nodes.data["x"].max() <= 5031
    )


def test_impossible_observations_and_model_export(qtbot, panel, wait_idle, tmp_path):
    panel.load_preset("Left-right (structural zeros)", sample=False)
    panel.c.tables.B.item(0, 1).setText("0")  # Begin can no longer emit b ...
    panel.c.tables.B.item(0, 0).setText("0.9")  # ... and its row still sums to 1
    wait_idle(panel)
    assert panel.model.B[0, 1] == 0 and panel.messages.level() != "error"
    panel.c.obs_edit.setText("b a a")  # every path starts in Begin
    qtbot.keyClick(panel.c.obs_edit, Qt.Key.Key_Return)
    wait_idle(panel)
    assert panel.messages.level() == "error" and "impossible" in panel.messages.text()
    panel.save_model(str(tmp_path / "m.json"))
    import json

    saved = json.loads((tmp_path / "m.json").read_text())
    assert saved["states"] == ["Begin", "Mid 1", "Mid 2", "End"]
    assert saved["transmat"][1][0] == 0.0 and saved["emissionprob"][0][1] == 0.0


def test_a_csv_after_a_fit_keeps_no_curve_of_the_casino(qtbot, panel, wait_idle):
    panel.c.restarts_box.setValue(2)
    panel.c.iter_box.setValue(20)
    click(qtbot, panel.c.fit_button)
    wait_idle(panel)
    assert panel.likelihood_view.drawn and panel.c.fit_label.text()
    level = np.random.default_rng(1).normal(size=120)
    panel.set_dataset(Dataset(level[:, None], ["level"], name="levels"))
    wait_idle(panel)
    assert (
        panel.fit_curves == () and not panel.likelihood_view.drawn and not panel.c.fit_label.text()
    )
    assert "level" in panel.messages.text()


def obs_labels(panel) -> list[tuple[float, str]]:
    return sorted(
        (t.pos().x(), t.textItem.toPlainText())
        for t in panel.trellis_view.obs_texts
        if t.isVisible()
    )


def test_gaussian_o_t_labels_never_run_together(qtbot, panel, wait_idle):
    level = np.random.default_rng(2).normal(1.5, 1.0, size=300)
    panel.set_dataset(Dataset(level[:, None], ["level"], name="levels"))
    wait_idle(panel)
    panel.trellis.setXRange(-0.5, 69.5, padding=0)  # 70 columns: narrower than "-1.3"
    panel.trellis_view.draw_window()
    shown = obs_labels(panel)
    assert len(shown) > 5
    vb = panel.trellis.getViewBox()
    for (t0, s0), (t1, s1) in zip(shown, shown[1:]):
        x0 = vb.mapViewToDevice(QPointF(t0, 0)).x()
        x1 = vb.mapViewToDevice(QPointF(t1, 0)).x()
        metrics = QFontMetricsF(panel.font())
        room = (metrics.horizontalAdvance(s0) + metrics.horizontalAdvance(s1)) / 2
        assert x1 - x0 >= room, (s0, s1)  # centred texts do not touch
    panel.trellis.setXRange(-0.5, 9.5, padding=0)  # zoomed in: every column has its value
    panel.trellis_view.draw_window()
    columns = [t for t, _ in obs_labels(panel)]
    assert len(columns) >= 10 and columns == list(range(len(columns)))


def test_baum_welch_iterations_tick_whole_numbers(qtbot, panel, wait_idle):
    click(qtbot, panel.fit_playback.step_button)
    wait_idle(panel)
    axis = panel.likelihood_view.plot.getAxis("bottom")
    ticks = [v for _, values in axis.tickValues(0.9, 2.1, 300) for v in values]
    assert ticks and all(float(v).is_integer() for v in ticks)


def test_a_typed_seed_samples_again(qtbot, panel, wait_idle, type_seed):
    before = panel.obs.copy()
    type_seed(panel, "99", key=Qt.Key.Key_Tab)
    wait_idle(panel)
    assert panel.seed() == 99 and "seed 99" in panel.c.obs_label.text()
    assert not np.array_equal(panel.obs, before)


def test_cleared_observations_keep_no_log_likelihood_in_the_title(qtbot, panel, wait_idle):
    assert "log p(O|λ) =" in panel.posterior_view.plot.titleLabel.text
    panel.clear_observations()
    wait_idle(panel)
    assert "log p(O|λ) =" not in panel.posterior_view.plot.titleLabel.text


def _steps_em(qtbot, panel, wait_idle, n: int) -> list:
    """Press Step EM n times; λ after each step."""
    models = []
    for _ in range(n):
        click(qtbot, panel.fit_playback.step_button)
        wait_idle(panel)
        models.append(panel.model)
    return models


def test_baum_welch_iterations_scrub_back_and_forth(qtbot, panel, wait_idle):
    models = _steps_em(qtbot, panel, wait_idle, 3)
    assert panel.history.positions == (0, 1, 2, 3)
    assert panel.history.nbytes < 10_000  # λ and curves only, no analysis
    scrubber = panel.fit_timeline
    assert scrubber.label.text() == "iteration 3 / 3"
    scrubber.slider.setValue(1)  # dragged back to iteration 1
    wait_idle(panel)
    assert panel.state.iteration == 1 and len(panel.fit_curves[0]) == 1
    assert scrubber.label.text() == "iteration 1 / 3"
    np.testing.assert_array_equal(panel.model.transmat, models[0].transmat)
    np.testing.assert_allclose(panel.model_view.a.image.image, models[0].transmat)
    np.testing.assert_allclose(panel.c.tables.cells(panel.c.tables.A)[0], models[0].transmat)
    assert panel.history.positions == (0, 1, 2, 3)  # scrubbing back keeps the future
    click(qtbot, panel.fit_playback.step_button)  # Step forward from there: the same λ
    wait_idle(panel)
    np.testing.assert_array_equal(panel.model.B, models[1].B)
    assert "iteration 2" in panel.c.fit_label.text()
    qtbot.keyClick(panel.c.fit_button, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    wait_idle(panel)
    assert panel.state.iteration == 3  # Shift+Right: Step EM
    np.testing.assert_array_equal(panel.model.B, models[2].B)
    qtbot.keyClick(panel.c.fit_button, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    wait_idle(panel)
    assert panel.state.iteration == 2  # Shift+Left: one back
    for _ in range(2):
        click(qtbot, scrubber.back_button)
        wait_idle(panel)
    assert panel.state.iteration == 0 and not scrubber.back_button.isEnabled()
    assert panel.fit_curves == () and panel.c.fit_label.text() == ""


def test_time_steps_scrub_back(qtbot, panel, wait_idle):
    panel.c.quantity_box.setCurrentText("δ Viterbi")
    panel.set_time_step(5)
    assert panel.t_now == 5 and panel.trellis_view.heat.image[6:].max() == 0
    panel.set_time_step(panel.T + 9)  # ten steps of backtracking
    assert panel.back_from == panel.T - 10
    scrubber = panel.c.time_scrubber
    assert scrubber.label.text() == f"step {panel.T + 9} / {2 * panel.T - 1}"
    click(qtbot, scrubber.back_button)  # one back
    assert panel.back_from == panel.T - 9
    scrubber.slider.setValue(2)  # dragged back to t = 2
    assert panel.t_now == 2 and panel.back_from is None
    assert panel.trellis_view.heat.image[3:].max() == 0
    assert panel.lab_state().time_step == 2


def test_a_shown_state_is_drawn_exactly_in_a_new_panel(qtbot, panel, make_panel, wait_idle):
    from prmlab.lab import hmm as lab

    panel.c.restarts_box.setValue(2)
    panel.c.iter_box.setValue(15)
    click(qtbot, panel.c.fit_button)
    wait_idle(panel)
    _steps_em(qtbot, panel, wait_idle, 2)
    panel.c.quantity_box.setCurrentText("α forward")
    panel.set_time_step(7)
    saved = panel.lab_state()
    other = make_panel(type(panel), seed=5)
    wait_idle(other)
    other.show_state(lab.State.from_dict(saved.to_dict()))
    wait_idle(other)
    assert other.lab_state().same_as(saved)
    np.testing.assert_array_equal(other.model.transmat, panel.model.transmat)
    np.testing.assert_array_equal(other.analysis.gamma, panel.analysis.gamma)
    assert [len(c) for c in other.fit_curves] == [len(c) for c in panel.fit_curves]
    assert other.c.quantity_box.currentText() == "α forward" and other.t_now == 7
    assert other.c.fit_label.text() == panel.c.fit_label.text()
    assert other.step_label.text() == panel.step_label.text()
    # ranges from the data, not from the plot's history (a session reopens pixel-exact)
    assert other.likelihood_view.plot.viewRange() == panel.likelihood_view.plot.viewRange()
    assert other.c.obs_edit.cursorPosition() == panel.c.obs_edit.cursorPosition() == 0
    np.testing.assert_array_equal(other.trellis_view.heat.image, panel.trellis_view.heat.image)


def test_t_restarts_shading_and_paths_are_undone_with_ctrl_z(qtbot, main_window, wait_idle):
    # they were plain boxes: Ctrl+Z skipped them and undid the change before
    panel = main_window.show_panel("hmm")
    panel.c.show_settings(panel.lab_state().replace(length=60))
    panel.load_preset("Occasionally dishonest casino")
    wait_idle(panel)
    shade = panel.trellis_view.heat.image.copy()

    def ctrl_z() -> None:
        main_window.activateWindow()  # shortcuts reach the active window only
        qtbot.waitUntil(main_window.isActiveWindow)
        main_window.setFocus()  # a focused text field takes Ctrl+Z for its own text
        qtbot.keyClick(main_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    edit = panel.c.length_box.lineEdit()
    panel.c.length_box.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "120")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    panel.c.restarts_box.stepUp()
    panel.c.quantity_box.setCurrentText("δ Viterbi")
    panel.c.show_true.click()  # (scrolled out of view: a click on it would miss)
    state = panel.lab_state()
    assert (state.length, state.restarts, state.quantity) == (120, 6, "delta")
    assert not state.show_true
    assert not np.array_equal(panel.trellis_view.heat.image, shade)

    ctrl_z()
    assert panel.lab_state().show_true and panel.c.show_true.isChecked()
    ctrl_z()
    assert panel.lab_state().quantity == "gamma"
    assert panel.c.quantity_box.currentText() == "γ posterior"
    assert np.array_equal(panel.trellis_view.heat.image, shade)  # the picture is back too
    ctrl_z()
    assert panel.lab_state().restarts == 5 and panel.c.restarts_box.value() == 5
    ctrl_z()
    assert panel.lab_state().length == 60 and panel.c.length_box.value() == 60


def test_a_heat_maps_fitted_and_true_values_stay_in_their_cells(qtbot):
    """Each cell writes the fitted value and the true one: on two lines where the cell is
    two lines tall, else on one (at 1440x900 the second line ran over the cell below)."""
    import pyqtgraph as pg
    from PySide6.QtGui import QFontMetricsF

    from prmlab.gui.panels.hmm.views import HeatMap

    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    heat = HeatMap(widget.addPlot())
    fitted, true = np.array([[0.92, 0.08], [0.04, 0.96]]), np.array([[0.95, 0.05], [0.1, 0.9]])
    heat.draw(fitted, ("Fair", "Loaded"), ("Fair", "Loaded"), true)
    line = QFontMetricsF(heat.texts[0].textItem.font()).height()
    for height, lines in ((400, 2), (90, 1)):
        widget.resize(400, height)
        widget.show()
        qtbot.waitUntil(lambda h=height: widget.height() == h)
        qtbot.wait(20)
        cell = heat.plot.getViewBox().height() / 2
        assert (cell >= 2 * line) == (lines == 2)
        assert heat.texts[0].textItem.toPlainText().count("\n") == lines - 1
        assert "0.92" in heat.texts[0].textItem.toPlainText()
        assert "(0.95)" in heat.texts[0].textItem.toPlainText()
