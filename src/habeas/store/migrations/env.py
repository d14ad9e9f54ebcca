"""Alembic environment: habeas runs migrations on an engine it passes in (`habeas init`)."""

from __future__ import annotations

from alembic import context

from habeas.store.tables import Base

config = context.config
target_metadata = Base.metadata

engine = config.attributes.get("engine")
if engine is None:
    from habeas.settings import Settings
    from habeas.store.db import make_engine

    engine = make_engine(Settings.load().database_url)

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
