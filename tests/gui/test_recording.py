"""Recording (issue #20): ``--record`` of every panel's demo to MP4 and GIF read back with
PyAV (frame count, size, duration), the same frames for the same seed, bad paths refused
before anything is recorded, and Ctrl+R in the window."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from prmlab.gui.app import main
from prmlab.gui.panels import PANEL_NAMES
from prmlab.gui.recording import encode, live
from prmlab.gui.recording.headless import record_panel, steps_before

SMALL = (0, 0)  # tests record the figure at the window's size, not at 1280x800


def read_back(path) -> tuple[list[np.ndarray], float]:
    """The decoded RGB frames of ``path`` and the clip's duration in seconds."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(stream))
        duration = float(frames[-1].time + frames[-1].duration * stream.time_base)
    return [f.to_ndarray(format="rgb24") for f in frames], duration


@pytest.fixture
def demo_window(qtbot, tmp_path):
    """``demo_window(name, seed=0)``: a small main window showing panel ``name``'s demo."""
    from prmlab.gui.main_window import MainWindow

    def make(name: str, seed: int = 0):
        settings = QSettings(str(tmp_path / f"settings{seed}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(
            settings=settings, seed=seed, start_panel=name, warmup=False, stored_look=False
        )
        qtbot.addWidget(window)
        window.resize(760, 560)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.mark.parametrize("name", PANEL_NAMES)
def test_each_panels_demo_records_to_mp4_and_gif(name, demo_window, tmp_path):
    window = demo_window(name)
    figure = window.current_panel().figure
    for suffix in (".mp4", ".gif"):
        path = tmp_path / f"{name}{suffix}"
        assert record_panel(window, path, seconds=0.6, fps=5, least=SMALL) == 3
        frames, duration = read_back(path)
        w, h = figure.width(), figure.height()
        if suffix == ".mp4":  # libx264 needs even sizes: cropped
            w, h = w - w % 2, h - h % 2
        assert len(frames) == 3
        assert frames[0].shape == (h, w, 3)
        assert duration == pytest.approx(0.6, abs=0.011)
        assert frames[0].std() > 5  # a drawn figure, not a blank one


def test_the_same_seed_records_the_same_frames(demo_window, tmp_path):
    runs = []
    for k in range(2):
        path = tmp_path / f"mcmc{k}.gif"
        record_panel(demo_window("mcmc", seed=4), path, seconds=1.0, fps=8, least=SMALL)
        runs.append(read_back(path)[0])
    assert all(np.array_equal(a, b) for a, b in zip(*runs, strict=True))
    assert not np.array_equal(runs[0][0], runs[0][-1])  # the demo moved: 4 steps a second


def test_frame_k_shows_a_fixed_number_of_steps():
    assert [steps_before(k, 4.0, 15) for k in range(9)] == [0, 0, 0, 0, 1, 1, 1, 1, 2]
    assert steps_before(30, 3.0, 30) == 3  # exact multiples are not lost to rounding


# Tracking: its drawn demo widens the controls beside the figure after the first fit
@pytest.mark.parametrize("name", ["pca", "track"])
def test_record_option_writes_a_full_size_mp4(tmp_path, name):
    path = tmp_path / f"{name}.mp4"
    argv = ["--panel", name, "--record", str(path), "--seconds", "0.4", "--fps", "5"]
    assert main(argv) == 0
    frames, duration = read_back(path)
    assert len(frames) == 2
    assert frames[0].shape[0] >= 800 and frames[0].shape[1] >= 1280
    assert duration == pytest.approx(0.4, abs=0.011)


def test_a_session_records_from_its_saved_state(tmp_path):
    session, path = tmp_path / "s.prmlab", tmp_path / "s.gif"
    assert main(["--panel", "mcmc", "--seed", "2", "--save-session", str(session)]) == 0
    argv = ["--session", str(session), "--record", str(path), "--seconds", "0.4", "--fps", "5"]
    assert main(argv) == 0
    frames, duration = read_back(path)
    assert len(frames) == 2 and duration == pytest.approx(0.4, abs=0.011)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("demo.avi", "must end in .mp4 or .gif"),
        ("missing/demo.mp4", "does not exist"),
        ("a_file.txt/demo.gif", "does not exist"),
    ],
)
def test_bad_paths_exit_2_with_one_line_before_recording(name, words, tmp_path, capsys):
    (tmp_path / "a_file.txt").write_text("x")
    assert main(["--record", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1
    assert not (tmp_path / "demo.avi").exists()


def test_fps_and_seconds_are_checked(tmp_path, capsys):
    assert main(["--record", str(tmp_path / "a.mp4"), "--fps", "60"]) == 2
    assert "--fps must be in (0, 30], got 60.0" in capsys.readouterr().err
    assert main(["--record", str(tmp_path / "a.mp4"), "--seconds", "0"]) == 2
    assert "--seconds must be in (0, 3600]" in capsys.readouterr().err


def test_without_pyav_record_exits_2_and_the_menu_item_says_why(
    monkeypatch, capsys, tmp_path, main_window
):
    reason = "Recording needs PyAV, which is not installed: pip install av."
    monkeypatch.setattr(encode, "unavailable_reason", lambda: reason)
    monkeypatch.setattr(live, "unavailable_reason", lambda: reason)
    assert main(["--record", str(tmp_path / "a.mp4")]) == 2
    assert capsys.readouterr().err == f"prmlab: {reason}\n"
    recorder = live.Recorder(main_window)
    assert not recorder.action.isEnabled()
    assert recorder.action.toolTip() == reason


@pytest.mark.parametrize("whole_window", [False, True])
def test_ctrl_r_records_while_the_demo_plays(
    whole_window, demo_window, qtbot, tmp_path, monkeypatch
):
    window = demo_window("mcmc")
    panel = window.current_panel()
    qtbot.waitUntil(lambda: not panel.busy(), timeout=60000)
    path = tmp_path / ("window.gif" if whole_window else "figure.mp4")
    monkeypatch.setattr(live.QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    recorder = window.recorder
    (recorder.window_action if whole_window else recorder.figure_action).setChecked(True)
    window.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert recorder.recording and recorder.indicator.isVisible()
    # the first frame's size is the video's (the column may fold later: frames are cropped)
    w, h = recorder.target().width(), recorder.target().height()
    panel.playback.play()
    qtbot.wait(700)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert not recorder.recording
    qtbot.waitUntil(lambda: not recorder.indicator.isVisible(), timeout=60000)
    panel.playback.pause()
    frames, duration = read_back(path)
    assert len(frames) >= 4  # ~0.7 s at 10 fps, a frame repeated for a busy tick included
    if path.suffix == ".mp4":
        w, h = w - w % 2, h - h % 2
    assert frames[0].shape == (h, w, 3)
    assert duration == pytest.approx(len(frames) / live.live_fps(panel), abs=0.011)
    assert "Recorded" in window.statusBar().currentMessage()


def test_closing_the_window_while_recording_finishes_the_file(demo_window, qtbot, tmp_path):
    window = demo_window("track")
    qtbot.waitUntil(lambda: not window.current_panel().busy(), timeout=60000)
    path = tmp_path / "closed.gif"
    assert window.recorder.start(path)
    qtbot.wait(300)
    window.close()
    frames, _ = read_back(path)
    assert len(frames) >= 2


def test_a_bad_path_in_the_window_is_said_and_nothing_starts(main_window, tmp_path):
    recorder = main_window.recorder
    assert not recorder.start(tmp_path / "demo.webm")
    assert not recorder.recording
    assert "must end in .mp4 or .gif" in main_window.current_panel().messages.text()


def test_the_benchmark_measures_playback_while_recording(make_panel, wait_idle, tmp_path):
    from prmlab.bench.ui import ui_workloads
    from prmlab.bench.ui_recording import _play
    from prmlab.gui.panels import panel_class

    names = {w.name for w in ui_workloads()}
    assert {"ui-record-fps:mcmc", "ui-record-stall:mcmc"} <= names
    panel = make_panel(panel_class("mcmc"))
    panel.load_demo()
    wait_idle(panel)
    rate, stall = _play(panel, 0.5, tmp_path / "bench.mp4")
    assert rate > 0 and stall > 0
    assert len(read_back(tmp_path / "bench.mp4")[0]) >= 3


def test_frames_include_widgets_laid_over_the_figure(make_panel):
    """Presenter mode's pen and spotlight are child widgets over the figure: a frame is a
    grab of the figure, so they are in the video (QGraphicsView.render would leave them out)."""
    from PySide6.QtWidgets import QWidget

    from prmlab.gui.panels import panel_class
    from prmlab.gui.recording.grab import grab_rgb

    figure = make_panel(panel_class("pca")).figure
    overlay = QWidget(figure.viewport())
    overlay.setStyleSheet("background: rgb(255, 0, 0);")
    overlay.setAutoFillBackground(True)
    overlay.setGeometry(10, 10, 40, 30)
    overlay.show()
    frame = grab_rgb(figure)
    assert frame.shape[:2] == (figure.height(), figure.width())
    red = (frame[..., 0] == 255) & (frame[..., 1] == 0) & (frame[..., 2] == 0)
    assert red.sum() >= 40 * 30


def test_a_second_start_while_recording_says_why_and_starts_nothing(main_window, qtbot, tmp_path):
    recorder = main_window.recorder
    assert recorder.start(tmp_path / "first.mp4")
    assert not recorder.start(tmp_path / "second.mp4")
    assert (
        "A recording is running or still being saved" in main_window.current_panel().messages.text()
    )
    recorder.stop()
    qtbot.waitUntil(lambda: recorder.capture is None, timeout=30000)
    assert len(read_back(tmp_path / "first.mp4")[0]) >= 1
    assert not (tmp_path / "second.mp4").exists()


def test_a_recorded_figure_is_painted_once_a_frame(make_panel, wait_idle, qtbot, tmp_path):
    """While recorded, the figure keeps what it paints as the frame (no second paint for
    the video): the frames show what a grab shows, overlays included, and an unchanged
    figure is not painted again for the next frame."""
    from PySide6.QtWidgets import QWidget

    from prmlab.gui.panels import panel_class
    from prmlab.gui.recording.capture import Capture
    from prmlab.gui.recording.grab import grab_rgb

    panel = make_panel(panel_class("pca"))
    panel.load_demo()
    wait_idle(panel)
    figure = panel.figure
    overlay = QWidget(figure.viewport())  # as presenter mode's pen
    overlay.setStyleSheet("background: rgb(255, 0, 0);")
    overlay.setAutoFillBackground(True)
    overlay.setGeometry(10, 10, 40, 30)
    overlay.show()
    paints = []
    figure.scene().sigPrepareForPaint.connect(lambda: paints.append(1))
    capture = Capture(encode.open_writer(tmp_path / "kept.mp4", 10), 10, lambda: figure)
    assert figure.frame is not None
    qtbot.wait(50)
    painted = len(paints)
    qtbot.waitUntil(lambda: capture.frames >= 4, timeout=5000)
    assert len(paints) == painted  # nothing changed: the kept frame served every tick
    frame, grabbed = capture._last[1], grab_rgb(figure)
    assert frame.shape == grabbed.shape
    red = (frame[..., 0] == 255) & (frame[..., 1] == 0) & (frame[..., 2] == 0)
    assert red.sum() >= 40 * 30  # the overlay is in the frame
    # the same picture: a grab with a child widget smooths text's edges in grey instead
    differ = np.abs(frame.astype(int) - grabbed).max(axis=2) > 0
    assert differ.mean() < 0.02
    closed = []
    capture.sigClosed.connect(closed.append)
    capture.stop()
    qtbot.waitUntil(lambda: bool(closed), timeout=30000)
    assert figure.frame is None  # painting the screen directly again
    frames, _ = read_back(tmp_path / "kept.mp4")
    assert len(frames) >= 4


def press_ctrl_r(qtbot, window) -> None:
    """Ctrl+R to the active window (a shortcut reaches the active window only)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)


def enter_presenter_mode(qtbot, window) -> None:
    """F5, as a lecturer presses it, then until the figure has its full-screen size."""
    panel = window.current_panel()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(panel.figure, Qt.Key.Key_F5)
    assert window.presenter.active and window.menuBar().isHidden()
    size = None
    for _ in range(50):  # the layout and fonts settle (10 s at most)
        qtbot.wait(200)
        if panel.figure.size() == size and not panel.busy():
            break
        size = panel.figure.size()


def mcmc_recording(demo_window, qtbot, monkeypatch, path):
    """The MCMC demo's window, its panel and recorder, File > Record answered with ``path``."""
    window = demo_window("mcmc")
    panel = window.current_panel()
    qtbot.waitUntil(lambda: not panel.busy(), timeout=60000)
    monkeypatch.setattr(live.QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    return window, panel, window.recorder


def test_ctrl_r_starts_and_stops_in_presenter_mode_with_a_floating_indicator(
    demo_window, qtbot, tmp_path, monkeypatch
):
    """Presenter mode hides the menu bar (File > Record's shortcut with it, once) and the
    status bar (the indicator's place): Ctrl+R works, and the indicator floats over the
    central area's corner while the status bar is hidden."""
    window, panel, recorder = mcmc_recording(
        demo_window, qtbot, monkeypatch, path := tmp_path / "presenting.mp4"
    )
    enter_presenter_mode(qtbot, window)
    assert window.statusBar().isHidden()
    press_ctrl_r(qtbot, window)
    assert recorder.recording
    badge = recorder.badge
    assert badge.isVisible() and badge.text().startswith("● REC")
    assert not recorder.indicator.isVisible()
    area = window.centralWidget().rect()  # in its top-right corner, over the figure
    assert area.contains(badge.geometry()) and badge.x() > area.width() / 2 and badge.y() < 20
    assert (
        window.childAt(badge.mapTo(window, badge.rect().center())) is not badge
    )  # clicks go through
    qtbot.wait(500)
    press_ctrl_r(qtbot, window)
    assert not recorder.recording
    qtbot.waitUntil(lambda: recorder.capture is None, timeout=60000)
    assert not badge.isVisible()
    frames, _ = read_back(path)
    w, h = panel.figure.width(), panel.figure.height()
    assert len(frames) >= 3
    assert {f.shape for f in frames} == {(h - h % 2, w - w % 2, 3)}
    window.presenter.leave()  # the status bar back: a recording shows its indicator there
    assert recorder.start(tmp_path / "after.mp4")
    assert recorder.indicator.isVisible() and not badge.isVisible()
    window.presenter.enter()  # and floats when presenter mode hides the bar mid-recording
    assert badge.isVisible()
    recorder.stop()
    qtbot.waitUntil(lambda: recorder.capture is None, timeout=60000)
    assert not badge.isVisible()


def test_entering_presenter_mode_while_recording_scales_the_figure_not_crops_it(
    demo_window, qtbot, tmp_path, monkeypatch
):
    """The first frame's size is the video's: the full-screen figure after F5 is scaled to
    fit it whole (letterboxed), not cut to its top-left corner."""
    from PySide6.QtCore import QSize

    from prmlab.gui.recording.grab import image_rgb

    window, panel, recorder = mcmc_recording(
        demo_window, qtbot, monkeypatch, path := tmp_path / "f5.mp4"
    )
    press_ctrl_r(qtbot, window)
    assert recorder.recording
    w, h = panel.figure.width(), panel.figure.height()
    w, h = w - w % 2, h - h % 2
    qtbot.wait(300)
    enter_presenter_mode(qtbot, window)
    full = panel.figure.size()
    assert full.width() > w + 100  # the figure grew: it would have been cropped
    grabbed = panel.figure.grab().toImage()
    qtbot.wait(300)  # frames of the settled full-screen figure
    press_ctrl_r(qtbot, window)
    assert not recorder.recording
    qtbot.waitUntil(lambda: recorder.capture is None, timeout=60000)
    frames, _ = read_back(path)
    assert len(frames) >= 6
    assert {f.shape for f in frames} == {(h, w, 3)}
    # the whole figure, scaled: what a grab scaled to fit the video's size shows
    scaled = image_rgb(
        grabbed.scaled(
            QSize(w, h),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    )
    sh, sw = scaled.shape[:2]
    top, left = (h - sh) // 2, (w - sw) // 2
    assert sw == w or sh == h  # it fills the video's width or its height
    last = frames[-1].astype(int)
    shown = last[top : top + sh, left : left + sw]
    assert np.abs(shown - scaled).mean() < 6
    right = slice(sw * 3 // 4, sw)  # the figure's right part is there, not white padding
    assert shown[:, right].std() > 5
    assert np.abs(shown[:, right] - scaled[:, right]).mean() < 6


def test_a_frame_of_another_size_is_scaled_whole_and_letterboxed():
    size = (100, 200)
    wide = np.zeros((300, 1200, 3), dtype=np.uint8)  # black, a red right quarter
    wide[:, 900:] = (255, 0, 0)
    fitted = encode.fit_frame(wide, size)
    assert fitted.shape == (100, 200, 3)
    assert (fitted[:25] == 255).all() and (fitted[75:] == 255).all()  # white bands
    band = fitted[25:75]  # the picture: 200 x 50, its right quarter red
    assert (band[:, :148] == 0).all() and (band[:, 152:] == (255, 0, 0)).all()
    grey = np.full((50, 50, 3), 40, dtype=np.uint8)  # bands of the frame's background
    assert (encode.fit_frame(grey, size) == 40).all()
    odd = np.arange(101 * 201 * 3, dtype=np.uint8).reshape(101, 201, 3)
    assert np.array_equal(encode.fit_frame(odd, size), odd[:100, :200])  # a pixel: cropped
