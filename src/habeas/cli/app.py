"""The Typer application and what every command shares: options, output, errors."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from habeas.cli.commands import COMMANDS, MODULES
from habeas.domain.dates import DateError, parse_day
from habeas.services import Actor, Context, ServiceError
from habeas.settings import Settings

if TYPE_CHECKING:
    from typer._click import Command  # Typer's own copy of Click: its commands are not the click package's

# The options every command that touches the database takes; they may come before the command too.
GLOBAL_OPTIONS = ("--db", "--user", "--config")


class _Program(TyperGroup):
    """The `habeas` group: each command loaded as used; `habeas --user maria people` is `habeas people --user maria`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commands: _Commands = _Commands(self.commands)
        self._listing = False

    def get_command(self, ctx: Any, cmd_name: str) -> Command | None:
        if self._listing:  # the root's help lists names and first lines: no command needs importing for it
            return self.commands.listed(cmd_name)
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # Typer's reads every item, which would import every command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def get_params(self, ctx: Any) -> list[Any]:
        _read_plainly(self)  # the program's own options, which Typer adds after making the group
        return super().get_params(ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        moved: list[str] = []
        rest = list(args)
        while rest:
            head = rest[0]
            name = head.split("=", 1)[0]
            if name not in GLOBAL_OPTIONS:
                break
            taken = 1 if "=" in head else 2
            if len(rest) < taken:
                break  # `habeas --user` with no value: Click says what is missing
            moved += rest[:taken]
            rest = rest[taken:]
        if moved and rest:
            end = rest.index("--") if "--" in rest else len(rest)
            rest = [*rest[:end], *moved, *rest[end:]]
        else:
            rest = [*moved, *rest]
        return super().parse_args(ctx, rest)


class _Commands(MutableMapping[str, Any]):
    """The commands of `habeas` by name (see habeas.cli.commands), each imported and built when first asked for.

    Every command passes through here once, as it is built, and is prepared then (see :func:`_prepared`).
    """

    def __init__(self, built: MutableMapping[str, Any]):
        self._built = {name: _prepared(command) for name, command in built.items()}

    def __getitem__(self, name: str) -> Command:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            load_commands(COMMANDS[name].modules)
            self._built[name] = _prepared(_build(name))
        return self._built[name]

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self._built

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self._built if name not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS.keys() | self._built.keys())

    def __setitem__(self, name: str, command: Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def listed(self, name: str) -> Command | None:
        """The command as the root's help lists it: built if it already is, else its name and summary."""
        if name in self._built or name not in COMMANDS:
            return self._built.get(name)
        return TyperCommand(name=name, help=COMMANDS[name].summary, rich_markup_mode=app.rich_markup_mode)


def load_commands(modules: Iterable[str] = MODULES) -> None:
    """Import the modules of habeas.cli that register commands (all of them by default).

    A module that is not there is skipped, so the command line works while a family of commands is built.
    """
    for module in modules:
        try:
            importlib.import_module(f"habeas.cli.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"habeas.cli.{module}":
                raise


def _build(name: str) -> Command:
    """The command or group registered on `app` under ``name``, as Typer builds it."""
    from typer.main import get_command_from_info, get_command_name, get_group_from_info, solve_typer_info_defaults

    for info in app.registered_commands:
        if info.callback is not None and (info.name or get_command_name(info.callback.__name__)) == name:
            return get_command_from_info(
                info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode
            )
    for group in app.registered_groups:
        if solve_typer_info_defaults(group).name == name:
            return get_group_from_info(
                group,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
                suggest_commands=app.suggest_commands,
            )
    raise KeyError(f"habeas.cli.commands lists {name!r} but no module registers it")


app = typer.Typer(
    name="habeas",
    cls=_Program,
    help=(
        "habeas: a due-process tracker for people in immigration detention and removal.\n\n"
        "Track sourced timelines and whereabouts, check them against due-process rules, "
        "and count public datasets safely. Start with `habeas init`, then `habeas import FILE`.\n\n"
        "--db, --user and --config may be given before the command or after it: "
        "`habeas --user maria people` is `habeas people --user maria`."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

console = Console()
err_console = Console(stderr=True)


def installed_version() -> str:
    """The version of the installed habeas package (what `habeas --version` prints)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("habeas")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"habeas {installed_version()}\n")
        raise typer.Exit()


@app.callback()
def _program(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version of habeas and exit."),
    ] = False,
) -> None:
    # The options of the program itself, before any command; its help is the app's (above).
    pass


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="HABEAS_DATABASE_URL",
        help="Database URL (default: SQLite at $HABEAS_HOME/habeas.db, ~/.local/share/habeas/habeas.db). "
        "PostgreSQL: postgresql+psycopg://user@host/db",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="HABEAS_CONFIG", help="Settings file (TOML); default ~/.config/habeas/habeas.toml"),
]
UserOption = Annotated[
    str | None,
    typer.Option("--user", envvar="HABEAS_USER", help="The habeas user you act as (default: your login name)."),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table for people, json for programs")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="The day to derive for (YYYY-MM-DD); default today.", show_default=False)
]
KnownOnOption = Annotated[
    str | None,
    typer.Option(
        "--known-on",
        help="Use only what was known on this day (YYYY-MM-DD): leaves out events reported later.",
        show_default=False,
    ),
]


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(Text.assemble(("error: ", "bold red"), message), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def day_option(value: str | None, name: str, default_today: bool = True) -> date | None:
    if value is None:
        return date.today() if default_today else None
    try:
        return parse_day(value)
    except DateError as exc:
        fail(f"{name}: {exc}")


def context(db: str | None = None, config: Path | None = None, user: str | None = None) -> Context:
    settings = Settings.load(database_url=db, config_path=config)
    name = user or os.environ.get("HABEAS_USER") or os.environ.get("USER") or "local"
    return Context(settings=settings, actor=Actor(name=name))


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn errors a user can fix into one clear message and a non-zero exit."""
    try:
        yield
    except ServiceError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted; nothing was changed by the interrupted step", 130)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def command(*args: Any, **kwargs: Any) -> Callable[..., Any]:
    return app.command(*args, **kwargs)


def _reflowed(text: str) -> str:
    """A docstring as help: the lines of a prose paragraph joined, so the terminal wraps them.

    Typer's rich help keeps every line break of a docstring, so prose written at 100 columns breaks
    mid-sentence at 80. A paragraph with an indented line (an example) or a list is kept as written.
    """
    paragraphs = inspect.cleandoc(text).split("\n\n")
    kept = []
    for paragraph in paragraphs:
        lines = paragraph.split("\n")
        literal = any(line.startswith((" ", "-", "*", "\b")) for line in lines)
        kept.append(paragraph if literal else " ".join(line.strip() for line in lines))
    return "\n\n".join(kept)


def _read_plainly(command: Command) -> None:
    try:
        from habeas.cli.coercion import read_plainly
    except ImportError:  # a Typer without the private coercion module it builds on: Typer's own reads all
        return
    read_plainly(command)


def _prepared(command: Command) -> Command:
    """``command``, and every command under it, with help reflowed and values read without Pydantic.

    See :func:`_reflowed` and habeas.cli.coercion. Groups keep their help as written: it is one line.
    """
    _read_plainly(command)
    subcommands = getattr(command, "commands", None)
    if subcommands is not None:
        for sub in subcommands.values():
            _prepared(sub)
    elif command.help:
        command.help = _reflowed(command.help)
    return command


def _flag_type_hidden() -> None:
    """Show no value type after a flag (`--flags`, not `--flags <bool>`): a flag takes no value.

    Typer's rich help prints the Python type of every option, flags included, which reads as if the
    flag wanted a value; there is no setting for it, so the one method is replaced here.
    """
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:  # Any: typer's own vendored click Context
        return None if self.is_flag else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]  # see the docstring


_flag_type_hidden()
