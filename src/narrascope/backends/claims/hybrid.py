"""Rules + CRF: the CRF proposes content/source/cue spans in paragraphs with a cue or a
quote; proposals that do not overlap a rule claim are added as claims."""

from __future__ import annotations

import bisect

from .context import DocContext
from .crf import cue_marks, featurize, load_model, spans_from_tags
from .rules import FINAL_STRIP, Claim
from .text import QUOTE_CHARS


def crf_claims(ctx: DocContext, claims: list[Claim], model_dir: str) -> list[Claim]:
    model = load_model(model_dir)
    marks = cue_marks(ctx)
    starts = [t.start for t in ctx.toks]
    taken = [c.content for c in claims]
    out = list(claims)
    for ps, pe in ctx.paragraphs:
        a, b = bisect.bisect_left(starts, ps), bisect.bisect_left(starts, pe)
        if b <= a or not any(marks[i] or ctx.tok_quote[i] >= 0 for i in range(a, b)):
            continue
        tags = model.tag(featurize(ctx, a, b, marks))
        spans = spans_from_tags(tags, a)
        for cs, ce in spans["C"]:
            s, e = ctx.toks[cs].start, ctx.toks[ce - 1].end
            s, e = _trim(ctx.text, s, e)
            if e - s < 3 or any(x < e and s < y for x, y in taken):
                continue
            cue = _nearest(spans["Q"], cs, ce)
            if cue is None:
                continue
            src = _nearest(spans["S"], cs, ce)
            text = ctx.text
            opened = s > 0 and text[s - 1] in QUOTE_CHARS
            closed = e < len(text) and text[e] in QUOTE_CHARS
            inner = any(ch in QUOTE_CHARS for ch in text[s:e])
            kind = (
                "direct"
                if opened and (closed or text[e - 1] in ",.") and not inner
                else ("mixed" if inner else "indirect")
            )
            cls = marks[cue[0]][1:] if marks[cue[0]] else "speech"
            si = ctx.sent_of_tok(cs)
            cue_ch = (ctx.toks[cue[0]].start, ctx.toks[cue[1] - 1].end)
            src_ch = (ctx.toks[src[0]].start, ctx.toks[src[1] - 1].end) if src else None
            out.append(Claim((s, e), kind, cue_ch, cls, src_ch, si, "crf", 0.6, src))
            taken.append((s, e))
    out.sort(key=lambda c: c.content)
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    strip = FINAL_STRIP + "".join(QUOTE_CHARS)
    while s < e and text[s] in strip:
        s += 1
    while e > s and text[e - 1] in strip:
        e -= 1
    return s, e


def _nearest(
    spans: list[tuple[int, int]], a: int, b: int, max_gap: int = 40
) -> tuple[int, int] | None:
    best, dist = None, max_gap + 1
    for s, e in spans:
        d = a - e if e <= a else s - b if s >= b else 0
        if d < dist:
            best, dist = (s, e), d
    return best
