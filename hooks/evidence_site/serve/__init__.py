"""What only `mkdocs serve` uses: one ServeSession (session.py) that owns everything kept between
rebuilds, the checked records (records.py), the per-record memo, the rendered pages
(render_memo.py), the page files of a dirty rebuild (page_store.py), the deferred garbage
collector (gc.py), the front end's compiled templates (templates.py) and file events
(watch.py). No stage imports this folder; the MkDocs adapter hands the session to
pipeline.build().
"""
