"""Metadata lines ("date 2024-03-25", "Published: 12.03.2024, 14:35") are not prose.

Scraped articles often start with a date or by-line, as its own paragraph or glued to
the first sentence. The segment stage makes such a leading stamp a sentence of its own;
the techniques stage assigns nothing to a paragraph that is only such a line and starts a
span after such a prefix.
"""

from __future__ import annotations

import re

# Field names that introduce a date in the six training languages and a few others.
_KEYS = (
    r"date|dated|published|updated|last\s+updated|posted|modified|created|"
    r"publié(?:\s+le)?|mis\s+à\s+jour(?:\s+le)?|date\s+de\s+publication|"
    r"datum|veröffentlicht(?:\s+am)?|aktualisiert(?:\s+am)?|stand|"
    r"data|pubblicato(?:\s+il)?|aggiornato(?:\s+il)?|"
    r"opublikowano|zaktualizowano|"
    r"дата|опубликовано|обновлено|дата\s+публикации"
)
_MONTH = r"[^\W\d_]{3,12}\.?"
_NUMERIC_DATE = r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}/\d{1,2}/\d{1,2}"
_DATE = rf"(?:{_NUMERIC_DATE}|\d{{1,2}}\.?\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})"
_TIME = r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*(?:UTC|GMT|CET|CEST|MSK))?"
_STAMP = rf"{_DATE}(?:\s*(?:[,|·•]|\s[-–—])?\s*(?:at\s+|à\s+|um\s+|alle\s+|o\s+|в\s+)?{_TIME})?"
_KEY = rf"(?:{_KEYS})\s*[:\-–—]?\s*(?:on\s+|le\s+|am\s+|il\s+|dnia\s+|от\s+)?"

METADATA_LINE = re.compile(rf"\s*(?:{_KEY})?{_STAMP}\s*[.|]?\s*", re.IGNORECASE)
# A prefix to skip: a keyed date, or a numeric date, then a separator before the prose.
METADATA_PREFIX = re.compile(
    rf"\s*(?:{_KEY}{_STAMP}|(?:{_NUMERIC_DATE})(?:\s*(?:[,|·•]\s*)?{_TIME})?)"
    r"(?:\s*[|:·•\-–—]\s*|\s+)",
    re.IGNORECASE,
)


def is_metadata_line(text: str) -> bool:
    """True when ``text`` is only a date/time stamp, optionally with a field name
    ("date 2024-03-25", "Published: 12 March 2024, 14:35", "25.03.2024")."""
    return bool(text.strip()) and METADATA_LINE.fullmatch(text) is not None


def prose_start(text: str, start: int, end: int) -> int:
    """Offset in ``text[start:end]`` after a leading metadata stamp (``start`` when
    there is none, or when nothing but the stamp would be left)."""
    m = METADATA_PREFIX.match(text, start, end)
    if m is None or not text[m.end() : end].strip():
        return start
    return m.end()
