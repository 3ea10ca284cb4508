"""Service taboo phrases (服务忌语): matching after normalisation. Pure functions."""

import unicodedata
from collections.abc import Iterable


def normalize_for_matching(text: str) -> str:
    """Fold full-width forms, drop white space, punctuation and symbols, lower-case."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(
        char for char in folded if not unicodedata.category(char).startswith(("P", "S", "Z", "C"))
    )


def taboo_hits(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases that occur in `text`, in the order given, each once."""
    haystack = normalize_for_matching(text)
    if not haystack:
        return []
    hits = []
    for phrase in phrases:
        needle = normalize_for_matching(phrase)
        if needle and needle in haystack and phrase not in hits:
            hits.append(phrase)
    return hits
