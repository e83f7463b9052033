"""A small, safe evaluator for the Excel formulas the forms use.

A workbook written by openpyxl (ours, or another program's) stores formulas
without the value Excel would cache, so a reader that only looks at cached
values sees empty cells. This evaluates the subset the official forms need —
numbers, "text", cell references (``B7``, ``$B$7``, ``表!B7``) and ranges,
``+ - * /``, unary minus, ``&``, comparisons, and ``SUM IF ROUND MIN MAX AND OR
ABS IFERROR N``, plus ``TRUE``/``FALSE`` — exactly, in ``Decimal``.

Nothing is executed: a tokenizer and a recursive-descent parser walk the text.
A formula outside the subset, too long, too deeply nested, or referring to
itself in a cycle gives :data:`UNSUPPORTED` (the reader then falls back to the
cached value); ``#DIV/0!`` and friends give an :class:`ExcelError`. Nothing
here raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_RANGE = 10_000


@dataclass(frozen=True)
class ExcelError:
    """An Excel error value such as ``#DIV/0!``."""

    code: str


class _Unsupported:
    def __repr__(self) -> str:
        return "UNSUPPORTED"


UNSUPPORTED = _Unsupported()
"""The formula is outside the subset (or hostile): use the cached value, if any."""

Value = Decimal | str | bool | ExcelError | None
Lookup = Callable[[str | None, str], object]
"""(sheet or None for the formula's own sheet, cell reference like ``B7``) → the cell's value (number, text,
formula text beginning with "=", or None)."""

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>"(?:[^"]|"")*")
    | (?P<ref>(?:(?:'[^']+'|[^\s!'"(),:;=<>&+\-*/^]+)!)?\$?[A-Z]{1,3}\$?\d{1,7}(?::\$?[A-Z]{1,3}\$?\d{1,7})?)(?![\w(])
    | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?%?)
    | (?P<func>[A-Z][A-Z0-9.]*)(?=\s*\()
    | (?P<name>TRUE|FALSE)
    | (?P<op><>|<=|>=|[-+*/&=<>(),^])
    )""", re.VERBOSE)


class _Fail(Exception):
    """Internal: the formula cannot be evaluated here."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, at = [], 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        m = _TOKEN.match(text, at)
        if m is None or m.end() == at:
            raise _Fail
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        at = m.end()
    return out


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d{1,7})")


def _split_ref(ref: str) -> tuple[str | None, str]:
    if "!" in ref:
        sheet, _, cells = ref.rpartition("!")
        return sheet.strip("'"), cells
    return None, ref


def _cells(ref: str) -> tuple[str | None, list[str]]:
    sheet, cells = _split_ref(ref)
    if ":" not in cells:
        m = _CELL.fullmatch(cells)
        assert m is not None
        return sheet, [f"{m.group(1)}{m.group(2)}"]
    a, b = (_CELL.fullmatch(part) for part in cells.split(":"))
    assert a is not None and b is not None
    c1, c2 = sorted((_col(a.group(1)), _col(b.group(1))))
    r1, r2 = sorted((int(a.group(2)), int(b.group(2))))
    if (c2 - c1 + 1) * (r2 - r1 + 1) > MAX_RANGE:
        raise _Fail
    return sheet, [f"{_letters(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


class _Evaluator:
    def __init__(self, lookup: Lookup, sheet: str | None, seen: frozenset[tuple[str | None, str]], depth: int) -> None:
        self.lookup, self.sheet, self.seen, self.depth = lookup, sheet, seen, depth
        self.tokens: list[tuple[str, str]] = []
        self.at = 0

    # ---- cell values

    def cell(self, sheet: str | None, ref: str) -> Value:
        key = (sheet or self.sheet, ref)
        if key in self.seen:
            raise _Fail  # a cycle
        raw = self.lookup(sheet, ref)
        if isinstance(raw, str) and raw.startswith("="):
            if self.depth >= MAX_DEPTH:
                raise _Fail
            inner = _Evaluator(self.lookup, sheet or self.sheet, self.seen | {key}, self.depth + 1)
            result = inner.run(raw)
            if result is UNSUPPORTED:
                raise _Fail
            return result  # type: ignore[return-value]
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, (int, float)):
            return Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if isinstance(raw, Decimal):
            return raw
        if raw is None:
            return None
        return str(raw)

    # ---- parsing

    def run(self, text: str) -> Value | _Unsupported:
        if len(text) > MAX_LENGTH:
            return UNSUPPORTED
        try:
            self.tokens = _tokens(text.lstrip("="))
            self.at = 0
            value = self.comparison()
            if self.at != len(self.tokens):
                raise _Fail
            return value
        except (_Fail, InvalidOperation, RecursionError, AssertionError, ValueError, OverflowError):
            return UNSUPPORTED

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (text is not None and token[1] != text):
            raise _Fail
        self.at += 1
        return token

    def comparison(self) -> Value:
        left = self.concat()
        while (t := self.peek()) and t[0] == "op" and t[1] in ("=", "<>", "<", ">", "<=", ">="):
            self.take()
            left = _compare(t[1], left, self.concat())
        return left

    def concat(self) -> Value:
        left = self.additive()
        while (t := self.peek()) and t == ("op", "&"):
            self.take()
            right = self.additive()
            left = _error_of(left, right) or f"{_text(left)}{_text(right)}"
        return left

    def additive(self) -> Value:
        left = self.term()
        while (t := self.peek()) and t[0] == "op" and t[1] in "+-":
            self.take()
            left = _arith(t[1], left, self.term())
        return left

    def term(self) -> Value:
        left = self.unary()
        while (t := self.peek()) and t[0] == "op" and t[1] in "*/":
            self.take()
            left = _arith(t[1], left, self.unary())
        return left

    def unary(self) -> Value:
        t = self.peek()
        if t is not None and t[0] == "op" and t[1] in "+-":
            self.take()
            value = self.unary()
            return _arith("-", Decimal(0), value) if t[1] == "-" else value
        return self.primary()

    def primary(self) -> Value:
        if self.depth + self.at > MAX_DEPTH * 50:
            raise _Fail
        kind, text = self.take()
        if kind == "num":
            return Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "name":
            return text == "TRUE"
        if kind == "ref":
            sheet, cells = _cells(text)
            if len(cells) != 1:
                raise _Fail  # a range outside a function
            return self.cell(sheet, cells[0])
        if kind == "func":
            return self.call(text)
        if (kind, text) == ("op", "("):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Fail
            value = self.comparison()
            self.take(")")
            self.depth -= 1
            return value
        raise _Fail

    def args(self) -> list[list[Value]]:
        """Each argument as a list of values (a range gives several)."""
        self.take("(")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Fail
        out: list[list[Value]] = []
        if self.peek() == ("op", ")"):
            self.take(")")
            self.depth -= 1
            return out
        while True:
            t = self.peek()
            nxt = self.tokens[self.at + 1] if self.at + 1 < len(self.tokens) else None
            if t is not None and t[0] == "ref" and ":" in t[1] and nxt in (("op", ","), ("op", ")")):
                self.take()
                sheet, cells = _cells(t[1])
                out.append([self.cell(sheet, c) for c in cells])
            else:
                out.append([self.comparison()])
            sep = self.take()
            if sep == ("op", ")"):
                break
            if sep != ("op", ","):
                raise _Fail
        self.depth -= 1
        return out

    def call(self, name: str) -> Value:
        if name == "IF":  # lazy: only the branch taken is evaluated (as Excel does)
            return self._if()
        function = _FUNCTIONS.get(name)
        if function is None:
            raise _Fail
        return function(self.args())

    def _if(self) -> Value:
        args = self.args()
        if not 2 <= len(args) <= 3:
            raise _Fail
        condition = args[0][0]
        if isinstance(condition, ExcelError):
            return condition
        chosen = args[1] if _truth(condition) else (args[2] if len(args) == 3 else [False])
        return chosen[0]


def _truth(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value != 0
    if value is None:
        return False
    if isinstance(value, str):
        if value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        raise _Fail
    return False


def _number(value: Value) -> Decimal | ExcelError:
    if isinstance(value, ExcelError):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return ExcelError("#VALUE!")


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    return str(value)


def _error_of(*values: Value) -> ExcelError | None:
    return next((v for v in values if isinstance(v, ExcelError)), None)


def _arith(op: str, a: Value, b: Value) -> Value:
    x, y = _number(a), _number(b)
    error = _error_of(x, y)
    if error:
        return error
    assert isinstance(x, Decimal) and isinstance(y, Decimal)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if y == 0:
        return ExcelError("#DIV/0!")
    return x / y


def _compare(op: str, a: Value, b: Value) -> Value:
    error = _error_of(a, b)
    if error:
        return error
    if a is None:
        a = "" if isinstance(b, str) else Decimal(0)
    if b is None:
        b = "" if isinstance(a, str) else Decimal(0)
    if isinstance(a, bool) or isinstance(b, bool):
        a, b = _number(a), _number(b)
    if isinstance(a, str) != isinstance(b, str):
        left, right = (1, 0) if isinstance(a, str) else (0, 1)  # Excel: text sorts after numbers
    elif isinstance(a, str):
        left, right = a.lower(), b.lower()  # type: ignore[union-attr]
    else:
        left, right = a, b
    return {"=": left == right, "<>": left != right, "<": left < right, ">": left > right,
            "<=": left <= right, ">=": left >= right}[op]


def _numbers(args: list[list[Value]]) -> list[Decimal] | ExcelError:
    """The numbers among the arguments (text and empty cells in ranges are skipped, as Excel does)."""
    out: list[Decimal] = []
    for arg in args:
        for v in arg:
            if isinstance(v, ExcelError):
                return v
            if isinstance(v, Decimal):
                out.append(v)
            elif isinstance(v, bool) and len(arg) == 1:
                out.append(Decimal(int(v)))
    return out


def _sum(args: list[list[Value]]) -> Value:
    numbers = _numbers(args)
    return numbers if isinstance(numbers, ExcelError) else sum(numbers, Decimal(0))


def _min_max(pick: Callable) -> Callable[[list[list[Value]]], Value]:
    def function(args: list[list[Value]]) -> Value:
        numbers = _numbers(args)
        if isinstance(numbers, ExcelError):
            return numbers
        return pick(numbers) if numbers else Decimal(0)
    return function


def _single(args: list[list[Value]], count: int) -> list[Value]:
    if len(args) != count or any(len(a) != 1 for a in args):
        raise _Fail
    return [a[0] for a in args]


def _round(args: list[list[Value]]) -> Value:
    value, places = _single(args, 2)
    x, n = _number(value), _number(places)
    error = _error_of(x, n)
    if error:
        return error
    assert isinstance(x, Decimal) and isinstance(n, Decimal)
    if abs(n) > 20:
        raise _Fail
    return x.quantize(Decimal(1).scaleb(-int(n)), rounding=ROUND_HALF_UP)


def _abs(args: list[list[Value]]) -> Value:
    x = _number(_single(args, 1)[0])
    return x if isinstance(x, ExcelError) else abs(x)


def _n(args: list[list[Value]]) -> Value:
    value = _single(args, 1)[0]
    if isinstance(value, ExcelError):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    return value if isinstance(value, Decimal) else Decimal(0)


def _logic(every: bool) -> Callable[[list[list[Value]]], Value]:
    def function(args: list[list[Value]]) -> Value:
        values = [v for a in args for v in a if v is not None]
        error = _error_of(*values)
        if error:
            return error
        truths = [_truth(v) for v in values]
        return all(truths) if every else any(truths)
    return function


def _iferror(args: list[list[Value]]) -> Value:
    value, fallback = _single(args, 2)
    return fallback if isinstance(value, ExcelError) else value


_FUNCTIONS: dict[str, Callable[[list[list[Value]]], Value]] = {
    "SUM": _sum, "MIN": _min_max(min), "MAX": _min_max(max), "ROUND": _round, "ABS": _abs, "N": _n,
    "AND": _logic(True), "OR": _logic(False), "IFERROR": _iferror,
}


def evaluate(formula: str, lookup: Lookup, sheet: str | None = None) -> Value | _Unsupported:
    """The value of ``formula`` (with or without its leading "="), reading other cells through ``lookup``."""
    if not isinstance(formula, str):
        return UNSUPPORTED
    return _Evaluator(lookup, sheet, frozenset(), 0).run(formula)
