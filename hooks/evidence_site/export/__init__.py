"""Files written beside the pages (extra_files.py lists them in order): the open-data exports
(open_data.py), redirect pages for old URLs (redirects.py), publishing a build atomically (publish.py) and the accent-folded words added to
the search index (search_index.py).

A new export is a function (base) -> text added to open_data.EXPORTS and described in
render/metadata.FILES (the data page lists it).
"""
