"""Option and argument values read into their types without Pydantic, as Typer reads them.

Typer turns each value of the command line into its parameter's type through a Pydantic
adapter, and importing Pydantic and building the adapters cost every command about a tenth of a
second. The values habeas's commands take (text, numbers, flags, paths, choices, lists of them)
are read here the way those adapters read them; anything else, and every value that is not
plainly right (a number out of its range, a choice not offered), is handed to Typer's own
coercion, so that what is accepted and every error message stay Typer's.
tests/cli/test_coercion.py compares the two on every parameter of every command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path

# Typer (0.2x) keeps its coercion in private modules: tests/cli/test_coercion.py fails if they change.

_INTEGER = re.compile(r"0|-?[1-9][0-9]*")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


class _NotPlain(Exception):
    """A value this module does not read: Typer's own coercion decides it (and words any error)."""


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _NotPlain


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _NotPlain


def _number(kind: type[int] | type[float], value: Any, low: float | None, high: float | None) -> int | float:
    if isinstance(value, bool):
        raise _NotPlain
    if isinstance(value, str) and (_INTEGER if kind is int else _DECIMAL).fullmatch(value):
        number: int | float = kind(value)
    elif isinstance(value, int) or (kind is float and isinstance(value, float)):
        number = kind(value)
    else:
        raise _NotPlain
    if (low is not None and number < low) or (high is not None and number > high):
        raise _NotPlain  # out of range: Typer says so, in its words
    return number


@dataclass(frozen=True)
class PlainRuntimeParam(RuntimeParam):
    """Coercion of one parameter: plain values read here, any other handed to Typer's own."""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        annotation: Any = self.annotation
        try:
            if get_origin(annotation) is list:
                if not isinstance(value, (list, tuple)):
                    raise _NotPlain
                (item,) = get_args(annotation)
                return [self._leaf(item, v, param, ctx) for v in value]
            return self._leaf(annotation, value, param, ctx)
        except _NotPlain:
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)

    def _leaf(self, annotation: Any, value: Any, param: Any, ctx: Any) -> Any:
        info = self.parameter_info
        if annotation is str:
            return _text(value)
        if annotation is bool:
            return _flag(value)
        if annotation in (int, float) and not info.clamp:
            return _number(annotation, value, info.min, info.max)
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            try:
                return coerce_cli_choice(value, choices=tuple(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
            except ValueError:
                raise _NotPlain from None
        if annotation is Path and info.path_type is None and isinstance(value, (str, Path)) and str(value):
            # Typer reads text into a Path through Pydantic, which is Path(value), then checks the path.
            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        raise _NotPlain


def _plain_leaf(annotation: Any) -> bool:
    return annotation in (str, bool, int, float, Path) or (
        isinstance(annotation, type) and issubclass(annotation, Enum)
    )


def read_plainly(command: Any) -> None:
    """Have the parameters of ``command`` whose types this module reads coerced by it (the others as before).

    Its --help too, which Click makes when the command line is parsed (the parameter of every command
    that Typer would otherwise build a Pydantic adapter for on every run).
    """
    for param in command.params:
        _read_plainly(param)
    if "get_help_option" in vars(command):
        return  # already done
    made = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = made(ctx)
        if option is not None:
            _read_plainly(option)
        return option

    command.get_help_option = get_help_option


def _read_plainly(param: Any) -> None:
    if isinstance(getattr(param, "_runtime_param", None), PlainRuntimeParam):
        return
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or descriptor.file_annotation is not None:
        return
    info = descriptor.parameter_info
    if getattr(info, "parser", None) is not None or getattr(info, "click_type", None) is not None:
        return
    annotation, origin, args = descriptor.annotation, get_origin(descriptor.annotation), get_args(descriptor.annotation)
    if (origin is None and _plain_leaf(annotation)) or (origin is list and len(args) == 1 and _plain_leaf(args[0])):
        param._runtime_param = PlainRuntimeParam(info, annotation)
