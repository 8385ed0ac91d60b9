"""HMM models with Baum-Welch: ``CategoricalHMM`` (discrete symbols) and ``GaussianHMM``.

PRML §13.2: λ = (π, A, B); learning (Baum-Welch) maximises
Σ_I log p(O, I | λ) p(O, I | λ^t), whose M-step is counting:
π_i ∝ Σ_seq γ_1(i), a_ij ∝ Σ_t ξ_t(i, j), b_i(k) ∝ Σ_{t: o_t = k} γ_t(i)
(Gaussian: γ-weighted means and covariances).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import solve_triangular

from prmlab.engine._validation import (
    as_real_array,
    check_array,
    check_option,
    check_random_state,
    check_scalar,
)
from prmlab.engine.hmm import _core, _kernels

EMPTY = 1e-12  # expected count below which a state counts as never visited


@dataclass(frozen=True)
class BaumWelchStep:
    """One Baum-Welch iteration: λ after the M-step and the log-likelihood before it.

    ``log_likelihood`` is log p(O | λ_old) summed over sequences; ``history`` holds it for
    every iteration so far. Categorical models fill ``emissionprob`` (N, M); Gaussian
    ones ``means`` (N, d) and ``covars``.
    """

    iteration: int
    log_likelihood: float
    history: np.ndarray
    startprob: np.ndarray
    transmat: np.ndarray
    emissionprob: np.ndarray | None
    means: np.ndarray | None
    covars: np.ndarray | None
    converged: bool
    progress: float


def _as_sequences(sequences: Any) -> list[Any]:
    """A single array (or a list of scalars) is one sequence; a list of arrays is several."""
    if isinstance(sequences, np.ndarray):
        return [sequences]
    if isinstance(sequences, (list, tuple)):
        if len(sequences) == 0:
            raise ValueError("sequences is empty; pass at least one observation sequence")
        if all(np.isscalar(s) for s in sequences):
            return [sequences]
        return list(sequences)
    raise ValueError(
        f"sequences must be an array or a list of arrays, got {type(sequences).__name__}"
    )


class _BaseHMM:
    """Shared Baum-Welch loop, decoding and sampling; subclasses own the emission model."""

    _emission_params = ""  # letters of the emission parameters in init_params / params

    def __init__(
        self,
        n_states: int,
        n_iter: int,
        tol: float,
        random_state: Any,
        init_params: str,
        params: str,
    ) -> None:
        self.n_states = n_states
        self.n_iter = n_iter
        self.tol = tol
        self.random_state = random_state
        self.init_params = init_params
        self.params = params

    # --- subclass hooks -------------------------------------------------------------
    def _check_observations(self, X: Any, name: str) -> np.ndarray:
        raise NotImplementedError

    def _init_emission(self, X: np.ndarray, rng: np.random.Generator) -> None:
        raise NotImplementedError

    def _check_emission(self) -> None:
        raise NotImplementedError

    def _log_emission(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _scaled_emission(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(E (T, N), shift (T,))`` with b_j(o_t) = E[t, j] exp(shift[t]), max_j E[t, j] = 1."""
        return _kernels.scale_emission(self._log_emission(X))

    def _m_step_emission(self, X: np.ndarray, gamma: np.ndarray) -> list[int]:
        raise NotImplementedError

    def _sample_emission(self, states: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def _emission_snapshot(self) -> dict[str, np.ndarray | None]:
        raise NotImplementedError

    # --- checks -----------------------------------------------------------------------
    def _check_hyper(self) -> None:
        check_scalar(self.n_states, "n_states", integer=True, ge=1)
        check_scalar(self.n_iter, "n_iter", integer=True, ge=1)
        check_scalar(self.tol, "tol", ge=0)
        letters = "st" + self._emission_params
        for name in ("init_params", "params"):
            value = getattr(self, name)
            if not isinstance(value, str) or set(value) - set(letters):
                raise ValueError(
                    f"{name} must be a string of the letters {letters!r} "
                    f"(s: startprob, t: transmat, {self._emission_help}), got {value!r}"
                )

    def _check_sequences(self, sequences: Any) -> list[np.ndarray]:
        seqs = _as_sequences(sequences)
        name = "X" if len(seqs) == 1 else "sequences[{}]"
        return [self._check_observations(x, name.format(k)) for k, x in enumerate(seqs)]

    def _model(self) -> tuple[np.ndarray, np.ndarray]:
        """Validated π and A; the emission parameters are checked too."""
        missing = [a for a in ("startprob_", "transmat_") if getattr(self, a, None) is None]
        if missing:
            raise ValueError(
                f"{type(self).__name__} has no {', '.join(missing)}: call fit() first or set "
                "startprob_, transmat_ and the emission parameters"
            )
        pi, A = _core.check_model(self.startprob_, self.transmat_)
        if pi.shape[0] != self.n_states:
            raise ValueError(f"startprob_ has {pi.shape[0]} states but n_states is {self.n_states}")
        self._check_emission()
        return pi, A

    # --- inference ------------------------------------------------------------------
    def log_emission(self, X: Any) -> np.ndarray:
        """log b_i(o_t) for one sequence, shape (T, n_states)."""
        self._model()
        return self._log_emission(self._check_observations(X, "X"))

    def _logs(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pi, A = self._model()
        lB = self._log_emission(self._check_observations(X, "X"))
        with np.errstate(divide="ignore"):
            return np.log(pi), np.log(A), lB

    def decode(self, X: Any) -> tuple[np.ndarray, float]:
        """Viterbi on one sequence: (path (T,) int64, log p(O, I* | λ)). See ``viterbi``."""
        return _core.viterbi(*self._logs(X))

    def predict(self, X: Any) -> np.ndarray:
        """The Viterbi path of one sequence, shape (T,)."""
        return self.decode(X)[0]

    def _posterior(self, X: np.ndarray, pi: np.ndarray, A: np.ndarray, with_xi: bool):
        """γ, Σ_t ξ_t (with ``with_xi``) and log p(O | λ) of the checked sequence ``X``."""
        mode = _kernels.BAUM_WELCH if with_xi else _kernels.POSTERIOR
        gamma, _, xi, ll, stop = _kernels.scaled_forward_backward_kernel(
            pi, A, np.ascontiguousarray(A.T), *self._scaled_emission(X), mode
        )
        if stop < X.shape[0]:
            raise ValueError(_core.impossible_message(int(stop)))
        return gamma, xi, float(ll)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Posteriors γ_t(i) = p(i_t = q_i | O, λ) of one sequence, shape (T, n_states).

        Raises ``ValueError`` when the sequence is impossible (p(O | λ) = 0).
        """
        pi, A = self._model()
        return self._posterior(self._check_observations(X, "X"), pi, A, False)[0]

    def score_samples(self, X: Any) -> tuple[float, np.ndarray]:
        """``(log p(O | λ), γ)`` of one sequence from one forward-backward pass, γ (T, n_states)
        the posteriors (hmmlearn's ``score_samples``).

        Raises ``ValueError`` when the sequence is impossible (p(O | λ) = 0).
        """
        pi, A = self._model()
        gamma, _, ll = self._posterior(self._check_observations(X, "X"), pi, A, False)
        return ll, gamma

    def score(self, X: Any) -> float:
        """log p(O | λ) of one sequence, or the sum over a list of sequences.

        An impossible sequence gives -inf with an ``ImpossibleSequenceWarning``.
        """
        pi, A = self._model()
        AT = np.ascontiguousarray(A.T)
        total = 0.0
        for k, x in enumerate(self._check_sequences(X)):
            _, _, _, ll, stop = _kernels.scaled_forward_backward_kernel(
                pi, A, AT, *self._scaled_emission(x), _kernels.POSTERIOR
            )
            if stop < x.shape[0]:
                warnings.warn(
                    f"sequence {k}: {_core.impossible_message(int(stop))}",
                    _core.ImpossibleSequenceWarning,
                    stacklevel=2,
                )
                return -np.inf
            total += ll
        return float(total)

    def sample(self, n_samples: int, random_state: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Draw (observations, hidden states) of length ``n_samples`` from the model."""
        n = check_scalar(n_samples, "n_samples", integer=True, ge=1)
        pi, A = self._model()
        rng = check_random_state(random_state if random_state is not None else self.random_state)
        states = _kernels.sample_chain(np.cumsum(pi), np.cumsum(A, axis=1), rng.random(n))
        return self._sample_emission(states, rng), states

    # --- Baum-Welch -----------------------------------------------------------------
    def _initialize(self, X: np.ndarray, rng: np.random.Generator) -> None:
        n = self.n_states
        if "s" in self.init_params:
            self.startprob_ = np.full(n, 1.0 / n)
        if "t" in self.init_params:
            # random rows leaning on the diagonal: persistent states, symmetry broken
            self.transmat_ = 0.5 * np.eye(n) + 0.5 * rng.dirichlet(np.ones(n), size=n)
        self._init_emission(X, rng)
        self._model()

    def iter_fit(self, sequences: Any) -> Iterator[BaumWelchStep]:
        """Baum-Welch on one sequence or a list of them, one ``BaumWelchStep`` per iteration.

        Parameters whose letter is in ``init_params`` are initialised from
        ``random_state``; the others start from their current values. Only the letters in
        ``params`` are updated; zero probabilities stay zero. When the generator finishes
        the model is fitted (``loglik_history_``, ``n_iter_``, ``converged_``).
        Non-convergence is a ``RuntimeWarning``; states no data visits keep their rows
        (a ``RuntimeWarning`` names them).
        """
        self._check_hyper()
        seqs = self._check_sequences(sequences)
        X_all = np.concatenate(seqs)
        rng = check_random_state(self.random_state)
        self._initialize(X_all, rng)
        history: list[float] = []
        unvisited: set[int] = set()
        self.converged_ = False
        for it in range(self.n_iter):
            pi, A = self._model()
            start = np.zeros(self.n_states)
            trans = np.zeros((self.n_states, self.n_states))
            gammas = []
            ll = 0.0
            for k, x in enumerate(seqs):
                try:
                    gamma, xi, ll_k = self._posterior(x, pi, A, True)
                except ValueError as e:
                    raise ValueError(f"Baum-Welch on sequence {k}: {e}") from None
                start += gamma[0]
                trans += xi
                gammas.append(gamma)
                ll += ll_k
            history.append(ll)
            self.converged_ = it > 0 and history[-1] - history[-2] < self.tol
            unvisited.update(self._m_step(start, trans, X_all, np.concatenate(gammas)))
            self.loglik_history_ = np.array(history)
            self.n_iter_ = it + 1
            done = self.converged_ or it == self.n_iter - 1
            yield BaumWelchStep(
                iteration=it + 1,
                log_likelihood=ll,
                history=self.loglik_history_.copy(),
                startprob=self.startprob_.copy(),
                transmat=self.transmat_.copy(),
                converged=self.converged_,
                progress=1.0 if done else (it + 1) / self.n_iter,
                **self._emission_snapshot(),
            )
            if self.converged_:
                break
        if unvisited:
            warnings.warn(
                f"state(s) {sorted(unvisited)} had no expected visits in the data; their "
                "rows keep their previous values (still summing to 1). Use fewer states "
                "or more data",
                RuntimeWarning,
                stacklevel=2,
            )
        if not self.converged_:
            warnings.warn(
                f"Baum-Welch did not converge in n_iter={self.n_iter} iterations (last gain "
                f"{history[-1] - history[-2] if len(history) > 1 else float('nan'):.3g} > "
                f"tol={self.tol}); raise n_iter or tol",
                RuntimeWarning,
                stacklevel=2,
            )

    def fit(self, sequences: Any) -> _BaseHMM:
        """Baum-Welch to convergence (``tol`` on the log-likelihood gain); returns self."""
        for _ in self.iter_fit(sequences):
            pass
        return self

    def _m_step(self, start, trans, X, gamma) -> list[int]:
        """Normalise the expected counts; rows without counts keep their old values."""
        unvisited: list[int] = []
        if "s" in self.params:
            self.startprob_ = start / start.sum()
        if "t" in self.params:
            self.transmat_ = _normalise_rows(trans, self.transmat_, unvisited)
        unvisited += self._m_step_emission(X, gamma)
        return unvisited


def _normalise_rows(counts: np.ndarray, old: np.ndarray, unvisited: list[int]) -> np.ndarray:
    totals = counts.sum(axis=1)
    empty = totals < EMPTY
    unvisited.extend(int(i) for i in np.flatnonzero(empty))
    out = counts / np.where(empty, 1.0, totals)[:, None]
    out[empty] = old[empty]
    return out


class CategoricalHMM(_BaseHMM):
    """HMM with discrete observations o_t ∈ {0, ..., n_symbols - 1}.

    Fitted attributes: ``startprob_`` (N,), ``transmat_`` (N, N), ``emissionprob_``
    (N, n_symbols) with b_i(k) = ``emissionprob_[i, k]``, ``loglik_history_``
    (never decreasing), ``n_iter_``, ``converged_``. Letters for ``init_params`` and
    ``params``: s (startprob), t (transmat), e (emissionprob).
    """

    _emission_params = "e"
    _emission_help = "e: emissionprob"

    def __init__(
        self,
        n_states: int,
        n_symbols: int,
        n_iter: int = 100,
        tol: float = 1e-4,
        random_state: Any = None,
        init_params: str = "ste",
        params: str = "ste",
    ) -> None:
        super().__init__(n_states, n_iter, tol, random_state, init_params, params)
        self.n_symbols = n_symbols

    def _check_hyper(self) -> None:
        super()._check_hyper()
        check_scalar(self.n_symbols, "n_symbols", integer=True, ge=1)

    def _check_observations(self, X: Any, name: str) -> np.ndarray:
        arr = as_real_array(X, name)
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]
        arr = check_array(arr, name, ndim=1)
        ints = np.rint(arr)
        if (ints != arr).any():
            t = int(np.flatnonzero(ints != arr)[0])
            raise ValueError(
                f"{name} holds symbols, which must be integers; got {arr[t]!r} at t={t}"
            )
        bad = (ints < 0) | (ints >= self.n_symbols)
        if bad.any():
            t = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{name} contains symbol {int(ints[t])} at t={t}; symbols must be in "
                f"[0, n_symbols) = [0, {self.n_symbols}); raise n_symbols or recode the data"
            )
        return ints.astype(np.int64)

    def _init_emission(self, X: np.ndarray, rng: np.random.Generator) -> None:
        if "e" in self.init_params:
            self.emissionprob_ = rng.dirichlet(np.ones(self.n_symbols), size=self.n_states)

    def _check_emission(self) -> None:
        if getattr(self, "emissionprob_", None) is None:
            raise ValueError("CategoricalHMM has no emissionprob_: call fit() or set it")
        _core._check_probabilities(
            self.emissionprob_,
            "emissionprob_",
            2,
            (self.n_states, self.n_symbols),
            " = (n_states, n_symbols)",
        )

    def _log_emission(self, X: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            logB = np.log(np.asarray(self.emissionprob_, dtype=np.float64))
        return np.ascontiguousarray(logB.T[X])

    def _scaled_emission(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # One row per symbol, scaled once: no log and exp per time step and state.
        B = np.asarray(self.emissionprob_, dtype=np.float64)
        top = B.max(axis=0)  # (n_symbols,); 0 for a symbol no state emits
        with np.errstate(divide="ignore", invalid="ignore"):
            table = np.where(top > 0.0, B / top, 0.0).T
            shift = np.log(top)
        return np.ascontiguousarray(table[X]), shift[X]

    def _m_step_emission(self, X: np.ndarray, gamma: np.ndarray) -> list[int]:
        if "e" not in self.params:
            return []
        counts = np.stack(
            [
                np.bincount(X, weights=gamma[:, i], minlength=self.n_symbols)
                for i in range(self.n_states)
            ]
        )
        unvisited: list[int] = []
        self.emissionprob_ = _normalise_rows(counts, np.asarray(self.emissionprob_), unvisited)
        return unvisited

    def _sample_emission(self, states: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        cum = np.cumsum(np.asarray(self.emissionprob_, dtype=np.float64), axis=1)
        return _kernels.sample_rows(cum, states, rng.random(states.shape[0]))

    def _emission_snapshot(self) -> dict[str, np.ndarray | None]:
        return {"emissionprob": self.emissionprob_.copy(), "means": None, "covars": None}


class GaussianHMM(_BaseHMM):
    """HMM with Gaussian observations o_t ∈ R^d: b_i(o) = N(o; μ_i, Σ_i).

    ``covariance_type`` "full" gives ``covars_`` (N, d, d); "diag" gives (N, d) variances.
    ``min_covar`` is added to the diagonal in each M-step, so no state collapses onto one
    point. A 1-D sequence of shape (T,) is read as (T, 1). Fitted attributes:
    ``startprob_``, ``transmat_``, ``means_`` (N, d), ``covars_``, ``loglik_history_``,
    ``n_iter_``, ``converged_``. Letters: s, t, m (means), c (covars).
    """

    _emission_params = "mc"
    _emission_help = "m: means, c: covars"

    def __init__(
        self,
        n_states: int,
        n_iter: int = 100,
        tol: float = 1e-4,
        random_state: Any = None,
        covariance_type: str = "full",
        min_covar: float = 1e-3,
        init_params: str = "stmc",
        params: str = "stmc",
    ) -> None:
        super().__init__(n_states, n_iter, tol, random_state, init_params, params)
        self.covariance_type = covariance_type
        self.min_covar = min_covar

    def _check_hyper(self) -> None:
        super()._check_hyper()
        check_option(self.covariance_type, "covariance_type", ("full", "diag"))
        check_scalar(self.min_covar, "min_covar", ge=0)

    def _check_observations(self, X: Any, name: str) -> np.ndarray:
        arr = check_array(X, name, ndim=(1, 2))
        return np.ascontiguousarray(arr.reshape(arr.shape[0], -1))

    def _init_emission(self, X: np.ndarray, rng: np.random.Generator) -> None:
        d = X.shape[1]
        if "m" in self.init_params:
            self.means_ = _kmeans(X, self.n_states, rng)
        if "c" in self.init_params:
            cov = np.atleast_2d(np.cov(X.T)) if X.shape[0] > 1 else np.eye(d)
            cov = cov + self.min_covar * np.eye(d)
            if self.covariance_type == "full":
                self.covars_ = np.repeat(cov[None], self.n_states, axis=0)
            else:
                self.covars_ = np.repeat(np.diag(cov)[None], self.n_states, axis=0)

    def _check_emission(self) -> None:
        for a in ("means_", "covars_"):
            if getattr(self, a, None) is None:
                raise ValueError(f"GaussianHMM has no {a}: call fit() or set it")
        means = check_array(self.means_, "means_", ndim=2)
        n, d = self.n_states, means.shape[1]
        if means.shape[0] != n:
            raise ValueError(f"means_ must have shape (n_states, d) = ({n}, d), got {means.shape}")
        full = self.covariance_type == "full"
        shape = (n, d, d) if full else (n, d)
        covars = check_array(self.covars_, "covars_", ndim=len(shape))
        if covars.shape != shape:
            raise ValueError(
                f"covars_ must have shape {shape} for covariance_type={self.covariance_type!r}"
                f", got {covars.shape}"
            )
        for i in range(n):
            ok = (
                np.allclose(covars[i], covars[i].T) and np.linalg.eigvalsh(covars[i])[0] > 0
                if full
                else (covars[i] > 0).all()
            )
            if not ok:
                raise ValueError(
                    f"covars_[{i}] must be "
                    + ("symmetric positive definite" if full else "positive (variances)")
                )

    def _log_emission(self, X: np.ndarray) -> np.ndarray:
        T, d = X.shape
        means = np.asarray(self.means_, dtype=np.float64)
        if means.shape[1] != d:
            raise ValueError(
                f"X has {d} feature(s) but the model's means_ have {means.shape[1]}; "
                "pass observations of the dimension the model was fitted on"
            )
        covars = np.asarray(self.covars_, dtype=np.float64)
        out = np.empty((T, self.n_states))
        for i in range(self.n_states):
            diff = X - means[i]
            if self.covariance_type == "full":
                L = np.linalg.cholesky(covars[i])
                z = solve_triangular(L, diff.T, lower=True)
                log_det = 2.0 * np.log(np.diag(L)).sum()
                maha = (z * z).sum(axis=0)
            else:
                log_det = np.log(covars[i]).sum()
                maha = (diff * diff / covars[i]).sum(axis=1)
            out[:, i] = -0.5 * (d * np.log(2 * np.pi) + log_det + maha)
        return out

    def _m_step_emission(self, X: np.ndarray, gamma: np.ndarray) -> list[int]:
        weight = gamma.sum(axis=0)
        empty = weight < EMPTY
        d = X.shape[1]
        if "m" in self.params:
            means = (gamma.T @ X) / np.where(empty, 1.0, weight)[:, None]
            self.means_ = np.where(empty[:, None], self.means_, means)
        if "c" in self.params:
            covars = np.array(self.covars_, dtype=np.float64)
            for i in np.flatnonzero(~empty):
                diff = X - self.means_[i]
                wd = diff * gamma[:, i : i + 1]
                if self.covariance_type == "full":
                    covars[i] = wd.T @ diff / weight[i] + self.min_covar * np.eye(d)
                    covars[i] = 0.5 * (covars[i] + covars[i].T)
                else:
                    covars[i] = (wd * diff).sum(axis=0) / weight[i] + self.min_covar
            self.covars_ = covars
        return [int(i) for i in np.flatnonzero(empty)]

    def _sample_emission(self, states: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        means = np.asarray(self.means_, dtype=np.float64)
        covars = np.asarray(self.covars_, dtype=np.float64)
        z = rng.standard_normal((states.shape[0], means.shape[1]))
        if self.covariance_type == "full":
            L = np.linalg.cholesky(covars)
            return means[states] + np.einsum("tij,tj->ti", L[states], z)
        return means[states] + np.sqrt(covars[states]) * z

    def _emission_snapshot(self) -> dict[str, np.ndarray | None]:
        return {"emissionprob": None, "means": self.means_.copy(), "covars": self.covars_.copy()}


def _kmeans(X: np.ndarray, k: int, rng: np.random.Generator, n_iter: int = 10) -> np.ndarray:
    """k-means++ seeding and a few Lloyd steps: distinct starting means for Baum-Welch."""
    centres = [X[rng.integers(X.shape[0])]]
    for _ in range(1, k):
        d2 = np.min([((X - c) ** 2).sum(axis=1) for c in centres], axis=0)
        total = d2.sum()
        idx = rng.choice(X.shape[0], p=d2 / total) if total > 0 else rng.integers(X.shape[0])
        centres.append(X[idx])
    C = np.array(centres, dtype=np.float64)
    for _ in range(n_iter):
        label = np.argmin(((X[:, None, :] - C[None]) ** 2).sum(axis=2), axis=1)
        for j in range(k):
            if (label == j).any():
                C[j] = X[label == j].mean(axis=0)
    return C
