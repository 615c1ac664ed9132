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

import bisect
from typing import Any

from .context import STATE_HEADS, DocContext, Mention, _stem, demonyms
from .rules import Claim
from .text import QUOTE_CHARS

NOT_APPLICABLE_CUES = frozenset({"directive", "commissive", "question"})
# a person's office or team speaks for the person ("Hollister's office said ...")
_SPEAKS_FOR = frozenset({"office", "campaign", "team", "spokesman", "spokeswoman", "spokesperson"})
_PRONOUNS = frozenset({"us", "them", "others", "those", "these", "critics", "opponents"})


# -- speakers ------------------------------------------------------------------------------
def resolve_speakers(ctx: DocContext, claims: list[Claim]) -> None:
    last_person: tuple[int, str] | None = None  # (sentence, name) of the last person speaker
    for c in sorted(claims, key=lambda c: (c.sent, c.content[0])):
        if c.source_toks is None and c.source is not None:
            c.source_toks = (ctx.tok_index(c.source[0]), ctx.tok_index(c.source[1]))
        if c.source_toks is None or c.extra.get("keep_speaker"):
            continue  # no source, or a message block's group (resolved by the rule)
        name, typ = _resolve(ctx, c, last_person)
        if name and typ in ("ORG", "UNK"):
            name = nominative_name(ctx, name, c.source_toks[0])
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
    if b > a and ctx.lows[a] in lex.words("cited_sources"):
        return None, None  # "Исследование института показало": a study is no speaker
    # "Navalny's widow": a possessor inside the source is not the speaker
    per = [
        m for m in ments
        if m.type == "PER" and not (m.end < b and ctx.toks[m.end - 1].text[-2:] in ("'s", "’s"))
    ]  # fmt: skip
    if per:
        return per[0].canon, "PER"
    # "Hollister's office", "Biden's campaign": the person speaks through them
    if b - a >= 2 and ctx.lows[b - 1] in _SPEAKS_FOR:
        owner = ctx.mention_at.get(b - 2)
        if owner is not None and owner.type == "PER" and owner.end == b - 1:
            return owner.canon, "PER"
    ments = [m for m in ments if m.type != "PER"]
    lows = ctx.lows[a:b]
    pron = lex.raw.get("pronouns", {})
    possessive = lex.words("possessive_pronouns")
    for x, low in enumerate(lows):
        if low in possessive and x < len(lows) - 1:
            continue  # "his collaborators", "по его словам" handled by the cue
        kind = pron.get(low)
        if kind in ("male", "female"):
            if last_person is not None and c.sent - last_person[0] <= 12:
                return last_person[1], "PER"
            m = _last_person_before(ctx, a)
            return (m.canon, "PER") if m else (None, None)
        if kind in ("plural", "neuter", "first"):
            if len(lows) == 1:
                return None, None
    words = [w for w in lows if w.replace("-", "").replace("'", "").isalpha()]
    generic = lex.words("generic_sources") | lex.words("generic_heads")
    indefinite = lex.words("indefinite")
    roles = lex.words("role_nouns")
    if (
        not words
        or words[-1] in generic
        or (words[0] in indefinite and (words[-1] in roles or not ments))
    ):
        return None, None  # "a spokesman", "officials", "opposition politicians"
    described = _by_title(ctx, a, b)
    if described is not None:
        return described, "PER"
    for m in ments:  # "Russia's foreign intelligence service, the SVR": the name after it
        if (
            m.type == "ORG"
            and m.end == b
            and m.start > a + 1
            and ctx.toks[m.start - 1 - (ctx.lows[m.start - 1] == "the")].text == ","
            and not any(w in roles for w in ctx.lows[m.start : m.end])
        ):
            return m.canon, "ORG"
    gpe = [m for m in ments if m.type == "GPE"]
    if gpe:  # "the US State Department", "Russia's defence ministry"
        return gpe[0].canon, "GPE"
    orgs = [m for m in ments if m.type == "ORG"]
    demonym_of = demonyms(lex)
    for m in orgs:  # "the Russian Defence Ministry" -> Russia
        if m.start > a and ctx.lows[m.start - 1] in demonym_of:
            if any(w in STATE_HEADS for w in ctx.lows[m.start : m.end]):
                return demonym_of[ctx.lows[m.start - 1]], "GPE"
    if orgs:
        return orgs[0].canon, orgs[0].type
    org_nouns = lex.words("org_nouns")
    if words[-1] in org_nouns and lows[0] in lex.words("determiners") and len(words) <= 2:
        # "the company", "the agency": the organisation last named before, if any
        prev = [m for m in ctx.mentions if m.type == "ORG" and m.end <= a and a - m.end < 400]
        noun = words[-1]
        same = [
            m for m in prev
            if noun in m.canon.lower() or (m.end < len(ctx.lows) and ctx.lows[m.end] == noun)
        ]  # fmt: skip
        if same or (prev and noun not in STATE_HEADS and noun not in ("court", "university")):
            return (same or prev)[-1].canon, "ORG"
    if words[-1] in org_nouns and lows[0] in lex.words("determiners"):
        # "the interior ministry", "the fire brigade": the institution, as written
        first = a + 1
        return ctx.text[ctx.toks[first].start : ctx.toks[b - 1].end], "ORG"
    if words[-1] in roles and last_person is not None and c.sent - last_person[0] <= 8:
        return last_person[1], "PER"
    unk = [
        m for m in ments if m.type == "UNK" and m.start > ctx.sent_tok[ctx.sent_of_tok(m.start)][0]
    ]
    if unk and all(ctx.toks[x].cap for x in range(a, b) if ctx.toks[x].alpha):
        return unk[0].canon, "UNK"
    return None, None


_VOWELS = frozenset("аеёиоуыэюяйьъaeiou")


def nominative_name(ctx: DocContext, name: str, start: int) -> str:
    """A one-word organisation name in the genitive after a cue that governs it ("По
    данным Росстата" -> "Росстат", "по информации Госдумы" -> "Госдума"; lexicon key
    ``genitive_names``: the first matching ending is replaced, a final "а" only after a
    consonant). Other names are returned unchanged."""
    spec = ctx.lex.raw.get("genitive_names")
    if not spec or " " in name or start <= 0 or ctx.lows[start - 1] not in spec["after"]:
        return name
    low = name.lower()
    for end, repl in spec["endings"]:
        if low.endswith(end) and len(low) > len(end) + 2:
            stem = name[: len(name) - len(end)]
            if end == "а" and stem[-1].lower() in _VOWELS:
                return name
            return stem + repl
    return name


def _last_person_before(ctx: DocContext, tok: int) -> Mention | None:
    best = None
    for m in ctx.mentions:
        if m.type == "PER" and m.end <= tok and (best is None or m.start > best.start):
            best = m
    return best


# a title ("the FSB director") is resolved among the people named in the last
# TITLE_LOOKBACK tokens: news articles are shorter, and it keeps book-length inputs linear
TITLE_LOOKBACK = 5000


def _roles_before(ctx: DocContext, b: int) -> list[tuple[int, str, frozenset[str]]]:
    """Role rows of the people named in tokens [b - TITLE_LOOKBACK, b), in document
    order (all rows when nobody is named before ``b``)."""
    cache = ctx.__dict__.get("_roles_by_pos")
    if cache is None or cache[2] != len(ctx.roles):
        rows = sorted(ctx.roles, key=lambda r: r[0])  # stable
        cache = ([r[0] for r in rows], rows, len(ctx.roles))
        ctx.__dict__["_roles_by_pos"] = cache
    pos, rows, _ = cache
    hi = bisect.bisect_left(pos, b)
    if hi == 0:
        return list(ctx.roles)
    return rows[bisect.bisect_left(pos, b - TITLE_LOOKBACK) : hi]


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
    before = _roles_before(ctx, b)
    if any(not w.isascii() for w in words):  # inflected titles ("мэра"): compare stems
        words = {_stem(w) for w in words}
        roles = frozenset(_stem(r) for r in roles)
        before = [(p, c, frozenset(_stem(w) for w in rw)) for p, c, rw in before]
        synonyms = {_stem(k): [_stem(x) for x in v] for k, v in synonyms.items()}
    if not words & roles:
        return None
    before.sort(key=lambda r: -r[0])  # nearest first (stable: ties keep their order)
    for _pos, canon, rw in before:
        if words <= rw:
            return canon
    wanted = words & roles
    for _pos, canon, rw in before:
        if all(w in rw or any(s in rw for s in synonyms.get(w, ())) for w in wanted):
            return canon
    head = ctx.lows[b - 1]
    for _pos, canon, rw in before:
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
    for s, e, val in ctx.find(ctx.lex.agents, a, b):
        if any(x in ctx.mention_at and ctx.mention_at[x].type != "UNK" for x in range(s, e)):
            continue
        typ, canon = val
        lower_ok = bool(ctx.lex.raw.get("lowercase_demonyms"))
        if typ == "PER" or (not ctx.toks[s].cap and ctx.lows[s] != "the" and not lower_ok):
            continue
        out.append((s, str(canon)))
    out.sort()
    return out


def _org_by_noun(ctx: DocContext, a: int, b: int) -> str | None:
    """'the bank', 'the company' in tokens [a, b) -> the organisation last named before
    with that noun in its name (None if there is none)."""
    lows = ctx.lows
    if b - a < 2 or b - a > 3 or lows[a] not in ctx.lex.words("determiners"):
        return None
    noun = lows[b - 1]
    if noun not in ctx.lex.words("org_nouns") or noun == "government":
        return None
    prev = [m for m in ctx.mentions if m.type == "ORG" and m.end <= a and a - m.end < 400]
    same = [m for m in prev if noun in m.canon.lower().split()]
    return same[-1].canon if same else None


def _find_triggers(ctx: DocContext, matcher: Any, a: int, b: int) -> list[tuple[int, int]]:
    """Phrase matches in tokens [a, b) ignoring quotation marks ("directly involved” in")."""
    return ctx.find_noquote(matcher, a, b)


def find_accusation(ctx: DocContext, c: Claim) -> dict[str, object] | None:
    lex = ctx.lex
    if ctx.text[c.content[0] : c.content[1]].rstrip().endswith("?"):
        return None  # a question accuses nobody
    a = ctx.tok_index(c.content[0])
    b = ctx.tok_index(c.content[1])
    speaker = c.speaker
    own = lex.actor_country.get(speaker or "", None)
    victim = lex.words("victim_preps")
    dets = lex.words("determiners") | {"the"}
    exclude = {x for x in (speaker, own) if x}

    trig = _find_triggers(ctx, lex.triggers, a, b)
    trig_ends = {e - 1 for _s, e in trig}

    own_words = {w.lower() for w in (speaker or "").split() if len(w) > 2}
    trig_sents = {ctx.sent_of_tok(t) for t, _e in trig}
    long_content = ctx.sent_of_tok(a) != ctx.sent_of_tok(max(a, b - 1))

    def keep(i: int, name: str) -> bool:
        if name in exclude:
            return False
        if i > 0 and ctx.lows[i - 1] in own_words:
            return False  # "the Islamic State Mujahideen": the speaker's own side
        if long_content and c.cue_class != "accuse" and ctx.sent_of_tok(i) not in trig_sents:
            return False  # a long quote: only agents in sentences that blame
        k = i - 1
        while k >= 0 and (ctx.lows[k] in dets or ctx.lows[k] == "of"):
            if ctx.lows[k] == "of":
                return True
            k -= 1
        # "on orders from Brussels", "linked to the NSA": the preposition ends a trigger
        return not (k >= 0 and ctx.lows[k] in victim and k not in trig_ends)

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
        if not accused and 1 <= k - a <= 4:  # "accused the mayor of ...": by title
            person = _by_title(ctx, a, k)
            if person and person not in exclude:
                accused = [person]
        if not accused and 1 <= k - a <= 4:  # "accused Nordwagen of ...": an unknown name
            accused = [
                m.canon for m in ctx.mentions_in(a, k)
                if m.type == "UNK" and m.end == k and m.canon not in exclude
            ][:1]  # fmt: skip
        if not accused:
            accused = [n for i, n in _agents(ctx, a, b) if keep(i, n)]
        if not accused:  # "criticised the bank for ...": the organisation named before
            org = _org_by_noun(ctx, a, k)
            if org and org not in exclude:
                accused = [org]
            elif (
                not org
                and 1 <= k - a <= 2
                and all(ctx.toks[x].alpha and not ctx.toks[x].cap for x in range(a, k))
            ):  # "accused supermarkets of ...": an unnamed group, as written
                words = [ctx.lows[x] for x in range(a, k) if ctx.lows[x] not in dets]
                if words and words[-1].endswith("s") and not set(words) & _PRONOUNS:
                    accused = [" ".join(words)]
        trigger = ctx.text[c.cue[0] : c.cue[1]]
    else:
        if trig:
            blame_verbs = lex.words("blame_verbs")
            patients = set()
            for _s, e in trig if lex.raw.get("patient_after_trigger") else ():
                # "forced Germany to ...": the object of the act is no culprit (SVO languages)
                if ctx.lows[e - 1] in blame_verbs or ctx.lows[e - 1] in (
                    "of",
                    "by",
                    "with",
                    "from",
                ):
                    continue
                k = e
                while k < b and ctx.lows[k] in ("the", "a", "an"):
                    k += 1
                patients.add(k)
            accused = [n for i, n in _agents(ctx, a, b) if keep(i, n) and i not in patients]
            trigger = ctx.span_text(trig[0][0], trig[0][1])
        elif b - a <= 6 and c.sent > 0:
            # a short answer naming an agent ("Belarus, obviously.") to a question about blame
            s_prev = ctx.sent_tok[max(0, c.sent - 2)][0]
            if _find_triggers(ctx, lex.triggers, s_prev, a):
                accused = [n for i, n in _agents(ctx, a, b) if keep(i, n)]
    # accusatory frame in the matrix clause: "he cast suspicion on Kiev, stating that ..."
    si = c.sent
    s0 = ctx.sent_tok[si][0]
    cue_tok = ctx.tok_index(c.cue[0])
    if s0 < cue_tok and not (a <= cue_tok < b):
        # frame matches come from one greedy pass (sorted, non-overlapping), so the agents
        # after a later frame are a subset of those after the first: only the first counts
        for s, e, _ in ctx.find(lex.frames, s0, min(cue_tok, a if a > s0 else cue_tok))[:1]:
            for _i, n in _agents(ctx, e, cue_tok):
                if n not in exclude and n not in accused:
                    accused.append(n)
                    trigger = trigger or ctx.span_text(s, e)
    if not accused and c.rule == "message" and trig:
        accused = _addressee(ctx, a, b, trig_sents, exclude | {speaker or ""}, own_words)
    seen: list[str] = []
    for n in accused:
        if n not in seen:
            seen.append(n)
    if not seen:
        return None
    words = ctx.text[c.content[0] : c.content[1]].split()
    about = " ".join(words[:14]) + (" …" if len(words) > 14 else "")
    return {"accuser": speaker, "accused": seen, "about": about}


def _addressee(
    ctx: DocContext, a: int, b: int, sents: set[int], exclude: set[str], own_words: set[str]
) -> list[str]:
    """A message block (tokens [a, b)) that blames "you" ("You bombed our villages",
    "Stop torturing our brothers ... your bloodlust") accuses its addressee: the first
    agent the block names that is not the speaker's side, a group before a person ("Howl
    at the savage Russians!"). Nobody when no blaming sentence is in the second person."""
    second = ctx.lex.words("second_person")
    if not any(
        ctx.lows[i] in second
        for si in sents
        for i in range(max(a, ctx.sent_tok[si][0]), min(b, ctx.sent_tok[si][1]))
    ):
        return []
    names = [
        (i, n) for i, n in _agents(ctx, a, b)
        if n not in exclude and not {w.lower() for w in n.split()} & own_words
    ]  # fmt: skip
    # the "you" of a group's message is a collective (a people, a state, a group) rather
    # than a person named in passing ("Including Putin" heads a list of targets)
    groups = [n for i, n in names if getattr(ctx.mention_at.get(i), "type", "") != "PER"]
    return (groups or [n for _i, n in names])[:1]


# -- evidence ------------------------------------------------------------------------------
def _sent_has(ctx: DocContext, matcher, si: int, *, outside: list[tuple[int, int]]) -> bool:  # type: ignore[no-untyped-def]
    a, b = ctx.sent_tok[si]
    if si + 1 < len(ctx.sent_tok) and ctx.sent_para[si + 1] == ctx.sent_para[si] and b - a <= 3:
        b = ctx.sent_tok[si + 1][1]  # "Evidence?" + "None." split into two sentences
    for s, _e, _ in ctx.find(matcher, a, b):
        pos = ctx.toks[s].start
        if ctx.tok_quote[s] >= 0:
            continue
        if any(cs <= pos < ce for cs, ce in outside):
            continue
        return True
    return False


def _marker_sentences(ctx: DocContext, matcher: Any, contents: list[tuple[int, int]]) -> list[int]:
    hits = {ctx.sent_of_tok(s) for s, _e, _ in ctx.find(matcher)}
    cands = hits | {si - 1 for si in hits if si > 0}  # a marker may start in a short sentence
    return [si for si in sorted(cands) if _sent_has(ctx, matcher, si, outside=contents)]


def embedded_question(ctx: DocContext, content: tuple[int, int], window: int = 8) -> bool:
    """The content is a question put in a noun phrase: a question noun among its first
    ``window`` tokens followed by a wh-word ("the need to answer the question «why the
    terrorists ...»", "вопрос о том, кто ..."; lexicon key ``embedded_question``)."""
    spec = ctx.lex.raw.get("embedded_question")
    if not spec:
        return False
    nouns, wh = frozenset(spec["nouns"]), frozenset(spec["wh"])
    skip = frozenset(spec.get("skip", ())) | QUOTE_CHARS
    lows = ctx.lows
    a, b = ctx.tok_index(content[0]), ctx.tok_index(content[1])
    for i in range(a, min(b, a + window)):
        if lows[i] not in nouns:
            continue
        j = i + 1
        while j < b and (lows[j] in skip or ctx.toks[j].text in skip):
            j += 1
        if j < b and lows[j] in wh:
            return True
    return False


def evidence_status(ctx: DocContext, c: Claim, contents: list[tuple[int, int]]) -> str:
    """The status a claim gets from its own sentence (context markers come later)."""
    lex = ctx.lex
    text = ctx.text
    content = text[c.content[0] : c.content[1]].rstrip()
    if (
        c.cue_class in NOT_APPLICABLE_CUES
        or content.endswith("?")
        or (c.kind == "direct" and text[c.content[1] : c.content[1] + 2].strip()[:1] == "?")
        or embedded_question(ctx, c.content)
    ):
        return "not_applicable"
    si = c.sent
    own = [c.content]
    if _sent_has(ctx, lex.ev_disputed_inline, si, outside=own):
        return "disputed_by_author"  # "falsely claimed", "baseless allegations"
    if _sent_has(ctx, lex.ev_without, si, outside=own):
        return "claimed_without_evidence"  # "claimed, without evidence, that ..."
    if c.cue_class == "finding":
        return "evidence_cited"
    if c.source is not None:  # the source is a study, data, a report
        sa, sb = ctx.tok_index(c.source[0]), ctx.tok_index(c.source[1])
        if ctx.find(lex.ev_cited, sa, sb):
            return "evidence_cited"
    a, b = ctx.sent_tok[si]
    if ctx.find(lex.ev_cited_frames, a, b) and ctx.find(lex.ev_cited, a, b):
        return "evidence_cited"  # "citing data from ...", "studies have found ..."
    return "none_stated"


def _context_evidence(
    ctx: DocContext, claims: list[Claim], contents: list[tuple[int, int]]
) -> None:
    """Markers in the author's text around claims: "He offered no evidence.",
    "Evidence? Obviously none.", "the propaganda machine went to work: ..."."""
    lex = ctx.lex
    rules = (
        ("claimed_without_evidence", lex.ev_without, 2, 0),
        ("disputed_by_author", lex.ev_disputed_after, 4, 0),
        ("disputed_by_author", lex.ev_disputed_before, 0, 4),
    )
    for status, matcher, back, fwd in rules:
        for mk in _marker_sentences(ctx, matcher, contents):
            para = ctx.sent_para[mk]
            window = [
                c for c in claims
                if (mk - back <= c.sent <= mk + fwd and c.sent != mk) or (c.sent == mk and fwd)
            ]  # fmt: skip
            window = [c for c in window if abs(ctx.sent_para[c.sent] - para) <= 2]
            named = None
            if status == "claimed_without_evidence":
                # a note inside a sentence that reports a claim ("X claimed ..., without
                # offering proof") belongs to that claim unless it names a person
                own_claim = any(c.sent == mk for c in claims)
                named = _note_subject(ctx, mk, claims, persons_only=own_claim)
                near = _note_pronoun(ctx, mk, claims) if named is None else None
                if named is None and near is None and own_claim:
                    continue
                if near is not None:
                    # "He did not say how ...": the last speaker's words just before
                    window = [c for c in claims if c.speaker == near and mk - 2 <= c.sent < mk]
            if named is not None:
                # "Zakharova gave no evidence.", "The minister gave no evidence.": the note
                # is about what that speaker said before, not about whoever spoke last
                # (a headline summarises the story: the note stays with the body's words)
                headline = len(ctx.sent_para) > 1 and ctx.sent_para[1] > ctx.sent_para[0]
                window = [
                    c for c in claims
                    if c.speaker == named and c.sent < mk and para - ctx.sent_para[c.sent] <= 3
                    and not (headline and c.sent == 0 and c not in window)
                ]  # fmt: skip
            if back:
                window = [c for c in window if c.sent < mk or c.content[1] <= ctx.sentences[mk][0]]
            accs = [c for c in window if c.accusation]
            if accs:
                # the note is about the accusations and what their authors say next, not
                # the accusers' earlier words ("admitting that ...")
                window = [
                    c for c in window
                    if c.accusation or any(
                        x.speaker and x.speaker == c.speaker and x.content[0] < c.content[0]
                        and 0 <= c.sent - x.sent <= 1
                        for x in accs
                    )
                ]  # fmt: skip
            for c in window:
                if c.evidence == "none_stated":
                    c.evidence = status


def _note_subject(
    ctx: DocContext, mk: int, claims: list[Claim], *, persons_only: bool = False
) -> str | None:
    """The speaker an author's note (sentence ``mk``) names as its subject, by name or by
    title ("Zakharova gave no evidence.", "The minister offered no proof."), if that
    speaker has claims before the note; else None."""
    a, b = ctx.sent_tok[mk]
    speakers = {c.speaker for c in claims if c.speaker and c.sent < mk}
    if not speakers:
        return None
    by_surname = {_stem(sp.split()[-1].lower()): sp for sp in speakers}
    for m in ctx.mentions_in(a, b):
        if m.canon in speakers and (m.type == "PER" or (not persons_only and m.start <= a + 1)):
            return m.canon  # a person, or an organisation as subject ("The SVR did not ...")
        # "Доказательств Котова": a sentence-initial word run into the surname
        if m.type == "PER" and _stem(ctx.lows[m.end - 1]) in by_surname:
            return by_surname[_stem(ctx.lows[m.end - 1])]
    # a title as the first words of the note ("Министр не привел ...", "The minister ...")
    k = a
    while (
        k < b and k - a < 3 and ctx.toks[k].alpha and ctx.lows[k] not in ctx.lex.words("negations")
    ):
        k += 1
        name = _by_title(ctx, a, k)
        if name in speakers:
            return name
    return None


def _note_pronoun(ctx: DocContext, mk: int, claims: list[Claim]) -> str | None:
    """The speaker a note starting with a personal pronoun is about ("He did not say how
    ...", "She offered no proof."; lexicon ``pronouns``, not possessives): the one
    speaker with claims in the two sentences before it, else the speaker of the last
    claim when that claim is in the sentence just before."""
    a, b = ctx.sent_tok[mk]
    kind = ctx.lex.raw.get("pronouns", {}).get(ctx.lows[a]) if a < b else None
    if kind not in ("male", "female", "plural") or ctx.lows[a] in ctx.lex.words(
        "possessive_pronouns"
    ):
        return None
    near = {c.speaker for c in claims if c.speaker and mk - 2 <= c.sent < mk}
    if len(near) == 1:
        return next(iter(near))
    before = [c for c in claims if c.speaker and c.sent < mk]
    last = max(before, key=lambda c: c.content[0], default=None)
    return last.speaker if last is not None and last.sent == mk - 1 else None


def annotate(ctx: DocContext, claims: list[Claim]) -> None:
    resolve_speakers(ctx, claims)
    contents = [c.content for c in claims]
    for c in claims:
        # a CRF proposal far from a lexicon cue or without a source accuses nobody
        blame_ok = c.extra.get("blame_ok", True)
        c.accusation = find_accusation(ctx, c) if blame_ok else None
        c.evidence = evidence_status(ctx, c, contents)
    _context_evidence(ctx, claims, contents)
