"""The tracking panel's controls: widgets bound to the fields of ``prmlab.lab.track.State``.

``read`` turns the widgets into State fields, ``show`` puts a State into the widgets without
signalling: the panel decides what a change does (recompute, or redraw only).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from prmlab.engine import particle
from prmlab.gui.widgets.params import SeedBox, ValueSlider, group
from prmlab.lab import track as lab

MEASUREMENT_LABELS = ("Position (x, y)", "Range-bearing to 2 beacons")  # lab.MEASUREMENTS
MOTION_LABELS = ("Constant velocity", "Constant acceleration")  # lab.MOTIONS
CSV_ROLES = ("measurements", "the true path")


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        lay.addWidget(widget)
    return row


class TrackControls:
    """The ground truth, measurement and filter groups, built into the panel's column."""

    def __init__(self, column: QVBoxLayout, seed_box: SeedBox) -> None:
        form = group(column, "Ground truth")
        self.preset_box = QComboBox()
        self.preset_box.addItems(list(lab.PRESETS))
        form.addRow("Preset", self.preset_box)
        self.steps_box = QSpinBox()
        self.steps_box.setRange(lab.MIN_STEPS, lab.MAX_STEPS)
        self.steps_box.setValue(lab.DEFAULT_STEPS)
        self.steps_box.setToolTip("Time steps of a preset or a drawn path")
        form.addRow("Steps", self.steps_box)
        self.draw_check = QCheckBox("Draw the path with the mouse")
        self.draw_check.setChecked(True)
        self.draw_check.setToolTip("Left-drag on the track plot draws a new true path")
        form.addRow(self.draw_check)
        self.csv_role_box = QComboBox()
        self.csv_role_box.addItems(list(CSV_ROLES))
        self.csv_role_box.setToolTip(
            "A CSV track as measurements to filter, or as a true path to simulate noise on"
        )
        form.addRow("CSV track is", self.csv_role_box)
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        form.addRow(self.source_label)

        form = group(column, "Measurements")
        self.meas_box = QComboBox()
        self.meas_box.addItems(list(MEASUREMENT_LABELS))
        form.addRow("Model", self.meas_box)
        self.sigma_slider = ValueSlider(0.1, 30.0, 4.0, log=True, decimals=3)
        self.sigma_slider.setToolTip("Measurement noise σ (position, or range): R = σ² I")
        form.addRow("R: σ", self.sigma_slider)
        self.bearing_slider = ValueSlider(0.1, 20.0, 2.0, log=True, decimals=2)
        self.bearing_slider.setToolTip("Bearing noise σ in degrees (range-bearing model)")
        form.addRow("Bearing σ (°)", self.bearing_slider)
        self.add_dropout_button = QPushButton("+ Add")
        self.add_dropout_button.setToolTip("Add a stretch without measurements; drag it")
        self.clear_dropouts_button = QPushButton("Clear")
        form.addRow("Dropouts", _row(self.add_dropout_button, self.clear_dropouts_button))
        form.addRow("Seed", seed_box)

        form = group(column, "Filters")
        self.motion_box = QComboBox()
        self.motion_box.addItems(list(MOTION_LABELS))
        form.addRow("Motion", self.motion_box)
        self.q_slider = ValueSlider(1e-4, 10.0, 0.3, log=True, decimals=3)
        self.q_slider.setToolTip("Process noise density q: how much the model may be wrong")
        form.addRow("Q: q", self.q_slider)
        self.particles_slider = ValueSlider(50, 50_000, 2000, log=True, decimals=5)
        form.addRow("Particles", self.particles_slider)
        self.resampler_box = QComboBox()
        self.resampler_box.addItems(list(particle.RESAMPLERS))
        form.addRow("Resampler", self.resampler_box)
        self.ess_slider = ValueSlider(0.0, 1.0, 0.5, decimals=2)
        self.ess_slider.setToolTip("Resample when ESS < threshold × N (0 never, 1 always)")
        form.addRow("ESS threshold", self.ess_slider)
        self.show_ellipses = QCheckBox("ellipses")
        self.show_cloud = QCheckBox("particles")
        self.show_rts = QCheckBox("RTS")
        for box in self.view_boxes:
            box.setChecked(True)
        form.addRow(_row(*self.view_boxes))

        self.time_label = QLabel("t = 0")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    @property
    def model_boxes(self) -> tuple:
        """The widgets whose change asks for a new run."""
        return (self.meas_box, self.motion_box, self.resampler_box)

    @property
    def model_sliders(self) -> tuple:
        return (self.sigma_slider, self.bearing_slider, self.q_slider, self.particles_slider,
                self.ess_slider)  # fmt: skip

    @property
    def view_boxes(self) -> tuple:
        """The widgets that only choose what the track plot draws."""
        return (self.show_ellipses, self.show_cloud, self.show_rts)

    def read(self) -> dict:
        """The State fields the widgets set (the path, dropouts, seed and t are the panel's)."""
        return {
            "measurement": lab.MEASUREMENTS[self.meas_box.currentIndex()],
            "sigma": self.sigma_slider.value(),
            "bearing_deg": self.bearing_slider.value(),
            "motion": lab.MOTIONS[self.motion_box.currentIndex()],
            "q": self.q_slider.value(),
            "n_particles": int(round(self.particles_slider.value())),
            "resampler": self.resampler_box.currentText(),
            "ess_threshold": self.ess_slider.value(),
            "show_ellipses": self.show_ellipses.isChecked(),
            "show_particles": self.show_cloud.isChecked(),
            "show_rts": self.show_rts.isChecked(),
        }

    def show(self, state: lab.State) -> None:
        """Put ``state`` into the widgets, emitting nothing; sliders keep their value when it
        already is the State's (a slider rounds to its notches)."""
        values = self.read()
        for widget, setter, value in (
            (self.meas_box, self.meas_box.setCurrentIndex,
             lab.MEASUREMENTS.index(state.measurement)),
            (self.motion_box, self.motion_box.setCurrentIndex, lab.MOTIONS.index(state.motion)),
            (self.resampler_box, self.resampler_box.setCurrentText, state.resampler),
            (self.show_ellipses, self.show_ellipses.setChecked, state.show_ellipses),
            (self.show_cloud, self.show_cloud.setChecked, state.show_particles),
            (self.show_rts, self.show_rts.setChecked, state.show_rts),
        ):  # fmt: skip
            widget.blockSignals(True)
            setter(value)
            widget.blockSignals(False)
        for slider, name in zip(
            self.model_sliders, ("sigma", "bearing_deg", "q", "n_particles", "ess_threshold")
        ):
            if values[name] != getattr(state, name):
                slider.blockSignals(True)
                slider.setValue(getattr(state, name))
                slider.blockSignals(False)
        self.bearing_slider.setEnabled(state.measurement == "range_bearing")
        self.source_label.setText(state.source)
        if state.n_steps and state.truth is not None:
            self.steps_box.blockSignals(True)
            self.steps_box.setValue(state.n_steps)
            self.steps_box.blockSignals(False)

    def show_time(self, t: int, n_steps: int, resampled: bool) -> None:
        """The time label: ``t = t / T-1``, ▼ when the particles were resampled at t."""
        # as wide as its widest text: a growing "t = 10 / 99 ▼" moved the widgets beside it
        metrics = self.time_label.fontMetrics()
        widest = f"t = {n_steps - 1} / {n_steps - 1} ▼"
        self.time_label.setFixedWidth(
            metrics.horizontalAdvance(widest) + metrics.averageCharWidth()
        )
        self.time_label.setText(f"t = {t} / {n_steps - 1}" + (" ▼" if resampled else ""))
        self.time_label.setToolTip(
            "▼: the particles were resampled at this step" if resampled else ""
        )
