"""The round-3 speed changes of the framing features and entity resolution give the same
results as the straightforward code they replace (reference versions below)."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from narrascope.backends.entities.rules import _norm, _resolve
from narrascope.backends.framing import features as F


def _hash_named_ref(
    row: dict[str, float], mask: int, lang: str | None, lang_weight: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    hits = []
    for n in row:
        h = zlib.crc32(n.encode("utf-8"))
        hl = -1 if not lang or n.startswith(F.SHARED_ONLY) else zlib.crc32(f"{lang}|{n}".encode())
        hits.append((h, hl))
    H = np.array(hits, dtype=np.int64).reshape(-1, 2)
    vals = np.fromiter(row.values(), dtype=np.float32, count=len(row))
    keep = H[:, 1] >= 0
    idx = np.concatenate([H[:, 0], H[keep, 1]]) & mask
    lv = vals[keep]
    val = np.concatenate([vals, lv if lang_weight == 1.0 else lv * np.float32(lang_weight)])
    return idx, val


@pytest.mark.parametrize("lang", [None, "en", "ru"])
@pytest.mark.parametrize("lang_weight", [1.0, 0.5])
def test_hash_named_matches_reference(lang: str | None, lang_weight: float) -> None:
    row = {"m=putin": 0.7, "c=<ab": 0.1, "D=war": 0.3, "E=side:RU": 1.0, "S=x": 0.2, "Л1=мир": 0.4}
    for bits in (10, 19):
        mask = (1 << bits) - 1
        for _ in range(2):  # cold, then cached
            idx, val = F._hash_named(row, mask, lang, lang_weight)
            ref_idx, ref_val = _hash_named_ref(row, mask, lang, lang_weight)
            assert idx.tolist() == ref_idx.tolist()
            assert val.tobytes() == ref_val.tobytes()
    # language copies only for namespaces outside SHARED_ONLY
    idx, _ = F._hash_named(row, (1 << 19) - 1, lang, lang_weight)
    assert len(idx) == len(row) + (3 if lang else 0)


def test_hash_named_rejects_huge_hash_space() -> None:
    with pytest.raises(ValueError):
        F._hash_named({"m=x": 1.0}, (1 << 31) - 1, None)


def _cue_categories_ref(text_lower: str) -> list[str]:
    index, longest = F._cue_index()
    out: list[str] = []
    prev = ""
    for w in F.TOKEN.findall(text_lower):
        if prev:
            cand = f"{prev} {w}"
            for k in range(min(len(cand), longest), len(prev) + 2, -1):
                cats = index.get(cand[:k])
                if cats is not None:
                    out.extend(cats)
                    break
        out.extend(F._word_cues(w))
        prev = w
    return out


@pytest.mark.parametrize(
    "text",
    [
        "they committed a war crime and sent soldiers as cannon fodder",
        "the regime sold out the people; they will pay the price, used as pawns",
        "пушечно месо и дневен ред на войната",
        "war war crimes crime cannon fodders fight fight for",
        "",
    ],
)
def test_cue_categories_match_reference(text: str) -> None:
    got = F._cue_categories(text.lower())
    assert got == _cue_categories_ref(text.lower())


def test_cue_categories_find_multiword_stem() -> None:
    index, _ = F._cue_index()
    assert "cannon fodder" in index
    assert set(index["cannon fodder"]) <= set(F._cue_categories("as cannon fodder"))


def _sentence_of_ref(art: F.ArticleFeatures, start: int, end: int) -> tuple[int, int]:
    for s, e in art.sentences:
        if s <= start < e:
            return s, max(e, end)
    return max(0, start - 150), min(len(art.text), end + 150)


@pytest.mark.parametrize(
    "sents",
    [
        [(0, 10), (11, 20), (20, 35), (40, 60)],  # disjoint, with gaps
        [(20, 35), (0, 10), (11, 20)],  # unsorted input
        [(0, 30), (5, 12), (25, 60)],  # overlapping: linear scan
        [(5, 5), (5, 9), (9, 9), (9, 20)],  # empty sentences
        [],
    ],
)
def test_sentence_of_matches_scan(sents: list[tuple[int, int]]) -> None:
    text = "x" * 70
    art = F.article_features(text, "en", sents)
    for start in range(0, 70):
        for end in (start + 1, start + 3):
            assert F._sentence_of(art, start, end) == _sentence_of_ref(art, start, end)


def _resolve_ref(text: str, lookup: dict[str, str], stars: list[tuple[str, str]]) -> str | None:
    key = _norm(text)
    if key in lookup:
        return lookup[key]
    if key.startswith("the ") and key[4:] in lookup:
        return lookup[key[4:]]
    best: tuple[int, str] | None = None
    for stem, eid in stars:
        words, kw = stem.split(), key.split()
        if len(words) != len(kw):
            continue
        if all(k.startswith(w) and len(k) - len(w) <= 3 for w, k in zip(words, kw, strict=True)):
            score = sum(len(w) for w in words)
            if best is None or score > best[0]:
                best = (score, eid)
    return best[1] if best else None


def test_resolve_matches_reference() -> None:
    lookup = {"putin": "putin", "kremlin": "kremlin"}
    stars = [("путин", "putin"), ("зеленск", "zelensky"), ("white house", "us_gov"), ("whi", "x")]
    for text in ["Putin", "the Kremlin", "Путина", "Зеленского", "White Houses", "white", "Bo"]:
        assert _resolve(text, lookup, stars) == _resolve_ref(text, lookup, stars)
    assert _resolve("Путина", lookup, stars) == "putin"
    assert _resolve("White Houses", lookup, stars) == "us_gov"
