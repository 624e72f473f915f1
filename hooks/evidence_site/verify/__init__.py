"""Checks over a built site's HTML (evidence-site verify-site, the link check): every claim carries
a citation that resolves to a reference with a locator; every link resolves.
"""
