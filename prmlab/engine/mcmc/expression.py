"""Typed log-densities: parse against a whitelist, differentiate, generate Numba code.

The text is parsed by ``ast`` and every node is checked against the language below; any
other node is refused with a ``ValueError`` naming it and its column. Python source is then
*generated from the checked tree* (float literals, ``x``, ``y``, numbered temporaries and
``np.<whitelisted function>`` only) and compiled with Numba; the user's text itself is
never evaluated. The gradient is derived in forward mode on the same tree: each node emits
its value and its two partial derivatives, so HMC gets exact gradients.

Language: numbers; ``x``, ``y``; ``+ - * / **``, unary ``-`` (and ``+``); comparisons
``< <= > >= == !=`` (chains allowed, value 1.0 or 0.0); ``a if cond else b``;
``exp log sqrt sin cos tan tanh abs min max``; ``pi e inf``.

Bounds (a ``ValueError`` names the limit and the value): ``MAX_LENGTH`` characters,
``MAX_NODES`` syntax nodes, ``MAX_DEPTH`` levels of nesting, ``MAX_ARGS`` arguments of min/max
and ``MAX_COST`` for the generated code, so any legal expression compiles in about a second.
Only ASCII means x and y: a look-alike (full-width ``ｘ``, Cyrillic ``х``) is named by its
code point.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numba
import numpy as np

from prmlab.engine.mcmc._kernels import GRAD_SIG, LOGP_SIG

# Bounds on what may be typed, so no legal expression compiles for long (Numba's compile time
# grows with the generated code, and branches cost most: `max` of 285 arguments took 28 s).
MAX_LENGTH = 2000  # characters
MAX_NODES = 600  # syntax nodes (ast.walk)
MAX_DEPTH = 64  # nesting of sub-expressions: keeps recursion and indentation far from limits
MAX_ARGS = 8  # arguments of min and max
# Compile cost of the generated logp and gradient: one unit per line, BRANCH_COST per `if`
# (min, max, abs and `a if c else b` branch). Measured (2026-12-03): the largest expression of
# each of 17 shapes (sums of exp, log, sqrt, abs, powers, quotients; chains of exp; max; if)
# within MAX_COST compiles in 0.7-1.4 s of CPU time.
MAX_COST = 300
BRANCH_COST = 5
UNARY = {"exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "abs"}
VARIADIC = {"min", "max"}
CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf}
BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
CMPOPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_WHAT = {
    ast.Attribute: "attribute access ('.')",
    ast.Subscript: "indexing ('[...]')",
    ast.Lambda: "lambda",
    ast.BoolOp: "'and'/'or' (use a chained comparison or nested 'a if c else b')",
    ast.Tuple: "a tuple",
    ast.List: "a list",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.JoinedStr: "an f-string",
    ast.NamedExpr: "':='",
    ast.Starred: "'*'",
    ast.ListComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
}
EXAMPLE = "e.g. -(x**2 + y**2)/2"
NAMES = ("x", "y", *CONSTANTS, *UNARY, *VARIADIC)
# Letters of other scripts drawn like the Latin ones of the language (Cyrillic, Greek): Python
# reads them as other names, so "unknown name" is true but looks absurd without this hint.
LOOKALIKES = {
    "а": "a", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "о": "o", "р": "p",
    "ѕ": "s", "х": "x", "у": "y", "ԁ": "d", "ο": "o", "α": "a", "ι": "i", "ρ": "p",
    "χ": "x", "γ": "y", "ν": "v", "τ": "t",
}  # fmt: skip


def _fail(node: ast.AST, message: str) -> ValueError:
    return ValueError(f"expression error at column {node.col_offset + 1}: {message}")


def _describe(char: str) -> str:
    """``'х' (U+0445 CYRILLIC SMALL LETTER HA)``: a character that looks like another."""
    return f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')})"


def _check_characters(text: str) -> None:
    """Refuse characters Python would silently fold into ASCII (NFKC: full-width ``ｘ``,
    mathematical ``𝐱``), which would make them mean x without the user typing x."""
    for column, char in enumerate(text, 1):
        if char.isascii():
            continue
        folded = unicodedata.normalize("NFKC", char)
        if folded != char and folded.isascii():
            meaning = f"the variable {folded}" if folded in ("x", "y") else repr(folded)
            raise ValueError(
                f"expression error at column {column}: {_describe(char)} is not {meaning}; "
                f"type a plain {folded!r}"
            )


def _foreign(name: str) -> tuple[str, str | None]:
    """A non-ASCII name with its code points, and the known name it looks like (or None):
    ``'х' (U+0445 CYRILLIC SMALL LETTER HA)``, ``x``. ASCII names come back as ``repr``."""
    foreign = [c for c in name if not c.isascii()]
    if not foreign:
        return repr(name), None
    meant = "".join(LOOKALIKES.get(c, c) for c in name)
    chars = ", ".join(_describe(c) for c in dict.fromkeys(foreign))
    return (chars if len(name) == 1 else f"{name!r} ({chars})"), meant if meant in NAMES else None


def _unknown_name(node: ast.Name) -> ValueError:
    what, meant = _foreign(node.id)
    if meant is not None:
        return _fail(node, f"unknown name {what}: did you mean {meant}?")
    hint = f"; {node.id}(...) is a function" if node.id in UNARY | VARIADIC else ""
    return _fail(node, f"unknown name {what}: use x, y, pi, e or inf{hint}")


def _check_shape(tree: ast.AST) -> None:
    """Size and nesting before anything recursive walks the tree."""
    nodes = list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.Call) and len(node.args) > MAX_ARGS:
            # the most specific message first ("max() takes 2 to 8 arguments, got 285"):
            # _check_call raises on the name or the count before it looks at the arguments
            _check_call(node)
    if len(nodes) > MAX_NODES:
        raise ValueError(
            f"expression is too large ({len(nodes)} syntax nodes, at most {MAX_NODES}); simplify it"
        )
    deepest, stack = 0, [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    if deepest > MAX_DEPTH:
        raise ValueError(
            f"expression is nested too deeply ({deepest} levels, at most {MAX_DEPTH}; each "
            "operator or call adds one, a long sum one per term)"
        )


def parse(text: str) -> ast.Expression:
    """Parse ``text`` and check every node against the whitelist; return the checked tree."""
    if not isinstance(text, str):
        raise ValueError(f"expression must be a string, got {type(text).__name__}")
    if not text.strip():
        raise ValueError(f"expression is empty; type a log-density in x and y, {EXAMPLE}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"expression is too long ({len(text)} characters, at most {MAX_LENGTH})")
    stripped = text.strip()
    _check_characters(stripped)
    try:
        tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        # An incomplete text ("1 +") has no offset: the problem is at its end.
        col = exc.offset if exc.offset else len(stripped) + 1
        raise ValueError(f"expression error at column {col}: syntax error ({exc.msg})") from None
    except (RecursionError, MemoryError):  # the parser's own stack: nesting beyond any use
        raise ValueError(
            f"expression is nested too deeply for Python's parser (at most {MAX_DEPTH} levels)"
        ) from None
    _check_shape(tree)
    _check(tree.body)
    _check_cost(generate_source(tree))
    return tree


def _check_cost(source: str) -> None:
    """Refuse generated code that Numba would take seconds to compile (see ``MAX_COST``)."""
    lines = source.count("\n")
    branches = len(re.findall(r"\bif\b", source))
    cost = lines + BRANCH_COST * branches
    if cost > MAX_COST:
        raise ValueError(
            f"expression is too complex to compile quickly: cost {cost}, at most {MAX_COST} "
            f"({lines} lines of generated code for the density and its gradient, plus "
            f"{BRANCH_COST} per branch: {branches} from min, max, abs and 'if'); simplify it"
        )


def _check(node: ast.AST) -> None:
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise _fail(node, f"{v!r} is not a number; only real numbers are allowed")
        try:
            float(v)
        except OverflowError:
            raise _fail(node, "number too large") from None
    elif isinstance(node, ast.Name):
        if node.id not in ("x", "y") and node.id not in CONSTANTS:
            raise _unknown_name(node)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise _fail(node, "only unary '-' is allowed")
        _check(node.operand)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in BINOPS:
            raise _fail(node, f"operator {type(node.op).__name__} is not allowed; use + - * / **")
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in CMPOPS:
                raise _fail(node, "only comparisons < <= > >= == != are allowed")
        _check(node.left)
        for c in node.comparators:
            _check(c)
    elif isinstance(node, ast.IfExp):
        for part in (node.test, node.body, node.orelse):
            _check(part)
    elif isinstance(node, ast.Call):
        _check_call(node)
    else:
        what = _WHAT.get(type(node), type(node).__name__)
        raise _fail(node, f"{what} is not allowed in an expression")


def _check_call(node: ast.Call) -> None:
    if not isinstance(node.func, ast.Name):
        raise _fail(node, "only calls of exp log sqrt sin cos tan tanh abs min max are allowed")
    name = node.func.id
    if name not in UNARY and name not in VARIADIC:
        what, meant = _foreign(name)
        fix = f"did you mean {meant}?" if meant else "use exp log sqrt sin cos tan tanh abs min max"
        raise _fail(node, f"function {what} is not allowed; {fix}")
    if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
        raise _fail(node, f"{name}() takes plain arguments only")
    if name in UNARY and len(node.args) != 1:
        raise _fail(node, f"{name}() takes 1 argument, got {len(node.args)}")
    if name in VARIADIC and not 2 <= len(node.args) <= MAX_ARGS:
        raise _fail(
            node, f"{name}() takes 2 to {MAX_ARGS} arguments, got {len(node.args)}; nest calls "
            f"for more, e.g. {name}({name}(a, b), c)"
        )  # fmt: skip
    for a in node.args:
        _check(a)


# -- code generation -------------------------------------------------------------------------

ZERO = "0.0"
SMALL_POWERS = {"1.0": 1, "2.0": 2, "3.0": 3, "4.0": 4}


@dataclass(frozen=True)
class _Val:
    """A node's value and partial derivatives, as code (names or literals)."""

    v: str
    dx: str = ZERO
    dy: str = ZERO

    @property
    def const(self) -> bool:
        return self.dx == ZERO and self.dy == ZERO


class _Emitter:
    """Emits straight-line code (if/else for ``a if c else b``) from a checked tree."""

    def __init__(self, grad: bool) -> None:
        self.grad = grad
        self.lines: list[str] = []
        self.depth = 1
        self.count = 0

    def let(self, code: str) -> str:
        name = f"t{self.count}"
        self.count += 1
        self.lines.append("    " * self.depth + f"{name} = {code}")
        return name

    def value(self, v: str, dx: str, dy: str) -> _Val:
        if not self.grad:
            return _Val(self.let(v))
        return _Val(
            self.let(v), self.let(dx) if dx != ZERO else ZERO, self.let(dy) if dy != ZERO else ZERO
        )

    def derive(self, a: _Val, f: Any) -> tuple[str, str]:
        """Chain rule: ``(f(a.dx), f(a.dy))`` skipping zero partials."""
        return (ZERO if a.dx == ZERO else f(a.dx)), (ZERO if a.dy == ZERO else f(a.dy))

    def emit(self, node: ast.AST) -> _Val:
        method = getattr(self, "_" + type(node).__name__)
        return method(node)

    def _Constant(self, node: ast.Constant) -> _Val:
        c = float(node.value)
        return _Val("np.inf" if c == math.inf else repr(c))

    def _Name(self, node: ast.Name) -> _Val:
        if node.id in CONSTANTS:
            c = CONSTANTS[node.id]
            return _Val("np.inf" if c == math.inf else repr(c))
        return _Val(node.id, "1.0" if node.id == "x" else ZERO, "1.0" if node.id == "y" else ZERO)

    def _UnaryOp(self, node: ast.UnaryOp) -> _Val:
        a = self.emit(node.operand)
        if isinstance(node.op, ast.UAdd):
            return a
        return self.value(f"-{a.v}", *self.derive(a, lambda d: f"-{d}"))

    def _BinOp(self, node: ast.BinOp) -> _Val:
        a, b = self.emit(node.left), self.emit(node.right)
        op = BINOPS[type(node.op)]
        v = f"{a.v} {op} {b.v}"
        if op == "**" and b.v in SMALL_POWERS:
            # Small whole powers as products: exact, and as fast as a hand-written x * x.
            v = " * ".join([a.v] * SMALL_POWERS[b.v])
        if not self.grad or (a.const and b.const):
            return _Val(self.let(v))
        if op in "+-":
            return self.value(
                v, *(self._sum(op, da, db) for da, db in ((a.dx, b.dx), (a.dy, b.dy)))
            )
        if op == "*":
            return self.value(
                v, *(self._product(a, b, da, db) for da, db in ((a.dx, b.dx), (a.dy, b.dy)))
            )
        out = self.let(v)
        if op == "/":
            parts = [self._quotient(a, b, out, da, db) for da, db in ((a.dx, b.dx), (a.dy, b.dy))]
        elif b.const:
            # d(a^c) = c a^(c-1) da; the literal exponent 0 has no derivative term.
            if b.v == ZERO:
                return _Val(out)
            n = SMALL_POWERS.get(b.v)
            lower = " * ".join([a.v] * (n - 1)) if n else f"{a.v} ** ({b.v} - 1.0)"
            k = self.let(f"{b.v} * {lower}" if n != 1 else "1.0")
            parts = [ZERO if da == ZERO else f"{k} * {da}" for da in (a.dx, a.dy)]
        else:
            # d(a^b) = a^b (db log a + b da / a)
            parts = [
                f"{out} * ({self._sum('+', self._term(db, f'np.log({a.v})'), self._term(da, f'{b.v} / {a.v}'))})"
                for da, db in ((a.dx, b.dx), (a.dy, b.dy))
            ]
        return _Val(out, *(self.let(p) if p != ZERO else ZERO for p in parts))

    @staticmethod
    def _term(d: str, factor: str) -> str:
        return ZERO if d == ZERO else f"{d} * {factor}"

    @staticmethod
    def _sum(op: str, da: str, db: str) -> str:
        if db == ZERO:
            return da
        if da == ZERO:
            return db if op == "+" else f"-{db}"
        return f"{da} {op} {db}"

    def _product(self, a: _Val, b: _Val, da: str, db: str) -> str:
        return self._sum("+", self._term(da, b.v), self._term(db, a.v))

    def _quotient(self, a: _Val, b: _Val, out: str, da: str, db: str) -> str:
        if db == ZERO:
            return ZERO if da == ZERO else f"{da} / {b.v}"
        return f"({self._sum('-', da, self._term(db, out))}) / {b.v}"

    def _condition(self, node: ast.AST) -> str:
        if isinstance(node, ast.Compare):
            left = self.emit(node.left).v
            parts = []
            for op, comp in zip(node.ops, node.comparators):
                right = self.emit(comp).v
                parts.append(f"({left} {CMPOPS[type(op)]} {right})")
                left = right
            return " and ".join(parts)
        return f"({self.emit(node).v} != 0.0)"

    def _Compare(self, node: ast.Compare) -> _Val:
        return _Val(self.let(f"1.0 if {self._condition(node)} else 0.0"))

    def _IfExp(self, node: ast.IfExp) -> _Val:
        cond = self._condition(node.test)
        result = _Val(f"t{self.count}", f"t{self.count + 1}", f"t{self.count + 2}")
        self.count += 3
        names = (result.v, result.dx, result.dy) if self.grad else (result.v,)
        for keyword, branch in (("if " + cond, node.body), ("else", node.orelse)):
            self.lines.append("    " * self.depth + keyword + ":")
            self.depth += 1
            val = self.emit(branch)
            for name, code in zip(names, (val.v, val.dx, val.dy)):
                self.lines.append("    " * self.depth + f"{name} = {code}")
            self.depth -= 1
        return result if self.grad else _Val(result.v)

    def _Call(self, node: ast.Call) -> _Val:
        name = node.func.id
        args = [self.emit(a) for a in node.args]
        if name in VARIADIC:
            pick = "<=" if name == "min" else ">="
            acc = args[0]
            for b in args[1:]:
                test = f"{acc.v} {pick} {b.v}"
                acc = self.value(
                    f"{acc.v} if {test} else {b.v}",
                    *(
                        ZERO if da == db == ZERO else f"{da} if {test} else {db}"
                        for da, db in ((acc.dx, b.dx), (acc.dy, b.dy))
                    ),
                )
            return acc
        (a,) = args
        if name == "abs":
            return self.value(
                f"np.abs({a.v})", *self.derive(a, lambda d: f"({d} if {a.v} >= 0.0 else -{d})")
            )
        v = self.let(f"np.{name}({a.v})")
        if not self.grad or a.const:
            return _Val(v)
        slope = {
            "exp": v,
            "log": f"1.0 / {a.v}",
            "sqrt": f"0.5 / {v}",
            "sin": f"np.cos({a.v})",
            "cos": f"-np.sin({a.v})",
            "tan": f"1.0 + {v} * {v}",
            "tanh": f"1.0 - {v} * {v}",
        }[name]
        k = self.let(slope)
        dx, dy = self.derive(a, lambda d: f"{k} * {d}")
        return _Val(v, self.let(dx) if dx != ZERO else ZERO, self.let(dy) if dy != ZERO else ZERO)


def generate_source(tree: ast.Expression) -> str:
    """Python source of ``logp(x, y, p)`` and ``grad(x, y, p, g)`` for a checked tree."""
    plain = _Emitter(grad=False)
    v = plain.emit(tree.body)
    diff = _Emitter(grad=True)
    d = diff.emit(tree.body)
    return "\n".join(
        ["def logp(x, y, p):", *plain.lines, f"    return {v.v}", "", "def grad(x, y, p, g):"]
        + diff.lines
        + [f"    g[0] = {d.dx}", f"    g[1] = {d.dy}", f"    return {d.v}", ""]
    )


@dataclass(frozen=True)
class CompiledExpression:
    """``text`` is the canonical form; ``logp``/``grad`` are Numba functions; ``source`` the generated code."""

    text: str
    logp: Any
    grad: Any
    source: str


@lru_cache(maxsize=32)
def _compile(canonical: str) -> CompiledExpression:
    source = generate_source(ast.parse(canonical, mode="eval"))
    namespace: dict[str, Any] = {}
    exec(compile(source, "<prmlab expression>", "exec"), {"np": np, "__builtins__": {}}, namespace)
    # Generated at run time, so not cacheable on disk; error_model="numpy" makes 1/0 = inf
    # (a density of zero) instead of raising inside the sampler.
    flags = {"nogil": True, "error_model": "numpy"}
    return CompiledExpression(
        text=canonical,
        logp=numba.njit(LOGP_SIG, **flags)(namespace["logp"]),
        grad=numba.njit(GRAD_SIG, **flags)(namespace["grad"]),
        source=source,
    )


def compile_expression(text: str) -> CompiledExpression:
    """Check ``text`` (``ValueError`` naming the problem and column), then compile it (cached)."""
    return _compile(ast.unparse(parse(text)))
