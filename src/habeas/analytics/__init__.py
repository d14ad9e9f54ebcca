"""Columnar computations over imported datasets (Polars/Arrow): stays, daily population, cohort figures."""
