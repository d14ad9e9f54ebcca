"""habeas: a due-process tracker for people in immigration detention and removal."""

__version__ = "0.1.0"
