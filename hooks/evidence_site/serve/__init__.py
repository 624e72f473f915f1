"""What only `mkdocs serve` uses: record and page caches kept between rebuilds, re-rendering only
what an edit changed, deferring the garbage collector. No stage imports this folder; the MkDocs
adapter hands it to pipeline.build().
"""
