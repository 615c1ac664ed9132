"""Boundary splitting of overlapping spans into well-formed nested marks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from narrascope.report.highlight import Mark, Token, nest_tokens


def _mark(start: int, end: int, layer: str = "tech", rank: int = 0) -> Mark:
    return Mark(start, end, layer, f"a{start}-{end}-{layer}", "t", rank, "", layer)


def _check(text: str, marks: list[Mark], tokens: list[Token]) -> None:
    """Tokens rebuild the text, nest properly and cover each mark's characters exactly."""
    stack: list[Mark] = []
    covered: dict[int, set[int]] = {}
    firsts: dict[int, int] = {}
    pos = 0
    for t in tokens:
        if t.kind == "open":
            assert t.mark is not None
            stack.append(t.mark)
            if t.first:
                firsts[id(t.mark)] = firsts.get(id(t.mark), 0) + 1
        elif t.kind == "close":
            assert stack and stack[-1] is t.mark, "close does not match the innermost open"
            stack.pop()
        else:
            assert t.text
            for i in range(pos, pos + len(t.text)):
                covered[i] = {id(m) for m in stack}
            pos += len(t.text)
    assert not stack
    assert "".join(t.text for t in tokens if t.kind == "text") == text
    valid = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    for i in range(len(text)):
        expect = {id(m) for m in valid if m.start <= i < m.end}
        assert covered.get(i, set()) == expect, f"character {i}"
    assert all(firsts.get(id(m)) == 1 for m in valid), "each mark has one first piece"


def test_crossing_spans_are_split_and_reopened() -> None:
    text = "aaaa bbbb cccc"
    a, b = _mark(0, 9, "tech"), _mark(5, 14, "claim", 1)
    tokens = nest_tokens(text, [a, b])
    _check(text, [a, b], tokens)
    kinds = [(t.kind, t.mark.layer if t.mark else t.text, t.first) for t in tokens]
    assert kinds == [
        ("open", "tech", True),
        ("text", "aaaa ", True),
        ("open", "claim", True),
        ("text", "bbbb", True),
        ("close", "claim", True),
        ("close", "tech", True),
        ("open", "claim", False),  # continuation piece of the crossing claim
        ("text", " cccc", True),
        ("close", "claim", True),
    ]


def test_nested_spans_stay_nested_and_ties_follow_rank() -> None:
    text = "The Kyiv regime said"
    outer, inner = _mark(0, 15, "claim", 2), _mark(4, 8, "ent-ant", 5)
    same_a, same_b = _mark(0, 15, "tech", 1), _mark(16, 20, "cue", 4)
    tokens = nest_tokens(text, [inner, outer, same_b, same_a])
    _check(text, [inner, outer, same_a, same_b], tokens)
    opens = [t.mark.layer for t in tokens if t.kind == "open" and t.mark]
    assert opens == ["tech", "claim", "ent-ant", "cue"]  # no piece was split
    assert sum(1 for t in tokens if t.kind == "open" and not t.first) == 0


def test_invalid_marks_are_ignored() -> None:
    text = "short"
    tokens = nest_tokens(text, [_mark(3, 3), _mark(4, 99), _mark(-1, 2), _mark(1, 2)])
    assert [t.kind for t in tokens] == ["text", "open", "text", "close", "text"]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab \n", min_size=0, max_size=30),
    st.lists(st.tuples(st.integers(0, 32), st.integers(0, 32), st.integers(0, 5)), max_size=8),
)
def test_any_marks_give_well_formed_tokens(text: str, raw: list[tuple[int, int, int]]) -> None:
    marks = [_mark(s, e, f"l{r}", r) for s, e, r in raw]
    _check(text, marks, nest_tokens(text, marks))
