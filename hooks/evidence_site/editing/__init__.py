"""The `evidence-site` command (cli.py: new, check, schema, verify-site) and the record scaffolds
that `evidence-site new` writes (new_record.py, scaffold/).
"""
