"""What the report shows, computed from the JSON output alone (schema 1.0).

Two passes over ``documents.jsonl``, one line at a time: :class:`CorpusStats` folds each
record into corpus counts and a small index row, then :func:`document_view` turns each
record into the view model of one document section, which the template renders and
drops. No pass keeps parsed documents. Every key is optional: a layer that a run did not
produce is simply absent from the view.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from .highlight import Mark, nest_tokens, tokens_html

ROLES = ("Antagonist", "Protagonist", "Innocent")
ROLE_LAYER = {"Antagonist": "ent-ant", "Protagonist": "ent-pro", "Innocent": "ent-inn"}
EVIDENCE_STATUSES = (
    "none_stated",
    "claimed_without_evidence",
    "evidence_cited",
    "disputed_by_author",
    "not_applicable",
)
EVIDENCE_TEXT = {
    "none_stated": "no evidence stated",
    "claimed_without_evidence": "claimed without evidence",
    "evidence_cited": "evidence cited",
    "disputed_by_author": "disputed by the author",
    "not_applicable": "not applicable",
    "unknown": "status not given",
}
# Layers in nesting order (outer first on equal extents) with their legend text.
LAYERS: list[tuple[str, str, str]] = [
    ("ev", "Evidence sentences", "sentences supporting a narrative, explanation or role"),
    ("tech", "Persuasion techniques", "wavy underline"),
    ("claim", "Claim contents", "dotted underline"),
    ("src", "Claim sources", "boxed"),
    ("cue", "Claim cues", "double underline"),
    ("ent", "Entity mentions by role", "thick bottom border; style by role"),
]
LAYER_RANK = {key: i for i, (key, _, _) in enumerate(LAYERS)}


# -- reading ---------------------------------------------------------------------------
@dataclass
class Problem:
    """A line of the output that the report could not read (shown with the errors)."""

    file: str
    line: int
    detail: str


def iter_jsonl(path: Path, problems: list[Problem] | None = None) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of a JSONL file one at a time; bad lines become problems."""
    if not path.exists():
        return
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                if problems is not None:
                    problems.append(Problem(path.name, n, f"not valid JSON: {e}"))
                continue
            if not isinstance(obj, dict):
                if problems is not None:
                    problems.append(Problem(path.name, n, "not a JSON object"))
                continue
            yield obj


def read_run(path: Path) -> dict[str, Any] | None:
    try:
        obj = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if not isinstance(obj, dict):
        return None
    # the template reads these as mappings: anything else is treated as absent
    for key in ("counts", "timings", "stages"):
        obj[key] = _d(obj.get(key))
    obj["timings"]["stage_seconds"] = _d(obj["timings"].get("stage_seconds"))
    return obj


# -- small accessors that never fail --------------------------------------------------------
def _d(obj: Any) -> dict[str, Any]:
    return obj if isinstance(obj, dict) else {}


def _l(obj: Any) -> list[Any]:
    return obj if isinstance(obj, list) else []


def _s(obj: Any) -> str:
    return obj if isinstance(obj, str) else ("" if obj is None else str(obj))


def _score(obj: Any) -> float | None:
    return float(obj) if isinstance(obj, int | float) and not isinstance(obj, bool) else None


def fmt_score(score: float | None) -> str:
    return "" if score is None else f"{score:.2f}"


def outlet_of(rec: dict[str, Any]) -> str:
    """The outlet: meta site / source name / feed title, else the URL host, else the folder."""
    meta = _d(rec.get("meta"))
    for key in ("site", "source_name", "outlet", "feed_title"):
        if isinstance(meta.get(key), str) and meta[key].strip():
            return meta[key].strip()
    url = _s(rec.get("url"))
    if url:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:  # e.g. an unbalanced IPv6 bracket
            host = ""
        if host:
            return host.removeprefix("www.")
    source = re.sub(r"[:#]\d+$", "", _s(rec.get("source")))
    if source and source != "-":
        parent = Path(source).parent.name
        return f"{parent}/" if parent else Path(source).name
    return "(unknown)"


def date_of(rec: dict[str, Any]) -> str | None:
    pub = _s(rec.get("published")).strip()
    return pub[:10] if re.match(r"\d{4}-\d{2}-\d{2}", pub) else (pub[:20] or None)


def safe_url(url: Any) -> str | None:
    """Only http(s) URLs become links (a ``javascript:`` URL stays plain text)."""
    u = _s(url).strip()
    return u if re.match(r"https?://", u, re.IGNORECASE) else None


def _ok_ref(text: str, ref: Any) -> bool:
    r = _d(ref)
    s, e = r.get("start"), r.get("end")
    return (
        isinstance(s, int)
        and isinstance(e, int)
        and 0 <= s < e <= len(text)
        and (not isinstance(r.get("text"), str) or text[s:e] == r["text"])
    )


def accusation_edges(rec: dict[str, Any]) -> Iterator[tuple[int, str, str, str, str]]:
    """``(claim index, accuser, accused, evidence status, about)`` for each accusation."""
    for i, claim in enumerate(_l(_d(rec.get("spans")).get("claims"))):
        attrs = _d(_d(claim).get("attrs"))
        acc = _d(attrs.get("accusation"))
        if not acc:
            continue
        accuser = _s(acc.get("accuser")).strip() or _s(attrs.get("speaker")).strip() or "?"
        status = _s(attrs.get("evidence")) or "unknown"
        accused = acc.get("accused")
        names = [accused] if isinstance(accused, str) else _l(accused)
        for name in names:
            if _s(name).strip():
                yield i, accuser, _s(name).strip(), status, _s(acc.get("about"))


# -- corpus view -------------------------------------------------------------------------
@dataclass
class Edge:
    accuser: str
    accused: str
    count: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    examples: list[dict[str, Any]] = field(default_factory=list)  # doc n, claim i, about

    @property
    def status(self) -> str:
        """The most frequent evidence status (ties: the weakest evidence first)."""
        order = {s: i for i, s in enumerate((*EVIDENCE_STATUSES, "unknown"))}
        return min(self.statuses, key=lambda s: (-self.statuses[s], order.get(s, 99)))


@dataclass
class Actor:
    name: str
    type: str = ""
    docs: int = 0
    mentions: int = 0
    roles: Counter[str] = field(default_factory=Counter)
    fine: Counter[str] = field(default_factory=Counter)
    first: tuple[int, str] | None = None  # (doc n, anchor) of a mention with a role


@dataclass
class CorpusStats:
    """Counts over all documents, folded one record at a time."""

    max_examples: int = 5
    docs: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    outlets: Counter[str] = field(default_factory=Counter)
    dates: Counter[str] = field(default_factory=Counter)
    narratives: Counter[str] = field(default_factory=Counter)
    subnarratives: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    domains: Counter[str] = field(default_factory=Counter)
    techniques: Counter[str] = field(default_factory=Counter)
    technique_docs: Counter[str] = field(default_factory=Counter)
    technique_category: dict[str, str] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)
    claims: int = 0
    claims_by_evidence: Counter[str] = field(default_factory=Counter)
    layers: Counter[str] = field(default_factory=Counter)  # which layers exist at all
    index: list[dict[str, Any]] = field(default_factory=list)

    def add(self, n: int, rec: dict[str, Any]) -> None:
        self.docs += 1
        spans = _d(rec.get("spans"))
        cats, data = _d(rec.get("cats")), _d(rec.get("data"))
        lang = _s(rec.get("language")) or "(unknown)"
        self.languages[lang] += 1
        outlet = outlet_of(rec)
        self.outlets[outlet] += 1
        self.dates[date_of(rec) or "(no date)"] += 1

        narr = _d(cats.get("narratives"))
        labels = [_s(_d(x).get("label")) for x in _l(narr.get("narratives"))]
        labels = [x for x in labels if x]
        for label in dict.fromkeys(labels):
            self.narratives[label] += 1
        for sub in _l(narr.get("subnarratives")):
            label = _s(_d(sub).get("label"))
            if label:
                parent = _s(_d(sub).get("parent")) or label.rsplit(": ", 1)[0]
                self.subnarratives[parent][label] += 1
        if narr:
            self.layers["narratives"] += 1
            self.domains[_s(narr.get("domain")) or "(none)"] += 1
        if data.get("explanation"):
            self.layers["explanation"] += 1

        techs = _l(spans.get("techniques"))
        if "techniques" in spans or "techniques" in cats:
            self.layers["techniques"] += 1
        for label in {_s(_d(t).get("label")) for t in techs} - {""}:
            self.technique_docs[label] += 1
        for t in techs:
            label = _s(_d(t).get("label"))
            if label:
                self.techniques[label] += 1
                cat = _s(_d(_d(t).get("attrs")).get("category"))
                if cat:
                    self.technique_category.setdefault(label, cat)

        ents = _l(data.get("entities"))
        if "entities" in spans or "entities" in data:
            self.layers["entities"] += 1
        seen: set[str] = set()
        for ent in ents:
            ent = _d(ent)
            name = _s(ent.get("name")).strip()
            if not name:
                continue
            key = name.casefold()
            actor = self.actors.get(key)
            if actor is None:
                actor = self.actors[key] = Actor(name=name, type=_s(ent.get("type")))
            if key not in seen:
                actor.docs += 1
                seen.add(key)
            mentions = _l(ent.get("mentions"))
            actor.mentions += len(mentions) or 1
            role = _s(ent.get("main_role"))
            if role:
                actor.roles[role] += 1
                if actor.first is None and mentions and isinstance(mentions[0], int):
                    actor.first = (n, f"d{n}-e{mentions[0]}")
            for fr in _l(ent.get("fine_roles")):
                label = _s(_d(fr).get("label")) if isinstance(fr, dict) else _s(fr)
                if label:
                    actor.fine[label] += 1

        claims = _l(spans.get("claims"))
        if "claims" in spans:
            self.layers["claims"] += 1
        self.claims += len(claims)
        for c in claims:
            self.claims_by_evidence[_s(_d(_d(c).get("attrs")).get("evidence")) or "unknown"] += 1
        accusations = 0
        for i, accuser, accused, status, about in accusation_edges(rec):
            accusations += 1
            edge = self.edges.get((accuser, accused))
            if edge is None:
                edge = self.edges[(accuser, accused)] = Edge(accuser, accused)
            edge.count += 1
            edge.statuses[status] += 1
            if len(edge.examples) < self.max_examples:
                edge.examples.append(
                    {
                        "n": n,
                        "anchor": f"d{n}-c{i}",
                        "about": about,
                        "status": status,
                        "doc": _s(rec.get("title")) or _s(rec.get("id")),
                    }
                )

        self.index.append(
            {
                "n": n,
                "id": _s(rec.get("id")),
                "title": _s(rec.get("title")),
                "language": _s(rec.get("language")),
                "outlet": outlet,
                "date": date_of(rec) or "",
                "narratives": [x for x in labels if x != "Other"][:3] or labels[:1],
                "claims": len(claims),
                "accusations": accusations,
                "techniques": len(techs),
                "entities": len(ents),
            }
        )

    # views for the template ------------------------------------------------------------
    def date_rows(self) -> list[tuple[str, int]]:
        dated = {k: v for k, v in self.dates.items() if k != "(no date)"}
        if len(dated) > 31:  # many days: group by month
            months: Counter[str] = Counter()
            for k, v in dated.items():
                months[k[:7]] += v
            dated = dict(months)
        rows = sorted(dated.items())
        if self.dates.get("(no date)"):
            rows.append(("(no date)", self.dates["(no date)"]))
        return rows

    def narrative_rows(self) -> list[dict[str, Any]]:
        rows = []
        for label, count in self.narratives.most_common():
            subs = self.subnarratives.get(label, Counter())
            rows.append(
                {
                    "label": label,
                    "count": count,
                    "subs": [{"label": s, "count": c} for s, c in subs.most_common()],
                }
            )
        return rows

    def actor_rows(self, limit: int = 30) -> list[Actor]:
        framed = [a for a in self.actors.values() if a.roles]
        framed.sort(key=lambda a: (-sum(a.roles.values()), -a.mentions, a.name))
        return framed[:limit]

    def edge_rows(self) -> list[Edge]:
        return sorted(self.edges.values(), key=lambda e: (-e.count, e.accuser, e.accused))


# -- document view ------------------------------------------------------------------------
@dataclass
class DocView:
    n: int
    id: str
    title: str
    language: str
    language_score: float | None
    outlet: str
    date: str
    url: str
    href: str | None
    html: Markup  # the text with its highlights
    narratives: list[dict[str, Any]]
    domain: str
    narratives_present: bool
    explanation: dict[str, Any] | None
    claims: list[dict[str, Any]]
    claims_present: bool
    entities: list[dict[str, Any]]
    entities_present: bool
    techniques: list[dict[str, Any]]
    techniques_present: bool
    unsupported: list[str]  # layers whose model does not cover this language
    layers: list[str]
    dropped: int  # annotations whose offsets do not match the text (not highlighted)


def _ev_list(text: str, refs: Any, ev: dict[tuple[int, int], str], n: int) -> list[dict]:
    """Register evidence sentences (deduplicated by extent); return links to them."""
    out = []
    for r in _l(refs):
        if not _ok_ref(text, r):
            continue
        key = (r["start"], r["end"])
        anchor = ev.setdefault(key, f"d{n}-s{r['start']}-{r['end']}")
        out.append({"anchor": anchor, "text": text[key[0] : key[1]]})
    return out


def document_view(n: int, rec: dict[str, Any]) -> DocView:
    """The view model of one document section: highlight tokens plus side-panel data."""
    text = _s(rec.get("text"))
    spans, cats, data = _d(rec.get("spans")), _d(rec.get("cats")), _d(rec.get("data"))
    marks: list[Mark] = []
    ev: dict[tuple[int, int], str] = {}
    dropped = 0

    def mark(obj: Any, layer: str, anchor: str, title: str, label: str, rank_key: str) -> bool:
        nonlocal dropped
        if not _ok_ref(text, obj):
            dropped += 1
            return False
        o = _d(obj)
        marks.append(
            Mark(o["start"], o["end"], layer, anchor, title, LAYER_RANK[rank_key], label, rank_key)
        )
        return True

    # narratives and subnarratives with their supporting sentences
    narr = _d(cats.get("narratives"))
    subs_by_parent: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in _l(narr.get("subnarratives")):
        s = _d(s)
        label = _s(s.get("label"))
        if not label:
            continue
        parent = _s(s.get("parent")) or label.rsplit(": ", 1)[0]
        subs_by_parent[parent].append(
            {
                "label": label,
                "short": label.removeprefix(parent + ": "),
                "score": fmt_score(_score(s.get("score"))),
                "evidence": _ev_list(text, s.get("evidence"), ev, n),
            }
        )
    narratives = []
    for x in _l(narr.get("narratives")):
        x = _d(x)
        label = _s(x.get("label"))
        if label:
            narratives.append(
                {
                    "label": label,
                    "score": fmt_score(_score(x.get("score"))),
                    "evidence": _ev_list(text, x.get("evidence"), ev, n),
                    "subs": subs_by_parent.pop(label, []),
                }
            )
    for parent, subs in subs_by_parent.items():  # subnarratives whose parent is not listed
        narratives.append({"label": parent, "score": "", "evidence": [], "subs": subs})

    expl = _d(data.get("explanation"))
    explanation = None
    if expl:
        explanation = {
            "narrative": _s(expl.get("narrative")),
            "subnarrative": _s(expl.get("subnarrative")),
            "sentences": _ev_list(text, expl.get("sentences"), ev, n),
            "words": expl.get("words"),
            "backend": _s(expl.get("backend")),
        }

    # entities: mentions by role
    ent_spans = _l(spans.get("entities"))
    entity_by_id: dict[str, dict[str, Any]] = {}
    entities = []
    for ent in _l(data.get("entities")):
        ent = _d(ent)
        role = _s(ent.get("main_role"))
        mentions = [m for m in _l(ent.get("mentions")) if isinstance(m, int)]
        row: dict[str, Any] = {
            "id": _s(ent.get("id")),
            "name": _s(ent.get("name")),
            "type": _s(ent.get("type")),
            "role": role,
            "layer": ROLE_LAYER.get(role, "ent-none"),
            "score": fmt_score(_score(ent.get("main_role_score"))),
            "fine": [
                {"label": _s(_d(f).get("label")), "score": fmt_score(_score(_d(f).get("score")))}
                if isinstance(f, dict)
                else {"label": _s(f), "score": ""}
                for f in _l(ent.get("fine_roles"))
            ],
            "mentions": [f"d{n}-e{m}" for m in mentions if 0 <= m < len(ent_spans)],
            "evidence": _ev_list(text, ent.get("evidence"), ev, n),
            "reframed": _reframed(ent.get("reframed")),
        }
        entity_by_id[row["id"]] = row
        entities.append(row)
    for i, sp in enumerate(ent_spans):
        sp = _d(sp)
        attrs = _d(sp.get("attrs"))
        ent = entity_by_id.get(_s(attrs.get("entity")), {})
        role = _s(attrs.get("main_role")) or _s(ent.get("role"))
        name = _s(ent.get("name")) or _s(sp.get("text"))
        score = _score(attrs.get("role_score"))
        fine = ", ".join(_s(f) for f in _l(attrs.get("fine_roles")) if isinstance(f, str))
        title = f"{role or 'no role'}" + (f" {score:.2f}" if score is not None else "")
        title += f": {name} ({_s(sp.get('label')) or '?'})" + (f"; {fine}" if fine else "")
        mark(sp, ROLE_LAYER.get(role, "ent-none"), f"d{n}-e{i}", title, role or "mention", "ent")

    # claims: content, source, cue; accusations and evidence status
    claims = []
    for i, c in enumerate(_l(spans.get("claims"))):
        c = _d(c)
        attrs = _d(c.get("attrs"))
        speaker = _s(attrs.get("speaker"))
        status = _s(attrs.get("evidence")) or "unknown"
        kind = _s(c.get("label"))
        score = _score(c.get("score"))
        src, cue = _d(attrs.get("source")), _d(attrs.get("cue"))
        who = speaker or _s(src.get("text")) or "unattributed"
        ok = mark(
            c,
            "claim",
            f"d{n}-c{i}",
            f"Claim ({kind or '?'}{f' {score:.2f}' if score is not None else ''}) by {who}; "
            f"evidence: {EVIDENCE_TEXT.get(status, status)}",
            kind,
            "claim",
        )
        has_src = bool(src) and mark(
            src, "src", f"d{n}-c{i}-src", f"Source: {who}", "source", "src"
        )
        has_cue = bool(cue) and mark(
            cue, "cue", f"d{n}-c{i}-cue", f"Cue ({kind or 'claim'})", "cue", "cue"
        )
        acc = _d(attrs.get("accusation"))
        accused = acc.get("accused")
        claims.append(
            {
                "anchor": f"d{n}-c{i}" if ok else None,
                "src_anchor": f"d{n}-c{i}-src" if has_src else None,
                "cue_anchor": f"d{n}-c{i}-cue" if has_cue else None,
                "speaker": who,
                "source_text": _s(src.get("text")),
                "cue": _s(cue.get("text")),
                "content": _s(c.get("text")),
                "kind": kind,
                "score": fmt_score(score),
                "status": status,
                "status_text": EVIDENCE_TEXT.get(status, status),
                "accusation": {
                    "accuser": _s(acc.get("accuser")) or who,
                    "accused": [accused] if isinstance(accused, str) else _l(accused),
                    "about": _s(acc.get("about")),
                }
                if acc
                else None,
            }
        )

    # techniques
    by_label: dict[str, dict[str, Any]] = {}
    for i, t in enumerate(_l(spans.get("techniques"))):
        t = _d(t)
        label = _s(t.get("label")) or "technique"
        score = _score(t.get("score"))
        cat = _s(_d(t.get("attrs")).get("category"))
        title = label + (f" {score:.2f}" if score is not None else "")
        title += f" ({cat})" if cat else ""
        if mark(t, "tech", f"d{n}-t{i}", title, label, "tech"):
            trow = by_label.setdefault(label, {"label": label, "category": cat, "anchors": []})
            trow["anchors"].append(
                {"anchor": f"d{n}-t{i}", "score": fmt_score(score), "text": _s(t.get("text"))}
            )
    techniques = sorted(by_label.values(), key=lambda r: (-len(r["anchors"]), r["label"]))

    for (s, e), anchor in ev.items():
        marks.append(
            Mark(s, e, "ev", anchor, "Evidence sentence", LAYER_RANK["ev"], "evidence", "ev")
        )

    layers = sorted({m.group for m in marks}, key=lambda k: LAYER_RANK.get(k, 99))
    return DocView(
        n=n,
        id=_s(rec.get("id")),
        title=_s(rec.get("title")),
        language=_s(rec.get("language")),
        language_score=_score(rec.get("language_score")),
        outlet=outlet_of(rec),
        date=_s(rec.get("published")),
        url=_s(rec.get("url")),
        href=safe_url(rec.get("url")),
        html=tokens_html(nest_tokens(text, marks)),
        narratives=narratives,
        domain=_s(narr.get("domain")),
        narratives_present=bool(narr),
        explanation=explanation,
        claims=claims,
        claims_present="claims" in spans,
        entities=entities,
        entities_present="entities" in spans or "entities" in data,
        techniques=techniques,
        techniques_present="techniques" in spans,
        unsupported=[
            name
            for name, cat in (("narratives", narr), ("techniques", _d(cats.get("techniques"))))
            if cat.get("supported_language") is False
        ],
        layers=layers,
        dropped=dropped,
    )


def _reframed(value: Any) -> str:
    """A one-line note for an actor whose role the ``reframe`` stage recast."""
    r = _d(value)
    if not r:
        return ""
    frm = _s(r.get("from_role"))
    reason = _s(r.get("reason"))
    return f"recast from {frm}: {reason}" if frm else reason
