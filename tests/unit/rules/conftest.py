"""Make the rule tests' shared helpers (rulecheck.py) importable under --import-mode=importlib."""

from __future__ import annotations

import sys
from pathlib import Path

# importlib mode does not put test folders on sys.path, and the helpers are needed at import
# time (inside parametrize tables), where fixtures cannot reach.
sys.path.insert(0, str(Path(__file__).parent))
