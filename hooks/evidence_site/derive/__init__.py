"""Computed facts, never typed by an editor and never HTML: levels of evidence from the scheme
(levels.py), counts and rows for tables and maps (aggregates.py), the change history (history.py).
"""
