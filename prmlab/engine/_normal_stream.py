"""Fast standard normal draws inside kernels: xoshiro256++ bits and Marsaglia's ziggurat.

Numba's ``np.random.Generator.standard_normal`` costs ~10 ns a draw (measured; its uniforms
cost ~2.6 ns), which was a third of a particle-filter step. Here a draw is ~4 ns: the
generator (Blackman & Vigna's xoshiro256++) is inlined, and the ziggurat is NumPy's
(``distributions.c``: 256 layers; its tables rebuilt below from their definition, equal to
~1e-14).

A stream is a ``(4,)`` uint64 state array, advanced in place; ``seed_streams`` seeds streams
from a NumPy Generator, so a user's seed still reproduces a run.
"""

from __future__ import annotations

import math

import numpy as np
from numba import uint64

from prmlab.engine._jit import jit

ZIGGURAT_R = 3.6541528853610088  # right edge of the last layer; beyond it lies the tail
ZIGGURAT_INV_R = 1.0 / ZIGGURAT_R
_TO_UNIT = 1.0 / 9007199254740992.0  # 2^-53
_MANTISSA = 1 << 52


def _ziggurat_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NumPy's ``ki_double``, ``wi_double``, ``fi_double`` for f(x) = exp(-x^2/2).

    Layers of equal area ``v`` (the base layer includes the tail); ``x[i]`` rises with i to
    ``x[255] = r``: ``f(x[i]) = f(x[i+1]) + v / x[i+1]``. ``wi[i] = x[i] / 2^52`` (the base:
    ``v / f(r)``), ``ki[i] = 2^52 x[i-1] / x[i]`` (the base: ``2^52 r f(r) / v``),
    ``fi[i] = f(x[i])``.
    """
    r = ZIGGURAT_R
    f_r = math.exp(-0.5 * r * r)
    v = r * f_r + math.sqrt(math.pi / 2.0) * math.erfc(r / math.sqrt(2.0))
    x = np.zeros(256)
    x[255] = r
    for i in range(254, 0, -1):
        x[i] = math.sqrt(-2.0 * math.log(v / x[i + 1] + math.exp(-0.5 * x[i + 1] ** 2)))
    fi = np.exp(-0.5 * x * x)
    wi = x / _MANTISSA
    wi[0] = v / f_r / _MANTISSA
    ki = np.zeros(256, dtype=np.uint64)
    ki[0] = int(_MANTISSA * r * f_r / v)
    ki[1:] = (_MANTISSA * (x[:-1] / x[1:])).astype(np.uint64)
    return ki, wi, fi


KI, WI, FI = _ziggurat_tables()


def seed_streams(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` independent stream states ``(count, 4)`` uint64, drawn from ``rng``."""
    states = rng.integers(0, 2**64, size=(count, 4), dtype=np.uint64, endpoint=False)
    states[~states.any(axis=1), 0] = 1  # the all-zero state is xoshiro's one fixed point
    return states


@jit(inline="always")
def _rotl(x, k):
    return (x << uint64(k)) | (x >> uint64(64 - k))


@jit(inline="always")
def next_uint64(s):
    """The next 64 random bits of stream ``s`` (xoshiro256++)."""
    out = _rotl(s[0] + s[3], 23) + s[0]
    t = s[1] << uint64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return out


@jit(inline="always")
def uniform(s):
    """U[0, 1) with 53 random bits."""
    return float(next_uint64(s) >> uint64(11)) * _TO_UNIT


@jit(inline="always")
def _outside(s, idx, x):
    """A draw that fell outside its layer's rectangle (~1%): the base layer's tail beyond r
    by Marsaglia's method, or a layer's wedge by rejection. NaN: rejected, draw again.
    """
    if idx == 0:
        while True:
            xx = -ZIGGURAT_INV_R * math.log1p(-uniform(s))
            yy = -math.log1p(-uniform(s))
            if yy + yy > xx * xx:
                return math.copysign(ZIGGURAT_R + xx, x)
    if (FI[idx - 1] - FI[idx]) * uniform(s) + FI[idx] < math.exp(-0.5 * x * x):
        return x
    return math.nan


# The draw functions are inlined by Numba into each caller: left to LLVM, a draw with its
# rare loops is too large to inline, and each call then also counts references to ``s``
# (draws 2x slower).
@jit(inline="always")
def standard_normal(s):
    """One N(0, 1) draw: NumPy's ziggurat (``random_standard_normal``) on stream ``s``."""
    while True:
        bits = next_uint64(s)
        idx = bits & uint64(0xFF)
        bits >>= uint64(8)
        sign = 1.0 - 2.0 * float(bits & uint64(1))  # no branch: the sign is a coin flip
        rabs = (bits >> uint64(1)) & uint64(0x000FFFFFFFFFFFFF)
        x = sign * float(rabs) * WI[idx]
        if rabs < KI[idx]:
            return x  # inside the layer's rectangle: ~99% of draws
        y = _outside(s, idx, x)
        if not math.isnan(y):
            return y
