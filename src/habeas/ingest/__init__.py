"""Readers at the edge: case files, lists and public datasets parsed to domain records; never the database."""
