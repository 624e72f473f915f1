"""Search that forgives accents: the words of the search index, folded to plain letters.

Material's search matches the letters typed, so "Tromso" never finds Tromsø and "Holmoy" never
finds Holmøy. Before Material writes the search index, each entry whose title or text holds a
word with accents gets that word's folded form added at the end of its text, inside a span the
result list hides (site.css): the folded word is found, the snippet shows the original.
fold_entries works on the entries as data; the MkDocs adapter hands it those Material's search
plugin holds, so the index is written once, not read and written again.
"""
from __future__ import annotations

import html
import re
import unicodedata
from types import MappingProxyType

# Letters NFKD does not split into a base letter and a mark.
_LETTERS = MappingProxyType(str.maketrans({
    "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i"}))
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
_ACCENTED = re.compile(r"[^\W\x00-\x7f]")  # a letter or digit beyond ASCII
FOLDED_CLASS = "search-folded"


def fold(text: str) -> str:
    """Text with accents and special letters replaced by plain ones: 'Tromsø' -> 'Tromso'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def folded_words(text: str) -> list[str]:
    """The words of an HTML text that fold to a different plain-ASCII word, once each, in order."""
    if text.isascii() and "&" not in text:  # most entries: nothing to fold, no entity to unescape
        return []
    plain = html.unescape(_TAG.sub(" ", text))
    if not _ACCENTED.search(plain):  # only punctuation or symbols beyond ASCII ('–', '≥')
        return []
    seen: dict[str, None] = {}
    for word in _WORD.findall(plain):
        if word.isascii():
            continue
        folded = fold(word)
        if folded != word and folded.isascii() and folded.isalnum():
            seen.setdefault(folded, None)
    return list(seen)


def fold_entries(entries: list[dict]) -> None:
    """Add each entry's folded words, in place: a title's to the title (a title match ranks
    highest), the text's to the text. An entry is folded once: Material's search keeps the
    folded entries of pages a `serve --dirty` rebuild did not touch, and only new ones come here."""
    for doc in entries:
        for field in ("title", "text"):
            words = folded_words(doc.get(field, ""))
            if words:
                doc[field] = f'{doc[field]} <span class="{FOLDED_CLASS}">{" ".join(words)}</span>'



def merge_entries(previous: list[dict], rebuilt: list[dict]) -> list[dict]:
    """The index after a rebuild of some pages (`serve --dirty`): the previous entries of every
    page not rebuilt, then the rebuilt pages' entries. An entry's page is its location up to the
    '#' of a section. (Material's own merge drops the old entries whose location starts with the
    first rebuilt page's: other rebuilt pages were listed twice, and a rebuilt 'studies/' took
    the entries of every study page with it.)"""
    pages = {_page_of(entry) for entry in rebuilt}
    return [entry for entry in previous if _page_of(entry) not in pages] + rebuilt


def _page_of(entry: dict) -> str:
    return str(entry.get("location", "")).partition("#")[0]
