"""Record linkage: which records in lists, case files and releases are the same person.

The types (records in, candidates out) are in habeas.linkage.types; the model that finds the
candidates (Splink, on DuckDB or Spark) is in habeas.linkage.engine, imported only when a
command links, so no other command pays for Splink at start-up.
"""
