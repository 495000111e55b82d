"""Demonstration data: a small Rotherham gazetteer shipped with the app."""

from pathlib import Path

GAZETTEER_CSV = Path(__file__).with_name("gazetteer.csv")
