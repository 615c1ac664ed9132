"""Hashed paragraph features for the persuasion-technique models (numpy only).

Every paragraph becomes one sparse row in a ``2**bits`` hashed space, built from blocks
that are each sublinear-TF weighted and L2-normalised, then scaled:

- ``char``: character n-grams (default 4-grams) of the lower-cased paragraph;
  shared across languages, so related languages transfer (uk/bg via ru, pt via it/fr);
- ``word``: word unigrams and bigrams of the paragraph (plus ``!``, ``?`` and quotes);
- ``doc``: word unigrams of the whole article, the same block on every paragraph row
  (off by default here; the shipped model uses weight 0.5 since round 6, on top of the
  article context of the second stage, see :mod:`.model`);
- ``ctx``: word unigrams of the previous and next paragraphs (off by default);
- ``meta``: language, length, position, title line, punctuation and lexicon cues.

The same code builds training matrices (``sklearn`` is used only to fit) and scores at
inference, so features cannot drift between the two. Hashes are stable across processes
and platforms (CRC-32 for words, a numpy polynomial hash for character n-grams).
"""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

_WORD = re.compile(r"\w+(?:['’]\w+)*|[!?«»“”\"…]", re.UNICODE)
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d")
_MASK64 = (1 << 64) - 1

# namespaces (salts) of the feature blocks
NS_CHAR, NS_WORD, NS_BIGRAM, NS_DOC, NS_PREV, NS_NEXT, NS_META = range(1, 8)


@dataclass(frozen=True)
class FeatureConfig:
    """Feature settings; stored in the model's meta.json and reused at inference."""

    bits: int = 20
    char_min: int = 4
    char_max: int = 4
    w_char: float = 1.0
    w_word: float = 1.0
    w_doc: float = 0.0
    w_ctx: float = 0.0
    w_meta: float = 1.0
    languages: tuple[str, ...] = ("en", "fr", "de", "it", "pl", "ru")

    def to_json(self) -> dict[str, object]:
        return {
            "bits": self.bits,
            "char_min": self.char_min,
            "char_max": self.char_max,
            "w_char": self.w_char,
            "w_word": self.w_word,
            "w_doc": self.w_doc,
            "w_ctx": self.w_ctx,
            "w_meta": self.w_meta,
            "languages": list(self.languages),
        }

    @classmethod
    def from_json(cls, obj: dict[str, object]) -> FeatureConfig:
        kw = dict(obj)
        kw["languages"] = tuple(kw.get("languages") or ())  # type: ignore[arg-type]
        return cls(**kw)  # type: ignore[arg-type]


@dataclass
class Rows:
    """Sparse rows as COO triplets (row index, hashed column, value)."""

    n_rows: int
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def _mix(h: np.ndarray) -> np.ndarray:
    """murmur3 64-bit finaliser on a uint64 array (wraps modulo 2**64)."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def _salted(values: np.ndarray, ns: int, bits: int) -> np.ndarray:
    salt = np.uint64((ns * 0x9E3779B97F4A7C15) & _MASK64)
    return (_mix(values.astype(np.uint64) ^ salt) & np.uint64((1 << bits) - 1)).astype(np.int64)


def normalise(text: str) -> str:
    """Lower-case, collapse whitespace, map digits to 0."""
    return _DIGITS.sub("0", _SPACES.sub(" ", text.lower())).strip()


def tokens(text: str) -> list[str]:
    return _WORD.findall(text)


_TOKEN_IDS: dict[str, int] = {}
_TOKEN_CACHE_MAX = 500_000


def _token_id(tok: str) -> int:
    h = _TOKEN_IDS.get(tok)
    if h is None:
        h = zlib.crc32(tok.encode("utf-8"))
        if len(_TOKEN_IDS) < _TOKEN_CACHE_MAX:
            _TOKEN_IDS[tok] = h
    return h


def _word_ids(toks: Sequence[str]) -> np.ndarray:
    return np.fromiter(map(_token_id, toks), np.uint64, len(toks))


def _name_id(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def _char_ngrams(texts: Sequence[str], n_min: int, n_max: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, hash) of every character n-gram of each text, vectorised over all texts."""
    padded = "\x00".join(f" {t} " for t in texts)
    codes = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = codes == 0
    row_of = np.cumsum(is_sep)  # row index of each position
    csum = np.concatenate([[0], np.cumsum(is_sep)])
    out_rows, out_hash = [], []
    length = len(codes)
    for n in range(n_min, n_max + 1):
        m = length - n + 1
        if m <= 0:
            continue
        h = np.full(m, np.uint64(n * 0x100000001B3), dtype=np.uint64)
        for k in range(n):
            h = _mix(h ^ codes[k : k + m])
        ok = (csum[n : n + m] - csum[:m]) == 0
        out_rows.append(row_of[:m][ok])
        out_hash.append(h[ok])
    if not out_rows:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    return np.concatenate(out_rows).astype(np.int64), np.concatenate(out_hash)


def _block(
    rows: np.ndarray, cols: np.ndarray, n_rows: int, weight: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum duplicates, sublinear TF, L2-normalise each row, scale by ``weight``."""
    if len(rows) == 0 or weight == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    key = rows.astype(np.int64) << 32 | cols.astype(np.int64)
    uniq, counts = np.unique(key, return_counts=True)
    r = (uniq >> 32).astype(np.int64)
    c = (uniq & 0xFFFFFFFF).astype(np.int64)
    v = (1.0 + np.log(counts)).astype(np.float32)
    norms = np.zeros(n_rows, np.float32)
    np.add.at(norms, r, v * v)
    v = v / np.sqrt(norms[r]) * np.float32(weight)
    return r, c, v.astype(np.float32)


class Featurizer:
    """Turns the paragraphs of one article into hashed sparse rows."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()
        self.lexicons: dict[str, frozenset[str]] = {}

    def set_lexicons(self, lexicons: Mapping[str, Sequence[str]]) -> None:
        """Per-technique cue words (lower-case unigrams/bigrams) used as meta features."""
        self.lexicons = {k: frozenset(v) for k, v in lexicons.items()}

    def transform(
        self, paragraphs: Sequence[str], language: str | None, *, words_only: bool = False
    ) -> Rows:
        """Hashed rows of ``paragraphs`` (one article, in order). ``words_only`` keeps
        just the word uni/bigram block (a cheap view used to rank sentences)."""
        cfg = self.config
        if words_only:
            cfg = FeatureConfig(
                bits=cfg.bits, w_char=0.0, w_word=cfg.w_word, w_doc=0.0, w_ctx=0.0, w_meta=0.0,
                languages=cfg.languages,
            )  # fmt: skip
        bits = cfg.bits
        n = len(paragraphs)
        norm = [normalise(p) for p in paragraphs]
        toks = [tokens(p) for p in norm]
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

        # char n-grams
        if cfg.w_char:
            r, h = _char_ngrams(norm, cfg.char_min, cfg.char_max)
            parts.append(_block(r, _salted(h, NS_CHAR, bits), n, cfg.w_char))

        # word unigrams + bigrams, and per-paragraph unigram ids for context blocks
        uni_rows, uni_ids, bi_rows, bi_ids = [], [], [], []
        for i, tk in enumerate(toks):
            ids = _word_ids(tk)
            uni_rows.append(np.full(len(ids), i, np.int64))
            uni_ids.append(ids)
            if len(ids) > 1:
                bi_rows.append(np.full(len(ids) - 1, i, np.int64))
                bi_ids.append(ids[:-1] * np.uint64(1000003) ^ ids[1:])
        ur = np.concatenate(uni_rows) if uni_rows else np.zeros(0, np.int64)
        ui = np.concatenate(uni_ids) if uni_ids else np.zeros(0, np.uint64)
        br = np.concatenate(bi_rows) if bi_rows else np.zeros(0, np.int64)
        bi = np.concatenate(bi_ids) if bi_ids else np.zeros(0, np.uint64)
        wr = np.concatenate([ur, br])
        wc = np.concatenate([_salted(ui, NS_WORD, bits), _salted(bi, NS_BIGRAM, bits)])
        parts.append(_block(wr, wc, n, cfg.w_word))

        # whole-article unigrams, repeated on every paragraph row
        if cfg.w_doc and n:
            _, cnt_c, cnt_v = _block(
                np.zeros(len(ui), np.int64), _salted(ui, NS_DOC, bits), 1, cfg.w_doc
            )
            k = len(cnt_c)
            parts.append(
                (np.repeat(np.arange(n, dtype=np.int64), k), np.tile(cnt_c, n), np.tile(cnt_v, n))
            )

        # neighbouring paragraphs
        if cfg.w_ctx and n > 1:
            prev_rows = ur + 1
            keep = prev_rows < n
            parts.append(_block(prev_rows[keep], _salted(ui[keep], NS_PREV, bits), n, cfg.w_ctx))
            next_rows = ur - 1
            keep = next_rows >= 0
            parts.append(_block(next_rows[keep], _salted(ui[keep], NS_NEXT, bits), n, cfg.w_ctx))

        # meta features
        mr: list[int] = []
        mc: list[int] = []
        lang = language if language in cfg.languages else "xx"
        for i, (p, tk) in enumerate(zip(norm, toks, strict=True)):
            if not cfg.w_meta:
                break
            names = [f"lang={lang}", "bias"]
            names.append(f"len={min(int(math.log2(1 + len(p))), 12)}")
            names.append(f"ntok={min(int(math.log2(1 + len(tk))), 9)}")
            names.append(f"pos={min(i, 3)}" if i < 3 else f"rpos={int(4 * i / max(n, 1))}")
            if i == 0:
                names.append("title")
            for ch, tag in (("?", "q"), ("!", "x"), ("«", "quo"), ("“", "quo"), ('"', "quo")):
                c = p.count(ch)
                if c:
                    names.append(f"{tag}={min(c, 3)}")
                    names.append(f"{lang}:{tag}={min(c, 3)}")
            if self.lexicons:
                tkset = set(tk)
                bigr = {f"{a} {b}" for a, b in itertools.pairwise(tk)}
                for tech, lex in self.lexicons.items():
                    hits = len(tkset & lex) + len(bigr & lex)
                    if hits:
                        names.append(f"lex:{tech}={min(hits, 3)}")
            mr.extend([i] * len(names))
            mc.extend(_name_id(s) for s in names)
        if mr:
            cols = _salted(np.asarray(mc, np.uint64), NS_META, bits)
            vals = np.full(len(mr), cfg.w_meta, np.float32)
            parts.append((np.asarray(mr, np.int64), cols, vals))

        rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
        cols = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
        vals = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.float32)
        return Rows(n, rows, cols, vals)
