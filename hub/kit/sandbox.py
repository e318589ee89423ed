"""The sandbox chat files' own invite texts run in: they may read variables, not call into Python,
and the work any of them can cause is bounded.

Jinja's ``ImmutableSandboxedEnvironment`` keeps a text from reaching Python; on top of it:

- every ``{% for %}`` counts against ``MAX_ITERATIONS`` for the whole text (nested loops
  included), ``range`` gives at most ``MAX_RANGE`` numbers, and recursive loops are refused;
- every call (a macro, a method) counts against ``MAX_CALLS``: a macro that calls itself twice
  would otherwise run for hours without a loop or any output;
- the output, and every string or list made along the way (``~``, ``*``, ``+``, filters),
  is at most ``MAX_OUTPUT`` characters (or items); numbers passed to calls and filters at most
  ``MAX_NUMBER``, and arithmetic results stay small;
- only filters with bounded work are there (``upper``, ``replace``, ``join``, ``truncate``…).

Going past a bound raises ``SecurityError`` (a ``TemplateError``), which becomes a located error;
so does anything else a text makes go wrong (a filter given a value it cannot take, a number
literal of thousands of digits).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_ITERATIONS = 10_000  # loop rounds in one text, all loops together
MAX_CALLS = 100_000  # calls of macros and methods in one text, all together
MAX_RANGE = 10_000
MAX_OUTPUT = 50_000  # characters of a text, and of any string or list made on the way
MAX_NUMBER = 10_000  # the largest number a call or filter may be given
MAX_BITS = 64  # arithmetic results stay within 64-bit numbers
FILTERS = ("abs", "attr", "batch", "capitalize", "count", "d", "default", "dictsort", "e", "escape",
           "first", "float", "groupby", "int", "items", "join", "last", "length", "list", "lower",
           "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "select",
           "selectattr", "sort", "string", "striptags", "sum", "title", "trim", "truncate", "unique",
           "upper", "urlencode", "wordcount")
# A width or precision of 10,000 or more in a format: "{:>99999}" or "%99999s" / "%.99999f".
_BIG_WIDTH = re.compile(r"\{[^{}]*:[^{}]*\d{5,}[^{}]*\}|%[-#0 +]*\d{5,}|%[-#0 +]*\d*\.\d{5,}")

_budget: ContextVar[list[int]] = ContextVar("chathub_sandbox_budget")


def _spend(what: int) -> int:
    """One more loop round (``what`` 0) or call (1); the count so far."""
    budget = _budget.get(None)
    if budget is None:
        budget = [0, 0]
        _budget.set(budget)
    budget[what] += 1
    return budget[what]


def _tick() -> None:
    if _spend(0) > MAX_ITERATIONS:
        raise SecurityError(f"the text loops more than {MAX_ITERATIONS:,} times")


def _tick_call() -> None:
    if _spend(1) > MAX_CALLS:
        raise SecurityError(f"the text makes more than {MAX_CALLS:,} calls (a macro that calls itself?)")


def _bounded_iter(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _tick()
        yield item


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple | dict) else 0


def _check_size(value: Any) -> Any:
    if _size(value) > MAX_OUTPUT:
        raise SecurityError(f"the text makes a value of more than {MAX_OUTPUT:,} characters or items")
    return value


def _check_number(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise SecurityError(f"the text uses the number {_short_int(value)}; at most {MAX_NUMBER:,} "
                            "is allowed here")
    if isinstance(value, float) and (not math.isfinite(value) or abs(value) > MAX_NUMBER):
        raise SecurityError(f"the text uses the number {value:g}; at most {MAX_NUMBER:,} is allowed here")


def _check_format(value: str) -> None:
    if _BIG_WIDTH.search(value):
        raise SecurityError("the text formats with a width of 10,000 or more")


def _short_int(value: int) -> str:
    return f"{value:,}" if value.bit_length() < 200 else "with hundreds of digits or more"


def _bounded_concat(parts: list[Any]) -> str:
    texts = [str(p) for p in parts]
    if sum(len(t) for t in texts) > MAX_OUTPUT:
        raise SecurityError(f"the text makes a value of more than {MAX_OUTPUT:,} characters")
    return "".join(texts)


def _bounded_range(*args: Any) -> range:
    for arg in args:
        _check_number(arg)
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() would give {len(numbers):,} numbers; at most {MAX_RANGE:,}")
    return numbers


def _guard(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose arguments and result are bounded."""

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        for arg in [*args, *kwargs.values()]:
            _check_number(arg)
        if name == "replace" and len(args) >= 3:
            value, old, new = (str(a) for a in args[-3:])
            growth = (value.count(old) if old else len(value) + 1) * max(0, len(new) - len(old))
            if len(value) + growth > MAX_OUTPUT:
                raise SecurityError(f"the text makes a value of more than {MAX_OUTPUT:,} characters")
        try:
            return _check_size(func(*args, **kwargs))
        except (TypeError, ValueError, AssertionError, AttributeError, LookupError, ArithmeticError) as exc:
            value = type(args[0]).__name__ if args else "nothing"
            raise jinja2.TemplateRuntimeError(
                f"the {name} filter cannot be used on this value ({value}): {exc}".rstrip(": ")
            ) from None

    guarded.chathub_bounded = True  # type: ignore[attr-defined]
    return guarded


class _Bounds(jinja2.visitor.NodeTransformer):
    """Rewrites a parsed text: loops count their rounds, ``~`` checks what it makes."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        if node.recursive:
            raise jinja2.TemplateSyntaxError("recursive loops are not allowed in invite texts",
                                             node.lineno)
        node = self.generic_visit(node)
        node.iter = nodes.Call(nodes.EnvironmentAttribute("bounded_iter"), [node.iter], [], None, None,
                               lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)
        return nodes.Call(nodes.EnvironmentAttribute("bounded_concat"), [nodes.List(node.nodes)], [],
                          None, None, lineno=node.lineno)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox for chat files' texts; render with ``render_bounded``."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})
    bounded_iter = staticmethod(_bounded_iter)
    bounded_concat = staticmethod(_bounded_concat)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals = {"range": _bounded_range, "dict": dict, "namespace": self.globals["namespace"],
                        "cycler": self.globals["cycler"], "joiner": self.globals["joiner"]}
        self.filters = {name: _guard(name, self.filters[name]) for name in FILTERS if name in self.filters}

    def add_filters(self, **filters: Callable[..., Any]) -> None:
        self.filters.update({name: _guard(name, func) for name, func in filters.items()})

    def guard_filters(self) -> None:
        """Bound the filters added since the sandbox was made (a language's formatting ones)."""
        self.filters = {name: func if getattr(func, "chathub_bounded", False) else _guard(name, func)
                        for name, func in self.filters.items()}

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        try:
            tree = super()._parse(source, name, filename)
        except (ValueError, OverflowError) as exc:  # a number literal of thousands of digits
            if isinstance(exc, jinja2.TemplateError):
                raise
            raise jinja2.TemplateSyntaxError(f"it holds a value Python cannot read ({str(exc)[:80]})",
                                             1, name, filename) from None
        return _Bounds().visit(tree)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if not isinstance(left, int | float) or not isinstance(right, int | float):
                raise SecurityError("** works on numbers only here")
            if abs(right) > MAX_BITS or (abs(left) > 1 and abs(right) * math.log2(abs(left)) > MAX_BITS):
                raise SecurityError("the text computes a number too large to be of use")
        elif operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (isinstance(seq, str | list | tuple) and isinstance(times, int)
                        and _size(seq) * max(times, 0) > MAX_OUTPUT):
                    raise SecurityError(f"the text makes a value of more than {MAX_OUTPUT:,} "
                                        "characters or items")
            if isinstance(left, int) and isinstance(right, int) and \
                    left.bit_length() + right.bit_length() > MAX_BITS * 2:
                raise SecurityError("the text computes a number too large to be of use")
        elif operator == "+" and _size(left) + _size(right) > MAX_OUTPUT:
            raise SecurityError(f"the text makes a value of more than {MAX_OUTPUT:,} characters or items")
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
            for arg in right if isinstance(right, tuple | list) else (right,):
                _check_number(arg)
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any,
             **kwargs: Any) -> Any:
        _tick_call()
        for arg in [*args, *kwargs.values()]:
            _check_number(arg)
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``"…".format(…)``: no width of 10,000 or more in the format."""
        wrapper = super().wrap_str_format(value)
        if wrapper is not None:
            _check_format(value.__self__)
        return wrapper


def render_bounded(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render a text made by ``BoundedSandbox``: its loops share one budget, and the output
    stops at ``MAX_OUTPUT`` characters. A text too deep for Python is a ``SecurityError`` too."""
    token = _budget.set([0, 0])
    try:
        size = 0
        parts = []
        for part in template.generate(context):
            size += len(part)
            if size > MAX_OUTPUT:
                raise SecurityError(f"the text is longer than {MAX_OUTPUT:,} characters")
            parts.append(part)
        return "".join(parts)
    except RecursionError:
        raise SecurityError("the text calls itself too deeply") from None
    except jinja2.TemplateError:
        raise
    except Exception as exc:  # whatever else the text makes go wrong is the text's error, located
        raise jinja2.TemplateRuntimeError(f"{type(exc).__name__}: {exc}"[:300]) from None
    finally:
        _budget.reset(token)
