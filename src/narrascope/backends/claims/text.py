"""Tokens with offsets and quotation spans, the raw material of the claims stage."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .lexicon import norm_token

# abbreviations like U.S. / U.K. first, then words (with inner hyphens/apostrophes),
# then any other single non-space character.
TOKEN_RE = re.compile(r"(?:[A-ZА-Я]\.){2,}|\w+(?:[-'’]\w+)*|[^\w\s]")

OPENERS = '“«„"‹'
CLOSERS = '”»"›“'
QUOTE_CHARS = frozenset('“”«»„"‹›')


# two apostrophes as a double quotation mark (''like this'', a newspaper convention)
_TWO_APOSTROPHES = re.compile(r"(?<!')''(?!')")


def normalize_quotes(text: str) -> str:
    """``text`` with each pair of apostrophes used as a quotation mark replaced by a
    curly mark and a space, offsets unchanged: an opening pair (after a space, a
    bracket or a dash, or at the start) becomes " “", a closing pair "” ". The stage
    reads this text; spans are still cut from the document's own text."""
    if "''" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        i = m.start()
        prev = text[i - 1] if i > 0 else " "
        return " “" if prev.isspace() or prev in "([—–-/" else "” "

    return _TWO_APOSTROPHES.sub(repl, text)


@dataclass(slots=True)
class Tok:
    text: str
    start: int
    end: int
    low: str
    cap: bool
    alpha: bool


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Tok]:
    end = len(text) if end is None else end
    return [
        Tok(t, m.start(), m.end(), norm_token(t), t[0].isupper(), t[0].isalnum())
        for m in TOKEN_RE.finditer(text, start, end)
        for t in (m.group(),)
    ]


@dataclass(slots=True)
class Quote:
    """A top-level quotation: marks at ``open`` and ``close`` (``close`` is None when the
    quote runs to the end of its paragraph). ``start``/``end`` bound the content."""

    open: int
    close: int | None
    start: int
    end: int
    para: int

    @property
    def closed(self) -> bool:
        return self.close is not None

    @property
    def outer_end(self) -> int:
        return self.close + 1 if self.close is not None else self.end


def find_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[Quote]:
    """Top-level quotations in each paragraph, with lenient pairing of marks.

    ``„`` is closed by ``“`` (Bulgarian, Russian inner quotes); ``«`` by ``»`` or ``”``;
    straight double quotes toggle. Apostrophes are never treated as quotes. A quote still
    open at the end of its paragraph runs to the paragraph end.
    """
    out: list[Quote] = []
    for pi, (ps, pe) in enumerate(paragraphs):
        stack: list[tuple[str, int]] = []
        for i in range(ps, pe):
            ch = text[i]
            if ch not in QUOTE_CHARS:
                continue
            prev = text[i - 1] if i > ps else " "
            nxt = text[i + 1] if i + 1 < pe else " "
            if ch == '"':
                if stack and stack[-1][0] == '"':
                    action = "close"
                elif prev.isspace() or prev in "([—–-:/" or not stack:
                    action = "open"
                else:
                    action = "close"
            elif ch == "“":
                if stack and (stack[-1][0] == "„" or (not prev.isspace() and not nxt.isalnum())):
                    action = "close"
                else:
                    action = "open"
            elif ch in "«„‹":
                action = "open"
            else:  # ” » ›
                action = "close"
            if action == "open":
                stack.append((ch, i))
            elif stack:
                _, pos = stack.pop()
                if not stack:
                    out.append(Quote(pos, i, pos + 1, i, pi))
        if stack:
            pos = stack[0][1]
            end = pe
            while end > pos + 1 and text[end - 1].isspace():
                end -= 1
            if end > pos + 1:
                out.append(Quote(pos, None, pos + 1, end, pi))
    out.sort(key=lambda q: q.open)
    return out


class QuoteIndex:
    """Which top-level quote (if any) covers a character offset."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = quotes
        self._starts = [q.open for q in quotes]

    def at(self, offset: int) -> int:
        """Index of the quote whose marks enclose ``offset`` (marks included), or -1."""
        k = bisect.bisect_right(self._starts, offset) - 1
        if k >= 0 and offset < self.quotes[k].outer_end:
            return k
        return -1

    def starting_at(self, offset: int, slack: int = 2) -> int:
        for k in range(bisect.bisect_left(self._starts, offset), len(self.quotes)):
            if self._starts[k] - offset <= slack:
                return k
            break
        return -1
