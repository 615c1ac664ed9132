"""Speakers, accusations and evidence status for extracted claims.

- Speaker: the canonical name behind the source mention. Names come from the entities
  stage when present, else from the context's actor mentions; pronouns ("he", "she")
  resolve to the last named person speaker (or person mentioned) before; definite
  descriptions ("the FSB director") to the person mentioned with that title; countries,
  capitals and institutions to the country ("the Kremlin" -> "Russia"); generic sources
  ("officials", "a journalist") to null.
- Accusation: the speaker blames an agent when the content (or the cue: "accused",
  "blamed") carries a blame trigger and names an agent that is not the speaker, the
  speaker's own country, or a victim ("the attack on Moscow").
- Evidence: ``not_applicable`` for questions, demands, threats and pledges; otherwise
  ``disputed_by_author`` when the author rejects the claim nearby ("Evidence? Obviously
  none.", "falsely"), ``claimed_without_evidence`` when the text says no evidence was
  given, ``evidence_cited`` when a study, data or a report supports it, else
  ``none_stated``.
"""

from __future__ import annotations

from .context import DocContext, Mention
from .rules import Claim

NOT_APPLICABLE_CUES = frozenset({"directive", "commissive", "question"})


# -- speakers ------------------------------------------------------------------------------
def resolve_speakers(ctx: DocContext, claims: list[Claim]) -> None:
    last_person: tuple[int, str] | None = None  # (sentence, name) of the last person speaker
    for c in sorted(claims, key=lambda c: (c.sent, c.content[0])):
        if c.source_toks is None and c.source is not None:
            c.source_toks = (ctx.tok_index(c.source[0]), ctx.tok_index(c.source[1]))
        if c.source_toks is None:
            continue
        name, typ = _resolve(ctx, c, last_person)
        c.speaker, c.speaker_type = name, typ
        if name and typ == "PER":
            last_person = (c.sent, name)


def _resolve(
    ctx: DocContext, c: Claim, last_person: tuple[int, str] | None
) -> tuple[str | None, str | None]:
    a, b = c.source_toks or (0, 0)
    lex = ctx.lex
    ments = ctx.mentions_in(a, b)
    # also mentions that only partly overlap (entity spans wider than our source)
    for i in range(a, b):
        m = ctx.mention_at.get(i)
        if m is not None and m not in ments:
            ments.append(m)
    per = [m for m in ments if m.type == "PER"]
    if per:
        return per[0].canon, "PER"
    lows = ctx.lows[a:b]
    pron = lex.raw.get("pronouns", {})
    for low in lows:
        kind = pron.get(low)
        if kind in ("male", "female"):
            if last_person is not None and c.sent - last_person[0] <= 12:
                return last_person[1], "PER"
            m = _last_person_before(ctx, a)
            return (m.canon, "PER") if m else (None, None)
        if kind in ("plural", "neuter", "first"):
            if len(lows) == 1:
                return None, None
    described = _by_title(ctx, a, b)
    if described is not None:
        return described, "PER"
    orgs = [m for m in ments if m.type in ("GPE", "ORG")]
    if orgs:
        return orgs[0].canon, orgs[0].type
    words = [w for w in lows if w.isalpha()]
    generic = lex.words("generic_sources")
    indefinite = lex.words("indefinite")
    if not words or (words and (words[0] in indefinite or words[-1] in generic)):
        return None, None
    roles = lex.words("role_nouns")
    if words[-1] in roles and last_person is not None and c.sent - last_person[0] <= 8:
        return last_person[1], "PER"
    unk = [m for m in ments if m.type == "UNK"]
    if unk:
        return unk[0].canon, "UNK"
    return None, None


def _last_person_before(ctx: DocContext, tok: int) -> Mention | None:
    best = None
    for m in ctx.mentions:
        if m.type == "PER" and m.end <= tok and (best is None or m.start > best.start):
            best = m
    return best


def _by_title(ctx: DocContext, a: int, b: int) -> str | None:
    """'the FSB director' -> the person mentioned with those words around the name."""
    skip = ctx.lex.words("determiners") | {"of", "the", "a", "an", "and", "'s", "’s"}
    words: set[str] = set()
    synonyms = ctx.lex.raw.get("role_synonyms", {})
    for x in range(a, b):
        low = ctx.lows[x]
        if ctx.toks[x].alpha and low not in skip:
            words.update(p for p in low.replace("’", "-").split("-") if p)
    if not words:
        return None
    roles = ctx.lex.words("role_nouns")
    if not words & roles:
        return None
    before = [(pos, canon, rw) for pos, canon, rw in ctx.roles if pos < b] or ctx.roles
    for _pos, canon, rw in sorted(before, key=lambda r: -r[0]):
        if words <= rw:
            return canon
    for _pos, canon, rw in sorted(before, key=lambda r: -r[0]):
        if all(w in rw or any(s in rw for s in synonyms.get(w, ())) for w in words & roles):
            return canon
    head = ctx.lows[b - 1]
    for _pos, canon, rw in sorted(before, key=lambda r: -r[0]):
        if (
            head in rw
            and head in roles
            and head not in ("former", "russian", "ukrainian", "american")
        ):
            return canon
    return None


# -- accusations ---------------------------------------------------------------------------
def _agents(ctx: DocContext, a: int, b: int) -> list[tuple[int, str]]:
    """(token index, canonical name) of agents in tokens [a, b)."""
    out: list[tuple[int, str]] = []
    seen: set[int] = set()
    for i in range(a, b):
        m = ctx.mention_at.get(i)
        if m is not None and id(m) not in seen and m.type in ("PER", "ORG", "GPE"):
            seen.add(id(m))
            out.append((m.start, m.canon))
    # demonyms and lower-case aliases ("Ukrainian nationalists", "the Ukrainians")
    for s, e, val in ctx.lex.agents.find_all(ctx.lows, a, b):
        if any(x in ctx.mention_at for x in range(s, e)):
            continue
        typ, canon = val
        if typ == "PER" or (not ctx.toks[s].cap and ctx.lows[s] != "the"):
            continue
        out.append((s, str(canon)))
    out.sort()
    return out


def find_accusation(ctx: DocContext, c: Claim) -> dict[str, object] | None:
    lex = ctx.lex
    a = ctx.tok_index(c.content[0])
    b = ctx.tok_index(c.content[1])
    speaker = c.speaker
    own = lex.actor_country.get(speaker or "", None)
    victim = lex.words("victim_preps")
    exclude = {x for x in (speaker, own) if x}

    def keep(i: int, name: str) -> bool:
        if name in exclude:
            return False
        k = i - 1
        while k >= 0 and ctx.lows[k] in ("the", "of"):
            if ctx.lows[k] == "of":
                return True
            k -= 1
        return not (k >= 0 and ctx.lows[k] in victim)

    accused: list[str] = []
    trigger = None
    if c.cue_class == "accuse":
        # the object of "accused"/"blamed": agents up to "of"/"for"/a quote
        k = a
        while (
            k < b
            and ctx.lows[k] not in ("of", "for", "over", "that", "with")
            and ctx.tok_quote[k] < 0
        ):
            k += 1
        accused = [n for i, n in _agents(ctx, a, k) if n not in exclude]
        if not accused:
            accused = [n for i, n in _agents(ctx, a, b) if keep(i, n)]
        trigger = ctx.text[c.cue[0] : c.cue[1]]
    else:
        trig = lex.triggers.find_all(ctx.lows, a, b)
        if trig:
            accused = [n for i, n in _agents(ctx, a, b) if keep(i, n)]
            trigger = ctx.span_text(trig[0][0], trig[0][1])
    # accusatory frame in the matrix clause: "he cast suspicion on Kiev, stating that ..."
    si = c.sent
    s0 = ctx.sent_tok[si][0]
    cue_tok = ctx.tok_index(c.cue[0])
    if s0 < cue_tok and not (a <= cue_tok < b):
        for s, e, _ in lex.frames.find_all(ctx.lows, s0, min(cue_tok, a if a > s0 else cue_tok)):
            for _i, n in _agents(ctx, e, cue_tok):
                if n not in exclude and n not in accused:
                    accused.append(n)
                    trigger = trigger or ctx.span_text(s, e)
    seen: list[str] = []
    for n in accused:
        if n not in seen:
            seen.append(n)
    if not seen:
        return None
    words = ctx.text[c.content[0] : c.content[1]].split()
    about = " ".join(words[:14]) + (" …" if len(words) > 14 else "")
    return {"accuser": speaker, "accused": seen, "about": about}


# -- evidence ------------------------------------------------------------------------------
def _sent_has(ctx: DocContext, matcher, si: int, *, outside: list[tuple[int, int]]) -> bool:  # type: ignore[no-untyped-def]
    a, b = ctx.sent_tok[si]
    for s, _e, _ in matcher.find_all(ctx.lows, a, b):
        pos = ctx.toks[s].start
        if ctx.tok_quote[s] >= 0:
            continue
        if any(cs <= pos < ce for cs, ce in outside):
            continue
        return True
    return False


def evidence_status(ctx: DocContext, c: Claim, contents: list[tuple[int, int]]) -> str:
    lex = ctx.lex
    text = ctx.text
    content = text[c.content[0] : c.content[1]].rstrip()
    if (
        c.cue_class in NOT_APPLICABLE_CUES
        or content.endswith("?")
        or (c.kind == "direct" and text[c.content[1] : c.content[1] + 2].strip()[:1] == "?")
    ):
        return "not_applicable"
    si = c.sent
    para = ctx.sent_para[si]
    n = len(ctx.sentences)
    own = [c.content]
    # inline: "falsely claimed", "baseless allegations"
    if _sent_has(ctx, lex.ev_disputed_inline, si, outside=own):
        return "disputed_by_author"
    # author's rejection in the following sentences of the paragraph (or the next one)
    for sj in range(si + 1, min(n, si + 5)):
        if ctx.sent_para[sj] > para + 1:
            break
        if _sent_has(ctx, lex.ev_disputed_after, sj, outside=contents):
            return "disputed_by_author"
    # a framing before: "the disinformation machine has gone into action: ..."
    for sj in range(max(0, si - 4), si + 1):
        if ctx.sent_para[sj] < para - 1:
            continue
        if _sent_has(ctx, lex.ev_disputed_before, sj, outside=contents):
            return "disputed_by_author"
    for sj in range(si, min(n, si + 2)):
        if _sent_has(ctx, lex.ev_without, sj, outside=contents if sj != si else own):
            return "claimed_without_evidence"
    # evidence: the source is a study/report, or the sentence cites data
    if c.cue_class == "finding":
        return "evidence_cited"
    if c.source is not None:
        sa, sb = ctx.tok_index(c.source[0]), ctx.tok_index(c.source[1])
        if lex.ev_cited.find_all(ctx.lows, sa, sb):
            return "evidence_cited"
    a, b = ctx.sent_tok[si]
    frames = lex.ev_cited_frames.find_all(ctx.lows, a, b)
    if frames and lex.ev_cited.find_all(ctx.lows, a, b):
        return "evidence_cited"
    return "none_stated"


def annotate(ctx: DocContext, claims: list[Claim]) -> None:
    resolve_speakers(ctx, claims)
    contents = [c.content for c in claims]
    for c in claims:
        c.accusation = find_accusation(ctx, c)
        c.evidence = evidence_status(ctx, c, contents)
