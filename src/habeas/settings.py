"""Settings: where the data lives and how habeas is configured, as one object passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_data_dir() -> Path:
    """``$HABEAS_HOME``, else ``$XDG_DATA_HOME/habeas``, else ``~/.local/share/habeas``."""
    if home := os.environ.get("HABEAS_HOME"):
        return Path(home)
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "habeas"


def default_config_path() -> Path:
    """``$HABEAS_CONFIG``, else ``$XDG_CONFIG_HOME/habeas/habeas.toml``, else ``~/.config/habeas/habeas.toml``."""
    if path := os.environ.get("HABEAS_CONFIG"):
        return Path(path)
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return (Path(xdg) if xdg else Path.home() / ".config") / "habeas" / "habeas.toml"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    config_path: Path

    @classmethod
    def load(cls, database_url: str | None = None, config_path: Path | None = None) -> Settings:
        """Settings from explicit values, then the environment, then the defaults."""
        data_dir = default_data_dir()
        url = database_url or os.environ.get("HABEAS_DATABASE_URL") or f"sqlite:///{data_dir / 'habeas.db'}"
        return cls(data_dir=data_dir, database_url=url, config_path=config_path or default_config_path())

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def datasets_dir(self) -> Path:
        """Columnar files of imported datasets, kept beside the database."""
        if self.is_sqlite and self.database_url.startswith("sqlite:///") and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix("sqlite:///")).parent / "datasets"
        return self.data_dir / "datasets"


class PfifSettingsError(ValueError):
    """A ``[pfif]`` table in the settings file that habeas cannot use."""


@dataclass(frozen=True)
class PfifSettings:
    """The ``[pfif]`` table of the settings file: the names a PFIF export gives its notes and records.

        [pfif]
        author_name = "Example Legal Aid, detention team"   # each note's author_name
        source_name = "Example Legal Aid case tracker"      # each person record's source_name

    Unset, the author is the user who exports and the source is the author.
    """

    author_name: str | None = None
    source_name: str | None = None

    @classmethod
    def load(cls, config_path: Path) -> PfifSettings:
        """The ``[pfif]`` table of the file at ``config_path``; the defaults when there is no file or no table."""
        import tomllib

        if not config_path.exists():
            return cls()
        try:
            document = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise PfifSettingsError(f"{config_path}: cannot read the settings file: {exc}") from exc
        table = document.get("pfif", {})
        if not isinstance(table, dict):
            raise PfifSettingsError(f"{config_path}: `pfif` must be a table: [pfif]")
        known = {"author_name", "source_name"}
        for key, value in table.items():
            if key not in known:
                raise PfifSettingsError(f"{config_path}: [pfif] {key}: no such setting; use author_name, source_name")
            if not isinstance(value, str) or not value.strip():
                raise PfifSettingsError(f"{config_path}: [pfif] {key}: give a name in quotes, not {value!r}")
        return cls(**{key: value.strip() for key, value in table.items()})
