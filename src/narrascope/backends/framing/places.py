"""Places named only as a location ("towns in Mali and Burkina Faso", "between Syria
and Iraq", "в Мали и Буркина Фасо", "माली और बुर्किना फासो में").

:func:`locative` tells whether one mention sits in such a slot: right after a locative
preposition, or a later member of a list that such a preposition opens (Hindi: a list
closed by the postposition में / के बीच). The framing stage lets a place whose every
mention is locative abstain (``main_role: null``): a place where something happens is
not cast as hero, villain or victim by that alone (checked on the training articles,
``docs/notes/framing.md`` round 8).
"""

from __future__ import annotations

import re
from functools import lru_cache

_UP = "A-ZÀ-ÖØ-ÞА-ЯЁЇІЄҐ"
_WORD = rf"[{_UP}][\w'’\-]*"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"

# locative prepositions, optional articles, list conjunctions (lower case)
_RULES: dict[str, tuple[str, str, str]] = {
    "en": (r"in|into|inside|within|between|across|throughout|among|around", r"the", r"and|or"),
    "pt": (r"em|no|na|nos|nas|entre|dentro\s+d[eoa]s?", r"o|a|os|as", r"e|ou"),
    "bg": (r"в|във|между|из", r"", r"и|или"),
    "ru": (r"в|во|между", r"", r"и|или"),
}
_HI = re.compile(
    r"\s*(?:(?:,|और|तथा|एवं)\s*[\u0900-\u097F]+(?:\s+[\u0900-\u097F]+){0,2}\s*)*"
    r"(?:में|के\s+बीच|के\s+अंदर)(?=[\s,.।!?]|$)"
)


@lru_cache(maxsize=8)
def _before(lang: str) -> re.Pattern[str] | None:
    rule = _RULES.get(lang)
    if rule is None:
        return None
    prep, art, conj = rule
    a = rf"(?:(?:{art})\s+)?" if art else ""
    chain = rf"(?:{a}{_NAME}(?:\s*,\s*{a}{_NAME})*(?:\s*,?\s*(?:{conj})\s+|(?P<comma>\s*,\s*)))?"
    return re.compile(rf"(?:^|[\s(«\"“])(?i:{prep})\s+{chain}{a}$")


@lru_cache(maxsize=8)
def _list_goes_on(lang: str) -> re.Pattern[str]:
    conj = _RULES[lang][2]
    return re.compile(rf"\s*(?:,|(?i:{conj})\s)")


def locative(text: str, start: int, end: int, language: str) -> bool:
    """True when the mention ``text[start:end]`` names a place as a location: after a
    locative preposition, or later in a list such a preposition opens (Hindi: a list
    closed by में / के बीच after it). Languages without rules: False."""
    lang = (language or "").lower()
    if lang == "hi":
        return _HI.match(text, end, min(len(text), end + 60)) is not None
    pat = _before(lang)
    if pat is None:
        return False
    left = text[max(0, start - 160) : start]
    cut = max(left.rfind(c) for c in ".!?;:\n")  # stay inside the sentence
    m = pat.search(left[cut + 1 :])
    if m is None:
        return False
    # "in Mali, Niger and ...": a member after a comma only while the list goes on
    # (not "In Moscow, Russia said")
    return m.group("comma") is None or _list_goes_on(lang).match(text, end) is not None
