"""Register tiles of ``X^T X`` written as LLVM intrinsics for the pca kernels.

Numba's loop vectoriser only vectorises a product whose partial sums live in memory (a load
and a store of the product per vector of multiply-adds: 7.4 GFLOP/s on one core of the
2-core test machine); its SLP vectoriser leaves a tile of scalar accumulators scalar. These
intrinsics keep a 4 x 8 (or 4 x 4) block of the product in vector registers while they run
down the rows of a buffer: per row, four broadcasts and two vector loads feed eight vector
multiply-adds, 12.7 GFLOP/s there (OpenBLAS's single-threaded ``dsyrk``: 11.3).

Each product entry is summed row by row in order, ``p = fmuladd(x_ra, x_rb, p)``: fused where
the CPU has FMA, so the bits are the same for any number of threads on a given CPU type.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core.extending import intrinsic

_LANES = 4
TILE_ROWS = 4  # product rows of a tile
_F64 = ir.DoubleType()
_VF = ir.VectorType(_F64, _LANES)
_I32 = ir.IntType(32)


def _broadcast(builder: ir.IRBuilder, scalar: ir.Value) -> ir.Value:
    one = builder.insert_element(ir.Constant(_VF, ir.Undefined), scalar, ir.Constant(_I32, 0))
    zeros = ir.Constant(ir.VectorType(_I32, _LANES), [0] * _LANES)
    return builder.shuffle_vector(one, ir.Constant(_VF, ir.Undefined), zeros)


def _tile_codegen(vectors: int):
    """``product[a0:a0+4, b0:b0+4*vectors] += buf[:count, a0:a0+4]^T buf[:count, b0:...]``."""

    def codegen(context, builder, signature, args):
        buf, product, a0, b0, count = args
        rows = context.make_array(signature.args[0])(context, builder, buf)
        out = context.make_array(signature.args[1])(context, builder, product)
        row_len = cgutils.unpack_tuple(builder, rows.shape, 2)[1]
        out_len = cgutils.unpack_tuple(builder, out.shape, 2)[1]
        fmuladd = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(_VF, [_VF, _VF, _VF]), "llvm.fmuladd.v4f64"
        )

        def at(value: int) -> ir.Constant:
            return ir.Constant(a0.type, value)

        def vector_at(base: ir.Value, offset: ir.Value) -> ir.Value:
            return builder.bitcast(builder.gep(base, [offset]), _VF.as_pointer())

        def out_vector(i: int, v: int) -> ir.Value:
            row = builder.mul(builder.add(a0, at(i)), out_len)
            return vector_at(out.data, builder.add(row, builder.add(b0, at(_LANES * v))))

        sums = {}
        for i in range(TILE_ROWS):
            for v in range(vectors):
                sums[i, v] = cgutils.alloca_once(builder, _VF)  # promoted to a register
                builder.store(builder.load(out_vector(i, v), align=8), sums[i, v])
        with cgutils.for_range(builder, count) as loop:
            row = builder.mul(loop.index, row_len)
            bs = [
                builder.load(
                    vector_at(rows.data, builder.add(row, builder.add(b0, at(_LANES * v)))),
                    align=8,
                )
                for v in range(vectors)
            ]
            for i in range(TILE_ROWS):
                a = builder.load(builder.gep(rows.data, [builder.add(row, builder.add(a0, at(i)))]))
                a = _broadcast(builder, a)
                for v in range(vectors):
                    total = builder.load(sums[i, v])
                    builder.store(builder.call(fmuladd, [a, bs[v], total]), sums[i, v])
        for i in range(TILE_ROWS):
            for v in range(vectors):
                builder.store(builder.load(sums[i, v]), out_vector(i, v), align=8)
        return context.get_dummy_value()

    return codegen


@intrinsic
def add_tile8(typingctx, buf, product, a0, b0, count):
    """``product[a0+i, b0+j] += sum_r buf[r, a0+i] buf[r, b0+j]`` for i < 4, j < 8 and rows
    ``r < count`` of ``buf`` (C-contiguous float64 2-D arrays; no bounds checks)."""
    return types.void(buf, product, a0, b0, count), _tile_codegen(2)


@intrinsic
def add_tile4(typingctx, buf, product, a0, b0, count):
    """As ``add_tile8`` for j < 4."""
    return types.void(buf, product, a0, b0, count), _tile_codegen(1)
