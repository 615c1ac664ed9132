"""A linear-chain CRF over tokens for attribution spans, decoded with numpy.

The model labels each token of a paragraph with BIO tags for ``S`` (source), ``Q`` (cue)
and ``C`` (content). It is trained with python-crfsuite (``narrascope.train.claims``),
but shipped as plain JSON (labels, transition matrix, state-feature weights) and decoded
here with a numpy Viterbi, so running it needs neither crfsuite nor pickle.

Features use the same :class:`~.context.DocContext` as the rules: lower-cased words and
suffixes, shape, the cue lexicons (verbal, nominal, prepositional), quotation marks and
whether a token is inside a quote, actor mentions (PER/ORG/GPE), pronouns, and the
distance to the nearest cue, in a +-2 token window.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...errors import ModelError
from .context import DocContext
from .rules import Claim
from .text import CLOSERS, OPENERS

# cue words whose PolNeAR attributions are intentions/wishes/plans/perceptions, not claims
DROP_CUE_LEMMAS = frozenset(
    """want wants wanted wanting plan plans planned planning hope hopes hoped hoping try tries
    tried trying intend intends intended intending seek seeks sought seeking wish wishes wished
    aim aims aimed aiming decide decides decided deciding like likes liked love loves loved hate
    hates hated prefer prefers preferred see sees saw seen watch watched hear heard feel feels
    felt need needs needed expect expects expected look looks looked""".split()
)

LABELS = ("O", "B-S", "I-S", "B-Q", "I-Q", "B-C", "I-C")


def _shape(t: str) -> str:
    if t.isdigit():
        return "d"
    if t[:1].isupper():
        return "X" if t.isupper() and len(t) > 1 else "Xx"
    if t[:1].isalpha():
        return "x"
    return "p"


def cue_marks(ctx: DocContext) -> list[str]:
    """Per token: '' or the cue class of a lexicon match covering it (B-/I- prefixed)."""
    n = len(ctx.toks)
    marks = [""] * n
    lex = ctx.lex
    for matcher, name in ((lex.prep, "prep"), (lex.nominal, "nom"), (lex.cues, None)):
        for s, e, val in ctx.find(matcher):
            cls = name or str(val)
            if any(marks[k] for k in range(s, e)):
                continue
            marks[s] = "B" + cls
            for k in range(s + 1, e):
                marks[k] = "I" + cls
    return marks


def rule_marks(ctx: DocContext, claims: Sequence[Claim]) -> list[str]:
    """Per token: '' or the role of a rule claim covering it (``C:direct``, ``Q``, ``S``),
    B-/I- prefixed; the hybrid CRF reads the rules' output as features."""
    starts = [t.start for t in ctx.toks]
    marks = [""] * len(ctx.toks)

    def paint(span: tuple[int, int] | None, role: str) -> None:
        if span is None:
            return
        a = bisect.bisect_right(starts, span[0]) - 1
        a = max(a, 0)
        if ctx.toks and ctx.toks[a].end <= span[0]:
            a += 1
        b = bisect.bisect_left(starts, span[1])
        for k in range(a, b):
            if not marks[k]:
                marks[k] = ("B-" if k == a else "I-") + role

    for c in claims:
        paint(c.cue, "Q")
        paint(c.source, "S")
        paint(c.content, "C:" + c.kind)
    return marks


def featurize(
    ctx: DocContext, a: int, b: int, marks: list[str], rmarks: list[str] | None = None
) -> list[list[str]]:
    """Feature strings for tokens [a, b) of one paragraph (``rmarks``: :func:`rule_marks`,
    for the hybrid model)."""
    toks, lows = ctx.toks, ctx.lows
    comp = ctx.lex.complementizers
    pron = ctx.lex.raw.get("pronouns", {})
    roles = ctx.lex.words("role_nouns")
    cache = ctx.__dict__.setdefault("_crf_sent_bounds", None)
    if cache is None:
        cache = ({s for s, _ in ctx.sent_tok}, {e - 1 for _, e in ctx.sent_tok})
        ctx.__dict__["_crf_sent_bounds"] = cache
    sent_starts, sent_ends = cache
    cue_pos = [i for i in range(a, b) if marks[i].startswith("B")]
    base: list[list[str]] = []
    for i in range(a, b):
        t = toks[i]
        low = lows[i]
        m = ctx.mention_at.get(i)
        f = [
            "w=" + low,
            "s3=" + low[-3:],
            "sh=" + _shape(t.text),
            "q=" + ("in" if ctx.tok_quote[i] >= 0 else "out"),
        ]
        if t.text in OPENERS or t.text in CLOSERS:
            qk = ctx.tok_quote[i]
            is_open = qk >= 0 and ctx.quotes[qk].open == t.start
            f.append("qm=open" if is_open else "qm=close")
        if marks[i]:
            f.append("cue=" + marks[i])
        if low in comp:
            f.append("comp")
        if low in pron:
            f.append("pron")
        if low in roles:
            f.append("role")
        if m is not None:
            f.append("ent=" + m.type)
        if rmarks is not None:
            f.append("r=" + (rmarks[i] or "O"))
            f.append("r=" + (rmarks[i][2:3] or "O"))
        if i in sent_starts:
            f.append("BOS")
        if i in sent_ends:
            f.append("EOS")
        # distance to the nearest cue on each side, bucketed
        k = bisect.bisect_left(cue_pos, i)
        if k > 0:
            f.append("dl=" + _bucket(i - cue_pos[k - 1]))
        k2 = k + 1 if k < len(cue_pos) and cue_pos[k] == i else k
        if k2 < len(cue_pos):
            f.append("dr=" + _bucket(cue_pos[k2] - i))
        base.append(f)
    if rmarks is not None:  # hybrid: the cue word of the sentence, word bigrams
        starts = sorted(sent_starts)
        for k, i in enumerate(range(a, b)):
            f = base[k]
            f.append("bg=" + (lows[i - 1] if i > a else "^") + "|" + lows[i])
            s0 = bisect.bisect_right(starts, i) - 1
            lo = starts[s0] if s0 >= 0 else a
            hi = starts[s0 + 1] if s0 + 1 < len(starts) else b
            kk = bisect.bisect_left(cue_pos, i)
            left = cue_pos[kk - 1] if kk > 0 and cue_pos[kk - 1] >= lo else None
            right = cue_pos[kk] if kk < len(cue_pos) and cue_pos[kk] < hi else None
            if left is not None:
                f.append("scL=" + lows[left])
            if right is not None:
                f.append("scR=" + lows[right])
            if left is None and right is None:
                f.append("sc=none")
    out: list[list[str]] = []
    n = b - a
    for k in range(n):
        f = list(base[k])
        for off in (-2, -1, 1, 2):
            j = k + off
            if 0 <= j < n:
                i = a + j
                f.append(f"{off}:w=" + lows[i])
                if marks[i]:
                    f.append(f"{off}:cue=" + marks[i][1:])
                if toks[i].text in OPENERS or toks[i].text in CLOSERS:
                    f.append(f"{off}:qm")
                if off in (-1, 1):
                    f.append(f"{off}:sh=" + _shape(toks[i].text))
                    if rmarks is not None:
                        f.append(f"{off}:r=" + (rmarks[i] or "O"))
            else:
                f.append(f"{off}:pad")
        out.append(f)
    return out


def _bucket(d: int) -> str:
    if d <= 3:
        return str(d)
    if d <= 6:
        return "4-6"
    if d <= 12:
        return "7-12"
    return "13+"


@dataclass
class CRFModel:
    labels: list[str]
    transitions: np.ndarray  # (L, L): from -> to
    attr_index: dict[str, int]
    weights: np.ndarray  # (A, L)
    meta: dict[str, object]

    @classmethod
    def load(cls, model_dir: str | Path) -> CRFModel:
        path = Path(model_dir) / "crf.json"
        try:
            obj = json.loads(path.read_text("utf-8"))
        except FileNotFoundError as e:
            raise ModelError(
                f"[E033] no claims CRF at {str(path)!r}: train one with "
                "`python -m narrascope.train.claims --out DIR`"
            ) from e
        labels = list(obj["labels"])
        L = len(labels)
        trans = np.zeros((L, L))
        for (f, t), w in zip(
            obj["transitions"]["pairs"], obj["transitions"]["weights"], strict=True
        ):
            trans[f, t] = w
        attrs = obj["attributes"]
        index = {a: k for k, a in enumerate(attrs)}
        weights = np.zeros((len(attrs) + 1, L))  # last row: unknown features
        for k, lab, w in obj["state"]:
            weights[k, lab] = w
        meta = {k: v for k, v in obj.items() if k not in ("transitions", "attributes", "state")}
        return cls(labels, trans, index, weights, meta)

    def emissions(self, feats: list[list[str]], span_bias: float = 0.0) -> np.ndarray:
        """(T, L) state scores of a paragraph's tokens; ``span_bias`` is added to every
        label but ``O``."""
        unk = len(self.attr_index)
        get = self.attr_index.get
        flat = [get(x, unk) for f in feats for x in f]
        offsets = np.zeros(len(feats), dtype=np.int64)
        np.cumsum([len(f) for f in feats[:-1]], out=offsets[1:])
        emis = np.add.reduceat(self.weights[np.asarray(flat)], offsets, axis=0)
        if span_bias:
            emis[:, [k for k, lab in enumerate(self.labels) if lab != "O"]] += span_bias
        return emis

    def tag(self, feats: list[list[str]], span_bias: float = 0.0) -> list[str]:
        """Viterbi labels; ``span_bias`` is added to the scores of every label but ``O``
        (a lower threshold for proposing sources, cues and contents)."""
        if not feats:
            return []
        emis = self.emissions(feats, span_bias)
        return [self.labels[k] for k in viterbi(emis, self.transitions)]

    def tag_with_marginals(
        self, feats: list[list[str]], span_bias: float = 0.0
    ) -> tuple[list[str], np.ndarray]:
        """Viterbi labels and the (T, L) marginal label probabilities (forward-backward)."""
        if not feats:
            return [], np.zeros((0, len(self.labels)))
        emis = self.emissions(feats, span_bias)
        tags = [self.labels[k] for k in viterbi(emis, self.transitions)]
        return tags, marginals(emis, self.transitions)


def viterbi(emissions: np.ndarray, transitions: np.ndarray) -> list[int]:
    """Best label path for (T, L) emission scores and (L, L) transition scores."""
    T, L = emissions.shape
    score = emissions[0].copy()
    back = np.zeros((T, L), dtype=np.int64)
    for t in range(1, T):
        cand = score[:, None] + transitions  # (from, to)
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + emissions[t]
    path = [int(score.argmax())]
    for t in range(T - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


def marginals(emissions: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """(T, L) posterior probability of each label at each token (forward-backward in log
    space) for (T, L) emission and (L, L) transition scores."""
    T, L = emissions.shape
    alpha = np.empty((T, L))
    beta = np.zeros((T, L))
    alpha[0] = emissions[0]
    for t in range(1, T):
        alpha[t] = np.logaddexp.reduce(alpha[t - 1][:, None] + transitions, axis=0) + emissions[t]
    for t in range(T - 2, -1, -1):
        beta[t] = np.logaddexp.reduce(
            transitions + (emissions[t + 1] + beta[t + 1])[None, :], axis=1
        )
    post = alpha + beta
    post -= np.logaddexp.reduce(post, axis=1, keepdims=True)
    return np.exp(post)


@lru_cache(maxsize=4)
def load_model(model_dir: str) -> CRFModel:
    return CRFModel.load(model_dir)


def spans_from_tags(tags: list[str], a: int) -> dict[str, list[tuple[int, int]]]:
    """Token spans per role from BIO tags (token indices offset by ``a``)."""
    out: dict[str, list[tuple[int, int]]] = {"S": [], "Q": [], "C": []}
    cur: str | None = None
    start = 0
    for k, tag in enumerate([*tags, "O"]):
        role = tag[2:] if tag != "O" else None
        if cur is not None and (tag == "O" or tag.startswith("B-") or role != cur):
            out[cur].append((a + start, a + k))
            cur = None
        if role is not None and cur is None:
            cur, start = role, k
    return out
