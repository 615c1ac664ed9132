"""Publication dates: normalise metadata dates, or find one at the top of the text.

Dates are never guessed from file times. Only the head of the text is searched, for a
``date 2024-03-25`` line or a dateline ("KYIV, March 3, 2025 —", "25 March 2024").
"""

from __future__ import annotations

import re
from datetime import date

HEAD_CHARS = 400

# Month names by stem, in the languages narrascope supports (genitive forms included).
_MONTH_STEMS: dict[int, tuple[str, ...]] = {
    1: (
        "jan", "janv", "januar", "gennaio", "enero", "janeiro", "stycz", "январ", "януар",
        "січ", "जनवरी",
    ),
    2: (
        "feb", "févr", "fevr", "februar", "febbraio", "febrero", "fevereiro", "lut", "феврал",
        "феврув", "лют", "फ़रवरी", "फरवरी",
    ),
    3: ("mar", "mär", "märz", "marzo", "março", "marco", "mars", "marz", "март", "берез", "मार्च"),
    4: ("apr", "avr", "aprile", "abril", "kwie", "апрел", "април", "квіт", "अप्रैल"),
    5: ("may", "mai", "maggio", "mayo", "maio", "maj", "мая", "май", "мај", "трав", "मई"),
    6: ("jun", "juin", "juni", "giugno", "junio", "junho", "czerw", "июн", "юни", "черв", "जून"),
    7: ("jul", "juil", "juli", "luglio", "julio", "julho", "lip", "июл", "юли", "лип", "जुलाई"),
    8: ("aug", "août", "aout", "agosto", "sierp", "август", "серп", "अगस्त"),
    9: (
        "sep", "sept", "settembre", "septiembre", "setembro", "wrze", "сентябр", "септемв",
        "верес", "सितंबर", "सितम्बर",
    ),
    10: (
        "oct", "okt", "ottobre", "octubre", "outubro", "paźdz", "pazdz", "октябр", "октомв",
        "жовт", "अक्टूबर",
    ),
    11: (
        "nov", "novembre", "noviembre", "novembro", "listop", "ноябр", "ноемв", "листоп",
        "नवंबर", "नवम्बर",
    ),
    12: (
        "dec", "dez", "déc", "dicembre", "diciembre", "dezembro", "grud", "декабр", "декемв",
        "груд", "दिसंबर", "दिसम्बर",
    ),
}  # fmt: skip
_STEMS = sorted(
    ((stem, month) for month, stems in _MONTH_STEMS.items() for stem in stems),
    key=lambda sm: -len(sm[0]),
)
_WORD = r"([\u0900-\u097f]+|[^\W\d_]+)"
_MONTH_RE = _WORD + r"\.?"
_YEAR = re.compile(r"(?:19|20)\d\d")
_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_MDY = re.compile(_MONTH_RE + r"\s+(\d{1,2}),?\s+((?:19|20)\d\d)")
_DMY = re.compile(
    r"(?<!\d)(\d{1,2})\.?\s+(?:de\s+)?" + _MONTH_RE + r",?\s+(?:de\s+)?((?:19|20)\d\d)"
)
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)(?![\d])")


def _month(word: str) -> int | None:
    w = word.lower()
    for stem, month in _STEMS:
        if w.startswith(stem) and (len(w) - len(stem) <= 6):
            if len(stem) == 3 and stem.isascii() and len(w) > 3 and not _english_month(w):
                continue
            return month
    return None


_FULL_NAMES = frozenset(
    "january february march april june july august september sept october november "
    "december janvier février fevrier avril juillet juin septembre octobre novembre "
    "décembre decembre juni juli oktober dezember marzo março marco abril maio mayo "
    "junio julio junho julho agosto setembro outubro novembro dezembro janeiro fevereiro "
    "enero febrero maj mars marz märz mai lipca lipiec".split()
)
_ABBREVIATIONS = frozenset("jan feb mar apr jun jul aug sep oct nov dec".split())


def _english_month(w: str) -> bool:
    return w in _FULL_NAMES or w.rstrip(".") in _ABBREVIATIONS


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
        month = _month(m[1])
        iso = _iso(int(m[3]), month, int(m[2])) if month else None
        if iso and (best is None or m.start() < best[0]):
            best = (m.start(), iso)
    for m in _DMY.finditer(value):
        month = _month(m[2])
        iso = _iso(int(m[3]), month, int(m[1])) if month else None
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
    if not _YEAR.search(head):
        return None
    m = re.search(r"(?im)^\W*(?:date|published|dated?)\s*[:\-]?\s*(.{6,40})$", head)
    if m:
        found = normalise_date(m[1])
        if found:
            return found
    m = _ISO.search(head)
    if m:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    return _named_month(head)
