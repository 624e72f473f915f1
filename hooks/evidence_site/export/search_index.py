"""Search that forgives accents: the words of the search index, folded to plain letters.

Material's search matches the letters typed, so "Tromso" never finds Tromsø and "Holmoy" never
finds Holmøy. After the search index is written, each entry whose title or text holds a word
with accents gets that word's folded form added at the end of its text, inside a span the
result list hides (site.css): the folded word is found, the snippet shows the original.
The function works on the index as data; the MkDocs adapter reads and writes the file.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path
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


def with_folded_words(index: dict) -> dict:
    """The search index (Material's search_index.json as data) with each entry's folded words: a
    title's in the title (a title match ranks highest), the text's in the text."""
    docs = []
    for doc in index.get("docs", []):
        doc = dict(doc)
        for field in ("title", "text"):
            words = folded_words(doc.get(field, ""))
            if words:
                doc[field] = f'{doc[field]} <span class="{FOLDED_CLASS}">{" ".join(words)}</span>'
        docs.append(doc)
    return {**index, "docs": docs}

def fold_index_file(path: Path) -> None:
    """Rewrite a written search index with its folded words (no index, no change)."""
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(with_folded_words(index), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
