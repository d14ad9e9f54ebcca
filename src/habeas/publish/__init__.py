"""Safe publishing: aggregate tables from an allowlist of fields, protected and written as a static site."""

from habeas.publish.build import (
    NOTE,
    AggregateRow,
    DifferencingError,
    PreparedPublication,
    Publication,
    PublicationError,
    PublicationTable,
    build_publication,
    check_out_dir,
    prepare_publication,
    write_publication,
)
from habeas.publish.differencing import EarlierPublication, PublishedCell
from habeas.publish.fields import DIMENSIONS

__all__ = [
    "DIMENSIONS",
    "NOTE",
    "AggregateRow",
    "DifferencingError",
    "EarlierPublication",
    "PreparedPublication",
    "Publication",
    "PublicationError",
    "PublicationTable",
    "PublishedCell",
    "build_publication",
    "check_out_dir",
    "prepare_publication",
    "write_publication",
]
