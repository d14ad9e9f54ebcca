"""Importers for public datasets: one folder per format, each with a metadata.yaml of columns and lookups.

Formats: ``ice_detentions`` (detention history, one row per placement), ``ice_removals``
(one row per departure), ``ice_facilities`` (the facility list) and ``mapped_list`` (any
CSV/XLSX list read through a mapping file). Nothing here writes the database or the
columnar store: files are parsed into typed batches and domain records.
"""

from __future__ import annotations

from habeas.ingest.datasets.importer import DatasetReading, Tally, locate
from habeas.ingest.datasets.metadata import FORMAT_NAMES, DatasetError, DatasetFormat, load_format

__all__ = ["FORMAT_NAMES", "DatasetError", "DatasetFormat", "DatasetReading", "Tally", "load_format", "locate"]
