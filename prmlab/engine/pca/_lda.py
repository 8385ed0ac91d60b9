"""Fisher's linear discriminant: the projection with small within-class and large
between-class spread.

PRML §4.1.4 (two classes): ``J(w) = w^T S_b w / w^T S_w w`` with
``S_b = (m_1 - m_2)(m_1 - m_2)^T``, ``S_w = S_1 + S_2``; closed form ``w ∝ S_w^-1 (m_1 - m_2)``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.linalg

from prmlab.engine._validation import check_array, check_features, check_fitted, check_labels
from prmlab.engine.pca._pca import centred_scatter, flip_signs

# S_w is judged on its equilibrated form D^-1 S_w D^-1 (D = each feature's own spread), so
# units do not matter: breast cancer mixes areas ~1e5 with smoothness ~0.1 and its raw S_w has
# a condition number ~3e11 while being perfectly invertible. Below this relative eigenvalue it
# counts as singular (some direction has no spread inside any class).
_SINGULAR = 1e-12
# Only then is a ridge added, relative to each feature's own spread (D^2), so the direction
# still scales with the features (x_j -> c x_j gives w_j -> w_j / c) and favours the
# direction without within-class spread, which separates the classes perfectly.
_RIDGE = 1e-10


class SingularScatterWarning(RuntimeWarning):
    """The within-class scatter S_w is singular; a tiny ridge was added to invert it."""


def _feature_scales(S_w: np.ndarray, S_b: np.ndarray) -> np.ndarray:
    """Each feature's spread ``sqrt(S_t[j, j])`` over all the data (``S_t = S_w + S_b``);
    1 for a feature that is constant everywhere (it plays no part in any direction)."""
    total = np.diag(S_w) + np.diag(S_b)
    return np.sqrt(np.where(total > 0.0, total, 1.0))


class FisherLDA:
    """Fisher's linear discriminant for two or more classes.

    Attributes (after ``fit``)
    --------------------------
    classes_ : (n_classes,) the sorted labels.  means_ : (n_classes, n_features).
    counts_ : (n_classes,).  mean_ : (n_features,) the overall mean.
    within_scatter_ : (n_features, n_features), ``S_w = sum_c S_c`` with
        ``S_c = sum_{x in c} (x - m_c)(x - m_c)^T`` (Duda & Hart's scatter matrices; with equal
        class sizes this is proportional to the sum of class covariances).
    between_scatter_ : (n_features, n_features), ``S_b = sum_c N_c (m_c - m)(m_c - m)^T``;
        for two classes ``(N_0 N_1 / N) (m_1 - m_0)(m_1 - m_0)^T``: PRML §4.1.4's two-class ``S_B`` scaled by
        ``N_0 N_1 / N`` (and so is ``criteria_``; ``prmlab.lab.pca.between_scale``).
    direction_ : (n_features,), unit vector; for two classes ``∝ S_w^-1 (m_1 - m_0)`` pointing
        from class ``classes_[0]`` to ``classes_[1]``.
    components_ : (min(n_classes - 1, n_features), n_features), the discriminant directions
        (unit rows), solutions of ``S_b w = J S_w w`` by decreasing ``J``.
    criteria_ : (len(components_),), Fisher's ``J(w)`` of each component.
    """

    def fit(self, X: Any, y: Any) -> FisherLDA:
        """Fit on ``X`` (n_samples, n_features) with labels ``y`` (n_samples,); returns self."""
        X = check_array(X, "X", min_rows=2)
        y = check_labels(y, X.shape[0])
        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"y must contain at least 2 classes for Fisher's discriminant, got "
                f"{len(classes)} ({classes.tolist()!r}); label some points with another class"
            )
        d = X.shape[1]
        means = np.empty((len(classes), d))
        S_w = np.zeros((d, d))
        for c in range(len(classes)):
            means[c], S_c = centred_scatter(np.ascontiguousarray(X[codes == c]))
            S_w += S_c
        counts = np.bincount(codes, minlength=len(classes)).astype(float)
        mean = counts @ means / counts.sum()
        diff = means - mean
        S_b = (diff * counts[:, None]).T @ diff

        # Solve in equilibrated coordinates u = D w: the same exact solution, better conditioned.
        scale = _feature_scales(S_w, S_b)
        C_w = S_w / np.outer(scale, scale)
        lam = scipy.linalg.eigvalsh(C_w)
        if lam[0] <= _SINGULAR * max(lam[-1], 0.0):
            warnings.warn(
                "the within-class scatter S_w is singular (some direction has no spread inside "
                f"any class); a ridge of {_RIDGE:g} times each feature's own scatter was added, "
                "so the direction favours that one",
                SingularScatterWarning,
                stacklevel=2,
            )
            C_w = C_w + _RIDGE * np.eye(d)
        if len(classes) == 2:
            u = scipy.linalg.solve(C_w, (means[1] - means[0]) / scale, assume_a="pos")
            w = u / scale
            norm = np.linalg.norm(w)
            if norm == 0.0:
                raise ValueError(
                    "the two class means coincide, so no direction separates them "
                    "(m_1 - m_0 = 0); Fisher's discriminant needs classes with different means"
                )
            components = (w / norm)[None, :]
        else:
            _, vectors = scipy.linalg.eigh(S_b / np.outer(scale, scale), C_w)
            k = min(len(classes) - 1, d)
            components = (vectors[:, ::-1][:, :k] / scale[:, None]).T
            components = flip_signs(components / np.linalg.norm(components, axis=1)[:, None])
        self.classes_ = classes
        self.means_ = means
        self.counts_ = counts
        self.mean_ = mean
        self.within_scatter_ = S_w
        self.between_scatter_ = S_b
        self.components_ = np.ascontiguousarray(components)
        self.direction_ = self.components_[0].copy()
        self.criteria_ = np.array([self.criterion(w) for w in self.components_])
        return self

    def criterion(self, w: Any) -> float:
        """Fisher's ``J(w) = w^T S_b w / w^T S_w w`` for a direction ``w`` (n_features,);
        ``inf`` when ``w`` has no within-class spread but some between-class spread."""
        check_fitted(self, "components_")
        w = check_array(w, "w", ndim=1)
        if w.shape[0] != self.mean_.shape[0]:
            raise ValueError(f"w must have {self.mean_.shape[0]} entries, got {w.shape[0]}")
        between, within = float(w @ self.between_scatter_ @ w), float(w @ self.within_scatter_ @ w)
        if within <= 0.0:
            return float("inf") if between > 0.0 else 0.0
        return between / within

    def transform(self, X: Any) -> np.ndarray:
        """Projections ``(X - mean_) components_^T`` (n_samples, len(components_))."""
        check_fitted(self, "components_")
        return (check_features(X, self.mean_.shape[0]) - self.mean_) @ self.components_.T
