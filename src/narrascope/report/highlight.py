"""Overlapping spans as well-formed nested ``<mark>`` elements (boundary splitting).

Annotations from different layers overlap freely: an entity mention inside a claim
content inside a technique span, or a technique that starts in one claim and ends in the
next. HTML needs a tree, so :func:`nest_tokens` walks the boundaries in order and keeps a
stack of open marks. A span that ends while marks opened after it are still open closes
them, closes itself and reopens them as continuation pieces: the text is split only at
crossing boundaries, everything else nests. Each piece is one ``<mark>`` of one layer.

The result is a flat token list (``text`` / ``open`` / ``close``); :func:`tokens_html`
writes it as escaped HTML (one ``<mark>`` per piece: class ``l-<layer>``, the anchor id on
the first piece and ``data-part`` on continuations, the hover text in ``title``). That
one element is built here rather than in a template because a 5,000-document report
holds hundreds of thousands of them; every value goes through ``markupsafe.escape``.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass
class Mark:
    """One highlight: a span of one layer, with what the template needs to draw it."""

    start: int
    end: int
    layer: str  # css class key, e.g. "tech", "ent-ant", "claim", "src", "cue", "ev"
    anchor: str  # element id of the first piece
    title: str  # hover text: what it is and its score
    rank: int = 0  # layer order: lower ranks nest outside higher ranks on ties
    label: str = ""  # short label (technique name, role) for data attributes
    group: str = ""  # the toggle this mark belongs to ("ent" for every entity role)


@dataclass
class Token:
    kind: str  # "text" | "open" | "close"
    text: str = ""
    mark: Mark | None = None
    first: bool = True  # for "open": the first piece of the mark (carries the id)


def nest_tokens(text: str, marks: list[Mark]) -> list[Token]:
    """Split ``text`` at mark boundaries into a well-formed open/text/close token stream.

    Marks must satisfy ``0 <= start < end <= len(text)`` (others are ignored). Longer
    marks open first (outside); on equal extents the lower ``rank`` is outside.
    """
    valid = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    order = sorted(valid, key=lambda m: (m.start, -m.end, m.rank))
    starts: dict[int, list[Mark]] = {}
    ends: dict[int, list[Mark]] = {}
    for m in order:
        starts.setdefault(m.start, []).append(m)
        ends.setdefault(m.end, []).append(m)
    points = sorted({0, len(text), *starts, *ends})
    tokens: list[Token] = []
    stack: list[Mark] = []
    started: set[int] = set()
    for i, pos in enumerate(points):
        closing = ends.get(pos)
        if closing:
            closing_ids = {id(m) for m in closing}
            # pop until every closing mark is off the stack, remembering the survivors
            reopen: list[Mark] = []
            while any(id(m) in closing_ids for m in stack):
                top = stack.pop()
                tokens.append(Token("close", mark=top))
                if id(top) not in closing_ids:
                    reopen.append(top)
            for m in reversed(reopen):
                stack.append(m)
                tokens.append(Token("open", mark=m, first=False))
        for m in starts.get(pos, ()):
            stack.append(m)
            tokens.append(Token("open", mark=m, first=id(m) not in started))
            started.add(id(m))
        if i + 1 < len(points):
            chunk = text[pos : points[i + 1]]
            if chunk:
                tokens.append(Token("text", text=chunk))
    while stack:  # only reached when marks end past the text (filtered above)
        tokens.append(Token("close", mark=stack.pop()))
    return tokens


def tokens_html(tokens: list[Token]) -> Markup:
    """The token stream as HTML: text escaped, marks as ``<mark>`` elements."""
    out: list[str] = []
    opened: dict[int, tuple[str, str]] = {}  # id(mark) -> (first open tag, continuation tag)
    for t in tokens:
        if t.kind == "text":
            out.append(escape(t.text))
        elif t.kind == "open" and t.mark is not None:
            tags = opened.get(id(t.mark))
            if tags is None:
                m = t.mark
                attrs = f'class="l-{escape(m.layer)}" title="{escape(m.title)}"'
                tags = (
                    f'<mark id="{escape(m.anchor)}" {attrs}>',
                    f'<mark data-part="{escape(m.anchor)}" {attrs}>',
                )
                opened[id(t.mark)] = tags
            out.append(tags[0] if t.first else tags[1])
        else:
            out.append("</mark>")
    return Markup("".join(out))
