"""The tracking panel's controls: widgets bound to the fields of ``prmlab.lab.track.State``.

``read`` turns the widgets into State fields, ``show`` puts a State into the widgets without
signalling: the panel decides what a change does (recompute, or redraw only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from prmlab.engine import particle
from prmlab.gui.widgets.params import Param, ParamForm, SeedBox, group, side_by_side
from prmlab.lab import track as lab

MEASUREMENT_LABELS = ("Position (x, y)", "Range-bearing to 2 beacons")  # lab.MEASUREMENTS
MOTION_LABELS = ("Constant velocity", "Constant acceleration")  # lab.MOTIONS
CSV_ROLES = ("measurements", "the true path")
NOISE_PARAMS = (
    Param("sigma", "R: σ", 0.1, 30.0, log=True,
          tooltip="Measurement noise σ: R = σ² I for position measurements; in range-bearing "
          "mode σ is the range noise and the Kalman filter uses the converted positions' "
          "averaged R"),
    Param("bearing_deg", "Bearing σ (°)", 0.1, 20.0, log=True,
          tooltip="Bearing noise σ in degrees (range-bearing model)"),
)  # fmt: skip
FILTER_PARAMS = (
    Param("q", "Q: q", 1e-4, 10.0, log=True,
          tooltip="Process noise density q: how much the model may be wrong"),
    Param("n_particles", "Particles", 50, 50_000, log=True, integer=True,
          tooltip="Particles of the particle filter"),
)  # fmt: skip
ESS_PARAMS = (
    Param("ess_threshold", "ESS threshold", 0.0, 1.0,
          tooltip="Resample when ESS < threshold × N (0 never, 1 always)"),
)  # fmt: skip


class WidestTextLabel(QLabel):
    """A label as wide as its widest text (``widest``) in its font of the moment: a growing
    "t = 10 / 99 ▼" moved the widgets beside it, and a width fixed once kept the old font's
    after presenter mode grew the fonts (the label's start was cut off)."""

    widest = ""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        metrics = self.fontMetrics()
        width = metrics.horizontalAdvance(self.widest) + metrics.averageCharWidth()
        return QSize(max(hint.width(), width), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSizeHint().expandedTo(super().sizeHint())


class TrackControls:
    """The ground truth, measurement and filter groups, built into the panel's column."""

    def __init__(
        self,
        column: QVBoxLayout,
        seed_box: SeedBox,
        make_params: Callable[[QFormLayout, Sequence[Param]], ParamForm],
    ) -> None:
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
        # each change of a number is one undo step (a slider drag: one, at release)
        self.param_forms = [make_params(form, NOISE_PARAMS)]
        self.add_dropout_button = QPushButton("+ Add")
        self.add_dropout_button.setToolTip("Add a stretch without measurements; drag it")
        self.clear_dropouts_button = QPushButton("Clear")
        form.addRow("Dropouts", side_by_side(self.add_dropout_button, self.clear_dropouts_button))
        form.addRow("Seed", seed_box)

        form = group(column, "Filters")
        self.motion_box = QComboBox()
        self.motion_box.addItems(list(MOTION_LABELS))
        form.addRow("Motion", self.motion_box)
        self.param_forms.append(make_params(form, FILTER_PARAMS))
        self.resampler_box = QComboBox()
        self.resampler_box.addItems(list(particle.RESAMPLERS))
        form.addRow("Resampler", self.resampler_box)
        self.param_forms.append(make_params(form, ESS_PARAMS))
        sliders = {name: s for f in self.param_forms for name, s in f.sliders.items()}
        self.sigma_slider, self.bearing_slider = sliders["sigma"], sliders["bearing_deg"]
        self.particles_slider = sliders["n_particles"]
        self.show_ellipses = QCheckBox("ellipses")
        self.show_cloud = QCheckBox("particles")
        self.show_rts = QCheckBox("RTS")
        for box in self.view_boxes:
            box.setChecked(True)
        form.addRow(side_by_side(*self.view_boxes))

        self.time_label = WidestTextLabel("t = 0")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    @property
    def model_boxes(self) -> tuple:
        """The widgets whose change asks for a new run."""
        return (self.meas_box, self.motion_box, self.resampler_box)

    @property
    def view_boxes(self) -> tuple:
        """The widgets that only choose what the track plot draws."""
        return (self.show_ellipses, self.show_cloud, self.show_rts)

    def read(self) -> dict:
        """The State fields the widgets set (the path, dropouts, seed and t are the panel's)."""
        values = {
            "measurement": lab.MEASUREMENTS[self.meas_box.currentIndex()],
            "motion": lab.MOTIONS[self.motion_box.currentIndex()],
            "resampler": self.resampler_box.currentText(),
            "show_ellipses": self.show_ellipses.isChecked(),
            "show_particles": self.show_cloud.isChecked(),
            "show_rts": self.show_rts.isChecked(),
        }
        for form in self.param_forms:
            values.update(form.values())
        return values

    def show(self, state: lab.State) -> None:
        """Put ``state`` into the widgets, emitting nothing."""
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
        for form in self.param_forms:
            form.set_state(state)  # sets values without signalling
        self.bearing_slider.setEnabled(state.measurement == "range_bearing")
        self.source_label.setText(state.source)
        if state.n_steps and state.truth is not None:
            self.steps_box.blockSignals(True)
            self.steps_box.setValue(state.n_steps)
            self.steps_box.blockSignals(False)

    def show_time(self, t: int, n_steps: int, resampled: bool) -> None:
        """The time label: ``t = t / T-1``, ▼ when the particles were resampled at t."""
        self.time_label.widest = f"t = {n_steps - 1} / {n_steps - 1} ▼"
        self.time_label.updateGeometry()
        self.time_label.setText(f"t = {t} / {n_steps - 1}" + (" ▼" if resampled else ""))
        self.time_label.setToolTip(
            "▼: the particles were resampled at this step" if resampled else ""
        )
