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
