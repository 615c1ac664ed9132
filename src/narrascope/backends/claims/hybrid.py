"""Rules + CRF: the CRF proposes content/source/cue spans in paragraphs with a cue or a
quote; proposals that do not overlap a rule claim are added as claims.

``claims.crf.v1`` tags with the lexicon features only; ``claims.hybrid.v1`` also gives the
CRF the rules' claims, word bigrams and the cue word of the sentence as features
(``rmarks``) and drops proposals that are not claims in narrascope's sense: infinitives
and "whether" clauses ("declined to comment"), objects like "no evidence" / "any
details", prepositional phrases, contents of fewer than three words, what "citing" /
"referring to" name (evidence for us, an attribution for PolNeAR), contents that start
inside a cue phrase, and proposals without a source or with the author's "you"/"we" as
source. On PolNeAR these filters cost about 0.015 content F1 (fold 0); on our sets and
the seeds they remove most of the CRF's false positives (en_dev 0.899 -> 0.936).

Round 3 added: sources or contents more than 120 characters from the cue
(``hybrid.source_too_far``: the source falls back to the subject just before the cue, else
the proposal is dropped; ``hybrid.content_too_far``), intention/attempt cues
(``hybrid.intention_cue``), run-together sources shrunk to the last speaker, and "to ..."
contents kept after demands and pledges (PolNeAR 5-fold: unchanged F1, +0.006 precision).

Round 4 added: address/meeting events without a quoted content are dropped
(``hybrid.address_cue``: "addressed the nation", "spoke to reporters"), and orders and
instructions ("ordered", "instructed", "told X to ...") are directives
(``hybrid.order_cue``: evidence ``not_applicable``).

Round 5: ``crf_proposals`` returns every proposal with the names of the filters it fails
(``FILTERS``; ``DISABLED_FILTERS`` switches some off for ablations); output unchanged. On
PolNeAR (5-fold) each filter costs 0.000-0.003 content F1 and all together 0.014, while
every proposal they drop on the hand-written sets is wrong under our convention.

Round 6: the CRF tags every paragraph (not only those with a lexicon cue or a quote:
PolNeAR reports acts of speech with verbs the lexicon does not list), and a
proposal whose source the CRF did not mark takes the actor named just before its cue
(``_subject_before``) instead of being dropped as ``no_source``."""

from __future__ import annotations

import bisect
import re

from .context import DocContext
from .crf import DROP_CUE_LEMMAS, cue_marks, featurize, load_model, spans_from_tags
from .rules import FINAL_STRIP, Claim
from .text import QUOTE_CHARS

# hybrid.source_too_far: a proposal's source farther than this from its cue (characters
# between the spans) is not its source: PolNeAR's gold sources are within 120 characters
# of the cue in 99.2% of attributions; beyond, the CRF has mostly paired the author's
# prose with the speaker of the previous quote
SOURCE_MAX_CHARS = 120
# hybrid.content_too_far: same for a proposal's content and its cue (98.4% within 120)
CONTENT_MAX_CHARS = 120
# added to the CRF's scores of every label but O before Viterbi in the hybrid (0: plain
# Viterbi); a lower threshold for proposals
SPAN_BIAS = 0.0

_NOT_A_CLAIM = re.compile(
    r"(?:to|whether|if|in|on|at|during|for) |(?:any|no) (?:evidence|proof|details|comment)",
    re.I,
)


# PolNeAR attributes what "citing"/"referring to" name; for us that is evidence, not a claim
_REFERENCE_CUES = frozenset(
    [
        *"citing cited cite cites named name comment request".split(),
        *("referring to", "referred to", "refer to", "pointing to", "pointed to"),
    ]
)


# hybrid.intention_cue: intentions, wishes, plans and perceptions are not claims (the
# PolNeAR mapping drops them from the training data: DROP_CUE_LEMMAS), nor are attempts
_INTENTION_CUES = DROP_CUE_LEMMAS | frozenset("attempt attempts attempted attempting".split())


# hybrid.evidential_cue: "X seems/appears to ...", "reportedly" (an attribution for
# PolNeAR) is the author's hedge, not someone's statement
_EVIDENTIAL_CUES = frozenset(
    "seem seems seemed seeming appear appears appeared appearing reportedly apparently".split()
)


# hybrid.address_cue: an address, a meeting or a visit reports an event, not a
# proposition ("addressed the nation", "spoke to reporters", "met the minister"): a CRF
# proposal cued by one of these verbs is dropped unless its content is quoted
_ADDRESS_CUES = frozenset(
    """address addressed addresses addressing greet greeted greets greeting meet met meets
    meeting thank thanked thanks thanking visit visited visits visiting briefed brief briefs
    briefing""".split()
)
_SPEAK_TO = frozenset("speak speaks spoke speaking talk talks talked talking".split())

# hybrid.order_cue: orders and instructions are directives (evidence not_applicable, "to
# ..." content kept): "ordered his aides to report", "instructed the army to ..."; "told
# / asked X to ..." likewise
_ORDER_CUES = frozenset(
    "order orders ordered ordering command commands commanded commanding direct directed "
    "directs instruct instructs instructed instructing".split()
)
_TO_DIRECTIVE_CUES = frozenset("tell tells told telling ask asks asked asking".split())


def address_only(cue: str, content: str) -> bool:
    """hybrid.address_cue: the proposal is an address/meeting event (its cue, lower case,
    and its content) with no reported proposition."""
    words = cue.split()
    if not words or any(ch in QUOTE_CHARS for ch in content):
        return False
    if words[-1] in _ADDRESS_CUES:
        return True
    return words[-1] in _SPEAK_TO or (len(words) > 1 and words[-2] in _SPEAK_TO)


def cue_class(cue: str, content: str, cls: str) -> str:
    """The lexicon class of a CRF proposal's cue, with orders and instructions (and "told
    / asked X to ...") as directives (hybrid.order_cue)."""
    last = cue.split()[-1] if cue else ""
    if last in _ORDER_CUES:
        return "directive"
    if last in _TO_DIRECTIVE_CUES and re.match(r"(?:\w+\W+){0,4}?to\s", content):
        return "directive"
    return cls


# cue classes whose "to ..." complement is a claim (a demand or a pledge: "urged them to
# leave", "vowed to retaliate"); after other cues an infinitive is not ("declined to")
_TO_CLASSES = frozenset(["directive", "commissive"])


def keep_proposal(text: str, cue: str = "", cls: str = "") -> bool:
    """Whether a CRF content proposal (with its cue, lower case, and the cue's lexicon
    class) is a claim in narrascope's sense (hybrid filters)."""
    return not proposal_reasons(text, cue, cls)


def char_gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, b[0] - a[1], a[0] - b[1])


def source_too_far(cue: tuple[int, int], source: tuple[int, int] | None) -> bool:
    """hybrid.source_too_far: the proposal's source lies more than ``SOURCE_MAX_CHARS``
    characters from its cue."""
    return source is not None and char_gap(cue, source) > SOURCE_MAX_CHARS


def content_too_far(cue: tuple[int, int], content: tuple[int, int]) -> bool:
    """hybrid.content_too_far: the proposal's content lies more than ``CONTENT_MAX_CHARS``
    characters from its cue."""
    return char_gap(cue, content) > CONTENT_MAX_CHARS


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# names of the hybrid filters (``filter_reasons``); a proposal failing any enabled filter
# is dropped. ``DISABLED_FILTERS`` switches some off (ablations in bench scripts).
FILTERS = (
    "inside_cue", "address_cue", "reference_cue", "intention_cue", "evidential_cue",
    "negated_cue",
    "not_a_claim", "short",
    "no_source", "author_source", "source_too_far", "content_too_far",
)  # fmt: skip
DISABLED_FILTERS: frozenset[str] = frozenset()


def proposal_reasons(text: str, cue: str = "", cls: str = "") -> list[str]:
    """The content filters a CRF proposal fails (its text, its cue in lower case and the
    cue's lexicon class): the reasons behind :func:`keep_proposal`."""
    out = []
    if cue in _REFERENCE_CUES:
        out.append("reference_cue")
    if cue.split(" ", 1)[0] in _INTENTION_CUES:
        out.append("intention_cue")
    if _EVIDENTIAL_CUES.intersection(cue.split()):
        out.append("evidential_cue")
    if cls in _TO_CLASSES and text[:3].lower() == "to " and len(text.split()) >= 3:
        return out
    if len(text.split()) < 3:
        out.append("short")
    if _NOT_A_CLAIM.match(text):
        out.append("not_a_claim")
    return out


def crf_proposals(
    ctx: DocContext,
    model_dir: str,
    rmarks: list[str] | None = None,
    *,
    filters: bool = False,
    span_bias: float = 0.0,
    confidence: bool = False,
) -> list[tuple[Claim, list[str]]]:
    """Every CRF proposal with the names of the hybrid filters it fails (empty: kept;
    ``filters`` False: no filter is evaluated and run-together sources are kept). Every
    paragraph is tagged (until round 5 only paragraphs with a lexicon cue or a quote)."""
    model = load_model(model_dir)
    marks = cue_marks(ctx)
    starts = [t.start for t in ctx.toks]
    out: list[tuple[Claim, list[str]]] = []
    text = ctx.text
    for ps, pe in ctx.paragraphs:
        a, b = bisect.bisect_left(starts, ps), bisect.bisect_left(starts, pe)
        if b <= a:
            continue
        feats = featurize(ctx, a, b, marks, rmarks)
        if confidence:
            tags, probs = model.tag_with_marginals(feats, span_bias)
            c_cols = [k for k, lab in enumerate(model.labels) if lab.endswith("-C")]
            p_content = probs[:, c_cols].sum(axis=1)
        else:
            tags = model.tag(feats, span_bias)
        spans = spans_from_tags(tags, a)
        q_index = _bounds(spans["Q"])
        s_index = _bounds(spans["S"])
        for cs, ce in spans["C"]:
            s, e = ctx.char_span(cs, ce)
            s, e = _trim(text, s, e)
            cue = _nearest(spans["Q"], cs, ce, index=q_index)
            if e - s < 3 or cue is None:
                continue
            reasons: list[str] = []
            cls = marks[cue[0]][1:] if marks[cue[0]] else "speech"
            cue_low = " ".join(ctx.lows[cue[0] : cue[1]])
            src = _nearest(spans["S"], cs, ce, index=s_index)
            cue_ch = ctx.char_span(*cue)
            src_ch = ctx.char_span(*src) if src else None
            if filters:
                # (a content cannot start inside a cue phrase: "point | the finger")
                if marks[cs].startswith("I"):
                    reasons.append("inside_cue")
                # "He did not say how ...", "never claimed": nothing was said
                negations = ctx.lex.words("negation_tokens")
                before = ctx.lows[cue[0] - 1] if cue[0] > 0 else ""
                if negations.intersection(cue_low.split()) or before in negations:
                    reasons.append("negated_cue")
                cls = cue_class(cue_low, text[s:e], cls)
                if address_only(cue_low, text[s:e]):
                    reasons.append("address_cue")
                reasons += proposal_reasons(text[s:e], cue_low, cls)
                if src is None:
                    # the CRF marked no source: the actor named just before the cue, if
                    # any ("the Kremlin on Monday | dismissed ...")
                    src = _subject_before(ctx, cue[0])
                    src_ch = ctx.char_span(*src) if src else None
                # no source, or the author's "you"/"we": the author's own words
                if src is None:
                    reasons.append("no_source")
                elif ctx.lows[src[0]] in ("you", "we", "one"):
                    reasons.append("author_source")
                if source_too_far(cue_ch, src_ch):
                    # not this cue's source: the subject just before the cue, else no claim
                    src = _subject_before(ctx, cue[0])
                    if src is None:
                        reasons.append("source_too_far")
                    else:
                        src_ch = ctx.char_span(*src)
                if src is not None and src[1] <= cue[0]:
                    src = _last_unit(ctx, src)
                    src_ch = ctx.char_span(*src)
                if content_too_far(cue_ch, (s, e)):
                    reasons.append("content_too_far")  # not this cue's attribution
            opened = s > 0 and text[s - 1] in QUOTE_CHARS
            closed = e < len(text) and text[e] in QUOTE_CHARS
            inner = any(ch in QUOTE_CHARS for ch in text[s:e])
            kind = (
                "direct"
                if opened and (closed or text[e - 1] in ",.") and not inner
                else ("mixed" if inner else "indirect")
            )
            si = ctx.sent_of_tok(cs)
            claim = Claim((s, e), kind, cue_ch, cls, src_ch, si, "crf", 0.6, src)
            if confidence:  # mean marginal probability that the span's tokens are content
                claim.extra["confidence"] = float(p_content[cs - a : ce - a].mean())
            gap = cs - cue[1] if cue[1] <= cs else cue[0] - ce if cue[0] >= ce else 0
            # accusations only for proposals next to a lexicon cue, with a source
            claim.extra["blame_ok"] = bool(
                src and gap <= 10 and any(marks[k] for k in range(cue[0], cue[1]))
            )
            out.append((claim, reasons))
    return out


def merge_proposals(
    claims: list[Claim], props: list[Claim], *, prefer_crf: bool = False
) -> list[Claim]:
    """``claims`` plus the proposals that overlap none of them (``prefer_crf``: the
    proposals replace the rule claims they overlap)."""
    if prefer_crf:
        out = [c for c in claims if not any(_overlaps(c.content, p.content) for p in props)]
        out += props
    else:
        out = list(claims)
        index = _SpanIndex([c.content for c in out])
        for p in props:
            if not index.overlaps(p.content):
                out.append(p)
                index.add(p.content)
    out.sort(key=lambda c: c.content)
    return out


class _SpanIndex:
    """Spans sorted by start, for "does anything overlap (s, e)?" without a full scan
    (long documents have thousands of claims)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.longest = max((e - s for s, e in spans), default=0)

    def add(self, span: tuple[int, int]) -> None:
        bisect.insort(self.spans, span)
        self.longest = max(self.longest, span[1] - span[0])

    def overlaps(self, span: tuple[int, int]) -> bool:
        s, e = span
        # only spans starting in [s - longest, e) can overlap (s, e)
        lo = bisect.bisect_left(self.spans, (s - self.longest, -1))
        hi = bisect.bisect_left(self.spans, (e, -1))
        return any(_overlaps(span, self.spans[i]) for i in range(lo, hi))


def crf_claims(
    ctx: DocContext,
    claims: list[Claim],
    model_dir: str,
    rmarks: list[str] | None = None,
    *,
    filters: bool = False,
    prefer_crf: bool = False,
) -> list[Claim]:
    """``claims`` plus the CRF's proposals that overlap none of them and pass the hybrid
    filters (``filters``; ``prefer_crf``: the proposals replace the rule claims they
    overlap)."""
    props = [
        c
        for c, reasons in crf_proposals(
            ctx, model_dir, rmarks, filters=filters, span_bias=SPAN_BIAS if filters else 0.0
        )
        if not any(r not in DISABLED_FILTERS for r in reasons)
    ]
    return merge_proposals(claims, props, prefer_crf=prefer_crf)


def _last_unit(ctx: DocContext, src: tuple[int, int]) -> tuple[int, int]:
    """A source before its cue that runs several speakers together ("the Islamic State
    Vladimir Putin he | addressed", an unpunctuated text) shrinks to its last pronoun or
    actor mention; a source with a single speaker is kept whole."""
    pron = ctx.lex.raw.get("pronouns", {})
    units: list[tuple[int, int]] = []
    i = src[0]
    while i < src[1]:
        m = ctx.mention_at.get(i)
        if m is not None and m.type != "UNK" and m.start == i and m.end <= src[1]:
            units.append((m.start, m.end))
            i = m.end
            continue
        if ctx.lows[i] in pron:
            units.append((i, i + 1))
        i += 1
    if len(units) >= 2 and units[-1][1] == src[1]:
        return units[-1]
    return src


def _subject_before(ctx: DocContext, cue: int, max_gap: int = 4) -> tuple[int, int] | None:
    """The actor mention (token span) that ends at most ``max_gap`` tokens before the cue
    token, in the cue's sentence ("Sergei Lavrov on Wednesday | called")."""
    lo = ctx.sent_tok[ctx.sent_of_tok(cue)][0] if ctx.sent_tok else 0
    for i in range(cue - 1, max(lo, cue - max_gap - 1) - 1, -1):
        m = ctx.mention_at.get(i)
        if m is not None and m.type != "UNK":
            return (m.start, m.end)
    return None


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    strip = FINAL_STRIP + "".join(QUOTE_CHARS)
    while s < e and text[s] in strip:
        s += 1
    while e > s and text[e - 1] in strip:
        e -= 1
    return s, e


def _bounds(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    return [s for s, _ in spans], [e for _, e in spans]


def _nearest(
    spans: list[tuple[int, int]],
    a: int,
    b: int,
    max_gap: int = 40,
    *,
    index: tuple[list[int], list[int]] | None = None,
) -> tuple[int, int] | None:
    """The span nearest to [a, b) within ``max_gap`` tokens (the first one on ties).
    ``index``: :func:`_bounds` of ``spans`` when they are sorted and do not overlap (BIO
    spans): then only the spans that can lie within ``max_gap`` are looked at."""
    lo, hi = 0, len(spans)
    if index is not None:
        starts, ends = index
        lo = bisect.bisect_left(ends, a - max_gap)
        hi = bisect.bisect_right(starts, b + max_gap)
    best, dist = None, max_gap + 1
    for s, e in spans[lo:hi]:
        d = a - e if e <= a else s - b if s >= b else 0
        if d < dist:
            best, dist = (s, e), d
    return best
