"""Synthetic ICE records in the released file formats, for tests, demos and benchmarks.

Every person here is fictitious. Facility codes and names are real and public (they come
from the ICE facility list embedded in data.yaml), so the files look like the releases.
"""

from __future__ import annotations

from habeas.synth.detentions import detention_placements
from habeas.synth.files import write_detentions, write_removals
from habeas.synth.lists import SyntheticLists, synthetic_lists, write_lists
from habeas.synth.removals import removal_rows

__all__ = [
    "SyntheticLists", "detention_placements", "removal_rows", "synthetic_lists", "write_detentions", "write_lists",
    "write_removals",
]  # fmt: skip
