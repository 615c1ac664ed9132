"""Write the hand-made report fixture: documents.jsonl, errors.jsonl, run.json.

The texts are invented for narrascope's tests (no corpus or seed text). Offsets are
computed from the texts with ``doc.span``/``doc.ref`` and checked with
``doc.validate()``, so the fixture cannot drift from the output contract (schema 1.0).

    PYTHONPATH=src python tests/data/report/make_fixture.py   # rewrites the files here
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from narrascope.document import SCHEMA_VERSION, Document

HERE = Path(__file__).resolve().parent
INJECTION = "<script>window.__pwned=1</script>"
INJECTION_DOM = '<script>document.body.dataset.pwned="script"</script>'
INJECTION_IMG = "<img src=x onerror=\"document.body.dataset.pwned='img'\">"


def at(doc: Document, quote: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the ``nth`` occurrence of ``quote`` in the text (fails loudly if absent)."""
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(quote, start + 1)
    return start, start + len(quote)


def ref(doc: Document, quote: str, nth: int = 0) -> dict[str, Any]:
    return doc.ref(*at(doc, quote, nth))


def segment(doc: Document) -> None:
    """Paragraphs (non-blank lines) and naive sentences, as the segment stage would."""
    pos = 0
    for line in doc.text.split("\n"):
        if line.strip():
            doc.add("paragraphs", doc.span(pos, pos + len(line)))
            start = pos
            for i, ch in enumerate(line):
                if ch in ".!?" and (i + 1 == len(line) or line[i + 1] == " "):
                    s, e = doc.char_span(start, pos + i + 1)
                    if e > s:
                        doc.add("sentences", doc.span(s, e))
                    start = pos + i + 1
            s, e = doc.char_span(start, pos + len(line))
            if e > s:
                doc.add("sentences", doc.span(s, e))
        pos += len(line) + 1


def entity(
    doc: Document,
    eid: str,
    name: str,
    etype: str,
    quotes: list[tuple[str, int]],
    role: str | None,
    score: float,
    fine: list[tuple[str, float]],
    evidence: list[str],
) -> None:
    group = doc.spans.setdefault("entities", [])
    mentions = []
    for quote, nth in quotes:
        mentions.append(len(group))
        doc.add(
            "entities",
            doc.span(
                *at(doc, quote, nth),
                etype,
                score=0.9,
                backend="entities.rules.v1",
                attrs={
                    "entity": eid,
                    "main_role": role,
                    "fine_roles": [f for f, _ in fine],
                    "role_score": score if role else None,
                },
            ),
        )
    doc.data.setdefault("entities", []).append(
        {
            "id": eid,
            "name": name,
            "type": etype,
            "mentions": mentions,
            "main_role": role,
            "main_role_score": score,
            "fine_roles": [{"label": f, "score": s} for f, s in fine],
            "evidence": [ref(doc, q) for q in evidence],
        }
    )


def claim(
    doc: Document,
    content: str,
    *,
    kind: str,
    score: float,
    source: str | None,
    speaker: str | None,
    cue: str,
    evidence: str,
    accusation: dict[str, Any] | None = None,
) -> None:
    doc.add(
        "claims",
        doc.span(
            *at(doc, content),
            kind,
            score=score,
            backend="claims.rules.v1",
            attrs={
                "source": ref(doc, source) if source else None,
                "speaker": speaker,
                "cue": ref(doc, cue),
                "accusation": accusation,
                "evidence": evidence,
            },
        ),
    )


def technique(doc: Document, quote: str, label: str, category: str, score: float) -> None:
    doc.add(
        "techniques",
        doc.span(
            *at(doc, quote),
            label,
            score=score,
            backend="techniques.linear.v1",
            attrs={"category": category},
        ),
    )
    paras = doc.spans["paragraphs"]
    labels = doc.cats.setdefault(
        "techniques",
        {
            "paragraphs": [[] for _ in paras],
            "supported_language": True,
            "backend": "techniques.linear.v1",
            "model_version": "0.1.0",
        },
    )["paragraphs"]
    start = at(doc, quote)[0]
    for i, p in enumerate(paras):
        if p.start <= start < p.end and label not in labels[i]:
            labels[i].append(label)


def narratives(
    doc: Document,
    domain: str | None,
    items: list[tuple[str, float, list[str]]],
    subs: list[tuple[str, float, list[str]]],
) -> None:
    doc.cats["narratives"] = {
        "domain": domain,
        "supported_language": True,
        "narratives": [
            {"label": label, "score": s, "evidence": [ref(doc, q) for q in ev]}
            for label, s, ev in items
        ],
        "subnarratives": [
            {
                "label": label,
                "parent": label.rsplit(": ", 1)[0],
                "score": s,
                "evidence": [ref(doc, q) for q in ev],
            }
            for label, s, ev in subs
        ],
        "backend": "narratives.linear.v1",
        "model_version": "0.1.0",
    }


def explanation(doc: Document, narrative: str, sub: str | None, sentences: list[str]) -> None:
    refs = [ref(doc, q) for q in sentences]
    doc.data["explanation"] = {
        "narrative": narrative,
        "subnarrative": sub,
        "sentences": refs,
        "words": sum(len(r["text"].split()) for r in refs),
        "backend": "explain.extractive.v1",
    }


# -- the documents -------------------------------------------------------------------------
BRIDGE = "\n".join(
    [
        "Kremlin blames Kyiv for Zarechny bridge blast",
        "",
        (
            "Russian officials on Tuesday blamed Ukraine for the explosion that damaged "
            "the Zarechny rail bridge overnight."
        ),
        (
            '"The Kyiv regime and its Western handlers planned this act of terror," said '
            "Kremlin spokesman Anton Belov, who offered no evidence for the claim."
        ),
        (
            "Ukraine's defence minister Olena Marchuk rejected the accusation and said "
            'the blast was "a staged provocation to justify new strikes on our cities".'
        ),
        (
            "Local residents said that the bridge had been closed for repairs since "
            "August. Investigators from the regional prosecutor's office have not yet "
            "published their findings."
        ),
        ('Belov added that Washington "bears full responsibility for every bomb that falls".'),
    ]
)

FLOODS = "\n".join(
    [
        "Northfield study links record floods to warming seas",
        "",
        (
            "A study by the Northfield Climate Institute found that warmer sea surface "
            "temperatures made last spring's floods in the Varna valley three times more "
            "likely."
        ),
        (
            '"Our models and the river gauge records point in the same direction," said '
            "lead author Dr Mira Castell, citing thirty years of measurements."
        ),
        (
            'Senator Ray Holloway called the report "alarmist nonsense paid for by green '
            'lobbyists" and said the institute was hiding its funding.'
        ),
        (
            "The institute publishes its funding sources every year, and its latest "
            "annual report lists public research grants only."
        ),
        (
            "Farmers in the valley told reporters that insurance premiums have doubled "
            "since the floods."
        ),
    ]
)

FORUM = "\n".join(
    [
        f"Forum post pasted with markup: {INJECTION}",
        "",
        (
            f"A reader sent us this comment, markup and all: {INJECTION} and later "
            f"{INJECTION_DOM} then {INJECTION_IMG} before signing off."
        ),
        (
            'The comment claims the "secret grain cartel" controls the harbour, which '
            "port authorities called baseless."
        ),
        "Harbour officials said exports rose by four percent in the last quarter.",
    ]
)

DEPORTED = "\n".join(
    [
        "Kyiv says 400 children returned from occupied areas",
        "",
        (
            "Ukraine's ombudsman Petro Danylenko said on Friday that 400 children taken "
            "from occupied districts had been brought home, citing lists verified by the "
            "Red Cross."
        ),
        (
            'Danylenko accused Moscow of "the systematic deportation of Ukrainian '
            'children", pointing to transfer orders published by occupation authorities.'
        ),
        "Russian officials say the children were evacuated for their own safety.",
    ]
)

PLAIN = "\n".join(
    [
        "Погода: в столице ожидается снег",
        "",
        ("Синоптики прогнозируют снег и гололедицу в выходные. Водителей просят быть осторожнее."),
    ]
)


def build_documents() -> list[Document]:
    docs = []

    d = Document(
        id="en-bridge-blast",
        text=BRIDGE,
        title="Kremlin blames Kyiv for Zarechny bridge blast",
        source="inputs/wires/en-bridge-blast.txt",
        url="https://www.example-wire.test/world/zarechny-bridge",
        published="2026-10-04",
        language="en",
        language_score=0.98,
        meta={"format": "txt", "site": "Example Wire"},
    )
    segment(d)
    entity(
        d,
        "E1",
        "Ukraine",
        "GPE",
        [("Ukraine", 0), ("Kyiv", 0), ("Kyiv", 1)],
        "Antagonist",
        0.83,
        [("Saboteur", 0.61), ("Terrorist", 0.44)],
        [
            '"The Kyiv regime and its Western handlers planned this act of terror," said Kremlin '
            "spokesman Anton Belov, who offered no evidence for the claim."
        ],
    )
    entity(d, "E2", "Anton Belov", "PER", [("Anton Belov", 0), ("Belov", 1)], None, 0.0, [], [])
    entity(
        d,
        "E3",
        "Olena Marchuk",
        "PER",
        [("Olena Marchuk", 0)],
        "Protagonist",
        0.57,
        [("Guardian", 0.52)],
        [],
    )
    entity(
        d,
        "E4",
        "United States",
        "GPE",
        [("Washington", 0)],
        "Antagonist",
        0.71,
        [("Instigator", 0.66)],
        [],
    )
    claim(
        d,
        "The Kyiv regime and its Western handlers planned this act of terror",
        kind="direct",
        score=0.94,
        source="Kremlin spokesman Anton Belov",
        speaker="Anton Belov",
        cue="said",
        evidence="claimed_without_evidence",
        accusation={
            "accuser": "Anton Belov",
            "accused": ["Ukraine", "the West"],
            "about": "planned the bridge blast",
        },
    )
    claim(
        d,
        'the blast was "a staged provocation to justify new strikes on our cities"',
        kind="mixed",
        score=0.81,
        source="Ukraine's defence minister Olena Marchuk",
        speaker="Olena Marchuk",
        cue="said",
        evidence="none_stated",
        accusation={"accuser": "Olena Marchuk", "accused": ["Russia"], "about": "staged the blast"},
    )
    claim(
        d,
        "the bridge had been closed for repairs since August",
        kind="indirect",
        score=0.66,
        source="Local residents",
        speaker="Local residents",
        cue="said",
        evidence="not_applicable",
    )
    claim(
        d,
        'Washington "bears full responsibility for every bomb that falls"',
        kind="mixed",
        score=0.78,
        source="Belov",
        speaker="Anton Belov",
        cue="added",
        evidence="none_stated",
        accusation={
            "accuser": "Anton Belov",
            "accused": ["United States"],
            "about": "responsible for the bombing",
        },
    )
    technique(d, "The Kyiv regime", "Name_Calling-Labeling", "Attack on Reputation", 0.88)
    technique(d, "act of terror", "Loaded_Language", "Manipulative Wording", 0.91)
    technique(
        d, "its Western handlers planned", "Causal_Oversimplification", "Simplification", 0.47
    )
    technique(
        d,
        'bears full responsibility for every bomb that falls".',
        "Exaggeration-Minimisation",
        "Manipulative Wording",
        0.62,
    )
    blame = "URW: Blaming the war on others rather than the invader"
    west = "URW: Discrediting the West, Diplomacy"
    s_blast = (
        '"The Kyiv regime and its Western handlers planned this act of terror," said '
        "Kremlin spokesman Anton Belov, who offered no evidence for the claim."
    )
    s_wash = 'Belov added that Washington "bears full responsibility for every bomb that falls".'
    narratives(
        d,
        "URW",
        [(blame, 0.81, [s_blast]), (west, 0.46, [s_wash])],
        [
            (f"{blame}: Ukraine is the aggressor", 0.72, [s_blast]),
            (f"{blame}: The West are the aggressors", 0.55, [s_wash]),
        ],
    )
    explanation(d, blame, f"{blame}: Ukraine is the aggressor", [s_blast, s_wash])
    docs.append(d)

    d = Document(
        id="en-floods-study",
        text=FLOODS,
        title="Northfield study links record floods to warming seas",
        source="inputs/climate/en-floods-study.html",
        url="https://news.example.org/climate/floods",
        published="2026-10-05",
        language="en",
        language_score=0.99,
        meta={"format": "html"},
    )
    segment(d)
    entity(
        d,
        "E1",
        "Northfield Climate Institute",
        "ORG",
        [("Northfield Climate Institute", 0), ("the institute", 0)],
        "Protagonist",
        0.48,
        [("Virtuous", 0.4)],
        [],
    )
    entity(
        d,
        "E2",
        "Ray Holloway",
        "PER",
        [("Senator Ray Holloway", 0)],
        "Antagonist",
        0.64,
        [("Deceiver", 0.51)],
        [
            'Senator Ray Holloway called the report "alarmist nonsense paid for by green '
            'lobbyists" and said the institute was hiding its funding.'
        ],
    )
    entity(d, "E3", "Mira Castell", "PER", [("Dr Mira Castell", 0)], None, 0.0, [], [])
    claim(
        d,
        "Our models and the river gauge records point in the same direction",
        kind="direct",
        score=0.9,
        source="lead author Dr Mira Castell",
        speaker="Mira Castell",
        cue="said",
        evidence="evidence_cited",
    )
    claim(
        d,
        'the report "alarmist nonsense paid for by green lobbyists"',
        kind="mixed",
        score=0.84,
        source="Senator Ray Holloway",
        speaker="Ray Holloway",
        cue="called",
        evidence="claimed_without_evidence",
        accusation={
            "accuser": "Ray Holloway",
            "accused": ["green lobbyists"],
            "about": "paid for the study",
        },
    )
    claim(
        d,
        "the institute was hiding its funding",
        kind="indirect",
        score=0.77,
        source="Senator Ray Holloway",
        speaker="Ray Holloway",
        cue="said",
        evidence="disputed_by_author",
        accusation={
            "accuser": "Ray Holloway",
            "accused": ["Northfield Climate Institute"],
            "about": "hides its funding",
        },
    )
    technique(d, "alarmist nonsense", "Name_Calling-Labeling", "Attack on Reputation", 0.86)
    technique(d, "paid for by green lobbyists", "Doubt", "Attack on Reputation", 0.58)
    technique(d, "three times more likely", "Appeal_to_Fear-Prejudice", "Justification", 0.31)
    crit = "CC: Criticism of climate movement"
    s_sen = (
        'Senator Ray Holloway called the report "alarmist nonsense paid for by green '
        'lobbyists" and said the institute was hiding its funding.'
    )
    narratives(
        d,
        "CC",
        [(crit, 0.62, [s_sen])],
        [
            (f"{crit}: Climate movement is alarmist", 0.58, [s_sen]),
            (f"{crit}: Climate movement is corrupt", 0.41, [s_sen]),
        ],
    )
    explanation(d, crit, f"{crit}: Climate movement is alarmist", [s_sen])
    docs.append(d)

    d = Document(
        id="en-forum-<b>markup</b>",
        text=FORUM,
        title=f"Forum post pasted with markup: {INJECTION}",
        source="inputs/forum/post.txt",
        url="javascript:document.body.dataset.pwned='url'",
        published="2026-10-05",
        language="en",
        language_score=0.91,
        meta={"format": "txt"},
    )
    segment(d)
    entity(
        d, "E1", "port authorities", "ORG", [("port authorities", 0)], "Protagonist", 0.35, [], []
    )
    claim(
        d,
        'the "secret grain cartel" controls the harbour',
        kind="indirect",
        score=0.6,
        source="The comment",
        speaker=None,
        cue="claims",
        evidence="disputed_by_author",
        accusation={
            "accuser": "forum commenter",
            "accused": ["secret grain cartel"],
            "about": "controls the harbour <script>",
        },
    )
    technique(d, "secret grain cartel", "Loaded_Language", "Manipulative Wording", 0.74)
    technique(d, INJECTION_DOM, "Repetition", "Justification", 0.2)
    narratives(d, None, [("Other", 0.9, [])], [])
    docs.append(d)

    d = Document(
        id="uk-children-returned",
        text=DEPORTED,
        title="Kyiv says 400 children returned from occupied areas",
        source="inputs/wires/uk-children.txt",
        url=None,
        published="2026-10-06T09:30:00+03:00",
        language="en",
        language_score=0.97,
        meta={"format": "txt"},
    )
    segment(d)
    entity(
        d,
        "E1",
        "Petro Danylenko",
        "PER",
        [("ombudsman Petro Danylenko", 0), ("Danylenko", 1)],
        "Protagonist",
        0.69,
        [("Guardian", 0.6)],
        [],
    )
    entity(
        d,
        "E2",
        "Russia",
        "GPE",
        [("Moscow", 0), ("Russian officials", 0)],
        "Antagonist",
        0.77,
        [("Tyrant", 0.42)],
        [],
    )
    entity(
        d, "E3", "children", "GROUP", [("400 children", 0)], "Innocent", 0.88, [("Victim", 0.8)], []
    )
    claim(
        d,
        "400 children taken from occupied districts had been brought home",
        kind="indirect",
        score=0.83,
        source="Ukraine's ombudsman Petro Danylenko",
        speaker="Petro Danylenko",
        cue="said",
        evidence="evidence_cited",
    )
    claim(
        d,
        "the systematic deportation of Ukrainian children",
        kind="direct",
        score=0.71,
        source="Danylenko",
        speaker="Petro Danylenko",
        cue="accused",
        evidence="evidence_cited",
        accusation={
            "accuser": "Petro Danylenko",
            "accused": ["Russia"],
            "about": "deports Ukrainian children",
        },
    )
    claim(
        d,
        "the children were evacuated for their own safety",
        kind="indirect",
        score=0.74,
        source="Russian officials",
        speaker="Russian officials",
        cue="say",
        evidence="none_stated",
    )
    narratives(d, "URW", [("Other", 0.7, [])], [])
    docs.append(d)

    d = Document(
        id="ru-weather",
        text=PLAIN,
        title="Погода: в столице ожидается снег",
        source="inputs/ru/weather.txt",
        url=None,
        published=None,
        language="ru",
        language_score=0.99,
        meta={"format": "txt"},
    )
    segment(d)  # no analysis layers at all: the report must simply not show them
    docs.append(d)

    for doc in docs:
        doc.validate()
    return docs


ERRORS = [
    {
        "input": "inputs/empty.txt",
        "stage": "read",
        "error": "empty_input",
        "detail": "the file holds only whitespace",
    },
    {
        "input": "inputs/wires/broken.txt",
        "stage": "claims",
        "error": "stage_failed",
        "detail": "ValueError: cue <script>document.body.dataset.pwned='err'</script> not found "
        "(claims.py:120)",
        "id": "broken",
    },
]


def run_json(docs: list[Document]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "narrascope_version": "0.1.0",
        "python": "3.11.2",
        "counts": {
            "inputs": len(docs) + len(ERRORS),
            "analysed": len(docs),
            "failed": len(ERRORS),
            "errors_by_code": {"empty_input": 1, "stage_failed": 1},
            "accounted_for": True,
        },
        "stages": {
            "language": {"backend": "language.fasttext.v1", "model_version": "lid.176.ftz"},
            "segment": {"backend": "segment.sentencex.v1"},
            "narratives": {"backend": "narratives.linear.v1", "model_version": "0.1.0"},
            "claims": {"backend": "claims.rules.v1"},
        },
        "config": {},
        "workers": 1,
        "resumed_from_input": 0,
        "timings": {
            "seconds": 0.42,
            "docs_per_second": 16.7,
            "stage_seconds": {"language": 0.01, "segment": 0.02, "claims": 0.05},
        },
        "finished": "2026-11-23T10:00:00Z",
    }


def write_fixture(out: Path, docs: list[Document] | None = None) -> Path:
    docs = build_documents() if docs is None else docs
    out.mkdir(parents=True, exist_ok=True)
    dump = lambda o: json.dumps(o, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    (out / "documents.jsonl").write_text("".join(dump(d.to_json()) + "\n" for d in docs), "utf-8")
    (out / "errors.jsonl").write_text("".join(dump(e) + "\n" for e in ERRORS), "utf-8")
    (out / "run.json").write_text(json.dumps(run_json(docs), indent=2) + "\n", "utf-8")
    return out


if __name__ == "__main__":
    write_fixture(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
