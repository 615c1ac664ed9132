"""Publication dates: normalise metadata dates, or find one at the top of the text.

Dates are never guessed from file times. Only the head of the text is searched, for a
``date 2024-03-25`` line or a dateline ("KYIV, March 3, 2025 —", "25 March 2024").
"""

from __future__ import annotations

import re
from datetime import date

HEAD_CHARS = 400

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_RE = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_MDY = re.compile(_MONTH_RE + r"\s+(\d{1,2}),?\s+((?:19|20)\d\d)", re.IGNORECASE)
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s+" + _MONTH_RE + r",?\s+((?:19|20)\d\d)", re.IGNORECASE)
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)(?![\d])")


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def normalise_date(value: str | None) -> str | None:
    """Return ``YYYY-MM-DD`` for an ISO 8601, RFC 822 or dateline-style date, else None."""
    if not value:
        return None
    value = str(value).strip()
    m = _ISO.search(value[:32])
    if m:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    return _named_month(value)


def _named_month(value: str) -> str | None:
    best: tuple[int, str] | None = None
    for m in _MDY.finditer(value):
        iso = _iso(int(m[3]), _MONTHS[m[1][:3].lower()], int(m[2]))
        if iso and (best is None or m.start() < best[0]):
            best = (m.start(), iso)
    for m in _DMY.finditer(value):
        iso = _iso(int(m[3]), _MONTHS[m[2][:3].lower()], int(m[1]))
        if iso and (best is None or m.start() < best[0]):
            best = (m.start(), iso)
    for m in _DOTTED.finditer(value):
        iso = _iso(int(m[3]), int(m[2]), int(m[1]))
        if iso and (best is None or m.start() < best[0]):
            best = (m.start(), iso)
    return best[1] if best else None


def find_date_in_text(text: str) -> str | None:
    """A publication date stated at the top of the text, or None."""
    head = text[:HEAD_CHARS]
    m = re.search(r"(?im)^\W*(?:date|published|dated?)\s*[:\-]?\s*(.{6,40})$", head)
    if m:
        found = normalise_date(m[1])
        if found:
            return found
    m = _ISO.search(head)
    if m:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    return _named_month(head)
