"""Search text normalisation (pure): what is stored in ``search_text`` and what a query is
compared with, so that full-width and half-width forms, case and spacing do not matter."""

from __future__ import annotations

import re
import unicodedata

QUERY_MAX = 64
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC (全角 ＡＢＣ１２３ → ABC123, 〇 kept), lower case, runs of white space as one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def query_terms(query: str) -> list[str]:
    """The words of a query (at most 5, each normalised); every one must occur in a match.
    Chinese is not segmented: a word is matched as a substring (养老 finds 基本养老保险)."""
    return [w for w in normalise(query[:QUERY_MAX]).split(" ") if w][:5]
