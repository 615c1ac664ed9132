"""Per-language cue lexicons and alias tables for the claims stage, loaded from JSON.

The lexicons live in ``narrascope/models/claims/lexicon/<lang>.json`` (package data);
``actors.json`` holds canonical names of frequently quoted people. A phrase is a
lower-case string whose tokens are separated by spaces; a token ending in ``*`` matches
any token starting with that prefix (inflected forms). Everything here is vocabulary:
no sentences from any corpus.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ...errors import ModelError

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "claims"
SUPPORTED_LANGUAGES = ("en", "ru", "uk", "bg", "pt")
APOSTROPHES = "'’"


def norm_token(tok: str) -> str:
    """Lower-case a token and drop an English possessive ('s / ’s)."""
    low = tok.lower()
    if low[-1:] in APOSTROPHES:
        return low[:-1] if len(low) > 1 else low
    if low[-2:-1] in APOSTROPHES and low[-1] == "s" and len(low) > 2:
        return low[:-2]
    return low


class PhraseMatcher:
    """Longest-match lookup of multi-token phrases (with ``prefix*`` tokens and ``_`` for any
    one word, not first) in token lists."""

    def __init__(self) -> None:
        self._exact: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        self._prefix: dict[str, list[tuple[tuple[str, ...], Any]]] = {}

    def add(self, phrase: str, value: Any) -> None:
        parts = tuple(phrase.lower().split())
        if not parts:
            return
        first = parts[0]
        if first.endswith("*") and len(first) > 3:
            self._prefix.setdefault(first[:3], []).append((parts, value))
        else:
            self._exact.setdefault(first, []).append((parts, value))

    @staticmethod
    def _tok_match(pattern: str, tok: str) -> bool:
        if pattern == "_":  # any one token ("доказательств _ не привела": a name between)
            return tok.isalpha()
        if pattern.endswith("*") and len(pattern) > 3:
            return tok.startswith(pattern[:-1])
        return pattern == tok

    def match_at(self, lows: Sequence[str], i: int) -> tuple[int, Any] | None:
        """``(n_tokens, value)`` of the longest phrase starting at token ``i``, or None."""
        tok = lows[i]
        cands = self._exact.get(tok, [])
        pref = self._prefix.get(tok[:3]) if len(tok) >= 3 else None
        if pref:
            cands = cands + pref
        best: tuple[int, Any] | None = None
        for parts, value in cands:
            n = len(parts)
            if i + n > len(lows) or (best is not None and n <= best[0]):
                continue
            if all(self._tok_match(p, lows[i + k]) for k, p in enumerate(parts)):
                best = (n, value)
        return best

    def find_all(
        self, lows: Sequence[str], lo: int = 0, hi: int | None = None
    ) -> list[tuple[int, int, Any]]:
        """Non-overlapping longest matches ``(start, end, value)`` in ``lows[lo:hi]``."""
        hi = len(lows) if hi is None else hi
        ex, px = self._exact, self._prefix
        cands = [i for i in range(lo, hi) if lows[i] in ex or lows[i][:3] in px]
        out = []
        nxt = lo
        for i in cands:
            if i < nxt:
                continue
            m = self.match_at(lows, i)
            if m is not None and i + m[0] <= hi:
                out.append((i, i + m[0], m[1]))
                nxt = i + m[0]
        return out


def _words(items: Iterable[str]) -> frozenset[str]:
    return frozenset(x.lower() for x in items)


@dataclass
class Lexicon:
    language: str
    raw: dict[str, Any]
    cues: PhraseMatcher = field(default_factory=PhraseMatcher)
    nominal: PhraseMatcher = field(default_factory=PhraseMatcher)
    prep: PhraseMatcher = field(default_factory=PhraseMatcher)
    agents: PhraseMatcher = field(default_factory=PhraseMatcher)  # countries, orgs, actors
    speaker_agents: PhraseMatcher = field(default_factory=PhraseMatcher)  # without demonyms
    triggers: PhraseMatcher = field(default_factory=PhraseMatcher)
    frames: PhraseMatcher = field(default_factory=PhraseMatcher)
    ev_disputed_after: PhraseMatcher = field(default_factory=PhraseMatcher)
    ev_disputed_before: PhraseMatcher = field(default_factory=PhraseMatcher)
    ev_disputed_inline: PhraseMatcher = field(default_factory=PhraseMatcher)
    ev_without: PhraseMatcher = field(default_factory=PhraseMatcher)
    ev_cited: PhraseMatcher = field(default_factory=PhraseMatcher)
    ev_cited_frames: PhraseMatcher = field(default_factory=PhraseMatcher)
    aux_multi: PhraseMatcher = field(default_factory=PhraseMatcher)
    actor_country: dict[str, str | None] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)  # "ukraine" -> "Ukraine"

    def words(self, key: str) -> frozenset[str]:
        cache = self.__dict__.setdefault("_words_cache", {})
        if key not in cache:
            cache[key] = _words(self.raw.get(key, ()))
        return cache[key]

    @property
    def complementizers(self) -> frozenset[str]:
        return self.words("complementizers")


def _build(language: str, raw: dict[str, Any], actors: dict[str, Any]) -> Lexicon:
    lex = Lexicon(language=language, raw=raw)
    for cls, phrases in raw.get("cues", {}).items():
        for p in phrases:
            lex.cues.add(p, cls)
    for p in raw.get("nominal_cues", ()):
        lex.nominal.add(p, "nominal")
    for p in raw.get("prep_cues", ()):
        lex.prep.add(p, "prep")
    for canon, aliases in raw.get("countries", {}).items():
        lex.country_names[canon.lower()] = canon
        if aliases:
            lex.country_names[aliases[0].lower()] = canon
        for a in [canon, *aliases]:
            lex.agents.add(a, ("GPE", canon))
            lex.speaker_agents.add(a, ("GPE", canon))
    for canon, aliases in raw.get("orgs", {}).items():
        for a in [canon, *aliases]:
            lex.agents.add(a, ("ORG", canon))
            lex.speaker_agents.add(a, ("ORG", canon))
    for canon, aliases in raw.get("demonyms", {}).items():
        for a in aliases:
            lex.agents.add(a, ("GPE", canon))
    for canon, info in actors.get("actors", {}).items():
        lex.actor_country[canon] = info.get("country")
        for a in info.get("aliases", ()):
            lex.agents.add(a, ("PER", canon))
            lex.speaker_agents.add(a, ("PER", canon))
    for p in raw.get("blame_triggers", ()):
        lex.triggers.add(p, "blame")
    for p in raw.get("frame_triggers", ()):
        lex.frames.add(p, "frame")
    ev = raw.get("evidence", {})
    for key, matcher in (
        ("disputed_after", lex.ev_disputed_after),
        ("disputed_before", lex.ev_disputed_before),
        ("disputed_inline", lex.ev_disputed_inline),
        ("without_evidence", lex.ev_without),
        ("cited", lex.ev_cited),
        ("cited_frames", lex.ev_cited_frames),
    ):
        for p in ev.get(key, ()):
            matcher.add(p.replace("\\?", "?"), key)
    for p in raw.get("aux_skip", ()):
        lex.aux_multi.add(p, "aux")
    return lex


def _read_json(name: str) -> dict[str, Any]:
    try:
        return json.loads((MODEL_DIR / "lexicon" / name).read_text("utf-8"))
    except FileNotFoundError as e:
        raise ModelError(f"[E031] claims lexicon {name!r} is missing from the package") from e
    except json.JSONDecodeError as e:
        raise ModelError(f"[E032] claims lexicon {name!r} is not valid JSON: {e}") from e


@cache
def load_lexicon(language: str) -> Lexicon:
    """The lexicon for ``language`` (ISO 639-1); unsupported languages get English."""
    lang = language if language in SUPPORTED_LANGUAGES else "en"
    return _build(lang, _read_json(f"{lang}.json"), _read_json("actors.json"))
