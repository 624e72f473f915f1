"""evidence/ -> validated records, or one-line errors naming file, line and field: safe YAML with
line numbers (yaml_file.py, fast_yaml.py), pydantic errors in editors' words (validate.py), the
folder walk (loader.py), TODO markers (todo.py) and the parse cache (parse_cache.py).
"""
