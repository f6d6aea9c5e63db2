"""Normalising names for search, in French and Arabic alike.

Latin: lower case, accents removed (what PostgreSQL's `unaccent` does), apostrophes and hyphens
as spaces. Arabic: diacritics (harakat, shadda, sukun, hamza marks) and tatweel removed, alef
forms (أ إ آ ٱ) folded to ا, alef maqsura to ي, ta marbuta to ه, the Persian and Moroccan letters
OSM names use (ک ی, and گ ڭ ݣ for the Moroccan g) to the standard ones, Arabic-Indic digits to
0-9, and the article ال dropped at the start of a word ("درب السلطان" and "درب سلطان" are one
text) — spelling variants `unaccent` knows nothing of.

`normalise()` is the one function for both sides: the gazetteer's stored `search_text` (at load
time) and each query, so both always agree. It is idempotent, and normalising text it already
normalised under an earlier version gives what it gives the original (migration 0008 relies on
this to refresh stored text without the fixture).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

ARABIC_FOLDS = str.maketrans(
    {
        "ٱ": "ا",  # alef wasla (NFKD leaves it whole)
        "ى": "ي",
        "ة": "ه",
        "ـ": "",  # tatweel
        "ک": "ك",  # keheh (Persian kaf)
        "ی": "ي",  # Farsi yeh
        "گ": "ك",  # gaf, ڭ and ݣ: the Moroccan g, typed ك on most keyboards
        "ڭ": "ك",
        "ݣ": "ك",
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},  # ٠-٩
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},  # ۰-۹
    }
)
SEPARATORS = re.compile(r"[\s'’`\-_,.;:/()«»\"|،؛؟]+")
# The definite article at the start of an Arabic word, kept when it would leave under two letters
# ("الم" while typing, or a word such as "الف" that only starts like it).
ARTICLE = re.compile(r"(?<!\w)(?:ال)+(?=\w{2})")


def normalise(text: str) -> str:
    # NFKD splits accented letters and Arabic hamza/madda forms into a base letter and combining
    # marks (category Mn), which are then dropped along with Arabic diacritics.
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    folded = SEPARATORS.sub(" ", bare.translate(ARABIC_FOLDS).casefold()).strip()
    return ARTICLE.sub("", folded)


NAME_SEPARATOR = " | "


def search_text(names: Iterable[str | None]) -> str:
    """A place's stored searchable text: each of its names normalised, once, in order, joined by
    " | " (which no normalised name contains), so the search can tell a whole name apart."""
    normalised = (normalise(name) for name in names if name)
    return NAME_SEPARATOR.join(dict.fromkeys(name for name in normalised if name))
