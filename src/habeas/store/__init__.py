"""Storage: SQLAlchemy tables, converters, the repository and Alembic migrations."""
