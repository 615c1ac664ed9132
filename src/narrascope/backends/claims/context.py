"""Per-document context shared by the claims rules: tokens, sentences, quotes, actors.

:class:`DocContext` tokenises a document once and indexes its sentences, paragraphs,
quotations and actor mentions (people, organisations, states), so the cue rules, the
speaker resolution and the accusation/evidence annotators all work on the same view.
Actor mentions come from the ``entities`` stage when it ran before (canonical names in
``data["entities"]``) and are always completed by a light, lexicon-driven detector:
capitalised runs, aliases of countries and organisations, known actors, and titles
("the FSB director" -> the person mentioned with that title).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from ...document import Document
from .lexicon import Lexicon, load_lexicon
from .text import QUOTE_CHARS, Quote, QuoteIndex, Tok, find_quotes, normalize_quotes, tokenize

SENT_END = frozenset(".!?…")


@dataclass(slots=True)
class Mention:
    start: int  # token index
    end: int  # token index, exclusive
    canon: str
    type: str  # PER, ORG, GPE, UNK
    from_entities: bool = False


@dataclass
class DocContext:
    doc: Document
    lex: Lexicon
    toks: list[Tok]
    lows: list[str]
    sentences: list[tuple[int, int]]
    sent_tok: list[tuple[int, int]]
    sent_para: list[int]
    paragraphs: list[tuple[int, int]]
    quotes: list[Quote]
    qindex: QuoteIndex
    tok_quote: list[int]
    mentions: list[Mention] = field(default_factory=list)
    mention_at: dict[int, Mention] = field(default_factory=dict)  # token index -> mention
    surnames: dict[str, str] = field(default_factory=dict)
    roles: list[tuple[int, str, frozenset[str]]] = field(default_factory=list)
    _tok_starts: list[int] = field(default_factory=list)
    _sent_tok_starts: list[int] = field(default_factory=list)
    # the document text with '' quotation marks as curly ones (``normalize_quotes``;
    # same offsets), "" when unchanged
    quoted_text: str = ""

    @property
    def text(self) -> str:
        return self.quoted_text or self.doc.text

    # -- token helpers ----------------------------------------------------------------
    def tok_index(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect.bisect_left(self._tok_starts, offset)

    def sent_of_tok(self, i: int) -> int:
        return max(0, bisect.bisect_right(self._sent_tok_starts, i) - 1)

    def char_span(self, a: int, b: int) -> tuple[int, int]:
        """Character offsets (end exclusive) of the tokens [a, b), b > a."""
        return self.toks[a].start, self.toks[b - 1].end

    def span_text(self, a: int, b: int) -> str:
        return self.text[self.toks[a].start : self.toks[b - 1].end] if b > a else ""

    def is_quote_tok(self, i: int) -> bool:
        return self.toks[i].text in QUOTE_CHARS

    # -- cached lexicon matches (one pass over the document per matcher) -------------
    def _matches(
        self, matcher: Any
    ) -> tuple[list[int], list[tuple[int, int, Any]], dict[int, tuple[int, Any]]]:
        cache = self.__dict__.setdefault("_match_cache", {})
        key = id(matcher)
        if key not in cache:
            found = matcher.find_all(self.lows)
            cache[key] = ([m[0] for m in found], found, {s: (e - s, v) for s, e, v in found})
        return cache[key]

    def find(self, matcher: Any, a: int = 0, b: int | None = None) -> list[tuple[int, int, Any]]:
        """Matches of ``matcher`` inside tokens [a, b) (whole-document greedy pass)."""
        starts, found, _ = self._matches(matcher)
        b = len(self.toks) if b is None else b
        lo = bisect.bisect_left(starts, a)
        out = []
        for k in range(lo, len(found)):
            s, e, v = found[k]
            if s >= b:
                break
            if e <= b:
                out.append((s, e, v))
        return out

    def at(self, matcher: Any, i: int) -> tuple[int, Any] | None:
        """``(n_tokens, value)`` of the match starting at token ``i``, if any."""
        return self._matches(matcher)[2].get(i)

    def find_noquote(self, matcher: Any, a: int, b: int) -> list[tuple[int, int]]:
        """Matches in tokens [a, b) ignoring quotation marks ("directly involved” in")."""
        cache = self.__dict__.setdefault("_noquote_cache", {})
        key = id(matcher)
        if key not in cache:
            idx = [i for i, t in enumerate(self.toks) if t.text not in QUOTE_CHARS]
            found = matcher.find_all([self.lows[i] for i in idx])
            spans = sorted((idx[s], idx[e - 1] + 1) for s, e, _ in found)
            cache[key] = ([s for s, _ in spans], spans)
        starts, spans = cache[key]
        # spans are sorted and non-empty: those inside [a, b) start in [a, b)
        lo, hi = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        return [(s, e) for s, e in spans[lo:hi] if e <= b]

    def mentions_in(self, a: int, b: int) -> list[Mention]:
        out = []
        seen: set[int] = set()
        for i in range(a, b):
            m = self.mention_at.get(i)
            if m is not None and id(m) not in seen and m.start >= a and m.end <= b:
                seen.add(id(m))
                out.append(m)
        return out


def _doc_paragraphs(doc: Document) -> list[tuple[int, int]]:
    paras = [(s.start, s.end) for s in doc.spans.get("paragraphs", ())]
    if paras:
        return paras
    from ...stages.segment import paragraph_offsets

    return list(paragraph_offsets(doc.text))


_SENT_CUT = re.compile(r"[.!?…]+(?=\s+[“\"«„(]?[^\W\d_a-zа-яёіїєґ])")


def _doc_sentences(
    doc: Document,
    paragraphs: list[tuple[int, int]],
    quotes: list[Quote],
    abbrev: frozenset[str],
    text: str | None = None,
) -> list[tuple[int, int]]:
    """The segment stage's sentences, split again where a full stop outside any quote is
    followed by a capitalised word (sentence splitters keep "... died. The ..." together
    when quotation marks in the paragraph are unbalanced)."""
    sents = [(s.start, s.end) for s in doc.spans.get("sentences", ())] or list(paragraphs)
    text = doc.text if text is None else text
    spans = [(q.open, q.outer_end) for q in quotes]
    out: list[tuple[int, int]] = []
    for s, e in sents:
        cur = s
        for m in _SENT_CUT.finditer(text, s, e):
            pos = m.end()
            if any(qs < pos < qe for qs, qe in spans):
                continue
            w = text[max(s, m.start() - 12) : m.start()].split()
            last = w[-1].lower().lstrip('(“"«') if w else ""
            if last in abbrev or (len(last) == 1 and last.isalpha()):
                continue
            nxt = pos
            while nxt < e and text[nxt].isspace():
                nxt += 1
            k = nxt + 1 if nxt < e and text[nxt] in '“"«„(' else nxt
            if k >= e or not text[k].isupper():
                continue
            if pos - cur > 1 and nxt < e:
                out.append((cur, pos))
                cur = nxt
        out.append((cur, e))
    # a sentence must not end with the opening mark of the next quotation
    opens = {q.open for q in quotes}
    fixed: list[tuple[int, int]] = []
    for k, (s, e) in enumerate(out):
        if fixed and fixed[-1][1] > s:
            s = fixed[-1][1]
            while s < e and text[s].isspace():
                s += 1
        if e - 1 in opens and e - 1 > s and k + 1 < len(out):
            e2 = e - 1
            while e2 > s and text[e2 - 1].isspace():
                e2 -= 1
            fixed.append((s, e2))
            nxt_e = out[k + 1][1]
            out[k + 1] = (e - 1, nxt_e)
            continue
        fixed.append((s, e))
    return [(s, e) for s, e in fixed if e > s]


def build_context(doc: Document) -> DocContext:
    lex = load_lexicon(doc.language or "en")
    text = normalize_quotes(doc.text)
    paragraphs = _doc_paragraphs(doc)
    quotes = find_quotes(text, paragraphs)
    sentences = _doc_sentences(doc, paragraphs, quotes, lex.words("abbreviations"), text)
    toks = tokenize(text)
    starts = [t.start for t in toks]
    sent_tok = []
    for s, e in sentences:
        sent_tok.append((bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)))
    p_starts = [p[0] for p in paragraphs]
    sent_para = [max(0, bisect.bisect_right(p_starts, s) - 1) for s, _ in sentences]
    qindex = QuoteIndex(quotes)
    tok_quote = [-1] * len(toks)
    for k, q in enumerate(quotes):
        a = bisect.bisect_left(starts, q.open)
        b = bisect.bisect_left(starts, q.outer_end)
        for i in range(a, b):
            tok_quote[i] = k
    ctx = DocContext(
        doc=doc, lex=lex, toks=toks, lows=[t.low for t in toks], sentences=sentences,
        sent_tok=sent_tok, sent_para=sent_para, paragraphs=paragraphs, quotes=quotes,
        qindex=qindex, tok_quote=tok_quote, quoted_text=text if text != doc.text else "",
    )  # fmt: skip
    ctx._tok_starts = starts
    ctx._sent_tok_starts = [a for a, _ in sent_tok]
    _find_mentions(ctx)
    return ctx


# -- actor mentions ------------------------------------------------------------------
def _alias_ok(toks: list[Tok], a: int, b: int) -> bool:
    """Aliases must look like names in the text: capitalised, short ones in capitals."""
    first = toks[a]
    if first.low in ("the",) and b - a > 1:
        first = toks[a + 1]
    if not first.cap:
        return False
    if b - a == 1 and len(first.text) <= 3 and not first.text.isupper():
        return False
    return True


def _entity_mentions(ctx: DocContext) -> None:
    ents = ctx.doc.data.get("entities") or []
    spans = ctx.doc.spans.get("entities") or []
    if not ents or not spans:
        return
    by_id = {e.get("id"): e for e in ents if isinstance(e, dict)}
    for sp in spans:
        ent = by_id.get((sp.attrs or {}).get("entity"))
        if not ent or not ent.get("name"):
            continue
        a = ctx.tok_index(sp.start)
        b = ctx.tok_index(sp.end)
        if b <= a:
            continue
        etype = str(ent.get("type") or sp.label or "UNK")
        canon = canonical_agent(ctx, str(ent["name"])) or str(ent["name"])
        m = Mention(a, b, canon, "PER" if etype == "PER" else etype, from_entities=True)
        ctx.mentions.append(m)
        for i in range(a, b):
            ctx.mention_at[i] = m


def canonical_agent(ctx: DocContext, name: str) -> str | None:
    """Map a written name ("Kiev", "the Kremlin", "Putin") to a canonical actor name."""
    toks = tokenize(name)
    lows = [t.low for t in toks]
    if not lows:
        return None
    m = ctx.lex.speaker_agents.match_at(lows, 0)
    if m is not None and m[0] == len(lows):
        return str(m[1][1])
    if lows[0] == "the" and len(lows) > 1:
        m = ctx.lex.speaker_agents.match_at(lows, 1)
        if m is not None and m[0] == len(lows) - 1:
            return str(m[1][1])
    return None


# organisations of a state: "the Russian Defence Ministry" speaks for Russia
STATE_HEADS = frozenset(
    """ministry government army forces military navy parliament duma police intelligence
    security service services command guard administration office department presidency
    kremlin embassy""".split()
)


# "Turkish Interior Minister X": the words before a title are no person's name
PORTFOLIOS = frozenset(
    "interior foreign defence defense finance justice health economy home education "
    "transport energy".split()
)


def demonyms(lex: Any) -> dict[str, str]:
    """Single-word demonym -> country ("russian" -> "Russia")."""
    cache = lex.__dict__.get("_demonym_of")
    if cache is None:
        cache = {}
        for country, words in (lex.raw.get("demonyms") or {}).items():
            for w in words:
                if " " not in w:
                    cache[w] = country
        lex.__dict__["_demonym_of"] = cache
    return cache


def _find_mentions(ctx: DocContext) -> None:
    lex = ctx.lex
    toks, lows = ctx.toks, ctx.lows
    _entity_mentions(ctx)
    non_names = lex.words("capitalised_non_names")
    org_heads = lex.words("org_heads")
    place_heads = lex.words("place_heads")
    connectors = lex.words("name_connectors")
    non_names = non_names | lex.words("role_nouns")
    n = len(toks)
    demonym_of = demonyms(lex)
    role_words = lex.words("role_nouns")
    sent_start = set(a for a, _ in ctx.sent_tok)
    i = 0
    pending_single: list[Mention] = []
    while i < n:
        if i in ctx.mention_at:
            i = ctx.mention_at[i].end
            continue
        t = toks[i]
        if not t.cap or not t.alpha:
            i += 1
            continue
        m = lex.speaker_agents.match_at(lows, i)
        if m is not None and m[1][0] == "GPE" and _city_in_name(ctx, i, i + m[0], non_names):
            m = None  # "Tallinn Cyber Lab", "Washington Post": the city names an organisation
        if m is not None and _alias_ok(toks, i, i + m[0]):
            typ, canon = m[1]
            _add(ctx, Mention(i, i + m[0], str(canon), str(typ)))
            i += m[0]
            continue
        # a capitalised run
        j = i
        if _pronoun_surname(ctx, i, non_names):
            j = i + 1  # "He Yadong said": a surname that looks like a pronoun
        while j < n and (
            (
                toks[j].cap
                and toks[j].alpha
                and (toks[j].low not in non_names or _acronym(toks[j].text))
            )
            or (j > i and toks[j].low in connectors and j + 1 < n and toks[j + 1].cap)
        ):
            if j > i and (j in sent_start or toks[j].start - toks[j - 1].end > 1):
                break
            if j > i and lex.speaker_agents.match_at(lows, j) is not None:
                break
            j += 1
        if j == i:
            i += 1
            continue
        # "Forecaster Ryan Worley": a title-like first word of a longer run is no name
        if (
            j - i >= 3
            and (
                lows[i].endswith(("er", "or", "ist", "ian", "ant", "ист", "лог", "тор", "ник"))
                or lows[i] in role_words
            )
            and lows[i] not in ctx.surnames
        ):
            i += 1
        # "Депутат Госдумы Игорь Лебедев", "министр обороны России Андрей Белоусов": after
        # a role noun or a lower-case word, a capitalised genitive (an institution or a
        # country: "-ы", "-и") before a first name and a surname is not part of the
        # person's name (Slavic word order; first names do not end in these)
        if (
            j - i >= 3
            and i > 0
            and (lows[i - 1] in role_words or (toks[i - 1].alpha and not toks[i - 1].cap))
            and not lows[i].isascii()
            and lows[i].endswith(_GENITIVE_ORG)
            and lows[i] not in ctx.surnames
        ):
            i += 1
        run_lows = lows[i:j]
        words = [w for w in run_lows if w not in connectors]
        org_nouns = lex.words("org_nouns")
        # "British Soft Drinks Association", "European Central Bank": a demonym before an
        # organisation that is not a state body belongs to its name
        if (
            i > 0
            and toks[i - 1].cap
            and lows[i - 1] in demonym_of
            and toks[i].start - toks[i - 1].end == 1
            and (i - 1) not in ctx.mention_at
            and any(w in org_heads for w in words)
            and not any(w in STATE_HEADS for w in words)
        ):
            i -= 1
            run_lows = lows[i:j]
        name = ctx.span_text(i, j)
        # "Pedro Sánchez's government": a possessor; its name is without the "'s", and
        # the noun after it is what it owns, not the head of an organisation's name
        possessive = len(toks[j - 1].text) > 2 and toks[j - 1].text[-2:] in ("'s", "’s")
        if possessive:  # (the tokeniser already drops the "'s" from the lower-case form)
            name = name[:-2]
        if j < n and lows[j] in org_nouns and not toks[j].cap and not possessive:
            _add(ctx, Mention(i, j, name, "ORG"))  # "Severn Water company"
        elif words and words[-1] in place_heads:
            _add(ctx, Mention(i, j, name, "LOC"))
        elif (
            any(w in org_heads for w in words)
            or ctx.text[toks[i].start : toks[j - 1].end].isupper()
        ):
            _add(ctx, Mention(i, j, name, "ORG"))
        elif len(words) >= 2 and not (j < n and lows[j] in role_words and words[-1] in PORTFOLIOS):
            _add(ctx, Mention(i, j, name, "PER"))
            ctx.surnames.setdefault(words[-1], name)
        else:
            mm = Mention(i, j, name, "UNK")
            pending_single.append(mm)
            _add(ctx, mm)
        i = j
    stems = {_stem(k): v for k, v in ctx.surnames.items()}
    for mm in pending_single:  # a lone "Levin" is the Yigal Levin named elsewhere
        low = ctx.lows[mm.start]
        full = ctx.surnames.get(low) or stems.get(_stem(low))
        if full is not None:
            mm.canon, mm.type = full, "PER"
    for m2 in ctx.mentions:
        if m2.type == "PER":
            ctx.roles.append((m2.start, m2.canon, _role_words(ctx, m2)))


def _acronym(word: str) -> bool:
    """ "WHO", "IT": an upper-case acronym, not the function word it spells."""
    return len(word) > 1 and word.isupper() and word.isalpha()


def _pronoun_surname(ctx: DocContext, i: int, non_names: frozenset[str]) -> bool:
    """Token ``i`` is a capitalised pronoun ("He") that begins a person's name: the next
    token, one space away, is a capitalised word that is no common word, actor or cue,
    and the word after the pair is not capitalised (a title-case headline such as "He
    Says ..." is not a name)."""
    toks, lows = ctx.toks, ctx.lows
    if lows[i] not in ctx.lex.raw.get("pronouns", {}) or not toks[i].text[:1].isupper():
        return False
    k = i + 1
    if k >= len(toks) or toks[k].start - toks[i].end != 1:
        return False
    nxt = toks[k]
    if not (nxt.cap and nxt.alpha) or nxt.low in non_names or nxt.text.isupper():
        return False
    if ctx.lex.speaker_agents.match_at(lows, k) is not None or ctx.at(ctx.lex.cues, k):
        return False
    return k + 1 >= len(toks) or not (toks[k + 1].cap and toks[k + 1].alpha)


_GENITIVE_ORG = ("ы", "и")
_ENDINGS = ("ым", "ом", "ой", "ою", "ем", "а", "у", "е", "ю", "я", "ы", "і", "и")


def _stem(low: str) -> str:
    """Strip one Slavic case ending ("Петрова" -> "петров", "мэра" -> "мэр")."""
    if len(low) > 3 and not low.isascii():
        for e in _ENDINGS:
            if low.endswith(e):
                return low[: -len(e)]
    return low


def _city_in_name(ctx: DocContext, a: int, b: int, non_names: frozenset[str]) -> bool:
    toks = ctx.toks
    if b >= len(toks) or not toks[b].cap or not toks[b].alpha or toks[b].low in non_names:
        return False
    if toks[b].start - toks[b - 1].end > 1 or ctx.lex.speaker_agents.match_at(ctx.lows, b):
        return False
    if toks[b - 1].text[-2:] in ("'s", "’s"):
        return False  # "Britain's Foreign Office": the possessor is the state
    alias = " ".join(ctx.lows[a:b])
    first = toks[a].text
    return not first.isupper() and ctx.lex.country_names.get(alias) is None


def _add(ctx: DocContext, m: Mention) -> None:
    ctx.mentions.append(m)
    for k in range(m.start, m.end):
        ctx.mention_at[k] = m


def _role_words(ctx: DocContext, m: Mention) -> frozenset[str]:
    """Lower-case words around a person mention that may serve as its title."""
    toks = ctx.toks
    si = ctx.sent_of_tok(m.start)
    s0, s1 = ctx.sent_tok[si]
    words: list[str] = []
    k = m.start - 1
    steps = 0
    while k >= s0 and steps < 5 and toks[k].alpha:  # "FSB director Alexander Bortnikov"
        words.append(toks[k].low)
        k -= 1
        steps += 1
    if k >= s0 and toks[k].text == ",":  # "the director of the FSB, Alexander Bortnikov"
        k -= 1
        steps = 0
        while k >= s0 and steps < 10 and toks[k].text not in ",;:()" and not ctx.is_quote_tok(k):
            words.append(toks[k].low)
            k -= 1
            steps += 1
    k = m.end
    if k < s1 and toks[k].text == ",":  # "Nikolai Patrushev, secretary of the ..."
        k += 1
        steps = 0
        while k < s1 and steps < 12 and toks[k].text not in ",;:()." and not ctx.is_quote_tok(k):
            words.append(toks[k].low)
            k += 1
            steps += 1
    out: set[str] = set()
    for w in words:
        out.update(p for p in w.replace("’", "-").replace("'", "-").split("-") if p)
    return frozenset(out)


def entity_payload(ctx: DocContext) -> dict[str, Any]:  # pragma: no cover - debugging aid
    return {
        "mentions": [(ctx.span_text(m.start, m.end), m.canon, m.type) for m in ctx.mentions],
        "roles": [(c, sorted(r)) for _, c, r in ctx.roles],
    }
