"""Rules over the loaded base and the hand-written pages, each returning EvidenceError lines:
references resolve and sources have locators (rules.py), thresholds, trials, aliases against the
site's path registry, review dates, and uncited claims in content/ (content.py).

A new check is a function (base) -> list[EvidenceError] added to the list in rules.check().
"""
