"""What serving the web app from several processes needs of the database: one they can all reach."""

from __future__ import annotations

from habeas.services import ServiceError


def refuse_unshared(database_url: str, workers: int) -> None:
    """A ServiceError when the database lives in one process's memory, where other workers cannot reach it."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:") or "mode=memory" in str(url)
    if url.get_backend_name() == "sqlite" and in_memory:
        raise ServiceError(
            f"--workers {workers}: the database {url.render_as_string(hide_password=True)} lives in one process's "
            "memory, which other processes cannot share; use a SQLite file (one machine) or PostgreSQL "
            "(one machine or several), or serve with --workers 1"
        )
