"""Benchmark the HTML report on a generated corpus (default 5,000 documents).

    PYTHONPATH=src python bench/report_bench.py [--docs 5000] [--chars 4000] [--keep DIR]

Writes a synthetic run (documents.jsonl with every layer at a realistic density: about
4,000 characters, 40 entity mentions, 8 claims with sources, cues and accusations, 12
technique spans, narratives with evidence and an explanation per document; errors.jsonl;
run.json), renders the report in a subprocess and measures render time, peak memory
(max RSS) and file size, then opens the report in headless Chromium (when installed) and
measures the wall and CPU time of the Chromium run that loads it and dumps the DOM
(and the same for an empty page, the fixed cost), plus the page's own "ready" time
(``performance.now()`` when its script finished, written to ``data-ready-ms``).
Texts are generated from an invented word list (no corpus text).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from narrascope.document import Document

WORDS = (
    "the council minister report said officials grain port energy prices border talks "
    "army village drone bridge winter study floods farmers court election sanctions aid "
    "convoy market reform spokesman agency network pipeline harbour shelter museum "
    "teachers hospital railway summit budget refinery coast valley region treaty"
).split()
NAMES = ["Anton Belov", "Olena Marchuk", "Ray Holloway", "Mira Castell", "Petro Danylenko",
         "Ukraine", "Russia", "United States", "the European Union", "NATO", "Kremlin",
         "green lobbyists", "the institute", "farmers", "the ministry"]  # fmt: skip
ROLES = [("Antagonist", "Instigator"), ("Protagonist", "Guardian"), ("Innocent", "Victim"),
         (None, None)]  # fmt: skip
TECHS = [("Loaded_Language", "Manipulative Wording"), ("Name_Calling-Labeling",
         "Attack on Reputation"), ("Doubt", "Attack on Reputation"), ("Exaggeration-"
         "Minimisation", "Manipulative Wording"), ("Appeal_to_Fear-Prejudice", "Justification"),
         ("Causal_Oversimplification", "Simplification")]  # fmt: skip
NARRS = [
    ("URW: Blaming the war on others rather than the invader", "Ukraine is the aggressor"),
    ("URW: Discrediting the West, Diplomacy", "The West is weak"),
    ("URW: Discrediting Ukraine", "Ukraine is a puppet of the West"),
    ("CC: Criticism of climate movement", "Climate movement is alarmist"),
    ("CC: Criticism of climate policies", "Climate policies are only for profit"),
    ("Other", None),
]
STATUSES = ["none_stated", "claimed_without_evidence", "evidence_cited", "disputed_by_author",
            "not_applicable"]  # fmt: skip


def make_doc(i: int, rng: random.Random, chars: int) -> Document:
    sentences: list[tuple[str, str | None, str | None]] = []  # (sentence, speaker, cue)
    length = 0
    while length < chars:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
        if rng.random() < 0.3:
            speaker, cue = rng.choice(NAMES), rng.choice(["said", "claimed", "added"])
            s = f'"{words.capitalize()}," {cue} {speaker}.'
        else:
            name = rng.choice(NAMES)
            s, speaker, cue = f"{words.capitalize()} near {name} today.", None, None
        sentences.append((s, speaker, cue))
        length += len(s) + 1
    paras = [" ".join(x[0] for x in sentences[k : k + 4]) for k in range(0, len(sentences), 4)]
    title = f"Generated article {i}: {rng.choice(WORDS)} and {rng.choice(WORDS)}"
    text = title + "\n\n" + "\n".join(paras)
    doc = Document(
        id=f"gen-{i:05d}", text=text, title=title, source=f"gen/{i % 37}/a{i}.txt",
        url=f"https://outlet{i % 23}.example/{i}", published=f"2026-{1 + i % 12:02d}-"
        f"{1 + i % 28:02d}", language=rng.choice(["en", "bg", "pt", "ru", "hi"]),
        language_score=0.95, meta={"format": "txt"},
    )  # fmt: skip
    # sentences, entity mentions, claims, techniques
    sent_spans = []
    pos = len(title) + 2
    for k, (s, speaker, cue) in enumerate(sentences):
        start = text.index(s, pos)
        end = start + len(s)
        sent_spans.append(doc.span(start, end))
        pos = end
        for name in NAMES:
            j = s.find(name)
            if j >= 0:
                role, fine = ROLES[zlib.crc32(f"{i}{name}".encode()) % len(ROLES)]
                doc.add("entities", doc.span(start + j, start + j + len(name), "PER",
                        score=0.9, attrs={"entity": f"E{NAMES.index(name)}", "main_role": role,
                        "fine_roles": [fine] if fine else [], "role_score": 0.7}))  # fmt: skip
        if speaker and cue and k % 2 == 0:
            content_end = s.index('," ')
            src_start = s.rindex(speaker)
            cue_start = s.index(f" {cue} ", content_end) + 1
            accused = rng.choice([n for n in NAMES if n != speaker])
            doc.add("claims", doc.span(start + 1, start + content_end, "direct", score=0.8,
                    attrs={"source": doc.ref(start + src_start, start + src_start + len(speaker)),
                           "speaker": speaker, "cue": doc.ref(start + cue_start,
                           start + cue_start + len(cue)),
                           "accusation": {"accuser": speaker, "accused": [accused],
                                          "about": "generated"} if rng.random() < 0.5 else None,
                           "evidence": rng.choice(STATUSES)}))  # fmt: skip
        if rng.random() < 0.35:
            w0 = start + rng.randint(0, max(0, len(s) - 30))
            label, cat = rng.choice(TECHS)
            doc.add("techniques", doc.span(w0, min(end, w0 + rng.randint(8, 40)), label,
                    score=round(rng.random(), 2), attrs={"category": cat}))  # fmt: skip
    ents = {}
    for k, sp in enumerate(doc.spans.get("entities", [])):
        e = ents.setdefault(sp.attrs["entity"], {"id": sp.attrs["entity"], "name":
                            NAMES[int(sp.attrs["entity"][1:])], "type": "PER", "mentions": [],
                            "main_role": sp.attrs["main_role"], "main_role_score": 0.7,
                            "fine_roles": [{"label": f, "score": 0.6} for f in
                                           sp.attrs["fine_roles"]], "evidence": []})  # fmt: skip
        e["mentions"].append(k)
    doc.data["entities"] = list(ents.values())
    narr, sub = rng.choice(NARRS)
    ev = [doc.ref(s.start, s.end) for s in rng.sample(sent_spans, min(2, len(sent_spans)))]
    doc.cats["narratives"] = {
        "domain": narr.split(":")[0] if narr != "Other" else None, "supported_language": True,
        "narratives": [{"label": narr, "score": 0.7, "evidence": ev}],
        "subnarratives": [{"label": f"{narr}: {sub}", "parent": narr, "score": 0.6,
                           "evidence": ev[:1]}] if sub else [],
        "backend": "bench", "model_version": "0",
    }  # fmt: skip
    if narr != "Other":
        doc.data["explanation"] = {"narrative": narr, "subnarrative": sub and f"{narr}: {sub}",
                                   "sentences": ev, "words": 60, "backend": "bench"}  # fmt: skip
    doc.validate()
    return doc


def write_corpus(out: Path, n: int, chars: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "documents.jsonl", "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(make_doc(i, rng, chars).to_json(), ensure_ascii=False) + "\n")
    with open(out / "errors.jsonl", "w", encoding="utf-8") as f:
        for i in range(n // 100):
            f.write(json.dumps({"input": f"gen/bad{i}.txt", "stage": "read",
                                "error": "empty_input", "detail": "empty"}) + "\n")  # fmt: skip
    (out / "run.json").write_text(json.dumps({"schema_version": "1.0", "counts": {
        "inputs": n + n // 100, "analysed": n, "failed": n // 100}}))  # fmt: skip


RENDER = """
import resource, sys, time
from pathlib import Path
from narrascope.report.render import write_report
t0 = time.perf_counter()
lazy = {"auto": None, "on": True, "off": False}[sys.argv[3]]
write_report(Path(sys.argv[1]), Path(sys.argv[2]), lazy=lazy)
r = resource.getrusage(resource.RUSAGE_SELF)
print(time.perf_counter() - t0, r.ru_utime + r.ru_stime, r.ru_maxrss)
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--chars", type=int, default=4000)
    ap.add_argument("--keep", type=Path, default=None, help="write the corpus here and keep it")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--lazy", choices=["auto", "on", "off"], default="auto")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "run"
        t0 = time.perf_counter()
        if not (out / "documents.jsonl").exists():  # --keep DIR is reused when it exists
            write_corpus(out, args.docs, args.chars)
        gen = time.perf_counter() - t0
        html = out / "report.html"
        proc = subprocess.run([sys.executable, "-c", RENDER, str(out), str(html), args.lazy],
                              capture_output=True, text=True, check=True)  # fmt: skip
        seconds, cpu, rss_kb = proc.stdout.split()
        result = {
            "docs": args.docs,
            "documents_jsonl_mb": round((out / "documents.jsonl").stat().st_size / 1e6, 1),
            "generate_s": round(gen, 1),
            "lazy": args.lazy,
            "render_s": round(float(seconds), 2),
            "render_cpu_s": round(float(cpu), 2),
            "render_cpu_ms_per_doc": round(1000 * float(cpu) / args.docs, 2),
            "render_max_rss_mb": round(int(rss_kb) / 1024, 1),
            "html_mb": round(html.stat().st_size / 1e6, 1),
        }
        from narrascope.report.browser import find_chromium, timed_dump_dom

        if not args.no_browser and find_chromium():
            empty = Path(tmp) / "empty.html"
            empty.write_text("<!DOCTYPE html><title>x</title><p>x", "utf-8")
            _, base, base_cpu = timed_dump_dom(empty)
            dom, load, cpu = timed_dump_dom(html, timeout=1800)
            ready = re.search(r'data-ready-ms="(\d+)"', dom[:3000])
            result["chromium_wall_s"] = round(load, 2)
            result["chromium_wall_empty_page_s"] = round(base, 2)
            result["chromium_cpu_s"] = round(cpu, 2)
            result["chromium_cpu_empty_page_s"] = round(base_cpu, 2)
            result["page_ready_ms"] = int(ready.group(1)) if ready else None
            result["script_ran"] = ready is not None
        result["load_average_1min"] = round(os.getloadavg()[0], 1)
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
