"""What a record is, with no I/O: the models (models.py), the one table of record kinds (kinds.py),
the immutable evidence base (evidence_base.py), references between records (references.py),
how records are named (labels.py) and the JSON Schemas generated from the models.

A new record field goes in models.py (then run `evidence-site schema`); a new kind is a model plus
one row in kinds.py.
"""
