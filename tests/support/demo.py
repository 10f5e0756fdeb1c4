"""The demo district every layer's tests use: its file, its line and a citizen. Plain constants, so a unit
test can name them without loading the moto/Chalice harness (tests/support/fixtures.py)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "raipur.yaml"
LINE = "+919977222564"
CALLER = "+919812345678"
