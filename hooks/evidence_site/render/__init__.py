"""The evidence base -> {page path: Page} of Markdown with raw HTML blocks: the Renderer
(renderer.py) and its Jinja templates (templates/), reference lists and citations, links between
pages, glossary tooltips, claim marks, page metadata, and the reader pages made from data (the
checker and figures). Text from records is data: templates autoescape it.

A new page is a template plus a method of Renderer listed in Renderer._specs().
"""
