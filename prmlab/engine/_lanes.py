"""Four-lane (AVX) float64 kernels written as LLVM intrinsics for the HMM and particle-filter
inner loops.

Numba's loop vectoriser gives up on the short per-time-step loops of an HMM (N = 32 is a
handful of vectors, behind runtime alias checks), it may not reorder a sum without
``fastmath`` (which NaN and inf forbid), and without SVML ``np.exp``/``np.log`` are scalar
library calls. These intrinsics keep four lanes in one register:

- ``max_plus4`` / ``sum_product4``: lanes k of ``max_i x_i + M[i, jb+k]`` and
  ``Σ_i x_i M[i, jb+k]``, accumulated over i in order (bit-identical to the scalar loop);
- ``exp4_shifted`` / ``log4_shifted``: fdlibm's exp and log (< 1 ulp), branch-free;
- ``weighted_moment`` / ``weighted_cross_moment``: ``Σ_p w_p (a_p - ra)`` and
  ``Σ_p w_p (a_p - ra)(b_p - rb)`` in 16 interleaved partial sums, added in a fixed order.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core.extending import intrinsic

LANES = 4
_F64 = ir.DoubleType()
_VF = ir.VectorType(_F64, LANES)
_VI = ir.VectorType(ir.IntType(64), LANES)
_I32 = ir.IntType(32)

LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
TWO52_HALF = 6755399441055744.0  # 1.5 * 2**52: adding it puts a small integer in the low bits
TWO52_HALF_BITS = 0x4338000000000000


class _Lanes:
    """Four float64 or int64 lanes of IR with the arithmetic the formulas below need."""

    def __init__(self, b: ir.IRBuilder, v: ir.Value) -> None:
        self.b, self.v = b, v

    def _of(self, o):
        if isinstance(o, _Lanes):
            return o.v
        return ir.Constant(self.v.type, [o] * LANES)

    def _op(self, fop, iop, o, swap=False):
        a, c = (self._of(o), self.v) if swap else (self.v, self._of(o))
        return _Lanes(self.b, (iop if self.v.type == _VI else fop)(a, c))

    def __add__(self, o):
        return self._op(self.b.fadd, self.b.add, o)

    __radd__ = __add__

    def __sub__(self, o):
        return self._op(self.b.fsub, self.b.sub, o)

    def __rsub__(self, o):
        return self._op(self.b.fsub, self.b.sub, o, swap=True)

    def __mul__(self, o):
        return self._op(self.b.fmul, self.b.mul, o)

    __rmul__ = __mul__

    def __truediv__(self, o):
        return _Lanes(self.b, self.b.fdiv(self.v, self._of(o)))

    def __and__(self, o):
        return _Lanes(self.b, self.b.and_(self.v, self._of(o)))

    def __or__(self, o):
        return _Lanes(self.b, self.b.or_(self.v, self._of(o)))

    def __rshift__(self, s):
        return _Lanes(self.b, self.b.lshr(self.v, self._of(s)))

    def __lshift__(self, s):
        return _Lanes(self.b, self.b.shl(self.v, self._of(s)))

    def __lt__(self, o):
        return self.b.fcmp_ordered("<", self.v, self._of(o))

    def __gt__(self, o):
        return self.b.fcmp_ordered(">", self.v, self._of(o))

    def is_zero(self):
        return self.b.fcmp_ordered("==", self.v, self._of(0.0))

    def bits(self) -> _Lanes:
        return _Lanes(self.b, self.b.bitcast(self.v, _VI))

    def as_float(self) -> _Lanes:
        return _Lanes(self.b, self.b.bitcast(self.v, _VF))

    def floor(self) -> _Lanes:
        fnty = ir.FunctionType(_VF, [_VF])
        fn = cgutils.get_or_insert_function(self.b.module, fnty, "llvm.floor.v4f64")
        return _Lanes(self.b, self.b.call(fn, [self.v]))

    def where(self, mask, other) -> _Lanes:
        """self where mask, else other."""
        return _Lanes(self.b, self.b.select(mask, self.v, self._of(other)))


def _log_lanes(x: _Lanes) -> _Lanes:
    """fdlibm e_log.c for x >= 0 (subnormals included); log 0 = -inf."""
    tiny = x < 2.2250738585072014e-308
    hx = (x * 18014398509481984.0).where(tiny, x).bits()  # 2**54 lifts subnormals
    e = (hx >> 52) - _Lanes(x.b, ir.Constant(_VI, [1077] * LANES)).where(tiny, 1023)
    m = ((hx & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000).as_float()
    big = m > 1.4142135623730951
    m = (m * 0.5).where(big, m)
    e = (e + 1).where(big, e)
    k = (e + TWO52_HALF_BITS).as_float() - TWO52_HALF  # the integer e as a double, exactly
    f = m - 1.0
    s = f / (f + 2.0)
    z = s * s
    w = z * z
    t1 = w * (
        3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01)
    )
    t2 = z * (
        6.666666666666735130e-01
        + w
        * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01))
    )
    hfsq = f * f * 0.5
    r = k * LN2_HI - ((hfsq - (s * (hfsq + (t1 + t2)) + k * LN2_LO)) - f)
    return _Lanes(x.b, ir.Constant(_VF, [float("-inf")] * LANES)).where(x.is_zero(), r)


def _exp_lanes(x: _Lanes) -> _Lanes:
    """fdlibm e_exp.c for x <= 0 (or -inf); results below ~1e-308 are 0."""
    kf = (x * 1.44269504088896338700e00 + 0.5).floor()
    kf = _Lanes(x.b, ir.Constant(_VF, [-1022.0] * LANES)).where(kf < -1022.0, kf)
    hi = x - kf * LN2_HI
    lo = kf * LN2_LO
    r = hi - lo
    t = r * r
    c = r - t * (
        1.66666666666666019037e-01
        + t
        * (
            -2.77777777770155933842e-03
            + t
            * (
                6.61375632143793436117e-05
                + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08)
            )
        )
    )
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    k = (kf + TWO52_HALF).bits() - TWO52_HALF_BITS
    scale = ((k + 1023) << 52).as_float()
    return _Lanes(x.b, ir.Constant(_VF, [0.0] * LANES)).where(x < -708.0, y * scale)


def _pointer(context, builder, aryty, ary, offset):
    data = context.make_array(aryty)(context, builder, ary).data
    return builder.bitcast(builder.gep(data, [offset]), _VF.as_pointer())


def _shifted_codegen(fn, sign):
    """dst.flat[k:k+4] = fn(src.flat[k:k+4] + sign * shift)."""

    def codegen(context, builder, signature, args):
        src, dst, k, shift = args
        x = _Lanes(
            builder, builder.load(_pointer(context, builder, signature.args[0], src, k), align=8)
        )
        splat = _Lanes(builder, _splat(builder, shift))
        y = fn(x - splat) if sign < 0 else fn(x) + splat
        builder.store(y.v, _pointer(context, builder, signature.args[1], dst, k), align=8)
        return context.get_dummy_value()

    return codegen


def _splat(builder, scalar):
    v = ir.Constant(_VF, ir.Undefined)
    for i in range(LANES):
        v = builder.insert_element(v, scalar, ir.Constant(_I32, i))
    return v


@intrinsic
def exp4_shifted(typingctx, src, dst, k, shift):
    """dst.flat[k:k+4] = exp(src.flat[k:k+4] - shift), for arguments <= 0."""
    return types.void(src, dst, k, shift), _shifted_codegen(_exp_lanes, -1)


@intrinsic
def log4_shifted(typingctx, src, dst, k, shift):
    """dst.flat[k:k+4] = log(src.flat[k:k+4]) + shift, for arguments >= 0."""
    return types.void(src, dst, k, shift), _shifted_codegen(_log_lanes, +1)


def _reduce_codegen(max_plus: bool, vectors: int):
    """out[jb:jb+w] = ``x @ M[:, jb:jb+w]`` or ``max_i x_i + M[i, jb:jb+w]``, w = 4 * vectors.

    Several independent accumulators let the CPU overlap their dependency chains.
    """

    def codegen(context, builder, signature, args):
        x, M, out, jb, n = args
        x_ptr = context.make_array(signature.args[0])(context, builder, x).data
        m_ptr = context.make_array(signature.args[1])(context, builder, M).data
        start = ir.Constant(_VF, [float("-inf") if max_plus else 0.0] * LANES)
        accs = [cgutils.alloca_once(builder, _VF) for _ in range(vectors)]
        for acc in accs:
            builder.store(start, acc)
        with cgutils.for_range(builder, n) as loop:
            i = loop.index
            xi = _splat(builder, builder.load(builder.gep(x_ptr, [i])))
            row = builder.add(builder.mul(i, n), jb)
            for v, acc in enumerate(accs):
                at = builder.gep(m_ptr, [builder.add(row, ir.Constant(row.type, v * LANES))])
                m = builder.load(builder.bitcast(at, _VF.as_pointer()), align=8)
                a = builder.load(acc)
                if max_plus:
                    c = builder.fadd(m, xi)
                    new = builder.select(builder.fcmp_ordered(">", c, a), c, a)
                else:
                    new = builder.fadd(a, builder.fmul(xi, m))
                builder.store(new, acc)
        for v, acc in enumerate(accs):
            at = builder.add(jb, ir.Constant(jb.type, v * LANES))
            builder.store(
                builder.load(acc), _pointer(context, builder, signature.args[2], out, at), align=8
            )
        return context.get_dummy_value()

    return codegen


def _reduce_signature(x, M, out, jb, n):
    return types.void(x, M, out, jb, n)


@intrinsic
def max_plus4(typingctx, x, M, out, jb, n):
    """out[jb+k] = max_i x[i] + M[i, jb+k] for k < 4 (M square, C-contiguous, n = len(x))."""
    return _reduce_signature(x, M, out, jb, n), _reduce_codegen(True, 1)


@intrinsic
def max_plus16(typingctx, x, M, out, jb, n):
    """out[jb+k] = max_i x[i] + M[i, jb+k] for k < 16."""
    return _reduce_signature(x, M, out, jb, n), _reduce_codegen(True, 4)


@intrinsic
def sum_product4(typingctx, x, M, out, jb, n):
    """out[jb+k] = Σ_i x[i] M[i, jb+k] for k < 4 (M square, C-contiguous, n = len(x))."""
    return _reduce_signature(x, M, out, jb, n), _reduce_codegen(False, 1)


@intrinsic
def sum_product16(typingctx, x, M, out, jb, n):
    """out[jb+k] = Σ_i x[i] M[i, jb+k] for k < 16."""
    return _reduce_signature(x, M, out, jb, n), _reduce_codegen(False, 4)


MOMENT_VECTORS = 4  # independent accumulators: one add's latency no longer bounds the loop


def _moment_codegen(cross: bool):
    """``Σ_p w_p (a_p - ra) [(b_p - rb)]`` over ``p`` in ``[lo, lo + 16 * blocks)``: partial
    sums by lane, combined pairwise in a fixed order (so a result does not depend on which
    thread runs it)."""

    def codegen(context, builder, signature, args):
        w, a, ra, *rest = args
        b, rb, lo, blocks = rest if cross else (None, None, *rest)
        width = MOMENT_VECTORS * LANES
        accs = [cgutils.alloca_once_value(builder, ir.Constant(_VF, [0.0] * LANES))
                for _ in range(MOMENT_VECTORS)]  # fmt: skip
        ra_v = _Lanes(builder, _splat(builder, ra))
        rb_v = _Lanes(builder, _splat(builder, rb)) if cross else None

        def load(i, ary, at):
            ptr = _pointer(context, builder, signature.args[i], ary, at)
            return _Lanes(builder, builder.load(ptr, align=8))

        with cgutils.for_range(builder, blocks) as loop:
            first = builder.add(lo, builder.mul(loop.index, ir.Constant(lo.type, width)))
            for v, acc in enumerate(accs):
                at = builder.add(first, ir.Constant(lo.type, v * LANES))
                term = load(0, w, at) * (load(1, a, at) - ra_v)
                if cross:
                    term = term * (load(3, b, at) - rb_v)
                builder.store(builder.fadd(builder.load(acc), term.v), acc)
        total = [builder.load(acc) for acc in accs]
        while len(total) > 1:  # pairwise: (v0 + v1) + (v2 + v3)
            total = [builder.fadd(x, y) for x, y in zip(total[::2], total[1::2])]
        lanes = [builder.extract_element(total[0], ir.Constant(_I32, i)) for i in range(LANES)]
        return builder.fadd(builder.fadd(lanes[0], lanes[1]), builder.fadd(lanes[2], lanes[3]))

    return codegen


MOMENT_BLOCK = MOMENT_VECTORS * LANES  # particles per iteration of the moment loops


@intrinsic
def weighted_moment(typingctx, w, a, ra, lo, blocks):
    """``Σ_p w[p] (a[p] - ra)`` for ``lo <= p < lo + MOMENT_BLOCK * blocks`` (contiguous)."""
    return types.float64(w, a, ra, lo, blocks), _moment_codegen(False)


@intrinsic
def weighted_cross_moment(typingctx, w, a, ra, b, rb, lo, blocks):
    """``Σ_p w[p] (a[p] - ra) (b[p] - rb)`` for ``lo <= p < lo + MOMENT_BLOCK * blocks``."""
    return types.float64(w, a, ra, b, rb, lo, blocks), _moment_codegen(True)
