"""Data generated from the pinned spec (never edited by hand): see scripts/gen_entities.py."""
