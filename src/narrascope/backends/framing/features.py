"""Hashed sparse features for entity-role classification (numpy only).

The same code runs at training time (``narrascope.train.framing``) and at inference
time (``narrascope.stages.framing``, ``narrascope.semeval.subtask1``), so the model sees
identical features in both places. Features are hashed with CRC32 into ``2**bits``
columns; every feature is a string ``namespace=value`` so the recipe stays readable:

- ``m=`` tokens of the mention, ``M=`` the whole mention (lower-cased): entity priors
- ``L1= L2= R1= R2=`` the words right before/after the mention, ``Lw= Rw=`` bags of the
  words in a window of ``window`` tokens on each side (inside the sentence)
- ``S=`` bag of the words of the sentence holding the mention (hashed once per sentence)
- ``c=`` character 3-4-grams of ``window_chars`` (24) characters each side of the mention
- cue-word categories (victim, attack, accuse, hero, ...; ``taxonomy/role_cues.json``)
  near the mention (``q=``) and in its sentence (``Q=``); ``Y=`` those crossed with
  the entity's side
- ``D=`` bag of words of the whole article (its stance and domain)
- ``P=`` position and frequency buckets (in the title, mention count)
- ``E=`` the gazetteer entity the mention resolves to (merges aliases, inflections and
  languages: "Путина", "Putin", "पुतिन" -> ``putin``) and its side (RU, UA, WEST, ...);
  ``X=`` the article's words crossed with that side, so the model can learn that an
  article's stance casts one side as villain and the other as victim

Each namespace's values are L2-normalised so long sentences do not dominate.
"""

from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from scipy import sparse

# \w alone splits Devanagari words at vowel signs (category M): add the combining marks
TOKEN = re.compile(r"[\w\u0300-\u036f\u0483-\u0489\u0900-\u0963\u0966-\u097f]+")

NAMESPACE_WEIGHTS: dict[str, float] = {
    "m": 1.0,
    "M": 1.0,
    "L1": 1.0,
    "L2": 0.7,
    "R1": 1.0,
    "R2": 0.7,
    "Lw": 1.0,
    "Rw": 1.0,
    "S": 1.0,
    "c": 1.0,
    "q": 1.0,
    "Q": 1.0,
    "D": 0.7,
    "P": 0.5,
    "E": 1.0,
    "X": 0.7,
    "Y": 0.7,
}


@lru_cache(maxsize=16)
def _resolver(language: str) -> Any:
    from ..entities.rules import LANGS, _resolve, gazetteer, lang_rules

    rules = lang_rules(language if language in LANGS else "en")
    side = {e["id"]: e.get("side", "OTHER") for e in gazetteer()}

    def resolve(mention: str) -> tuple[str | None, str]:
        eid = _resolve(mention, rules.alias_lookup, rules.star_keys)
        if eid is None:
            eid = _resolve(mention, rules.nominal_lookup, rules.star_nominals)
        if eid is None:
            for tok in mention.split():
                eid = _resolve(tok, rules.demonym_lookup, rules.star_demonyms)
                if eid:
                    break
        return eid, side.get(eid, "OTHER") if eid else "NONE"

    return resolve


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, dict[str, list[str]]]:
    """Role cue words per category and language, as shipped data (word stems)."""
    path = resources.files("narrascope.taxonomy").joinpath("role_cues.json")
    data: dict[str, dict[str, list[str]]] = json.loads(path.read_text("utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def _cue_index() -> tuple[dict[str, tuple[str, ...]], int]:
    """Cue stems (lower-case word prefixes) -> categories; multi-word stems keep their
    space and are matched against word bigrams."""
    index: dict[str, set[str]] = {}
    for cat, by_lang in cue_lexicon().items():
        for words in by_lang.values():
            for stem in words:
                index.setdefault(stem.lower(), set()).add(cat)
    longest = max((len(k) for k in index), default=0)
    return {k: tuple(sorted(v)) for k, v in index.items()}, longest


_WORD_CUES: dict[str, tuple[str, ...]] = {}


def _cue_categories(text_lower: str) -> list[str]:
    """Cue categories of the words in ``text_lower`` (longest matching stem per word)."""
    index, longest = _cue_index()
    words = TOKEN.findall(text_lower)
    out: list[str] = []
    prev = ""
    for w in words:
        if prev:  # multi-word stems ("war crime", "cannon fodder") span the space
            cand = f"{prev} {w}"
            for k in range(min(len(cand), longest), len(prev) + 2, -1):
                cats = index.get(cand[:k])
                if cats is not None:
                    out.extend(cats)
                    break
        hit = _WORD_CUES.get(w)
        if hit is None:
            hit = ()
            for k in range(min(len(w), longest), 1, -1):
                cats = index.get(w[:k])
                if cats is not None:
                    hit = cats
                    break
            if len(_WORD_CUES) > 500_000:
                _WORD_CUES.clear()
            _WORD_CUES[w] = hit
        out.extend(hit)
        prev = w
    return out


def _sentence_cues(art: ArticleFeatures, s: int, e: int) -> list[str]:
    key = (s, e)
    hit = art.sentence_cues.get(key)
    if hit is None:
        hit = art.sentence_cues[key] = _cue_categories(art.text_lower[s:e])
    return hit


def hash_feature(name: str, mask: int) -> int:
    return zlib.crc32(name.encode("utf-8")) & mask


@dataclass
class ArticleFeatures:
    """Per-article state shared by all mentions of one article."""

    text: str
    language: str
    sentences: list[tuple[int, int]]
    tokens: list[tuple[int, int, str]]
    token_starts: np.ndarray
    title_end: int
    doc_feats: dict[str, float] = field(default_factory=dict)
    mention_counts: dict[str, int] = field(default_factory=dict)
    text_lower: str = ""
    sentence_cues: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    block_cache: dict[tuple[str, int, str | None], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )


def tokenize(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().lower()) for m in TOKEN.finditer(text)]


def _normed(ns: str, values: Iterable[str], weight: float = 1.0) -> dict[str, float]:
    counts = Counter(values)
    if not counts:
        return {}
    norm = float(np.sqrt(sum(c * c for c in counts.values())))
    w = NAMESPACE_WEIGHTS.get(ns, 1.0) * weight / norm
    return {f"{ns}={v}": c * w for v, c in counts.items()}


def article_features(
    text: str,
    language: str,
    sentences: Sequence[tuple[int, int]],
) -> ArticleFeatures:
    """Tokenise once per article (shared by all its mentions)."""
    tokens = tokenize(text)
    nl = text.find("\n")
    title_end = nl if nl >= 0 else min(len(text), 200)
    doc_words = {t for _, _, t in tokens if len(t) > 2 and not t.isdigit()}
    art = ArticleFeatures(
        text=text,
        language=language,
        sentences=sorted(sentences),
        tokens=tokens,
        token_starts=np.array([t[0] for t in tokens], dtype=np.int64),
        title_end=title_end,
        doc_feats=_normed("D", doc_words),
        text_lower=text.lower(),
    )
    return art


def _sentence_of(art: ArticleFeatures, start: int, end: int) -> tuple[int, int]:
    for s, e in art.sentences:
        if s <= start < e:
            return s, max(e, end)
    return max(0, start - 150), min(len(art.text), end + 150)


def mention_features(
    art: ArticleFeatures, start: int, end: int, *, window: int = 6, window_chars: int = 24
) -> MentionFeatures:
    """Named features of the mention ``art.text[start:end]`` (end exclusive)."""
    text = art.text
    mention = text[start:end]
    feats: dict[str, float] = {}
    mtoks = [t.lower() for t in TOKEN.findall(mention)]
    feats.update(_normed("m", mtoks))
    feats[f"M={mention.lower().strip()}"] = NAMESPACE_WEIGHTS["M"]
    s_start, s_end = _sentence_of(art, start, end)
    i0 = int(np.searchsorted(art.token_starts, start, side="left"))
    i1 = int(np.searchsorted(art.token_starts, end, side="left"))
    left = [t[2] for t in art.tokens[max(0, i0 - window) : i0] if t[0] >= s_start]
    right = [t[2] for t in art.tokens[i1 : i1 + window] if t[1] <= s_end]
    if left:
        feats[f"L1={left[-1]}"] = NAMESPACE_WEIGHTS["L1"]
        if len(left) > 1:
            feats[f"L2={left[-2]} {left[-1]}"] = NAMESPACE_WEIGHTS["L2"]
    else:
        feats["L1=<s>"] = NAMESPACE_WEIGHTS["L1"]
    if right:
        feats[f"R1={right[0]}"] = NAMESPACE_WEIGHTS["R1"]
        if len(right) > 1:
            feats[f"R2={right[0]} {right[1]}"] = NAMESPACE_WEIGHTS["R2"]
    else:
        feats["R1=</s>"] = NAMESPACE_WEIGHTS["R1"]
    feats.update(_normed("Lw", left))
    feats.update(_normed("Rw", right))
    lo = text[max(s_start, start - window_chars) : start].lower()
    ro = text[end : min(s_end, end + window_chars)].lower()
    grams: list[str] = []
    for piece, tag in ((lo, "<"), (ro, ">")):
        piece = " ".join(piece.split())
        for n in (3, 4):
            grams.extend(tag + piece[i : i + n] for i in range(len(piece) - n + 1))
    feats.update(_normed("c", grams))
    near = _cue_categories(lo + " " + ro)
    feats.update(_normed("q", [f"near_{c}" for c in set(near)]))
    cues = _sentence_cues(art, s_start, s_end)
    blocks = ["D", f"S:{s_start}:{s_end}"]  # article and sentence blocks, hashed once
    eid, side = _resolver(art.language)(mention.strip())
    if eid:
        feats[f"E={eid}"] = NAMESPACE_WEIGHTS["E"]
    feats[f"E=side:{side}"] = NAMESPACE_WEIGHTS["E"]
    if side not in ("NONE", "OTHER"):
        blocks.append(f"X:{side}")
        yw = NAMESPACE_WEIGHTS["Y"]
        for cat in set(cues):
            feats[f"Y={side}|{cat}"] = yw
    key = mention.lower().strip()
    cached = art.mention_counts.get(key)
    if cached is None:
        cached = art.mention_counts[key] = max(1, art.text_lower.count(key)) if key else 1
    n = cached
    pos = [
        "title" if start < art.title_end else "body",
        f"count{min(n, 5)}",
        f"rel{min(4, int(5 * start / max(1, len(text))))}",
        f"ntok{min(len(mtoks), 4)}",
        "upper" if mention[:1].isupper() else "lower",
    ]
    for p in pos:
        feats[f"P={p}"] = NAMESPACE_WEIGHTS["P"]
    return MentionFeatures(feats, blocks)


@dataclass
class MentionFeatures:
    """Named local features plus the names of shared article-level blocks."""

    local: dict[str, float]
    blocks: list[str]

    def named(self, art: ArticleFeatures) -> dict[str, float]:
        """All features by name (for inspection and tests)."""
        out = dict(self.local)
        for b in self.blocks:
            out.update(block_features(art, b))
        return out


def block_features(art: ArticleFeatures, block: str) -> dict[str, float]:
    if block == "D":
        return art.doc_feats
    if block.startswith("S:"):
        _, a, b = block.split(":")
        s, e = int(a), int(b)
        out = _normed("S", [t for t in TOKEN.findall(art.text_lower[s:e]) if len(t) > 1])
        out.update(_normed("Q", _sentence_cues(art, s, e)))
        return out
    if block.startswith("X:"):
        side = block[2:]
        dw = NAMESPACE_WEIGHTS["X"] / NAMESPACE_WEIGHTS["D"]
        return {f"X={side}|{k[2:]}": v * dw for k, v in art.doc_feats.items()}
    raise KeyError(block)


def _hash_block(
    art: ArticleFeatures, block: str, mask: int, lang: str | None
) -> tuple[np.ndarray, np.ndarray]:
    key = (block, mask, lang)
    hit = art.block_cache.get(key)
    if hit is None:
        hit = art.block_cache[key] = _hash_named(block_features(art, block), mask, lang)
    return hit


_HASH_CACHE: dict[str | None, dict[str, tuple[int, int]]] = {}
# namespaces that get no language-specific copy (article/sentence blocks, char n-grams)
SHARED_ONLY = ("D=", "X=", "S=", "Q=", "c=")


def _hash_named(
    row: dict[str, float], mask: int, lang: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """Hash features (and their language-prefixed copies) with a per-process cache.

    Returns column indices and values; a feature's language copy follows it.
    """
    cache = _HASH_CACHE.setdefault(lang, {})
    if len(cache) > 1_000_000:
        cache.clear()
    names = list(row)
    hits = [cache.get(n) for n in names]
    if None in hits:
        crc = zlib.crc32
        for i, n in enumerate(names):
            if hits[i] is None:
                h = crc(n.encode("utf-8"))
                hl = -1 if not lang or n.startswith(SHARED_ONLY) else crc(f"{lang}|{n}".encode())
                hits[i] = cache[n] = (h, hl)
    H = np.array(hits, dtype=np.int64).reshape(-1, 2)
    vals = np.fromiter(row.values(), dtype=np.float32, count=len(names))
    keep = H[:, 1] >= 0
    idx = np.concatenate([H[:, 0], H[keep, 1]]) & mask
    val = np.concatenate([vals, vals[keep]])
    return idx, val


def hash_rows(
    rows: Sequence[dict[str, float]], bits: int, *, language: str | None = None
) -> sparse.csr_matrix:
    """Hash named feature rows (reference implementation of :func:`hash_mentions`)."""
    mask = (1 << bits) - 1
    out = []
    for row in rows:
        idx, val = _hash_named(row, mask, language)
        m = sparse.csr_matrix(
            (np.asarray(val, np.float32), (np.zeros(len(idx), np.int64), idx)),
            shape=(1, 1 << bits),
        )
        out.append(m)
    return sparse.vstack(out).tocsr() if out else sparse.csr_matrix((0, 1 << bits))


def hash_mentions(
    art: ArticleFeatures, rows: Sequence[MentionFeatures], bits: int, *, lang_features: bool
) -> sparse.csr_matrix:
    """Hash the mention rows of one article (shared blocks hashed once)."""
    mask = (1 << bits) - 1
    lang = art.language if lang_features else None
    indptr = [0]
    idx_parts: list[np.ndarray] = []
    val_parts: list[np.ndarray] = []
    for row in rows:
        idx, val = _hash_named(row.local, mask, lang)
        n = len(idx)
        idx_parts.append(idx)
        val_parts.append(val)
        for b in row.blocks:
            bi, bv = _hash_block(art, b, mask, lang)
            idx_parts.append(bi)
            val_parts.append(bv)
            n += len(bi)
        indptr.append(indptr[-1] + n)
    X = sparse.csr_matrix(
        (
            np.concatenate(val_parts) if val_parts else np.zeros(0, np.float32),
            np.concatenate(idx_parts) if idx_parts else np.zeros(0, np.int64),
            np.asarray(indptr, np.int64),
        ),
        shape=(len(rows), 1 << bits),
    )
    X.sum_duplicates()
    return X


def featurize_article(
    text: str,
    language: str,
    sentences: Sequence[tuple[int, int]],
    spans: Sequence[tuple[int, int]],
    *,
    bits: int,
    lang_features: bool = True,
    **kw: Any,
) -> sparse.csr_matrix:
    """Feature matrix (one row per mention span) for one article."""
    art = article_features(text, language, sentences)
    rows = [mention_features(art, s, e, **kw) for s, e in spans]
    return hash_mentions(art, rows, bits, lang_features=lang_features)
