"""Safe publishing: aggregate tables from an allowlist of fields, protected and written as a static site."""

from habeas.publish.build import (
    NOTE,
    AggregateRow,
    Publication,
    PublicationError,
    PublicationTable,
    build_publication,
)
from habeas.publish.fields import DIMENSIONS

__all__ = [
    "DIMENSIONS",
    "NOTE",
    "AggregateRow",
    "Publication",
    "PublicationError",
    "PublicationTable",
    "build_publication",
]
