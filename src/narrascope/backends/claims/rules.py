"""Rule-based attribution extraction: cues, sources and contents (claims.rules.v1).

For every sentence the rules look for cues (verbal "said", "accused", "called for";
nominal "allegations that"; prepositional "according to"), skip hypothetical speech
("would say", "enough to say"), and then read the source and the content around the cue
in the order news text uses:

- ``SOURCE CUE (that) CONTENT`` and ``SOURCE CUE: "QUOTE"`` (normal order);
- ``"QUOTE," SOURCE CUE`` / ``"QUOTE," CUE SOURCE`` / ``CLAUSE, SOURCE CUE`` (inverted),
  with a second quote after the cue for quotes split around it;
- ``According to SOURCE, CONTENT`` / ``CONTENT, according to SOURCE``;
- ``SOURCE: CONTENT`` in headlines, block quotes introduced by a sentence ending in a
  colon, quotes continuing in the next paragraph, and stand-alone quotes continuing the
  previous speaker's words.

Content conventions (narrascope): direct = the characters between the quotation marks;
indirect = the reported clause without the complementiser and the final full stop;
mixed = the reported clause with its inner quotation marks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .context import SENT_END, DocContext, Mention
from .text import CLOSERS, OPENERS, QUOTE_CHARS

BOUNDARY = frozenset({",", "—", "–", "-", ";"})
DASHES = frozenset({"—", "–"})
FINAL_STRIP = " \t\r\n.,;:!?…—–-"


def _acronym(word: str) -> bool:
    """ "US", "WHO", "IT": an upper-case acronym, not the function word it spells."""
    return len(word) > 1 and word.isupper() and word.isalpha()


@dataclass
class Claim:
    content: tuple[int, int]  # char offsets
    kind: str
    cue: tuple[int, int]
    cue_class: str
    source: tuple[int, int] | None
    sent: int
    rule: str
    score: float = 0.8
    source_toks: tuple[int, int] | None = None
    content_toks: tuple[int, int] | None = None
    speaker: str | None = None
    speaker_type: str | None = None
    accusation: dict[str, Any] | None = None
    evidence: str = "none_stated"
    extra: dict[str, Any] = field(default_factory=dict)


class RuleExtractor:
    """Find attributions in a :class:`DocContext` (no speaker resolution here)."""

    def __init__(self, ctx: DocContext) -> None:
        self.ctx = ctx
        self.lex = ctx.lex
        self.claims: list[Claim] = []
        self.used_quotes: set[int] = set()
        self.cue_toks: set[int] = set()
        lw = self.lex.words
        self.source_stop = lw("source_stop")
        self.lead_strip = lw("lead_strip")
        self.hypo = lw("hypothetical")
        self.not_hypo_to = lw("not_hypothetical_before_to")
        self.dets = lw("determiners")
        self.comp = lw("complementizers")
        self.object_cues = lw("object_cues")
        self.pronouns = set(self.lex.raw.get("pronouns", {}))
        self.part_suffix = tuple(self.lex.raw.get("participle_suffixes", [])) or (
            (self.lex.raw.get("participle_suffix"),)
            if self.lex.raw.get("participle_suffix")
            else ()
        )
        self.adverb_suffix = tuple(self.lex.raw.get("adverb_suffixes", ["ly"]))
        self.dash_intro = bool(self.lex.raw.get("dash_introduces_speech", False))
        self.author = lw("author_pronouns")
        self.that_skip = lw("that_skip")
        self.intransitive = lw("intransitive_starts")
        self.subordinators = lw("subordinators")
        tail = self.lex.raw.get("tail_cut") or {}
        self.tail_words = frozenset([*tail.get("relative", ()), *tail.get("appositive", ())])
        self.tail_participle = str(tail.get("participle_suffix", ""))
        self.tail_not_participles = frozenset(tail.get("not_participles", ()))
        self.clause_cut = [tuple(x.split()) for x in self.lex.raw.get("clause_cut", [])]
        self.frame = lw("frame_triggers")
        self.noun_ambiguous = lw("noun_ambiguous")
        self.needs_clause = lw("needs_clause")
        self.cite_cues = lw("cite_cues")
        self.non_names = lw("capitalised_non_names") | lw("indefinite")
        self.threat_cues = lw("threat_cues")
        self.called_cues = lw("called_cues")
        self.question_frames = lw("question_frames")
        self.negations = lw("negation_tokens")
        self.cited_sources = lw("cited_sources")
        self.roles = lw("role_nouns")
        self.time_words = lw("time_words")
        self.generic = lw("generic_sources") | lw("generic_heads")
        self._prep_at = ctx._matches(self.lex.prep)[2]
        self._cue_at = ctx._matches(self.lex.cues)[2]
        self._nom_at = ctx._matches(self.lex.nominal)[2]
        self.abbrev = lw("abbreviations")
        self.possessive_pronouns = self.pronouns | lw("possessive_pronouns")
        self.in_sources = lw("in_sources")
        # after ", but": a verb with no subject of its own continues the clause
        self.clause_continuing = lw("clause_continuing")
        # adverbs that open a sentence before a parenthetical source ("Now, he says, X")
        self.sentence_adverbs = lw("sentence_adverbs")
        # a verbal cue right after one is a noun ("his appeal"); not "her", also an object
        self.possessive_dets = lw("possessive_determiners")
        # a finite verb never follows these directly (a gerund may: "by saying")
        self.prepositions = lw("prepositions")
        self.irregular_past = lw("irregular_speech_past")
        # cues whose object is the hearer ("told reporters"): no inverted source after them
        self.hearer_first = lw("hearer_first_cues")
        for a, b in ctx.sent_tok:
            if any(x in self._cue_at for x in range(a, b)):
                continue  # "wrote in the report that ...": the verb is the cue
            for x in range(a, b):
                if ctx.lows[x] == "in" and ctx.tok_quote[x] < 0 and self._in_source(x, b):
                    self._prep_at[x] = (1, "prep")

    # -- main loop ----------------------------------------------------------------------
    def run(self) -> list[Claim]:
        ctx = self.ctx
        self._headlines()
        for si, (a, b) in enumerate(ctx.sent_tok):
            i = a
            while i < b:
                if (
                    ctx.tok_quote[i] >= 0
                    or i in self.cue_toks
                    or not (i in self._cue_at or i in self._prep_at or i in self._nom_at)
                ):
                    i += 1
                    continue
                n = self._try_cue(si, i)
                i += max(1, n)
        self._orphan_quotes()
        self._message_blocks()
        self.claims.sort(key=lambda c: (c.content[0], c.content[1]))
        return self._dedupe()

    def _try_cue(self, si: int, i: int) -> int:
        m = self._prep_at.get(i)
        if m is not None:
            self._prep_cue(si, i, i + m[0])
            return m[0]
        tok = self.ctx.toks[i]
        if tok.cap and i != self.ctx.sent_tok[si][0]:
            return 1  # "Islamic State", "United States": names, not cues
        mention = self.ctx.mention_at.get(i)
        if mention is not None and mention.end - mention.start > 1:
            return 1
        m = self._cue_at.get(i)
        if m is not None and not self._noun_reading(si, i, i + m[0]):
            self._verb_cue(si, i, i + m[0], str(m[1]))
            return m[0]
        m = self._nom_at.get(i)
        if m is not None:
            self._nominal_cue(si, i, i + m[0])
            return m[0]
        return 1

    # -- helpers --------------------------------------------------------------------------
    def _chars(self, a: int, b: int) -> tuple[int, int]:
        return self.ctx.char_span(a, b)

    def _trim(self, s: int, e: int) -> tuple[int, int]:
        """Strip spaces and final punctuation, but keep a closing quotation mark."""
        text = self.ctx.text
        while s < e and (text[s].isspace() or text[s] in ",:;—–"):
            s += 1
        while e > s and text[e - 1] in FINAL_STRIP:
            e -= 1
        return s, e

    def _quote_content(self, k: int) -> tuple[int, int]:
        ctx = self.ctx
        q = ctx.quotes[k]
        s, e = q.start, q.end
        text = ctx.text
        if not q.closed:  # an unclosed quote stops before ", notes NAME"
            a, b = ctx.tok_index(s), ctx.tok_index(e)
            for x in range(a, b - 2):
                if ctx.toks[x].text in (",", "—") and ctx.toks[x + 2].cap:
                    m = self.ctx.at(self.lex.cues, x + 1)
                    if m is None and ctx.lows[x + 1] in ("notes", "observes", "remarks"):
                        m = (1, "speech")  # inverted "..., notes NAME" (a noun elsewhere)
                    if m is not None and m[1] == "speech":
                        e = ctx.toks[x].start
                        # the quoted words end at the last full stop before that clause,
                        # which belongs to the commentator ("... ourselves. But ...,
                        # notes Levin"): a claim of its own
                        y = x - 1
                        while y > a and ctx.toks[y].text not in SENT_END:
                            y -= 1
                        if y > a and x - y > 2:
                            self._unclosed_tail(y + 1, x, x + 1, x + 1 + m[0], b)
                            e = ctx.toks[y].end
                        break
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        return s, e

    def _unclosed_tail(self, t0: int, t1: int, c0: int, c1: int, b: int) -> None:
        """Tokens [t0, t1) of an unclosed quote, said by the source after cue [c0, c1)."""
        ctx = self.ctx
        k = c1
        while k < b and ctx.toks[k].cap and ctx.toks[k].alpha:
            k += 1
        if k == c1 or any(c.extra.get("tail") == t0 for c in self.claims):
            return
        s, e = self._trim(*self._chars(t0, t1))
        si = ctx.sent_of_tok(c0)
        cue = self._chars(c0, c1)
        claim = Claim(
            (s, e), "indirect", cue, "speech", self._chars(c1, k), si, "tail", 0.6, (c1, k)
        )
        claim.extra["tail"] = t0
        self._add(claim)

    def _is_hypothetical(self, si: int, c0: int) -> bool:
        ctx = self.ctx
        a = ctx.sent_tok[si][0]
        k = c0 - 1
        while k >= a and (
            ctx.lows[k] in ("not", "n't", "also", "only", "just", "ever", "never")
            or (
                ctx.lows[k].endswith(self.adverb_suffix)
                and len(ctx.lows[k]) > 4
                and not ctx.toks[k].cap
            )
        ):
            k -= 1
        if k < a:
            return False
        low = ctx.lows[k]
        if low in self.hypo:
            if (
                low == "to"
                and k - 1 >= a
                and (
                    ctx.lows[k - 1] in self.not_hypo_to
                    or (ctx.lows[k - 1].endswith("ed") and ctx.lows[k - 1] in self.not_hypo_to)
                )
            ):
                return False
            return True
        # "if he says", "unless they claim" within the clause
        j = k
        steps = 0
        while j >= a and steps < 6 and ctx.toks[j].text not in ",;:":
            if ctx.lows[j] in (
                "if",
                "unless",
                "imagine",
                "suppose",
                "если",
                "якщо",
                "ако",
                "se",
                "caso",
            ):
                return True
            j -= 1
            steps += 1
        return False

    def _clause_start(self, si: int, c0: int) -> int:
        """Token index where the clause holding the cue at ``c0`` begins."""
        ctx = self.ctx
        a = ctx.sent_tok[si][0]
        k = c0 - 1
        while k >= a:
            t = ctx.toks[k]
            if t.text in (":", ";") or t.low in self.comp or t.text in DASHES:
                return k + 1
            if ctx.tok_quote[k] >= 0:
                return k + 1
            k -= 1
        return a

    def _skip_aux_back(self, lo: int, j: int) -> int:
        ctx = self.ctx
        while j >= lo:
            low = ctx.lows[j]
            if (low in self.lex.words("aux_skip") and not _acronym(ctx.toks[j].text)) or (
                not ctx.toks[j].cap and low.endswith(self.adverb_suffix) and len(low) > 4
            ):
                j -= 1
                continue
            k = self._time_adjunct_back(lo, j)
            if k < j:
                j = k
                continue
            break
        return j

    def _time_adjunct_back(self, lo: int, j: int) -> int:
        """Index before a time adjunct ending at ``j`` ("on Sunday", "last week", "on 3
        March"), or ``j`` when there is none: time words (lexicon ``time_words``, at least
        one) after a lead word (``time_adjunct_lead``)."""
        lead = self.lex.words("time_adjunct_lead")
        lows = self.ctx.lows
        k, found = j, False
        while k >= lo and j - k < 5:
            low = lows[k]
            if low in self.time_words and low.isalpha():
                found = True
            elif not (low.isdigit() or low in lead or low in self.time_words):
                break
            k -= 1
        if not found or k < lo or lows[k + 1] not in lead:
            return j  # "Sunday Times said": a time word must follow a lead word
        return k

    def _np_back(self, lo: int, j: int, max_len: int = 7) -> int | None:
        """Walk back from token ``j`` over a noun phrase; return its first token index."""
        ctx = self.ctx
        k = j
        n = 0
        while k >= lo and n < max_len:
            t = ctx.toks[k]
            if t.text in QUOTE_CHARS or ctx.tok_quote[k] >= 0:
                break
            if t.text == ")":  # "Rep. Jim Clyburn (D-S.C.)"
                p = k
                while p > lo and ctx.toks[p].text != "(" and k - p < 12:
                    p -= 1
                if ctx.toks[p].text == "(":
                    k = p - 1
                    continue
                break
            if not t.alpha and t.text not in ("-", "'", "’", "."):
                break
            if t.text == "." and not (
                k > lo and (ctx.toks[k - 1].text.isupper() or ctx.lows[k - 1] in self.abbrev)
            ):
                break
            if k < j and k in self._cue_at and not t.cap:
                break  # "Keller said the warming": a cue ends the noun phrase
            if (
                t.low in self.source_stop
                and not _acronym(t.text)
                and not (
                    t.low == "and"
                    and k + 1 <= j
                    and ctx.toks[k + 1].cap
                    and k - 1 >= lo
                    and ctx.toks[k - 1].cap
                )
            ):
                break
            k -= 1
            n += 1
        start = k + 1
        if start > j:
            return None
        # strip leading time expressions and connectives ("This morning", "However")
        while start < j and ctx.lows[start] in self.lead_strip:
            start += 1
        if (
            start == j
            and ctx.lows[start] in self.lead_strip
            and ctx.lows[start] not in self.pronouns
        ):
            return None
        # a pronoun inside: the subject is the pronoun
        for p in range(j, start - 1, -1):
            if (ctx.lows[p] in self.pronouns and not ctx.toks[p].cap) or (
                ctx.lows[p] in self.pronouns and p == start
            ):
                if ctx.lows[p] in ("his", "her", "its", "their", "его", "її"):
                    continue
                return p
        return start

    def _source_before(self, si: int, c0: int) -> tuple[int, int] | None:
        """Source token range for a cue in normal order, or None."""
        ctx = self.ctx
        lo = self._clause_start(si, c0)
        j = self._skip_aux_back(lo, c0 - 1)
        if j < lo:
            return None
        end = j + 1
        if ctx.toks[j].text == ",":  # appositive: "NAME, the FSB director, said"
            k = j - 1
            while k >= lo and ctx.toks[k].text not in (",", ";", ":") and ctx.tok_quote[k] < 0:
                k -= 1
            if k < lo or ctx.toks[k].text != "," or j - k > 16:
                return None
            head = self._np_back(lo, k - 1)
            if head is None:
                return None
            return head, j
        if ctx.toks[j].text == ")":
            k = j
            while k > lo and ctx.toks[k].text != "(":
                k -= 1
            head = self._np_back(lo, k - 1)
            return (head, end) if head is not None else None
        head = self._np_back(lo, j)
        if head is None:
            return None
        return head, end

    def _np_forward(self, i: int, hi: int, max_len: int = 8) -> int:
        """End (exclusive) of a noun phrase starting at token ``i``."""
        ctx = self.ctx
        k = i
        while k < hi and k - i < max_len:
            t = ctx.toks[k]
            if ctx.tok_quote[k] >= 0 or t.text in QUOTE_CHARS:
                break
            if not t.alpha and t.text not in ("-", "'", "’", "."):
                break
            if t.text == "(" and k > i:  # skip "(D-S.C.)"
                p = k
                while p < hi and ctx.toks[p].text != ")" and p - k < 12:
                    p += 1
                if p < hi and ctx.toks[p].text == ")":
                    k = p + 1
                    continue
                break
            if t.text == "." and not (
                k > i and (ctx.toks[k - 1].text.isupper() or ctx.lows[k - 1] in self.abbrev)
            ):
                break
            if (
                k > i
                and t.low in self.source_stop
                and t.low not in ("and",)
                and not _acronym(t.text)
            ):
                break
            if k > i and t.low in (
                "in",
                "on",
                "at",
                "during",
                "after",
                "when",
                "who",
                "which",
                "to",
                "that",
            ):
                break
            k += 1
        return k

    def _content_end(self, si: int, start_tok: int, *, stop_at_comma: bool = False) -> int:
        """Token index (exclusive) where a reported clause starting at ``start_tok`` ends."""
        ctx = self.ctx
        b = ctx.sent_tok[si][1]
        k = start_tok
        lows = ctx.lows
        while k < b:
            t = ctx.toks[k]
            if ctx.tok_quote[k] >= 0:
                qk = ctx.tok_quote[k]
                if k > start_tok and k + 1 < b and ctx.tok_quote[k + 1] != qk:
                    # a quote closing on a comma ('“sarcastic,” which ...'): the comma
                    # rules apply to what follows the closing mark
                    q = ctx.quotes[qk]
                    inner = ctx.text[q.start : q.end].rstrip()
                    if (
                        q.closed
                        and inner.endswith(",")
                        and self._comma_cut(k + 1, b, after_quote=True)
                    ):
                        return k + 1
                k += 1
                continue
            if t.text == ";":
                return k
            if stop_at_comma and t.text == ",":
                return k
            if t.text == "," and k > start_tok + 2 and k + 1 < b and self._tail_cut(k + 1):
                return k
            if (
                t.text == ","
                and k > start_tok
                and any(
                    k + len(cut) <= b and tuple(lows[k + 1 : k + len(cut)]) == cut[1:]
                    for cut in self.clause_cut
                )
                and not self._same_subject_after(k + 2, b)
            ):
                return k
            if k > start_tok + 1 and t.text in DASHES and k + 1 < b and ctx.tok_quote[k + 1] < 0:
                return k
            if k > start_tok + 1 and t.text == "," and self.ctx.at(self.lex.prep, k + 1):
                return k
            if (
                k > start_tok + 1
                and t.text == ","
                and k + 1 < b
                and self.part_suffix
                and lows[k + 1].endswith(self.part_suffix)
                and (self.ctx.at(self.lex.cues, k + 1) or lows[k + 1] in ("citing", "quoting"))
            ):
                return k
            if k > start_tok and lows[k] in self.lex.words("coordination"):
                nxt = k + 1
                while nxt < b and lows[nxt] in ("also", "then", "later", "again", "has", "had"):
                    nxt += 1
                mm = self.ctx.at(self.lex.cues, nxt) if nxt < b else None
                if mm is not None and (k == 0 or ctx.toks[k - 1].text != ","):
                    return k if ctx.toks[k - 1].text != "," else k - 1
                if mm is not None:
                    return k - 1
            k += 1
        return b

    def _same_subject_after(self, k: int, b: int) -> bool:
        """After ", but" / ", yet" at ``k - 1``, a verb with no subject of its own continues
        the reported clause ("said the process was fair, but required candidates to
        ...", "..., but is now ..."): an auxiliary, "not", or a lower-case word in
        "-ed"."""
        lows = self.ctx.lows
        if k >= b or k < 1 or lows[k - 1] not in ("but", "yet"):
            return False
        low = lows[k]
        return low in self.clause_continuing or (
            low.endswith("ed") and not self.ctx.toks[k].cap and len(low) > 4
        )

    def _comma_cut(self, k: int, b: int, *, after_quote: bool = False) -> bool:
        """Whether the token ``k`` after a comma ends a reported clause: a clause cut
        (", while", ", although" ...; after a quote not ", but"/", yet"/", and": 'a "slow,"
        but "safe," ferry'), the author's addition (``_tail_cut``), a
        prepositional cue (", according to")."""
        lows = self.ctx.lows
        if k >= b or self.ctx.tok_quote[k] >= 0:
            return False
        if any(
            k - 1 + len(cut) <= b
            and tuple(lows[k : k - 1 + len(cut)]) == cut[1:]
            and not (after_quote and cut[1] in ("but", "yet", "and"))
            for cut in self.clause_cut
        ):
            return True
        return self._tail_cut(k) or self.ctx.at(self.lex.prep, k) is not None

    def _extend_into_quote(self, e_char: int) -> int:
        """If a content end falls inside a quote that started before, extend to its close."""
        k = self.ctx.qindex.at(max(0, e_char - 1))
        if k >= 0:
            q = self.ctx.quotes[k]
            return max(e_char, q.outer_end)
        return e_char

    def _add(self, claim: Claim) -> None:
        s, e = claim.content
        if e - s < 2 or not any(ch.isalnum() for ch in self.ctx.text[s:e]):
            return
        self.claims.append(claim)
        c0 = self.ctx.tok_index(claim.cue[0])
        c1 = self.ctx.tok_index(claim.cue[1])
        self.cue_toks.update(range(c0, c1))
        for k, q in enumerate(self.ctx.quotes):
            if q.start < e and s < q.end:
                self.used_quotes.add(k)

    def _direct(
        self,
        k: int,
        cue: tuple[int, int],
        cls: str,
        src: tuple[int, int] | None,
        si: int,
        rule: str,
        score: float = 0.9,
    ) -> None:
        s, e = self._quote_content(k)
        src_chars = self._chars(*src) if src else None
        self._add(Claim((s, e), "direct", cue, cls, src_chars, si, rule, score, src))
        self._continuations(k, cue, cls, src, si, rule)

    def _continuations(
        self,
        k: int,
        cue: tuple[int, int],
        cls: str,
        src: tuple[int, int] | None,
        si: int,
        rule: str,
    ) -> None:
        """A quote left open at a paragraph end continues in the next paragraph."""
        quotes = self.ctx.quotes
        while k < len(quotes) and not quotes[k].closed and k + 1 < len(quotes):
            q, nq = quotes[k], quotes[k + 1]
            pstart = self.ctx.paragraphs[nq.para][0]
            if nq.para != q.para + 1 or nq.open != pstart:
                return
            s, e = self._quote_content(k + 1)
            src_chars = self._chars(*src) if src else None
            self._add(Claim((s, e), "direct", cue, cls, src_chars, si, rule + "+cont", 0.8, src))
            k += 1

    def _clause_claim(
        self,
        si: int,
        s_tok: int,
        e_tok: int,
        cue: tuple[int, int],
        cls: str,
        src: tuple[int, int] | None,
        rule: str,
        score: float,
    ) -> None:
        """Content over tokens [s_tok, e_tok): direct if it is one whole quote."""
        ctx = self.ctx
        if e_tok <= s_tok:
            return
        s, e = ctx.char_span(s_tok, e_tok)
        e = self._extend_into_quote(e)
        s, e = self._trim(s, e)
        if e <= s:
            return
        text = ctx.text
        k = ctx.qindex.at(s)
        if k >= 0 and ctx.quotes[k].open == s:
            q = ctx.quotes[k]
            tail = text[q.outer_end : e].strip(FINAL_STRIP + "".join(QUOTE_CHARS))
            if (
                not tail
                or len(tail.split()) <= 1
                or not any(ch in text[q.outer_end : e] for ch in OPENERS)
            ):
                self._direct(k, cue, cls, src, si, rule, score)
                return
        kind = "mixed" if any(ch in QUOTE_CHARS for ch in text[s:e]) else "indirect"
        src_chars = self._chars(*src) if src else None
        self._add(Claim((s, e), kind, cue, cls, src_chars, si, rule, score, src, (s_tok, e_tok)))

    # -- verbal cues ------------------------------------------------------------------------
    def _verb_cue(self, si: int, c0: int, c1: int, cls: str) -> None:
        ctx = self.ctx
        a, b = ctx.sent_tok[si]
        lows = ctx.lows
        cue = self._chars(c0, c1)
        if self._is_hypothetical(si, c0):
            return
        prev = lows[c0 - 1] if c0 > a else ""
        # adjectival participles: "the alleged attack", "their reported losses"
        if (
            prev in self.dets
            and c1 - c0 == 1
            and (
                lows[c0].endswith("ed")
                or (c1 < b and ctx.toks[c1].alpha and lows[c0] in ("claims", "reports"))
            )
        ):
            return
        if prev in ("a", "an", "the") and c1 - c0 == 1:
            return
        if (
            lows[c0] in self.needs_clause
            and c1 - c0 == 1
            and (
                (c1 < b and lows[c1] == "to")
                or (
                    not any(
                        lows[x] in self.comp or ctx.tok_quote[x] >= 0 or ctx.toks[x].text == ":"
                        for x in range(c1, min(b, c1 + 3))
                    )
                    and not any(ctx.tok_quote[x] >= 0 for x in range(max(a, c0 - 4), c0))
                )
            )
        ):
            # "Clinton maintains a wide lead", "prices continued to rise": no clause or
            # quote after the cue, nor a quote just before it ('“...,” he continued.')
            return
        if self._negated(a, c0):
            return  # "did not say", "declined to comment"
        if c1 < b and lows[c1] in self.lex.words("not_speech_objects"):
            return  # "declared war on", "claimed victory": an act, not reported speech
        if c0 == a and cls == "question" and c1 < b and lows[c1] in self.question_frames:
            return  # "Asked whether ..., X said": the question frames the next cue
        if lows[c0] in self.noun_ambiguous and c1 - c0 == 1 and c0 > a:
            p = ctx.toks[c0 - 1]
            if not (
                p.low in self.pronouns
                or p.cap
                or p.low.endswith("s")
                or p.text in ",:;—"
                or p.low == "to"
            ):
                return  # "weak demand for", "the call": nouns, not verbs
        if (
            c1 - c0 == 1
            and lows[c0] in self.called_cues
            and not any(
                ctx.tok_quote[x] >= 0 or lows[x] in ("a", "an") for x in range(c1, min(b, c1 + 7))
            )
        ):
            return  # "called many leaders": a phone call, not "called them “liars”"
        if lows[c0] in self.threat_cues and not (
            c1 < b
            and (
                any(lows[x] in ("to", "that", "with") for x in range(c1, min(b, c1 + 4)))
                or ctx.tok_quote[c1] >= 0
                or ctx.toks[c1].text == ":"
                or (
                    ctx.toks[c1].alpha
                    and not ctx.toks[c1].cap
                    and c1 not in ctx.mention_at
                    and lows[c1] not in self.dets
                )
            )
        ):
            # "threatens Putin" is an act on someone; "threatened to ...", "threatened
            # reprisals" report a threat
            return
        if lows[c0] in self.threat_cues:
            cls = "commissive"
            src0 = self._source_before(si, c0)
            pk = self._skip_aux_back(a, c0 - 1)
            if src0 is None and pk >= a and lows[pk] in ("and", "but", "then"):
                src0 = self._main_subject(si, c0)  # "... and threatened reprisals"
            if src0 is None or not any(
                lows[x] in self.pronouns
                or (x in ctx.mention_at and ctx.mention_at[x].type in ("PER", "ORG", "GPE"))
                for x in range(*src0)
            ):
                return  # "the warming threatened fish": only agents utter threats
        if self._inverted(si, c0, c1, cls, cue):
            return
        participle = (
            bool(self.part_suffix)
            and lows[c0].endswith(self.part_suffix)
            and (c0 == a or ctx.toks[c0 - 1].text in (",", "—", "–"))
        )
        src: tuple[int, int] | None
        coord = self._skip_aux_back(a, c0 - 1)
        if participle:
            src = self._main_subject(si, c0)
        elif coord >= a and lows[coord] in ("and", "but", "then") and not ctx.toks[coord - 1].cap:
            # "... said X and called for Y": the coordinated cue shares the subject
            src = self._main_subject(si, c0)
            if src is None:
                return
        else:
            src = self._source_before(si, c0)
            pk = self._skip_adverbs_back(a, c0 - 1)
            if src is not None and all(lows[x] in self.author for x in range(*src)):
                return  # the author's own statement ("as we write")
            if src is None and not (pk >= a and lows[pk] in ("was", "were", "is", "been", "be")):
                # no subject and not a passive ("it was reported") -> not an attribution
                if c0 != a or cls not in ("speech", "accuse"):
                    return
        self._content_after(si, c0, c1, cls, cue, src, "verb" if not participle else "participle")

    def _negated(self, lo: int, c0: int) -> bool:
        lows = self.ctx.lows
        for n in (1, 2, 3):
            k = c0 - n
            if k < lo:
                break
            if lows[k] in self.negations:
                return True
            if (
                lows[k] == "to"
                and k - 1 >= lo
                and lows[k - 1]
                in ("declined", "refused", "declines", "refuses", "declining", "refusing")
            ):
                return True
            if lows[k] not in ("to", "also", "even", "yet", "publicly", "immediately"):
                break
        return False

    def _skip_adverbs_back(self, lo: int, k: int) -> int:
        ctx = self.ctx
        while (
            k >= lo
            and not ctx.toks[k].cap
            and (
                (ctx.lows[k].endswith(self.adverb_suffix) and len(ctx.lows[k]) > 4)
                or ctx.lows[k]
                in ("also", "not", "widely", "repeatedly", "first", "later", "previously")
            )
        ):
            k -= 1
        return k

    def _main_subject(self, si: int, c0: int) -> tuple[int, int] | None:
        """Subject of the main clause for a participle cue ("..., stating that ...")."""
        for cl in reversed(self.claims):
            if cl.sent == si and cl.source_toks is not None and cl.source_toks[1] <= c0:
                return cl.source_toks
        ctx = self.ctx
        a = ctx.sent_tok[si][0]
        for k in range(a, c0):
            if ctx.tok_quote[k] >= 0:
                continue
            low = ctx.lows[k]
            if low in self.pronouns and low not in ("it", "i", "we", "his", "her", "its", "their"):
                return k, k + 1
            m = ctx.mention_at.get(k)
            if m is not None and m.type == "PER":
                return m.start, m.end
        return None

    def _content_after(
        self,
        si: int,
        c0: int,
        c1: int,
        cls: str,
        cue: tuple[int, int],
        src: tuple[int, int] | None,
        rule: str,
    ) -> None:
        ctx = self.ctx
        b = ctx.sent_tok[si][1]
        lows = ctx.lows
        i = c1
        # skip "that" / ":" / "," / an object and adverbials before "that"
        window_end = min(b, c1 + 9)
        start: int | None = None
        for k in range(c1, window_end):
            t = ctx.toks[k]
            if ctx.tok_quote[k] >= 0:
                if all(ctx.toks[x].text in ",:—–" or lows[x] in self.comp for x in range(c1, k)):
                    start = k
                break
            if t.text == ":":
                if all(
                    lows[x] in self.that_skip or ctx.toks[x].cap
                    for x in range(c1, k)
                    if ctx.toks[x].alpha
                ):
                    start = k + 1
                break
            if lows[k] in self.comp:
                between = [x for x in range(c1, k) if ctx.toks[x].alpha]
                parenthetical = ctx.toks[c1].text == "," and ctx.toks[k - 1].text == ","
                if (
                    parenthetical
                    or all(
                        lows[x] in self.that_skip
                        or ctx.toks[x].cap
                        or (lows[x].endswith(self.adverb_suffix) and len(lows[x]) > 4)
                        or lows[x].isdigit()  # "said in 2019 that"
                        for x in between
                    )
                    or (lows[c0] in self.object_cues and len(between) <= 4)
                ):
                    start = k + 1
                break
            if t.text in (".", "!", "?", ";"):
                break
        if (
            start is None
            and cls == "finding"
            and not any(
                lows[x] in self.cited_sources for x in range(self._clause_start(si, c0), c0)
            )
        ):
            return  # "found the body" is no finding; "found that ..." / "images show" are
        via_comp = start is not None
        if start is None:
            start = i
            if (
                lows[c0] in self.object_cues
                and start < b
                and (ctx.toks[start].cap or lows[start] in self.dets)
            ):
                # "told reporters ..." without "that": skip a short object
                e_obj = self._np_forward(start, b, 3)
                if e_obj < b and ctx.toks[e_obj].text in (",", ":"):
                    start = e_obj + 1
        if not via_comp and self._as_clause(si, c0, src):
            # "As X said in December, CLAUSE": the reported clause follows the comma
            comma = next((x for x in range(c1, min(b, c1 + 8)) if ctx.toks[x].text == ","), -1)
            if comma >= 0 and ctx.tok_quote[comma] < 0:
                start = comma + 1
        while start < b and ctx.toks[start].text in (",", ":", "—", "–"):
            start += 1
        if not via_comp:
            start = self._skip_time(start, b)
        if start >= b:
            self._block_quote(si, c0, c1, cls, cue, src)
            return
        if (
            cls in ("speech", "belief", "question")
            and not via_comp
            and lows[start] in self.intransitive
            and (ctx.tok_quote[start] < 0)
        ):
            # "spoke for two hours", "tells of": no reported clause, unless a signed block
            # quote follows ("X commented on the situation." + paragraph + "X, analyst")
            self._block_quote(si, c0, c1, cls, cue, src, signed_only=True)
            return
        end = self._content_end(si, start, stop_at_comma=self._subordinate(si, c0, src))
        if " ".join(lows[c0:c1]) in self.cite_cues:
            if any(lows[x] in self.cited_sources for x in range(start, min(end, start + 4))):
                return  # "citing data from the institute": evidence for a claim, not one
            end, src = self._cite_end(si, c0, start, end, src)
            if rule == "verb" and not self._agent(src):
                return  # "all signs pointed to ...": only agents cite or point to reasons
        # a cue whose clause is only the source or a single word is not an attribution
        n_words = sum(1 for x in range(start, end) if ctx.toks[x].alpha)
        if n_words < 1 or (n_words < 2 and cls not in ("accuse", "directive", "commissive")):
            if ctx.tok_quote[start] < 0:
                return
        if cls in ("commissive", "accuse") and n_words == 1:
            m = ctx.mention_at.get(start)
            if m is not None and m.type == "PER" and cls == "commissive":
                return  # "threatens Putin": an act, not a statement
        score = 0.85 if src is not None else 0.6
        if cls == "belief":
            score -= 0.2
        self._clause_claim(si, start, end, cue, cls, src, rule, score)

    def _cite_end(
        self, si: int, c0: int, start: int, end: int, src: tuple[int, int] | None
    ) -> tuple[int, tuple[int, int] | None]:
        """What "citing" / "cited" attributes is its object: "Citing X, the board ..." ends
        at the comma before the main clause, whose subject is the source; "The board,
        citing X, reported ..." ends at the comma before the verb; "..., citing costs,
        delays and risks" keeps the list. A participle without a subject found before it
        takes the noun phrase that opens the sentence ("The company raised fares, citing
        X")."""
        ctx = self.ctx
        a, b = ctx.sent_tok[si]
        lows = ctx.lows
        initial = c0 == a
        for k in range(start + 1, end - 1):
            if ctx.toks[k].text != "," or ctx.tok_quote[k] >= 0:
                continue
            nx = k + 1
            if initial and (lows[nx] in self.dets or lows[nx] in self.pronouns or ctx.toks[nx].cap):
                e_np = self._subject_np(nx, b)
                return k, ((nx, e_np) if e_np > nx else src)
            if not initial and (
                lows[nx] in self.clause_continuing or self.ctx.at(self.lex.cues, nx) is not None
            ):
                end = k
                break
        if src is None and not initial and ctx.toks[c0 - 1].text == "," and c0 - 1 > a:
            e_np = self._subject_np(a, c0 - 1)
            if e_np > a and (ctx.toks[a].cap or lows[a] in self.dets):
                src = (a, e_np)
        return end, src

    def _in_source(self, i: int, b: int) -> bool:
        """A source as a prepositional cue "in ...": "in a new poll," / "in Professor
        Lund's view," (a determiner or a possessor, then a head from ``in_sources``, then a
        comma or the end of the sentence); not the author's "in my view"."""
        ctx = self.ctx
        lows = ctx.lows
        if i + 2 >= b:
            return False
        first = lows[i + 1]
        if first in self.author:
            return False
        for e in range(i + 2, min(b, i + 8)):
            t = ctx.toks[e]
            if ctx.tok_quote[e] >= 0 or (not t.alpha and t.text not in ("'s", "’s", "-", "'", "’")):
                return False
            if lows[e] in self.in_sources:
                nxt = ctx.toks[e + 1].text if e + 1 < b else "."
                possessor = any(
                    ctx.toks[x].text.lower().endswith(("'s", "’s")) for x in range(i + 1, e)
                ) or first in (self.possessive_pronouns)
                if lows[e] == "view":
                    return possessor and nxt in (",", ".")
                # "in a new poll", "in the latest Island Times survey"; not "took part in
                # a survey"
                named = any(
                    ctx.toks[x].cap or lows[x] in ("new", "latest", "recent")
                    for x in range(i + 2, e)
                )
                return nxt in (",", ".") and (first in self.dets or possessor) and named
        return False

    def _agent(self, src: tuple[int, int] | None) -> bool:
        """Whether a source span holds a pronoun, a name or a person, organisation or
        country."""
        ctx = self.ctx
        return src is not None and any(
            ctx.lows[x] in self.pronouns
            or (
                ctx.toks[x].cap
                and ctx.toks[x].alpha
                and ctx.lows[x] not in self.non_names
                and ctx.lows[x] not in self.dets
            )
            or (x in ctx.mention_at and ctx.mention_at[x].type in ("PER", "ORG", "GPE"))
            for x in range(*src)
        )

    def _subject_np(self, i: int, hi: int) -> int:
        """End of the subject that opens a clause at ``i``: the noun phrase before its
        verb (a lower-case word in "-ed", an auxiliary or a cue)."""
        e = self._np_forward(i, hi, 6)
        for k in range(i + 1, e):
            low = self.ctx.lows[k]
            if not self.ctx.toks[k].cap and (
                (low.endswith("ed") and len(low) > 3)
                or low in self.clause_continuing
                or self.ctx.at(self.lex.cues, k) is not None
            ):
                return k
        return e

    def _skip_time(self, k: int, b: int) -> int:
        """After a cue without "that": a leading time adverbial is not part of the reported
        clause ("said on Wednesday she wants ...", "said last week the talks ..."; lexicon
        key ``time_words``); returns the first token after it (``k`` when there is none or
        nothing follows it)."""
        lows = self.ctx.lows
        j = k
        if j < b and lows[j] in ("on", "in", "at", "last", "this", "next", "early", "late"):
            j += 1
        if j >= b or lows[j] not in self.time_words:
            return k
        while j < b and (lows[j] in self.time_words or lows[j].isdigit() or lows[j] == ","):
            j += 1
        if j >= b or not self.ctx.toks[j].alpha or lows[j] in self.intransitive:
            return k
        return j

    def _tail_cut(self, k: int) -> bool:
        """Whether the token ``k`` after a comma opens the author's addition to a
        reported clause, where the clause ends (lexicon key ``tail_cut``): a
        non-restrictive relative clause about a person or place (", who ..."), an
        appositive (", a longstanding provision"), a participle adjunct (", conceding the
        race"). Not ", which": "..., which is why ..." often continues the claim."""
        ctx = self.ctx
        low = ctx.lows[k]
        if low in self.tail_words:
            return True
        suffix = self.tail_participle
        return bool(
            suffix
            and low.endswith(suffix)
            and ctx.toks[k].alpha
            and not ctx.toks[k].cap
            and low not in self.tail_not_participles
        )

    def _as_clause(self, si: int, c0: int, src: tuple[int, int] | None) -> bool:
        """Whether the cue at ``c0`` stands in a sentence-initial "As SOURCE CUE ..."
        clause ("As the minister said on Monday, ...")."""
        ctx = self.ctx
        a = ctx.sent_tok[si][0]
        if src is None or src[1] > c0:
            return False
        k = src[0] - 1
        return k >= a and ctx.lows[k] == "as" and (k == a or ctx.toks[k - 1].text == ",")

    def _subordinate(self, si: int, c0: int, src: tuple[int, int] | None) -> bool:
        """Whether the cue at ``c0`` (with its source before it) stands in a subordinate
        or relative clause ("While the party says X, Y", "Since June, when he asked X to
        ..., Y", "Mr. Guerrero, who described himself as X, said ..."): its reported
        clause ends at the next comma, where the main clause resumes (lexicon key
        ``subordinators``)."""
        if not self.subordinators:
            return False
        ctx = self.ctx
        a = ctx.sent_tok[si][0]
        k = src[0] - 1 if src is not None and src[1] <= c0 else self._skip_aux_back(a, c0 - 1)
        return k >= a and ctx.lows[k] in self.subordinators

    def _block_quote(
        self,
        si: int,
        c0: int,
        c1: int,
        cls: str,
        cue: tuple[int, int],
        src: tuple[int, int] | None,
        *,
        signed_only: bool = False,
    ) -> None:
        """'X said:' at the end of a paragraph introduces the next paragraph; so does a
        sentence naming X when the next paragraph ends with X's signature."""
        ctx = self.ctx
        b = ctx.sent_tok[si][1]
        if src is None:
            return
        para = ctx.sent_para[si]
        if ctx.paragraphs[para][1] > ctx.toks[b - 1].end or para + 1 >= len(ctx.paragraphs):
            return
        ps, pe = ctx.paragraphs[para + 1]
        src_names = {m.canon for m in ctx.mentions_in(*src) if m.type == "PER"}
        tail = ctx.tok_index(max(ps, pe - 60))
        sig = [m for m in ctx.mentions_in(tail, ctx.tok_index(pe)) if m.canon in src_names]
        if sig:
            cut = ctx.toks[sig[-1].start].start
            sj = ctx.sent_of_tok(sig[-1].start)
            sent_start = ctx.sentences[sj][0]
            cut = sent_start if sent_start > ps and ctx.text[sent_start:cut].strip() == "" else cut
            s_, e_ = self._trim(ps, cut)
            if e_ > s_:
                self._add(
                    Claim((s_, e_), "direct", cue, cls, self._chars(*src), si, "block", 0.7, src)
                )
            return
        if signed_only or ctx.toks[b - 1].text != ":":
            return
        k = ctx.qindex.at(ps)
        if k >= 0 and ctx.quotes[k].open == ps:
            self._direct(k, cue, cls, src, si, "block")
            return
        s, e = self._trim(ps, pe)
        if e > s:
            self._add(Claim((s, e), "direct", cue, cls, self._chars(*src), si, "block", 0.7, src))

    def _message_blocks(self) -> None:
        """A paragraph ending in a sentence that announces a message with no speech cue
        ("new threats have appeared on jihadist channels:") introduces the short
        paragraphs after it: one claim over the block, its speaker the organisation the
        block names most often (the message signs itself), else null."""
        ctx = self.ctx
        nouns = self.lex.raw.get("message_nouns")
        if not nouns:
            return
        threat, other = frozenset(nouns.get("threat", ())), frozenset(nouns.get("speech", ()))
        for si, (a, b) in enumerate(ctx.sent_tok):
            para = ctx.sent_para[si]
            if (
                b - a < 4
                or ctx.toks[b - 1].text != ":"
                or ctx.paragraphs[para][1] > ctx.toks[b - 1].end + 1
                or para + 1 >= len(ctx.paragraphs)
                or any(c.sent == si for c in self.claims)
            ):
                continue
            lows = set(ctx.lows[a:b])
            cls = "commissive" if lows & threat else "speech" if lows & other else None
            if cls is None:
                continue
            last = para
            while last + 1 < len(ctx.paragraphs) and last - para < 25:
                ps, pe = ctx.paragraphs[last + 1]
                if pe - ps > 600:
                    break
                last += 1
            if last == para:
                continue
            s, e = self._trim(ctx.paragraphs[para + 1][0], ctx.paragraphs[last][1])
            if any(c.content[0] < e and s < c.content[1] for c in self.claims):
                continue
            ta, tb = ctx.tok_index(s), ctx.tok_index(e)
            counts: dict[str, int] = {}
            for m in ctx.mentions_in(ta, tb):
                if m.type != "GPE" and m.end - m.start > 1:
                    counts[m.canon] = counts.get(m.canon, 0) + (2 if m.type == "ORG" else 1)
            counts = {k: v for k, v in counts.items() if v >= 2}
            colon = ctx.toks[b - 1]
            claim = Claim((s, e), "direct", (colon.start, colon.end), cls, None, si, "message", 0.5)
            # the group named by the introducing sentence ("the Islamic State posted new
            # threats:") is the source; else the speaker is the group the block names
            # most often, and its mention is the source only where the message signs
            # itself (a line of the block that is just the name): a mention inside a
            # sentence of the message ("Stop torturing Islamic State prisoners") is not
            # who speaks, as written (source null, speaker kept)
            intro = self._message_author(a, b - 1)
            src: tuple[int, int] | None = None
            if intro is not None:
                src, claim.speaker = (intro.start, intro.end), intro.canon
            elif counts:
                claim.speaker = max(counts, key=lambda k: (counts[k], -len(k)))
                own = [m for m in ctx.mentions_in(ta, tb) if m.canon == claim.speaker]
                sig = [m for m in own if self._signature(m)]
                src = (sig[-1].start, sig[-1].end) if sig else None
                claim.extra["keep_speaker"] = True
            if claim.speaker:
                claim.speaker_type = "ORG"
            if src is not None:
                claim.source, claim.source_toks = self._chars(*src), src
                claim.extra["keep_speaker"] = True
            self._add(claim)

    def _signature(self, m: Mention, extra: int = 2) -> bool:
        """Whether a mention stands as a signature: its paragraph holds the mention and
        at most ``extra`` other word tokens ("— Islamic State", "Signed: the Northern
        Front")."""
        ctx = self.ctx
        ps, pe = ctx.paragraphs[ctx.sent_para[ctx.sent_of_tok(m.start)]]
        a, b = ctx.tok_index(ps), ctx.tok_index(pe)
        dets = self.dets
        others = [
            i
            for i in range(a, b)
            if not (m.start <= i < m.end) and ctx.toks[i].alpha and ctx.lows[i] not in dets
        ]
        return len(others) <= extra

    def _message_author(self, a: int, b: int) -> Mention | None:
        """The organisation or group that an introducing sentence (tokens [a, b)) names
        as the author of a message: not a state, not after a preposition that makes it
        the target ("threats to NATO", "a message against the Taliban")."""
        ctx = self.ctx
        victim = self.lex.words("victim_preps") | {"to", "toward", "towards", "at", "about"}
        for m in ctx.mentions_in(a, b):
            if m.type != "ORG":
                continue
            k = m.start - 1
            while k >= a and ctx.lows[k] in self.dets:
                k -= 1
            if k >= a and ctx.lows[k] in victim:
                continue
            return m
        return None

    # -- inverted order: "QUOTE," X said / CLAUSE, said X -------------------------------------
    def _inverted(self, si: int, c0: int, c1: int, cls: str, cue: tuple[int, int]) -> bool:
        ctx = self.ctx
        a, b = ctx.sent_tok[si]
        lows = ctx.lows
        end_i = b
        while end_i > c1 and (ctx.toks[end_i - 1].text in SENT_END):
            end_i -= 1
        # Pattern B: boundary CUE SOURCE (end | , | adverbials): '"...," said Peskov.'
        if (
            cls in ("speech", "question", "belief")
            and c0 > a
            and (ctx.toks[c0 - 1].text in BOUNDARY or ctx.toks[c0 - 1].text in CLOSERS)
            # '"...," X, a spokesman, told reporters': after "told" comes the hearer, never
            # an inverted source
            and lows[c0] not in self.hearer_first
        ):
            s_end = self._np_forward(c1, end_i, 6)
            src_ok = (
                s_end > c1
                # not "..., said on Thursday", not "..., adding of X", not "..., told her
                # supporters": a preposition, a participle cue of the clause before, an
                # object pronoun are no inverted source
                and lows[c1] not in self.intransitive
                and not (self.part_suffix and lows[c0].endswith(self.part_suffix))
                and any(
                    (ctx.toks[x].cap and ctx.toks[x].alpha)
                    or (lows[x] in self.pronouns and lows[x] not in ("her", "him"))
                    or lows[x] in self.roles
                    or lows[x] in self.generic  # "..., said several analysts."
                    for x in range(c1, s_end)
                )
                and not any(lows[x] in ("of",) and x == s_end - 1 for x in range(c1, s_end))
            )
            if src_ok:
                rest = [x for x in range(s_end, end_i) if ctx.toks[x].text != ","]
                split = (
                    s_end < end_i
                    and ctx.toks[s_end].text == ","
                    and (ctx.tok_quote[min(s_end + 1, b - 1)] >= 0)
                )
                appositive = (
                    s_end < end_i
                    and ctx.toks[s_end].text == ","
                    and s_end + 1 < end_i
                    and (
                        lows[s_end + 1] in self.dets
                        or lows[s_end + 1] in self.roles
                        or any(lows[x] in self.roles for x in rest)
                    )
                    and len(rest) <= 9
                    and not any(ctx.tok_quote[x] >= 0 for x in rest)
                )
                k = c0 - 2
                while k > a and ctx.toks[k].text == ",":
                    k -= 1
                # '“...,” said X, a spokesman for ...': a quote closing right before the cue
                dash_quote = (ctx.tok_quote[k] >= 0 and ctx.tok_quote[c0 - 1] >= 0) or (
                    ctx.toks[c0 - 1].text in DASHES and ctx.tok_quote[k] >= 0
                )
                if (
                    split
                    or appositive
                    or dash_quote
                    or (
                        len(rest) <= 4
                        and not any(ctx.tok_quote[x] >= 0 for x in rest)
                        and all(self._adverbial(x) for x in rest)
                    )
                ):
                    src_end = s_end
                    if appositive:  # "said the association's chair, Louise Gittins."
                        k2 = s_end + 1
                        while k2 < end_i and ctx.toks[k2].cap and ctx.toks[k2].alpha:
                            k2 += 1
                        if (
                            k2 == end_i
                            and k2 - s_end >= 3
                            and not any(
                                ctx.toks[x].cap for x in range(c1, s_end) if ctx.mention_at.get(x)
                            )
                        ):
                            src_end = end_i
                    if self._content_before(si, c0 - 1, cue, cls, (c1, src_end)):
                        self._split_second(si, s_end, cue, cls, (c1, src_end))
                        return True
        # Pattern A: boundary SOURCE CUE (end | , | adverbials)
        j = self._skip_aux_back(a, c0 - 1)
        if j >= a and ctx.toks[j].text == ",":
            return self._appositive_source(si, j, cue, cls)
        if j < a:
            return False
        head = self._np_back(a, j, max_len=6)
        if head is None or head <= a:
            return False
        bnd = head - 1
        if not (ctx.toks[bnd].text in BOUNDARY or ctx.toks[bnd].text in CLOSERS):
            return False
        after_quote = (
            ctx.toks[bnd].text in CLOSERS
            or (bnd > a and ctx.toks[bnd - 1].text in CLOSERS)
            or ctx.tok_quote[bnd] >= 0
        )
        rest_end = c1
        free = 1 if lows[c0] in self.object_cues else 0  # "told shareholders"
        while rest_end < end_i and ctx.toks[rest_end].text != "," and ctx.tok_quote[rest_end] < 0:
            if lows[rest_end] in self.comp or ctx.toks[rest_end].text == ":":
                return False
            if not self._adverbial(rest_end) and not after_quote:
                if free <= 0:
                    return False
                free -= 1
            rest_end += 1
        if rest_end - c1 > (40 if after_quote else 6):
            return False
        if rest_end < end_i and ctx.tok_quote[rest_end] >= 0:
            return False
        # parenthetical: "Britain, she said, was supplying the missiles"
        if rest_end < end_i and ctx.toks[rest_end].text == "," and ctx.tok_quote[bnd] < 0:
            lo = a
            n_before = sum(1 for x in range(lo, bnd) if ctx.toks[x].alpha)
            n_after = sum(1 for x in range(rest_end + 1, end_i) if ctx.toks[x].alpha)
            if n_after >= 3 and self._adjunct_before(a, bnd, rest_end + 1):
                # "After two quiet years, the board said, prices will rise", "Now, he
                # says, X": the segment before the source is an adjunct (of any length);
                # the reported clause follows the cue
                end = self._content_end(si, rest_end + 1)
                self._clause_claim(
                    si, rest_end + 1, end, cue, cls, (head, j + 1), "parenthetical", 0.75
                )
                return True
            if n_before < 4 and n_after >= 2 and ctx.toks[a].text not in QUOTE_CHARS:
                end = self._content_end(si, rest_end + 1)
                self._clause_claim(si, lo, end, cue, cls, (head, j + 1), "parenthetical", 0.75)
                return True
        if (
            rest_end < end_i
            and ctx.toks[rest_end].text == ","
            and ctx.tok_quote[bnd] < 0
            and self._quote_follows(rest_end)
            and self._adjunct_segment(a, bnd)
        ):
            # "On the subject of fees, Reed added, “...”": the adjunct before the source
            # is no content; the quote after the cue is
            self._split_second(si, rest_end, cue, cls, (head, j + 1))
            return True
        if self._content_before(si, bnd, cue, cls, (head, j + 1)):
            self._split_second(si, rest_end, cue, cls, (head, j + 1))
            return True
        return False

    def _noun_reading(self, si: int, c0: int, c1: int) -> bool:
        """The verbal cue [c0, c1) is read as a noun (then a nominal cue may still start
        there: "the claims that ..."): after an article ("the states that vote") or a
        possessor (:meth:`_noun_after_possessor`)."""
        a = self.ctx.sent_tok[si][0]
        if c0 <= a:
            return False
        prev = self.ctx.lows[c0 - 1]
        return prev in ("a", "an", "the", "other") or self._noun_after_possessor(c0, c1, prev)

    def _noun_after_possessor(self, c0: int, c1: int, prev: str) -> bool:
        """The verbal cue [c0, c1) is a noun or an adjective: a one-token cue after a
        possessive pronoun ("his appeal", "their pledged support"), after a name's "'s"
        ("Trump's tweet"; not "Trump's said", which is "has said") or, if a participle,
        after a number ("500 pledged delegates"); any cue but a gerund after a preposition
        ("in states that vote", "of pledged delegates"; not "by saying")."""
        ctx = self.ctx
        low = ctx.lows[c0]
        if prev in self.prepositions and not low.endswith("ing"):
            return True
        if c1 - c0 > 1:
            return False
        if prev in self.possessive_dets:
            return True
        p = ctx.toks[c0 - 1]
        if (
            p.text[-2:] in ("'s", "’s")
            and p.cap
            and p.low not in self.pronouns
            and not low.endswith(("ed", "ing"))
            and low not in self.irregular_past
        ):
            return True
        return low.endswith("ed") and p.text.isdigit()

    def _quote_follows(self, k: int) -> bool:
        """A quotation opens at token ``k`` or just after the commas and colons there."""
        ctx = self.ctx
        n = len(ctx.toks)
        while k < n and ctx.toks[k].text in (",", ":") and ctx.tok_quote[k] < 0:
            k += 1
        return (
            k < n
            and ctx.tok_quote[k] >= 0
            and ctx.quotes[ctx.tok_quote[k]].open == ctx.toks[k].start
        )

    def _adjunct_segment(self, a: int, bnd: int) -> bool:
        """The segment before the comma at ``bnd`` (from the sentence start or the last
        quote) is an adjunct: it opens with a preposition, a subordinator or a participle
        ("On the subject of fees", "Asked whether ...", "Holding open a book")."""
        ctx = self.ctx
        lo = a
        for x in range(bnd - 1, a - 1, -1):
            if ctx.tok_quote[x] >= 0 or ctx.toks[x].text in (";", ":"):
                lo = x + 1
                break
        while lo < bnd and not ctx.toks[lo].alpha:
            lo += 1
        if lo >= bnd:
            return False
        first = ctx.lows[lo]
        return (
            first in self.intransitive
            or first in self.subordinators
            or (
                first.endswith(("ing", "ed"))
                and lo + 1 < bnd
                # not "United Nations officials": a name of two words or more
                and (ctx.mention_at.get(lo) is None or ctx.mention_at[lo].end == lo + 1)
            )
        )

    def _appositive_source(self, si: int, j: int, cue: tuple[int, int], cls: str) -> bool:
        """'“...,” Tom Reed, the harbour master, told reporters.' / '“...,” the harbour
        master, Tom Reed, said.': a quote closes, then a source with an appositive between
        commas (the comma at ``j`` just before the cue), then the cue: the quote is the
        content, said by the source."""
        ctx = self.ctx
        a = ctx.sent_tok[si][0]
        p = j - 1
        while p > a and ctx.toks[p].text != "," and ctx.tok_quote[p] < 0 and j - p <= 10:
            p -= 1
        if p <= a or ctx.toks[p].text != "," or j - p < 2 or j - p > 10:
            return False
        if any(not (t.alpha or t.text in ("'s", "’s", ".", "-")) for t in ctx.toks[p + 1 : j]):
            return False
        head = self._np_back(a, p - 1, max_len=6)
        if head is None or head <= a:
            return False
        bnd = head - 1
        k = bnd
        while k > a and ctx.toks[k].text in (",", "—", "–") and ctx.tok_quote[k] < 0:
            k -= 1
        if ctx.tok_quote[k] < 0 or not ctx.quotes[ctx.tok_quote[k]].closed:
            return False
        return self._content_before(si, bnd, cue, cls, (head, j))

    def _adjunct_before(self, a: int, bnd: int, nxt: int) -> bool:
        """Whether the comma-delimited segment that ends at ``bnd`` (a parenthetical
        source's opening comma) opens with a subordinator, a preposition or a coordinator
        ("After two quiet years, | the board said, ..."; "..., but at that point, |
        analysts think, ..."), and the text after the cue at ``nxt`` is a clause (no
        quote, no participle)."""
        ctx = self.ctx
        lows = ctx.lows
        lo = a
        for x in range(bnd - 1, a - 1, -1):
            if ctx.toks[x].text == "," or ctx.tok_quote[x] >= 0:
                lo = x + 1
                break
        if lo >= bnd or any(ctx.tok_quote[x] >= 0 for x in range(lo, bnd)):
            return False
        if nxt >= len(ctx.toks) or ctx.tok_quote[nxt] >= 0 or not ctx.toks[nxt].alpha:
            return False
        if self.part_suffix and lows[nxt].endswith(self.part_suffix):
            return False
        first = lows[lo]
        return (
            first in self.intransitive
            or first in self.subordinators
            or first in ("but", "and", "so", "yet")
            # one or two sentence adverbs: "Now,", "Still,", "Ultimately,"
            or (
                bnd - lo <= 2
                and all(
                    lows[x] in self.sentence_adverbs
                    or (lows[x].endswith("ly") and len(lows[x]) > 4)
                    for x in range(lo, bnd)
                )
            )
        )

    def _adverbial(self, x: int) -> bool:
        """Tokens that may follow an inverted cue: "said on Monday", "told reporters"."""
        t = self.ctx.toks[x]
        return (
            not t.alpha
            or t.cap
            or t.low in self.that_skip
            or (t.low.endswith(self.adverb_suffix) and len(t.low) > 4)
            or t.text.isdigit()
        )

    def _content_before(
        self, si: int, bnd: int, cue: tuple[int, int], cls: str, src: tuple[int, int]
    ) -> bool:
        ctx = self.ctx
        a = ctx.sent_tok[si][0]
        # a quote ending right before the boundary (", —" may sit between)
        k = bnd
        while k >= a and ctx.toks[k].text in (",", "—", "–", "-") and ctx.tok_quote[k] < 0:
            k -= 1
        if k >= 0 and ctx.tok_quote[k] >= 0:
            qk = ctx.tok_quote[k]
            q = ctx.quotes[qk]
            if q.closed and q.outer_end <= ctx.toks[bnd].end + 1:
                self._direct(qk, cue, cls, src, si, "inverted")
                return True
        # indirect clause from the clause start to the boundary
        lo = a
        sent_start = ctx.toks[a].start
        for x in range(bnd - 1, a - 1, -1):
            if ctx.toks[x].text in (":", ";"):
                lo = x + 1
                break
            qk = ctx.tok_quote[x]
            # a quote that opened in this sentence is part of a mixed content ('X signals
            # "the beginning of the end" for the EU, said W'); one that opened before it
            # is not
            if qk >= 0 and (ctx.quotes[qk].open < sent_start or not ctx.quotes[qk].closed):
                lo = x + 1
                break
        n_words = sum(1 for x in range(lo, bnd) if ctx.toks[x].alpha)
        if n_words < 3:
            return False
        if self.ctx.at(self.lex.prep, lo):  # "According to X, ... , he said" is one claim
            return False
        self._clause_claim(si, lo, bnd, cue, cls, src, "inverted", 0.75)
        return True

    def _split_second(
        self, si: int, k: int, cue: tuple[int, int], cls: str, src: tuple[int, int]
    ) -> None:
        """'"A," he said, "B."': the quote after the cue belongs to the same speaker."""
        ctx = self.ctx
        b = ctx.sent_tok[si][1]
        n = len(ctx.toks)
        while k < n and ctx.toks[k].text in (",", ":", "—", "–") and ctx.tok_quote[k] < 0:
            k += 1
        if k < n and (k < b or k == b) and ctx.tok_quote[k] >= 0:
            qk = ctx.tok_quote[k]
            if ctx.quotes[qk].open == ctx.toks[k].start and qk not in self.used_quotes:
                self._direct(qk, cue, cls, src, si, "split")

    # -- according to X ------------------------------------------------------------------------
    def _prep_cue(self, si: int, c0: int, c1: int) -> None:
        ctx = self.ctx
        a, b = ctx.sent_tok[si]
        cue = self._chars(c0, c1)
        s_end = c1
        while (
            s_end < b
            and (
                ctx.toks[s_end].text not in (",", ".", ";", ":")
                # "according to Mr. Lund": an abbreviation's or an initial's full stop
                or (
                    ctx.toks[s_end].text == "."
                    and s_end > c1
                    and (
                        ctx.lows[s_end - 1] in self.abbrev
                        or (len(ctx.lows[s_end - 1]) == 1 and ctx.toks[s_end - 1].cap)
                    )
                    and s_end + 1 < b
                )
            )
            and ctx.tok_quote[s_end] < 0
        ):
            s_end += 1
            if s_end - c1 > 20:  # "early results of the survey carried out by X for Y"
                return
        if s_end == c1:
            # "по его словам", "segundo ele": the source is the pronoun inside the cue
            pron = [x for x in range(c0, c1) if ctx.lows[x] in self.possessive_pronouns]
            if not pron or c1 >= b or ctx.toks[c1].text != ",":
                return
            end = self._content_end(si, c1 + 1)
            self._clause_claim(si, c1 + 1, end, cue, "prep", (pron[0], pron[0] + 1), "prep", 0.8)
            return
        # "According to the spokeswoman, Ewa Lis, ...": the name belongs to the source
        if s_end < b and ctx.toks[s_end].text == ",":
            k = s_end + 1
            while k < b and ctx.toks[k].cap and ctx.toks[k].alpha and k - s_end <= 4:
                k += 1
            if (
                k > s_end + 1
                and k < b
                and ctx.toks[k].text == ","
                and ctx.mentions_in(s_end + 1, k)
            ):
                s_end = k
        # "According to Dr. Lena Ortiz, the head of the survey team, ...": an appositive
        # with a role noun after a person's name belongs to the source
        if (
            s_end + 1 < b
            and ctx.toks[s_end].text == ","
            and (ctx.lows[s_end + 1] in self.dets or ctx.lows[s_end + 1] in self.roles)
            and any(m.type == "PER" for m in ctx.mentions_in(c1, s_end))
        ):
            k = s_end + 1
            while k < b and ctx.toks[k].text not in (",", ".", ";", ":") and k - s_end <= 10:
                k += 1
            if (
                k < b
                and ctx.toks[k].text == ","
                and ctx.tok_quote[k] < 0
                and any(ctx.lows[x] in self.roles for x in range(s_end + 1, k))
            ):
                s_end = k
        src = (c1, s_end)
        if ctx.lows[c0] == "in" and s_end - 1 > c1 and ctx.lows[s_end - 1] in self.in_sources:
            if ctx.lows[s_end - 1] == "view":
                src = (c1, s_end - 1)  # "in Professor Lund's view": Lund speaks
        after = s_end + 1 if s_end < b and ctx.toks[s_end].text in (",", ":") else s_end
        words_after = sum(1 for x in range(after, b) if ctx.toks[x].alpha)
        # "X is too slow, according to Y, because ...": what follows the source is the
        # rest of the author's sentence; the reported clause is the one before the cue
        tail_clause = (
            c0 > a
            and ctx.toks[c0 - 1].text == ","
            and after < b
            and (ctx.lows[after] in self.subordinators or ctx.lows[after] in ("and", "but", "so"))
            and sum(1 for x in range(a, c0) if ctx.toks[x].alpha) >= 3
        )
        if (
            words_after >= 2
            and not tail_clause
            and (
                c0 == a or ctx.toks[c0 - 1].text in (",", ":", "—") or ctx.lows[c0 - 1] in self.comp
            )
        ):
            end = self._content_end(si, after)
            self._clause_claim(si, after, end, cue, "prep", src, "prep", 0.85)
            return
        # "X leads by nine points in the latest survey.": a source "in ..." that ends the
        # sentence follows its clause without a comma
        final_in = ctx.lows[c0] == "in" and c1 == c0 + 1 and s_end >= b - 1
        if c0 > a and (ctx.toks[c0 - 1].text == "," or final_in):
            lo = a
            last = c0 - 1 if ctx.toks[c0 - 1].text == "," else c0
            for x in range(last - 1, a - 1, -1):
                if ctx.toks[x].text in (":", ";") or ctx.lows[x] in self.comp:
                    lo = x + 1
                    break
            self._clause_claim(si, lo, last, cue, "prep", src, "prep", 0.8)

    # -- nominal cues ----------------------------------------------------------------------------
    def _nominal_cue(self, si: int, c0: int, c1: int) -> None:
        ctx = self.ctx
        a, b = ctx.sent_tok[si]
        lows = ctx.lows
        k = c1
        src: tuple[int, int] | None = None
        if k < b and lows[k] == "by":
            e = self._np_forward(k + 1, b, 6)
            if e > k + 1:
                src = (k + 1, e)
                k = e
        if k >= b or lows[k] not in self.comp:
            return
        if src is None and c0 > a:
            p = c0 - 1
            tp = ctx.toks[p]
            if (tp.text != tp.low and tp.text.lower().endswith(("'s", "’s"))) or tp.text.endswith(
                "'"
            ):
                head = self._np_back(a, p, 4)
                if head is not None:
                    src = (head, p + 1)
            elif ctx.toks[p].low in ("his", "her", "their"):
                src = (p, p + 1)
        end = self._content_end(si, k + 1, stop_at_comma=True)
        self._clause_claim(
            si, k + 1, end, self._chars(c0, c1), "nominal", src, "nominal", 0.7 if src else 0.5
        )

    # -- headlines: "Medvedev: ..." --------------------------------------------------------------
    def _headlines(self) -> None:
        ctx = self.ctx
        text = ctx.text
        max_tok = int(self.lex.raw.get("headline_max_tokens", 5))
        for pi, (ps, pe) in enumerate(ctx.paragraphs):
            if pi > 0 and pe - ps > 220:
                continue
            colon = text.find(":", ps, min(pe, ps + 60))
            if colon < 0 or colon + 2 >= pe or not text[colon + 1].isspace():
                continue
            a = ctx.tok_index(ps)
            c = ctx.tok_index(colon)
            if c - a < 1 or c - a > max_tok or ctx.tok_quote[a] >= 0:
                continue
            if not ctx.toks[a].cap:
                continue
            ments = ctx.mentions_in(a, c)
            if not any(m.type in ("PER", "ORG", "GPE") for m in ments):
                continue
            if any(not ctx.toks[x].alpha and ctx.toks[x].text not in "-.'’" for x in range(a, c)):
                continue
            s, e = self._trim(colon + 1, pe)
            si = ctx.sent_of_tok(c)
            k = ctx.qindex.at(s)
            cue = (colon, colon + 1)
            if k >= 0 and ctx.quotes[k].open == s and ctx.quotes[k].outer_end >= e - 1:
                self._direct(k, cue, "speech", (a, c), si, "headline", 0.8)
                continue
            self._add(
                Claim(
                    (s, e),
                    "indirect",
                    cue,
                    "speech",
                    self._chars(a, c),
                    si,
                    "headline",
                    0.7,
                    (a, c),
                )
            )

    # -- quotes with no cue ----------------------------------------------------------------------
    def _orphan_quotes(self) -> None:
        """A sentence-initial quote with no cue continues the previous speaker's words."""
        ctx = self.ctx
        if not self.claims:
            return
        by_pos = sorted(self.claims, key=lambda c: c.content[0])
        for k, q in enumerate(ctx.quotes):
            if k in self.used_quotes or any(
                c.content[0] <= q.start < c.content[1] for c in self.claims
            ):
                continue
            n_words = len(ctx.text[q.start : q.end].split())
            if n_words < 4:
                continue  # scare quotes and names
            ti = ctx.tok_index(q.open)
            si = ctx.sent_of_tok(ti)
            if ctx.sent_tok[si][0] != ti:
                continue
            prev = [c for c in by_pos if c.content[1] <= q.open and c.source is not None]
            if not prev:
                continue
            last = prev[-1]
            if ctx.sent_para[si] - ctx.sent_para[last.sent] > 1 or si - last.sent > 4:
                continue
            s, e = self._quote_content(k)
            self._add(
                Claim(
                    (s, e),
                    "direct",
                    last.cue,
                    last.cue_class,
                    last.source,
                    si,
                    "continuation",
                    0.6,
                    last.source_toks,
                )
            )

    def _dedupe(self) -> list[Claim]:
        out: list[Claim] = []
        seen: set[tuple[int, int]] = set()
        for c in self.claims:
            if c.content in seen:
                continue
            seen.add(c.content)
            out.append(c)
        return out
