"""evidence_site: turns YAML evidence records into cited Markdown pages and data exports.

Plain Python; nothing in this package imports MkDocs (see hooks/mkdocs_hook.py for that).
"""
