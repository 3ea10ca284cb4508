"""Text helpers for Chinese input: normalisation and pinyin search keys."""

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

_SPACES = re.compile(r"\s+")


def normalize_text(value: str) -> str:
    """Fold full-width letters, digits and spaces (NFKC) and collapse white space. NUL is
    dropped: PostgreSQL text cannot hold it (a search for "a\x00b" would be a 500)."""
    text = unicodedata.normalize("NFKC", value or "").replace("\x00", "")
    return _SPACES.sub(" ", text).strip()


def pinyin_keys(value: str) -> tuple[str, str]:
    """Return (full pinyin, initials) for a Chinese name, lower case, no separators.

    "办公室" gives ("bangongshi", "bgs"); Latin letters and digits pass through.
    """
    text = normalize_text(value)
    full = "".join(lazy_pinyin(text, errors="default")).lower()
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()
    keep = re.compile(r"[^0-9a-z]")
    return keep.sub("", full), keep.sub("", initials)
