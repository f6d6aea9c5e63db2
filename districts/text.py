"""Normalising names for search, in French and Arabic alike.

Latin: lower case, accents removed (what PostgreSQL's `unaccent` does), apostrophes and hyphens
as spaces. Arabic: diacritics (tashkeel, hamza marks) and tatweel removed, alef forms folded to ا,
alef maqsura to ي and ta marbuta to ه — spelling variants `unaccent` knows nothing of. Done in
Python, once at load time for places and once per query, so both sides always agree.
"""

from __future__ import annotations

import re
import unicodedata

ARABIC_FOLDS = str.maketrans({"ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": ""})
SEPARATORS = re.compile(r"[\s'’`\-_,.;:/()«»\"]+")


def normalise(text: str) -> str:
    # NFKD splits accented letters and Arabic hamza/madda forms into a base letter and combining
    # marks (category Mn), which are then dropped along with Arabic diacritics.
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return SEPARATORS.sub(" ", bare.translate(ARABIC_FOLDS).casefold()).strip()
