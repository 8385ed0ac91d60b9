"""The EM/GMM panel's controls: data (preset, mouse mode, fitted features, view), model
(method, K, covariance, init, reg_covar, seed), EM stepping and the restarts/criteria runs.
``read`` turns them into State fields and ``show`` puts a State's fields back."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from prmlab.gui.widgets.data_controls import DataChoice, DataControls
from prmlab.gui.widgets.params import ValueSlider, group
from prmlab.gui.widgets.status import SteadyLabel
from prmlab.lab import gmm

INIT_LABELS = {"k-means++": "k-means++", "k-means": "kmeans", "random points": "random"}
METHOD_LABELS = ("GMM (EM)", "k-means")


class GmmControls:
    """The widgets, in four groups of ``column``; ``seed_box`` is the panel's."""

    def __init__(self, column: QWidget, seed_box: QWidget) -> None:
        self.data_form = data = group(column, "Data")
        self.preset_box = QComboBox()
        self.preset_box.addItems(gmm.PRESETS)
        data.addRow("Preset", self.preset_box)
        self.edit_mode_box = QComboBox()
        self.edit_mode_box.addItems(["Click / drag", "Spray brush", "Erase"])
        self.edit_mode_box.setToolTip(
            "Left click adds a point, drag moves one; spray paints a cloud; Ctrl+Z undoes"
        )
        data.addRow("Mouse", self.edit_mode_box)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        data.addRow(self.info_label)
        self.data_controls = DataControls(columns=True, title="Columns and view")
        self.data_controls.column_list.setToolTip("The columns EM / k-means fits in")
        column.addWidget(self.data_controls)

        model = group(column, "Model")
        self.mode_box = QComboBox()
        self.mode_box.addItems(METHOD_LABELS)
        model.addRow("Method", self.mode_box)
        self.k_box = QSpinBox()
        self.k_box.setRange(1, 8)
        self.k_box.setValue(2)
        model.addRow("K", self.k_box)
        self.cov_box = QComboBox()
        self.cov_box.addItems(list(gmm.COVARIANCE_TYPES))
        model.addRow("Covariance", self.cov_box)
        self.init_box = QComboBox()
        self.init_box.addItems(list(INIT_LABELS))
        self.init_box.setToolTip("Or drag a mean (✚) on the plot to start from there")
        model.addRow("Init", self.init_box)
        self.reg_slider = ValueSlider(1e-9, 1e-1, 1e-6, log=True, decimals=9)
        self.reg_slider.setToolTip("reg_covar: added to every covariance's diagonal")
        model.addRow("reg_covar", self.reg_slider)
        model.addRow("Seed", seed_box)

        self.steps_form = steps = group(column, "EM")
        row = QWidget()
        grid = QGridLayout(row)
        grid.setContentsMargins(0, 0, 0, 0)
        self.step_e_button = QPushButton("Step E")
        self.step_m_button = QPushButton("Step M")
        self.fit_button = QPushButton("Fit »")
        self.fit_button.setToolTip("Run to convergence")
        for i, b in enumerate((self.step_e_button, self.step_m_button, self.fit_button)):
            grid.addWidget(b, 0, i)
        steps.addRow(row)
        self.status_label = SteadyLabel(lines=2)  # changes every step: the buttons stay put

        more = group(column, "Local optima and model choice")
        self.runs_box = QSpinBox()
        self.runs_box.setRange(2, 200)
        self.runs_box.setValue(20)
        self.restarts_button = QPushButton("Run restarts")
        self.restarts_button.setToolTip(
            "N seeded fits; click a bar of the histogram to load the run it holds"
        )
        more.addRow("Restarts N", self.runs_box)
        more.addRow(self.restarts_button)
        self.kmax_box = QSpinBox()
        self.kmax_box.setRange(2, 10)
        self.kmax_box.setValue(6)
        self.criteria_button = QPushButton("BIC / AIC vs K")
        more.addRow("K up to", self.kmax_box)
        more.addRow(self.criteria_button)

    # -- State fields --------------------------------------------------------------------
    def read(self) -> dict[str, Any]:
        """The State fields these widgets decide (seed and data excepted)."""
        return {
            "method": gmm.METHODS[self.mode_box.currentIndex()],
            "k": int(self.k_box.value()),
            "covariance_type": self.cov_box.currentText(),
            "init": INIT_LABELS[self.init_box.currentText()],
            "reg_covar": float(self.reg_slider.value()),
            "n_runs": int(self.runs_box.value()),
            "k_max": int(self.kmax_box.value()),
        }

    def show(self, state: gmm.State) -> None:
        """Put ``state``'s fields into the widgets, no signal sent."""
        widgets = (
            self.preset_box,
            self.mode_box,
            self.k_box,
            self.cov_box,
            self.init_box,
            self.reg_slider,
            self.runs_box,
            self.kmax_box,
        )
        for w in widgets:
            w.blockSignals(True)
        if state.preset in gmm.PRESETS:
            self.preset_box.setCurrentText(state.preset)
        else:
            self.preset_box.setPlaceholderText(state.dataset_name or "Your data")
            self.preset_box.setCurrentIndex(-1)
        self.mode_box.setCurrentIndex(gmm.METHODS.index(state.method))
        self.k_box.setValue(state.k)
        self.cov_box.setCurrentText(state.covariance_type)
        self.init_box.setCurrentText({v: k for k, v in INIT_LABELS.items()}[state.init])
        self.reg_slider.setValue(state.reg_covar)
        self.runs_box.setValue(state.n_runs)
        self.kmax_box.setValue(state.k_max)
        for w in widgets:
            w.blockSignals(False)
        self.show_data(state)
        self.set_method(state.method == "kmeans")

    def show_data(self, state: gmm.State) -> None:
        """The data controls as ``state`` says, no signal sent."""
        name = state.dataset_name or "Points"
        self.data_controls.show_table(
            name, len(state.X), state.feature_names, choice=data_choice(state)
        )

    def set_method(self, kmeans: bool) -> None:
        self.cov_box.setEnabled(not kmeans)
        self.reg_slider.setEnabled(not kmeans)
        self.step_e_button.setText("Step E (assign)" if kmeans else "Step E")
        self.step_m_button.setText("Step M (means)" if kmeans else "Step M")

    def show_status(self, result: gmm.Result | None) -> None:
        """The step buttons that apply and the status line of ``result``."""
        self.step_e_button.setEnabled(result is not None and result.half != "E")
        self.step_m_button.setEnabled(result is not None and result.half == "E")
        if result is None:
            self.status_label.setText("")
            return
        what = {"init": "initialised", "E": "after the E step", "M": "after the M step"}
        text = f"Iteration {result.iteration}, {what[result.half]}"
        if len(result.history):
            # history[-1] is scored at the E step, i.e. with the parameters the E step used
            name = "log p(X|θ)/N at the E step's θ" if result.method == "gmm" else "inertia"
            text += f"; {name}: {result.history[-1]:.5g}"
        if result.half == "M" and result.converged:
            text += " — converged"
        self.status_label.setText(text)


def data_choice(state: gmm.State) -> DataChoice:
    """``state``'s columns and view as the data controls show them (x₁, x₂: table columns;
    the State counts ``x_feature``, ``y_feature`` among the fitted ones)."""
    fitted = state.fitted_columns
    last = len(fitted) - 1
    return DataChoice(
        columns=state.columns,
        view=state.view,
        x=fitted[min(state.x_feature, last)] if fitted else 0,
        y=fitted[min(state.y_feature, last)] if fitted else 0,
        standardise=state.standardise,
    )


def data_fields(choice: DataChoice, n_columns: int) -> dict:
    """The State fields of ``choice`` for a table of ``n_columns``; a column not fitted
    cannot be shown: the view falls back to the first fitted ones."""
    fitted = choice.columns or tuple(range(n_columns))
    x = fitted.index(choice.x) if choice.x in fitted else 0
    y = fitted.index(choice.y) if choice.y in fitted else min(1, len(fitted) - 1)
    return {
        "columns": choice.columns,
        "standardise": choice.standardise,
        "view": choice.view,
        "x_feature": x,
        "y_feature": y,
    }
