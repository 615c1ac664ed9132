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

Feature set 2 (``feature_set`` in the model's params; models without it use set 1)
adds, without any parser:

- ``k=`` character 4-grams of the mention itself (inflections, transliterations)
- ``V=`` where the mention sits in its sentence: sentence-initial (the usual subject
  slot), before or after the first cue/reporting verb, position bucket
- ``A=`` direction of the nearest attack / accuse / help / victim / deceive cue in the
  sentence: the mention is its agent ("X attacked Y", "Y was killed by X") or its
  target (passive auxiliaries, "by"/"от"/"por"/"द्वारा" and Hindi case markers
  ने / को / पर decide)
- ``Z=`` reported speech: the mention is inside a quotation, or is the source of a
  reporting verb ("X said", "said X", "according to X", "по словам X", "X ने कहा")

Language copies (shared + per-language weights) are scaled by ``lang_weight``.
Each namespace's values are L2-normalised so long sentences do not dominate.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from scipy import sparse

from ..static_vectors import StaticVectors, span_mean, unit

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
    "k": 0.7,
    "V": 1.0,
    "A": 1.0,
    "Z": 1.0,
}


@lru_cache(maxsize=16)
def _resolver(language: str) -> Any:
    from ..entities.rules import LANGS, _resolve, gazetteer, lang_rules

    rules = lang_rules(language if language in LANGS else "en")
    side = {e["id"]: e.get("side", "OTHER") for e in gazetteer()}

    @lru_cache(maxsize=65536)  # pure function of the mention string; saves ~10% of the stage
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
def _multiword_firsts() -> frozenset[str]:
    """First words of the multi-word cue stems: only after one of them can a word
    bigram match a stem."""
    index, _ = _cue_index()
    return frozenset(k.split(" ", 1)[0] for k in index if " " in k)


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
    firsts = _multiword_firsts()
    words = TOKEN.findall(text_lower)
    out: list[str] = []
    prev = ""
    for w in words:
        if (
            prev and prev in firsts
        ):  # multi-word stems ("war crime", "cannon fodder") span the space
            cand = f"{prev} {w}"
            for k in range(min(len(cand), longest), len(prev) + 2, -1):
                cats = index.get(cand[:k])
                if cats is not None:
                    out.extend(cats)
                    break
        out.extend(_word_cues(w))
        prev = w
    return out


def _word_cues(w: str) -> tuple[str, ...]:
    """Cue categories of one lower-cased word (longest matching stem), cached."""
    hit = _WORD_CUES.get(w)
    if hit is None:
        index, longest = _cue_index()
        hit = ()
        for k in range(min(len(w), longest), 1, -1):
            cats = index.get(w[:k])
            if cats is not None:
                hit = cats
                break
        if len(_WORD_CUES) > 500_000:
            _WORD_CUES.clear()
        _WORD_CUES[w] = hit
    return hit


def _sentence_cues(art: ArticleFeatures, s: int, e: int) -> list[str]:
    key = (s, e)
    hit = art.sentence_cues.get(key)
    if hit is None:
        hit = art.sentence_cues[key] = _cue_categories(art.text_lower[s:e])
    return hit


# -- feature set 2: sentence slot, cue direction, reported speech ---------------------
# cue categories whose words have a doer and a done-to ("X attacked Y", "X helped Y")
DIRECTED = frozenset(("attack", "accuse", "hero", "victim", "deceive", "corrupt", "exploit"))
# reporting verbs and "according to" words (lower-case word prefixes), hand-written
REPORTING: dict[str, tuple[str, ...]] = {
    "en": ("said", "says", "say", "told", "tells", "stated", "added", "noted", "claimed",
           "declared", "announced", "stressed", "insisted", "argued", "warned", "wrote",
           "writes", "explained", "according", "commented", "tweeted", "denied", "admitted",
           "emphasi", "believes", "suggested", "asserted", "replied", "answered"),
    "ru": ("заяв", "сказал", "отметил", "сообщил", "подчеркн", "добавил", "пишет", "написал",
           "считает", "утвержда", "словам", "говорит", "признал", "пояснил", "указал",
           "предупредил", "уверен", "ответил", "рассказал"),
    "bg": ("каза", "заяв", "съобщи", "посочи", "подчерта", "добави", "написа", "твърди",
           "според", "смята", "отбеляза", "обяви", "коментира", "предупреди", "обясни",
           "отговори"),
    "pt": ("disse", "afirm", "declar", "diz", "segundo", "acordo", "escreveu", "destacou",
           "acrescentou", "alertou", "explicou", "garantiu", "sublinhou", "considerou",
           "defendeu", "ressaltou", "respondeu", "anunciou"),
    "hi": ("कहा", "बताया", "कहना", "अनुसार", "कहते", "कहती", "बयान", "लिखा", "दावा"),
}  # fmt: skip
# auxiliaries right before a cue that make it passive ("was attacked")
PASSIVE: dict[str, frozenset[str]] = {
    "en": frozenset("was were been being is are be get got gets".split()),
    "ru": frozenset("был была было были будет будут стал стали".split()),
    "bg": frozenset("бе беше бяха е са бъде бъдат бил била били бяха".split()),
    "pt": frozenset("foi foram é são ser sido seria será serão estão está".split()),
    "hi": frozenset(),
}
# agent markers between a cue and the mention ("killed by X", "убит со стороны X")
BY: dict[str, frozenset[str]] = {
    "en": frozenset(("by",)),
    "ru": frozenset(("стороны", "рук")),
    "bg": frozenset(("от",)),
    "pt": frozenset(("por", "pelo", "pela", "pelos", "pelas")),
    "hi": frozenset(("द्वारा",)),
}
# Hindi case markers right after the mention: ergative/agentive vs object/target
HI_AGENT = frozenset(("ने", "द्वारा"))
HI_TARGET = frozenset(("को", "पर", "खिलाफ", "ख़िलाफ़"))
OPEN_QUOTES = "«„“"
CLOSE_QUOTES = "»”"


@dataclass
class SentenceInfo:
    """Token range of a sentence, its directed cue words and reporting verbs."""

    first: int  # token index range [first, last)
    last: int
    cues: list[tuple[int, tuple[str, ...]]]  # (token index, directed categories)
    reports: list[int]  # token indices of reporting words
    quoted: bool  # the sentence holds a quotation mark


def _sentence_info(art: ArticleFeatures, s: int, e: int) -> SentenceInfo:
    key = (s, e)
    info = art.sentence_info.get(key)
    if info is None:
        first = int(np.searchsorted(art.token_starts, s, side="left"))
        last = int(np.searchsorted(art.token_starts, e, side="left"))
        rep = REPORTING.get(art.language, REPORTING["en"])
        cues: list[tuple[int, tuple[str, ...]]] = []
        reports: list[int] = []
        for i in range(first, last):
            w = art.tokens[i][2]
            cats = tuple(c for c in _word_cues(w) if c in DIRECTED)
            if cats:
                cues.append((i, cats))
            if w.startswith(rep):
                reports.append(i)
        seg = art.text[s:e]
        quoted = any(q in seg for q in '"«»„“”')
        info = art.sentence_info[key] = SentenceInfo(first, last, cues, reports, quoted)
    return info


def _in_quote(art: ArticleFeatures, start: int) -> bool:
    """Is ``start`` inside a quotation opened earlier in its paragraph?"""
    p = art.text.rfind("\n", 0, start) + 1
    p = max(p, start - 600)
    depth = 0
    straight = 0
    low_open = False  # „...“ (BG/RU/DE style): the “ closes
    for ch in art.text[p:start]:
        if ch == '"':
            straight ^= 1
        elif ch == "„":
            depth += 1
            low_open = True
        elif ch == "“":
            if low_open and depth > 0:
                depth -= 1
                low_open = depth > 0
            else:
                depth += 1
        elif ch in OPEN_QUOTES:
            depth += 1
        elif ch in CLOSE_QUOTES:
            depth = max(0, depth - 1)
    return depth > 0 or straight == 1


def _direction(art: ArticleFeatures, i0: int, i1: int, cue: int, lang: str) -> str:
    """``agent`` or ``target`` of the cue word at token ``cue`` for the mention [i0, i1)."""
    toks = art.tokens
    if cue >= i1:  # mention before the cue: agent unless the cue is passive
        aux = PASSIVE.get(lang, PASSIVE["en"])
        before = {toks[j][2] for j in range(max(i1, cue - 2), cue)}
        if lang == "hi" and i1 < len(toks):
            marker = toks[i1][2]
            if marker in HI_AGENT:
                return "agent"
            if marker in HI_TARGET:
                return "target"
        return "target" if before & aux else "agent"
    by = BY.get(lang, BY["en"])  # cue before the mention: target unless "by X"
    between = {toks[j][2] for j in range(cue + 1, i0)}
    return "agent" if between & by else "target"


def _set2_features(
    art: ArticleFeatures,
    feats: dict[str, float],
    mention: str,
    start: int,
    s_start: int,
    s_end: int,
    i0: int,
    i1: int,
    side: str,
) -> None:
    """Feature set 2 (see the module docstring), added to ``feats`` in place."""
    low = f" {' '.join(mention.lower().split())} "
    feats.update(_normed("k", [low[i : i + 4] for i in range(len(low) - 3)]))
    info = _sentence_info(art, s_start, s_end)
    lang = art.language
    v = NAMESPACE_WEIGHTS["V"]
    before = i0 - info.first
    if before <= 0:
        feats["V=first"] = v
    elif before <= 2:
        feats["V=early"] = v
    n = max(1, info.last - info.first)
    feats[f"V=rel{min(2, 3 * before // n)}"] = v
    anchors = [c for c in [c for c, _ in info.cues] + info.reports if not i0 <= c < i1]
    anchor = min(anchors) if anchors else None
    if anchor is None:
        feats["V=noverb"] = v
    else:
        feats["V=pre" if i1 <= anchor else "V=post"] = v
    a = NAMESPACE_WEIGHTS["A"]
    left = [(c, cats) for c, cats in info.cues if c < i0 and i0 - c <= 8]
    right = [(c, cats) for c, cats in info.cues if c >= i1 and c - i1 < 8]
    for near in left[-1:] + right[:1]:
        c, cats = near
        if any(i1 <= r < c or c < r < i0 for r in info.reports):
            role = "speaker" if c >= i1 else "reported"  # "X said Y attacked ..."
        else:
            role = _direction(art, i0, i1, c, lang)
        for cat in cats:
            feats[f"A={role}_{cat}"] = a
            if side not in ("NONE", "OTHER"):
                feats[f"A={role}_{cat}|{side}"] = a
    z = NAMESPACE_WEIGHTS["Z"]
    quoted = info.quoted and _in_quote(art, start)
    if quoted:
        feats["Z=in_quote"] = z
    toks = art.tokens
    src = any(i1 <= r < i1 + 4 for r in info.reports) or any(
        r == i0 - 1 or (r == i0 - 2 and toks[r][2] == "according") for r in info.reports
    )
    if src:
        feats["Z=source"] = z
        if info.quoted:
            feats["Z=source_quote"] = z
        if side not in ("NONE", "OTHER"):
            feats[f"Z=source|{side}"] = z
    elif info.reports and not quoted:
        feats["Z=reported"] = z  # in a sentence that reports someone else's words


def canonical_key(mention: str, language: str) -> str:
    """The gazetteer entity a mention resolves to ("Путина", "Putin" -> ``putin``), else
    the lower-cased mention: the key under which mentions of one article share their
    role probabilities (``entity_mix``) when no entity stage has merged them."""
    eid, _ = _resolver(language.lower())(mention.strip())
    return eid or mention.lower().strip()


def entity_side(mention: str, language: str) -> str:
    """The gazetteer side of the entity a mention resolves to (RU, UA, WEST, GLOBAL,
    TERROR, OTHER), or NONE."""
    return str(_resolver(language.lower())(mention.strip())[1])


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
    sentence_info: dict[tuple[int, int], SentenceInfo] = field(default_factory=dict)
    block_cache: dict[tuple[str, int, str | None, float], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )
    # sentence starts when the sorted sentences are disjoint (bisect), else None (scan)
    sentence_starts: list[int] | None = None
    # prefix sums of the static word vectors over ``tokens`` (models with vectors only)
    vector_sums: tuple[np.ndarray, np.ndarray] | None = None


def tokenize(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().lower()) for m in TOKEN.finditer(text)]


def _normed(ns: str, values: Iterable[str], weight: float = 1.0) -> dict[str, float]:
    counts = Counter(values)
    if not counts:
        return {}
    norm = math.sqrt(sum(c * c for c in counts.values()))
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
    sents = sorted(sentences)
    disjoint = all(a[1] <= b[0] for a, b in itertools.pairwise(sents))
    art = ArticleFeatures(
        text=text,
        language=language,
        sentences=sents,
        sentence_starts=[s for s, _ in sents] if disjoint else None,
        tokens=tokens,
        token_starts=np.array([t[0] for t in tokens], dtype=np.int64),
        title_end=title_end,
        doc_feats=_normed("D", doc_words),
        text_lower=text.lower(),
    )
    return art


def _sentence_of(art: ArticleFeatures, start: int, end: int) -> tuple[int, int]:
    """The first sentence (in sorted order) holding ``start``, stretched to ``end``."""
    sents = art.sentences
    if art.sentence_starts is not None:  # disjoint sentences: only the last one starting
        k = bisect_right(art.sentence_starts, start) - 1  # at or before ``start`` can hold it
        if k >= 0 and start < sents[k][1]:
            return sents[k][0], max(sents[k][1], end)
    else:
        for s, e in sents:
            if s <= start < e:
                return s, max(e, end)
    return max(0, start - 150), min(len(art.text), end + 150)


def mention_features(
    art: ArticleFeatures,
    start: int,
    end: int,
    *,
    window: int = 6,
    window_chars: int = 24,
    feature_set: int = 1,
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
    if feature_set >= 2:
        _set2_features(art, feats, mention, start, s_start, s_end, i0, i1, side)
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
    art: ArticleFeatures, block: str, mask: int, lang: str | None, lang_weight: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    key = (block, mask, lang, lang_weight)
    hit = art.block_cache.get(key)
    if hit is None:
        hit = art.block_cache[key] = _hash_named(
            block_features(art, block), mask, lang, lang_weight
        )
    return hit


# (language, mask) -> feature name -> packed columns: ``h | (hl + 1) << 32`` with ``h`` the
# masked shared column and ``hl`` the masked language copy's column (-1: no copy)
_HASH_CACHE: dict[tuple[str | None, int], dict[str, int]] = {}
# namespaces that get no language-specific copy (article/sentence blocks, char n-grams)
SHARED_ONLY = ("D=", "X=", "S=", "Q=", "c=")
_LOW32 = np.int64(0xFFFFFFFF)


def _hash_named(
    row: dict[str, float], mask: int, lang: str | None, lang_weight: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Hash features (and their language-prefixed copies, values times ``lang_weight``)
    with a per-process cache. Returns column indices and values.
    """
    if mask >= 1 << 30:  # packed columns must fit in an int64
        raise ValueError(f"hash space of {mask + 1} columns is too large (at most 2**30)")
    cache = _HASH_CACHE.setdefault((lang, mask), {})
    n = len(row)
    try:
        packed = np.fromiter(map(cache.__getitem__, row), dtype=np.int64, count=n)
    except KeyError:
        if len(cache) > 1_000_000:
            cache.clear()
        crc = zlib.crc32
        for name in row:
            if name not in cache:
                h = crc(name.encode("utf-8")) & mask
                hl = (
                    -1
                    if not lang or name.startswith(SHARED_ONLY)
                    else crc(f"{lang}|{name}".encode()) & mask
                )
                cache[name] = h | ((hl + 1) << 32)
        packed = np.fromiter(map(cache.__getitem__, row), dtype=np.int64, count=n)
    vals = np.fromiter(row.values(), dtype=np.float32, count=n)
    shared = packed & _LOW32
    copy = (packed >> 32) - 1
    keep = copy >= 0
    idx = np.concatenate([shared, copy[keep]])
    lv = vals[keep]
    val = np.concatenate([vals, lv if lang_weight == 1.0 else lv * np.float32(lang_weight)])
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
    art: ArticleFeatures,
    rows: Sequence[MentionFeatures],
    bits: int,
    *,
    lang_features: bool,
    lang_weight: float = 1.0,
) -> sparse.csr_matrix:
    """Hash the mention rows of one article (shared blocks hashed once)."""
    mask = (1 << bits) - 1
    lang = art.language if lang_features else None
    indptr = [0]
    idx_parts: list[np.ndarray] = []
    val_parts: list[np.ndarray] = []
    for row in rows:
        idx, val = _hash_named(row.local, mask, lang, lang_weight)
        n = len(idx)
        idx_parts.append(idx)
        val_parts.append(val)
        for b in row.blocks:
            bi, bv = _hash_block(art, b, mask, lang, lang_weight)
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
    lang_weight: float = 1.0,
    feature_set: int = 1,
    **kw: Any,
) -> sparse.csr_matrix:
    """Feature matrix (one row per mention span) for one article.

    ``feature_set`` and ``lang_weight`` must be the ones the model was trained with
    (:meth:`RoleModel.feature_kwargs`)."""
    art = article_features(text, language, sentences)
    return _mention_matrix(art, spans, bits, lang_features, lang_weight, feature_set, kw)


def featurize_with_doc(
    text: str,
    language: str,
    sentences: Sequence[tuple[int, int]],
    spans: Sequence[tuple[int, int]],
    *,
    bits: int,
    lang_features: bool = True,
    lang_weight: float = 1.0,
    feature_set: int = 1,
    **kw: Any,
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """:func:`featurize_article` plus the article's own row (its hashed ``D=`` bag of
    words, no language copy) for document-level heads."""
    art = article_features(text, language, sentences)
    X = _mention_matrix(art, spans, bits, lang_features, lang_weight, feature_set, kw)
    return X, doc_row(art, bits)


def _mention_matrix(
    art: ArticleFeatures,
    spans: Sequence[tuple[int, int]],
    bits: int,
    lang_features: bool,
    lang_weight: float,
    feature_set: int,
    kw: dict[str, Any],
) -> sparse.csr_matrix:
    vectors = kw.pop("vectors", None)
    vector_weight = float(kw.pop("vector_weight", 1.0))
    vector_window = int(kw.pop("vector_window", 8))
    rows = [mention_features(art, s, e, feature_set=feature_set, **kw) for s, e in spans]
    X = hash_mentions(art, rows, bits, lang_features=lang_features, lang_weight=lang_weight)
    if vectors is None:
        return X
    D = mention_vectors(art, spans, vectors, window=vector_window) * np.float32(vector_weight)
    return sparse.hstack([X, sparse.csr_matrix(D)], format="csr")


def mention_vectors(
    art: ArticleFeatures,
    spans: Sequence[tuple[int, int]],
    vectors: StaticVectors,
    *,
    window: int = 8,
) -> np.ndarray:
    """Dense columns of each mention: the unit-length weighted means of the static word
    vectors of (1) the mention's words, (2) the ``window`` words on each side of it and
    (3) its sentence; ``3 * vectors.dim`` columns, zeros where no word is known."""
    if art.vector_sums is None:
        art.vector_sums = vectors.prefix_sums([t[2] for t in art.tokens])
    sums = art.vector_sums
    V, W = sums
    n = len(art.tokens)
    out = np.zeros((len(spans), 3 * vectors.dim), np.float32)
    starts = art.token_starts
    for r, (start, end) in enumerate(spans):
        i0 = int(np.searchsorted(starts, start, side="left"))
        i1 = int(np.searchsorted(starts, end, side="left"))
        a, b = max(0, i0 - window), min(n, i1 + window)
        ww = (W[i0] - W[a]) + (W[b] - W[i1])
        ctx = ((V[i0] - V[a]) + (V[b] - V[i1])) / np.float32(ww) if ww > 1e-12 else V[0] * 0
        s_start, s_end = _sentence_of(art, start, end)
        j0 = int(np.searchsorted(starts, s_start, side="left"))
        j1 = int(np.searchsorted(starts, s_end, side="left"))
        out[r] = np.concatenate(
            [unit(span_mean(sums, i0, i1)), unit(ctx), unit(span_mean(sums, j0, j1))]
        )
    return out


def doc_row(art: ArticleFeatures, bits: int) -> sparse.csr_matrix:
    """One-row matrix of the article's hashed ``D=`` block."""
    idx, val = _hash_block(art, "D", (1 << bits) - 1, None)
    X = sparse.csr_matrix(
        (val.astype(np.float32), idx.astype(np.int64), np.array([0, len(idx)], np.int64)),
        shape=(1, 1 << bits),
    )
    X.sum_duplicates()
    return X
