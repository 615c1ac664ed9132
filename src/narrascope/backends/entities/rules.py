"""Fast rule-based entity mentions with alias merging and light coreference.

No model, no download; about 1-3 ms per 4,000-character article. Mentions come from:

1. a gazetteer (``taxonomy/entity_gazetteer.json``): countries, capitals and seats of power as
   metonyms ("Washington" -> United States, "the Kremlin" -> Russia), organisations and
   leaders in EN/BG/PT/RU/HI, with inflected forms (``Путин*``);
2. demonym + government noun ("the Ukrainian government", "Ukraine's authorities",
   "украинские власти", "governo russo") -> the country;
3. role nominals ("the Russian president", "Kremlin spokesman") -> the leader, when
   the leader is named in the same article;
4. capitalised word sequences (Latin and Cyrillic scripts) for names the gazetteer does
   not know; a later surname ("Alsynov", Russian "Алсынова") joins the full name;
   titles ("President", "министр", "राष्ट्रपति") mark people;
5. personal pronouns ("he", "she", "он", "она", ...) -> the closest person named in the
   same or the previous sentence;
6. common-noun groups that are often framed as victims ("the victims", "civilians",
   "139 people", "мирные жители", "vítimas", ...) as GROUP entities (``kind="group"``).

Languages without rules fall back to the gazetteer's English aliases and
capitalisation. Every mention is returned with end-exclusive offsets into the text.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

LANGS = ("en", "bg", "pt", "ru", "hi")
# word characters for boundaries: \w plus Devanagari vowel signs and other combining marks
WORD = r"\w\u0300-\u036f\u0483-\u0489\u0900-\u0963\u0966-\u097f"


@dataclass
class Mention:
    start: int
    end: int
    type: str
    key: str  # entity key used for merging
    name: str  # canonical name candidate
    kind: str  # alias | nominal | pronoun | group | caps
    priority: int = 0
    ref: int | None = None  # pronouns: start offset of the antecedent mention


@dataclass
class Entity:
    key: str
    name: str
    type: str
    mentions: list[Mention] = field(default_factory=list)


@lru_cache(maxsize=1)
def gazetteer() -> list[dict[str, Any]]:
    path = resources.files("narrascope.taxonomy").joinpath("entity_gazetteer.json")
    data = json.loads(path.read_text("utf-8"))
    return list(data["entities"])


def _alias_regex(alias: str, *, fold_first: bool = False) -> str:
    """Regex for one alias; ``fold_first`` also accepts the other case of its first
    letter (for demonyms and role nominals at the start of a sentence)."""
    star = alias.endswith("*")
    core = alias[:-1] if star else alias
    parts = [p for p in core.split() if p]
    out = []
    for p in parts:
        if p.endswith("*"):
            out.append(re.escape(p[:-1]) + r"\w{0,3}")
        else:
            out.append(re.escape(p))
    pat = r"\s+".join(out)
    if star:
        pat += r"\w{0,3}"
    if parts and parts[0].lower() == "the":
        pat = "[Tt]he" + pat[3:]
    elif fold_first and pat[:1].isalpha() and pat[0].lower() != pat[0].upper():
        pat = f"[{pat[0].lower()}{pat[0].upper()}]" + pat[1:]
    return pat


def _norm(s: str) -> str:
    return " ".join(s.split()).lower()


@dataclass
class _LangRules:
    alias_re: re.Pattern[str] | None
    alias_lookup: dict[str, str]
    star_keys: list[tuple[str, str]]
    demonym_re: re.Pattern[str] | None
    demonym_lookup: dict[str, str]
    star_demonyms: list[tuple[str, str]]
    nominal_re: re.Pattern[str] | None
    nominal_lookup: dict[str, str]
    star_nominals: list[tuple[str, str]]


def _compile(lang: str, field_name: str) -> tuple[re.Pattern[str] | None, dict[str, str], list]:
    entries: list[tuple[str, str]] = []
    for ent in gazetteer():
        table = ent.get(field_name) or {}
        names = list(table.get(lang, []))
        if lang != "en" and field_name == "aliases":
            # Latin acronyms and names are shared across languages ("NATO", "ISIS")
            names += [a for a in table.get("en", []) if a.isupper() and len(a) >= 3]
        entries.extend((a, ent["id"]) for a in names if a)
    if not entries:
        return None, {}, []
    entries.sort(key=lambda e: -len(e[0]))
    lookup: dict[str, str] = {}
    stars: list[tuple[str, str]] = []
    for a, eid in entries:
        if "*" in a:
            stars.append((_norm(a.replace("*", "")), eid))
        else:
            lookup.setdefault(_norm(a), eid)
    fold = field_name != "aliases"
    pats = "|".join(_alias_regex(a, fold_first=fold) for a, _ in entries)
    return re.compile(rf"(?<![{WORD}-])(?:{pats})(?![{WORD}-])"), lookup, stars


@lru_cache(maxsize=16)
def lang_rules(lang: str) -> _LangRules:
    a = _compile(lang, "aliases")
    d = _compile(lang, "demonym")
    n = _compile(lang, "roles")
    return _LangRules(a[0], a[1], a[2], d[0], d[1], d[2], n[0], n[1], n[2])


def _resolve(text: str, lookup: dict[str, str], stars: Sequence[tuple[str, str]]) -> str | None:
    key = _norm(text)
    if key in lookup:
        return lookup[key]
    if key.startswith("the ") and key[4:] in lookup:
        return lookup[key[4:]]
    best: tuple[int, str] | None = None
    kw = key.split()  # once, not once per star stem
    nk = len(kw)
    for stem, eid in stars:
        # stem may contain several words; each word may carry up to 3 extra letters
        words = stem.split()
        if len(words) != nk:
            continue
        if all(k.startswith(w) and len(k) - len(w) <= 3 for w, k in zip(words, kw, strict=True)):
            score = sum(len(w) for w in words)
            if best is None or score > best[0]:
                best = (score, eid)
    return best[1] if best else None


# -- language-specific word lists -----------------------------------------------------
GOV_NOUNS = {
    "en": "government|authorities|regime|leadership|administration|officials|state|side|"
    "special services|security services|intelligence services|parliament",
    "ru": "власти|властей|властям|правительств\\w{0,2}|руководств\\w{0,2}|режим\\w{0,2}|"
    "сторон\\w{0,2}|спецслужб\\w{0,2}|МИД|парламент\\w{0,2}",
    "bg": "власти|правителство|правителството|режим|режимът|режима|ръководство|"
    "ръководството|страна|спецслужби|парламент",
    "pt": "governo|autoridades|regime|administração|liderança|Estado|serviços secretos",
    "hi": "सरकार|प्रशासन|शासन|अधिकारी|अधिकारियों",
}
NOUN_FIRST = {"pt"}

PRONOUNS = {
    "en": r"[Hh]e|[Ss]he|him",
    "ru": r"[Оо]н|[Оо]на|[Ее]го|[Ее]му|[Нн]его|[Нн]ему",
    "bg": r"[Тт]ой|[Тт]я|[Нн]его|[Нн]ея",
    "pt": r"[Ee]le|[Ee]la",
}

TITLES = {
    "en": "Mr|Mrs|Ms|Dr|President|Prime Minister|Minister|Senator|General|Gen\\.|Colonel|"
    "Chancellor|Secretary|Governor|Mayor|Judge|Professor|Prof\\.|Sir|Lord|Lady|King|Queen|"
    "Pope|spokesman|spokeswoman|spokesperson|Commander|Director|Chairman|MP|Rep\\.|Sen\\.",
    "ru": "президент|премьер|министр|генерал|полковник|депутат|сенатор|губернатор|мэр|"
    "глава|директор|пресс-секретарь|председатель|спикер|канцлер|профессор|господин",
    "bg": "президент|премиер|министър|генерал|полковник|депутат|кмет|директор|"
    "председател|говорител|канцлер|професор|г-н|г-жа",
    "pt": "presidente|primeiro-ministro|ministro|ministra|general|senador|deputado|"
    "deputada|governador|prefeito|diretor|porta-voz|chanceler|professor|papa|sr\\.|sra\\.",
    "hi": "राष्ट्रपति|प्रधानमंत्री|प्रधान मंत्री|मंत्री|जनरल|सांसद|विधायक|राज्यपाल|"
    "मुख्यमंत्री|प्रवक्ता|श्री|श्रीमती|डॉ\\.|प्रोफेसर|सेक्रेटरी|सचिव",
}

ORG_WORDS = set(
    """
    ministry party council agency bank union committee service forces army company
    corporation group organization organisation institute university commission parliament
    court office department foundation fund association network news times post inc ltd
    brigade battalion regiment front movement alliance federation министерство министерства
    партия партии совет агентство банк комитет служба службы армия армии компания группа
    организация институт университет комиссия суд фонд движение министерството партията
    съвет агенция банка комисия съд армията ministério partido conselho agência banco união
    comitê comité serviço forças exército empresa grupo organização instituto universidade
    comissão tribunal fundação fundo movimento
    """.split()
)

STOP_CAPS = set(
    """
    the a an in on at for and but or if as by to of it its this that these those he she they
    we i you his her their our my there here when while after before since however meanwhile
    moreover also yet so then what who why how where which with from according despite
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december mr mrs ms dr president minister
    prime general secretary spokesman doctor senator colonel chancellor governor mayor judge
    professor prof sir lord lady king queen pope commander director chairman blogger analyst
    journalist activist deputy ambassador envoy captain lieutenant sergeant major rev saint
    st read more photo video source sources update breaking news image getty images reuters
    ap afp tass ria god christmas easter internet covid в на и но а по с к о об от до за из
    при как что это этот эта эти он она они мы вы я его ее её их там тут когда если так
    также однако после перед между для не ни да нет уже еще ещё все всё президент министр
    генерал господин министър г-н г-жа presidente ministro ministra senhor senhora sr sra
    ако че той тя те ние вие аз като след преди според също обаче този тази тези това тук
    когато o os um uma em no na nos nas de do da dos das e mas ou se que para por com como
    ele ela eles elas nós este esta isso isto esse essa segundo também porém contudo depois
    antes quando onde já não sim январь февраль март апрель май июнь июль август сентябрь
    октябрь ноябрь декабрь понедельник вторник среда четверг пятница суббота воскресенье
    януари февруари април юни юли септември октомври ноември декември janeiro fevereiro
    março abril maio junho julho agosto setembro outubro novembro dezembro segunda-feira
    terça-feira quarta-feira quinta-feira sexta-feira sábado domingo
    """.split()
)

CONNECTORS = {"of", "de", "da", "do", "dos", "das", "von", "van", "der", "al", "bin", "la",
              "le", "du", "на", "for", "the"}  # fmt: skip

PLACE_WORDS = set(
    """
    city east west north south emirate ummah square street region oblast province republic
    kingdom island islands sea ocean river mountains valley bay district county avenue road
    asia africa europe america caucasus peninsula gulf strait область край республика море
    регион град област cidade região estado rio mar ilha
    """.split()
)
EVENT_WORDS = set(
    """
    hall center centre airport station stadium church cathedral palace tower bridge park
    hotel war day cup olympics games prize award summit conference treaty agreement act law
    plan project programme program street week year telegram facebook twitter youtube
    instagram x google covid coronavirus bible quran koran christ jesus allah muslim muslims
    christian islamic orthodox catholic english russian ukrainian american european western
    soviet yes no ok tv am pm ceo gdp co2 pdf faq usd eur
    """.split()
)

GROUPS: dict[str, list[tuple[str, str]]] = {
    # (regex, group key); key decides which mentions merge into one GROUP entity
    "en": [
        (r"(?:the\s+)?(?:innocent\s+)?victims?", "victims"),
        (
            r"(?:a\s+hundred|hundreds|dozens|scores|\d[\d,]*)\s+(?:of\s+)?"
            r"(?:injured|wounded|dead|killed|casualties)",
            "victims",
        ),
        (
            r"(?:the\s+)?(?:dead|wounded|injured|killed)(?=\s*(?:[,.;]|and|or|were|are|in))",
            "victims",
        ),
        (
            r"\d[\d,]*\s+(?:people|persons|civilians|victims|children|spectators|concertgoers|"
            r"concert-goers|visitors|residents|soldiers)",
            "victims",
        ),
        (r"(?:the\s+)?(?:innocent\s+)?civilians", "civilians"),
        (r"(?:the\s+)?(?:local\s+)?residents", "civilians"),
        (r"(?:the\s+)?(?:innocent\s+)?children", "children"),
        (r"(?:the\s+)?hostages", "hostages"),
        (r"(?:the\s+)?refugees", "refugees"),
        (r"(?:the\s+)?(?:concertgoers|concert-goers|spectators)", "victims"),
    ],
    "ru": [
        (r"[Жж]ертв\w{0,3}", "victims"),
        (r"[Пп]огибш\w{0,3}|[Пп]острадавш\w{0,3}|[Рр]анен\w{0,3}(?=\s*[,.;и])", "victims"),
        (r"\d[\d\s]*\s+(?:человек\w{0,2}|мирных\s+жител\w{0,3}|дет\w{0,3})", "victims"),
        (r"[Мм]ирн\w{0,3}\s+(?:жител\w{0,3}|населени\w{0,2})", "civilians"),
        (r"[Дд]ети|[Дд]етей", "children"),
        (r"[Зз]аложник\w{0,3}", "hostages"),
        (r"[Бб]еженц\w{0,3}", "refugees"),
    ],
    "bg": [
        (r"[Жж]ертви\w{0,2}", "victims"),
        (r"[Зз]агинали\w{0,2}|[Пп]острадали\w{0,2}|[Рр]анени\w{0,2}", "victims"),
        (r"\d[\d\s]*\s+(?:души|души|цивилни|деца|човека)", "victims"),
        (
            r"[Цц]ивилни\w{0,2}(?:\s+(?:граждани|жители))?|[Мм]ирни\w{0,2}\s+(?:граждани|жители)",
            "civilians",
        ),
        (r"[Дд]еца\w{0,2}", "children"),
        (r"[Бб]ежанци\w{0,2}", "refugees"),
    ],
    "pt": [
        (r"(?:as\s+)?vítimas", "victims"),
        (r"(?:os\s+)?(?:mortos|feridos)(?=\s*(?:[,.;]|e|foram|estão))", "victims"),
        (r"\d[\d.]*\s+(?:pessoas|civis|vítimas|crianças|mortos)", "victims"),
        (r"(?:os\s+)?civis|(?:a\s+)?população\s+civil", "civilians"),
        (r"(?:as\s+)?crianças", "children"),
        (r"(?:os\s+)?reféns", "hostages"),
        (r"(?:os\s+)?refugiados", "refugees"),
    ],
    "hi": [
        (r"पीड़ितों|पीड़ित", "victims"),
        (r"\d[\d,]*\s+(?:लोगों|लोग|नागरिकों|नागरिक|बच्चों|बच्चे)", "victims"),
        (r"आम\s+नागरिकों|आम\s+नागरिक|नागरिकों", "civilians"),
        (r"बच्चों|बच्चे", "children"),
        (r"शरणार्थियों|शरणार्थी", "refugees"),
    ],
}
GROUP_NAMES = {"victims": "victims", "civilians": "civilians", "children": "children",
               "hostages": "hostages", "refugees": "refugees"}  # fmt: skip


@lru_cache(maxsize=16)
def _patterns(lang: str) -> dict[str, re.Pattern[str] | None]:
    gov = GOV_NOUNS.get(lang)
    titles = TITLES.get(lang)
    pron = PRONOUNS.get(lang)
    groups = GROUPS.get(lang, [])
    return {
        "gov": re.compile(rf"(?<![{WORD}-])(?:{gov})(?![{WORD}-])") if gov else None,
        "title": re.compile(rf"(?:^|(?<=[\s(\"“«„]))(?:{titles})\s*$", re.IGNORECASE)
        if titles else None,
        "pronoun": re.compile(rf"(?<![\w-])(?:{pron})(?![\w-])") if pron else None,
        "groups": re.compile(
            "|".join(
                f"(?P<g{i}>(?<![{WORD}-]){p}(?![{WORD}-]))" for i, (p, _) in enumerate(groups)
            )
        ) if groups else None,
    }  # fmt: skip


_CAPS = re.compile(
    r"(?<![\w-])(?:[A-ZА-ЯЁІЇЄҐ][\w'’-]*|[A-ZА-ЯЁ]{2,})"
    r"(?:[ \t\u00a0]+(?:(?:of|de|da|do|dos|das|von|van|der|al|bin|la|du|на|the|for)[ \t\u00a0]+)?"
    r"(?:[A-ZА-ЯЁІЇЄҐ][\w'’-]*))*"
)


def _sent_starts(sentences: Sequence[tuple[int, int]]) -> set[int]:
    return {s for s, _ in sentences}


def _overlaps(taken: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(s < te and ts < e for ts, te in taken)


def _overlaps_disjoint(taken: list[tuple[int, int]], s: int, e: int) -> bool:
    """:func:`_overlaps` for sorted, non-overlapping ``taken``: only the last span that
    starts before ``e`` can overlap ``[s, e)`` (keeps long documents linear)."""
    i = bisect.bisect_left(taken, (e, e)) - 1
    return i >= 0 and taken[i][1] > s


def find_mentions(
    text: str, language: str | None, sentences: Sequence[tuple[int, int]]
) -> list[Mention]:
    """All mentions (sorted by offset), not yet merged into entities."""
    lang = (language or "en").lower()
    rules_lang = lang if lang in LANGS else "en"
    rules = lang_rules(rules_lang)
    pats = _patterns(rules_lang)
    by_id = {e["id"]: e for e in gazetteer()}
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def add(m: Mention) -> None:
        if m.end > m.start and not _overlaps_disjoint(taken, m.start, m.end):
            found.append(m)
            bisect.insort(taken, (m.start, m.end))

    # 2. demonym + government noun (before plain aliases: "Russian" would not match anyway)
    if rules.demonym_re is not None and pats["gov"] is not None:
        for m in rules.demonym_re.finditer(text):
            eid = _resolve(m.group(), rules.demonym_lookup, rules.star_demonyms)
            if eid is None:
                continue
            if rules_lang in NOUN_FIRST:
                before = text[max(0, m.start() - 30) : m.start()]
                g = re.search(rf"(?:{GOV_NOUNS[rules_lang]})\s+$", before)
                if g:
                    s = m.start() - len(before) + g.start()
                    add(Mention(s, m.end(), "GPE", eid, by_id[eid]["name"], "alias", 2))
            else:
                g = pats["gov"].match(text, _skip_ws(text, m.end()))
                if g and g.start() > m.end():
                    add(Mention(m.start(), g.end(), "GPE", eid, by_id[eid]["name"], "alias", 2))
    # 3. role nominals ("the Russian president")
    nominal_hits: list[tuple[int, int, str]] = []
    if rules.nominal_re is not None:
        for m in rules.nominal_re.finditer(text):
            eid = _resolve(m.group(), rules.nominal_lookup, rules.star_nominals)
            if eid:
                s = m.start() + (4 if m.group()[:4].lower() == "the " else 0)
                nominal_hits.append((s, m.end(), eid))
    # 1. gazetteer aliases
    if rules.alias_re is not None:
        for m in rules.alias_re.finditer(text):
            eid = _resolve(m.group(), rules.alias_lookup, rules.star_keys)
            if eid is None:
                continue
            s = m.start() + (4 if m.group()[:4].lower() == "the " else 0)
            if _overlaps([(a, b) for a, b, _ in nominal_hits], s, m.end()):
                continue
            ent = by_id[eid]
            add(Mention(s, m.end(), ent["type"], eid, ent["name"], "alias", 1))
    named_ids = {m.key for m in found}
    for s, e, eid in nominal_hits:
        if eid in named_ids:
            ent = by_id[eid]
            add(Mention(s, e, ent["type"], eid, ent["name"], "nominal", 1))
    # 4. capitalised sequences
    if rules_lang != "hi":
        starts = _sent_starts(sentences)
        for m in _CAPS.finditer(text):
            toks = [(t.start() + m.start(), t.end() + m.start())
                    for t in re.finditer(r"\S+", m.group())]  # fmt: skip
            toks = [(a, b - 1) if text[b - 1] in ".’'-," and b - a > 1 else (a, b) for a, b in toks]
            while toks and (
                text[toks[0][0] : toks[0][1]].lower().strip(".") in STOP_CAPS
                or (
                    re.search(r"-[^\W\d_]*[a-zа-яё]", text[toks[0][0] : toks[0][1]][1:] + "")
                    and len(toks) > 1
                )
            ):
                toks = toks[1:]
            while toks and (
                text[toks[-1][0] : toks[-1][1]].lower() in CONNECTORS
                or text[toks[-1][0] : toks[-1][1]].lower() in STOP_CAPS
            ):
                toks = toks[:-1]
            if not toks:
                continue
            s, e = toks[0][0], toks[-1][1]
            words = [text[a:b] for a, b in toks]
            if e <= s or _overlaps_disjoint(taken, s, e):
                continue
            kind = _caps_type(text, s, e, words, rules_lang, pats, starts)
            if kind is None:
                continue
            add(Mention(s, e, kind, "", text[s:e], "caps", 0))
    # 6. common-noun groups
    if pats["groups"] is not None:
        groups = GROUPS[rules_lang]
        for m in pats["groups"].finditer(text):
            key = groups[int(m.lastgroup[1:])][1] if m.lastgroup else "victims"
            s, e = m.start(), m.end()
            grp = m.group()
            low = grp.lower()
            for art in ("the ", "as ", "os "):
                if low.startswith(art):
                    s += len(art)
                    break
            add(Mention(s, e, "GROUP", f"group:{key}", GROUP_NAMES.get(key, key), "group", 0))
    found.sort(key=lambda m: m.start)
    # 5. pronouns -> closest person in this or the previous sentence
    if pats["pronoun"] is not None:
        persons = [m for m in found if m.type == "PER"]
        if persons:
            sent_list = sorted(sentences)
            for m in pats["pronoun"].finditer(text):
                if _overlaps_disjoint(taken, m.start(), m.end()):
                    continue
                si = _sentence_index(sent_list, m.start())
                lo = sent_list[si - 1][0] if si > 0 else 0
                prev = [p for p in persons if lo <= p.start < m.start()]
                if not prev:
                    continue
                p = prev[-1]
                add(Mention(m.start(), m.end(), "PER", p.key, p.name, "pronoun", 0, p.start))
        found.sort(key=lambda m: m.start)
    return found


def _skip_ws(text: str, i: int) -> int:
    # skip whitespace only (the government noun must follow the demonym)
    j = i
    while j < len(text) and text[j] in " \t\u00a0":
        j += 1
    return j


def _sentence_index(sentences: Sequence[tuple[int, int]], offset: int) -> int:
    lo = 0
    for i, (s, _) in enumerate(sentences):
        if s <= offset:
            lo = i
        else:
            break
    return lo


def _caps_type(
    text: str,
    s: int,
    e: int,
    words: list[str],
    lang: str,
    pats: dict[str, re.Pattern[str] | None],
    starts: set[int],
) -> str | None:
    lowered = [w.lower().strip(".,'’") for w in words]
    if any(w in EVENT_WORDS for w in lowered):
        return None
    if any(w in ORG_WORDS for w in lowered):
        return "ORG"
    if any(w in PLACE_WORDS for w in lowered):
        return "GPE"
    core = text[s:e]
    if len(words) == 1 and core.isupper() and 2 <= len(core) <= 6 and core.isalpha():
        return "ORG"
    before = text[max(0, s - 40) : s]
    title_re = pats["title"]
    if title_re is not None and title_re.search(before):
        return "PER"
    if len(words) == 1:
        # single capitalised word: a place after a preposition ("in Zorvania"), else
        # only as a (later) surname of a named person
        if s in starts or _at_line_start(text, s):
            return None
        prev = PREP_BEFORE_PLACE.get(lang)
        if prev is not None and prev.search(text, max(0, s - 12), s):
            return "GPE"
        return "SURNAME"
    if all(w[:1].isupper() for w in words) and len(words) <= 4:
        return "PER" if len(words) <= 3 else "ORG"
    return "ORG"


PREP_BEFORE_PLACE = {
    lang: re.compile(rf"(?<![\w-])(?:{p})\s+$")
    for lang, p in {
        "en": "in|from|to|into|of|against|across|for",
        "ru": "в|во|из|против|для",
        "bg": "в|във|от|срещу|за",
        "pt": "em|na|no|da|do|de|contra|para",
    }.items()
}


def _at_line_start(text: str, s: int) -> bool:
    j = s - 1
    while j >= 0 and text[j] in " \t\"“«„'(":
        j -= 1
    return j < 0 or text[j] in "\r\n.!?:"


def _stem_match(a: str, b: str) -> bool:
    """Same surname up to an inflection ending (3 letters)."""
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    n = min(len(a), len(b))
    if n < 4:
        return False
    k = 0
    while k < n and a[k] == b[k]:
        k += 1
    return k >= max(4, max(len(a), len(b)) - 3)


def merge(mentions: list[Mention]) -> list[Entity]:
    """Group mentions into entities: gazetteer id, surname of a full name, same name."""
    entities: dict[str, Entity] = {}
    order: list[str] = []

    def get(key: str, name: str, type_: str) -> Entity:
        if key not in entities:
            entities[key] = Entity(key, name, type_)
            order.append(key)
        return entities[key]

    people: list[Entity] = []
    at: dict[int, Entity] = {}
    pronouns: list[Mention] = []
    for m in mentions:
        if m.kind == "pronoun":
            pronouns.append(m)
            continue
        if m.kind == "caps":
            surface = m.name
            if m.type == "SURNAME":
                target = None
                for p in reversed(people):
                    last = p.name.split()[-1]
                    if _stem_match(last, surface) or _stem_match(p.name, surface):
                        target = p
                        break
                if target is None:
                    continue  # an unexplained single capitalised word: not an entity
                m.type, m.key = "PER", target.key
                target.mentions.append(m)
                at[m.start] = target
                continue
            key = f"caps:{m.type}:{_norm(surface)}"
            # inflected repeats of a multi-word name ("Фаиль Алсынов" / "Фаиля Алсынова")
            for p in people if m.type == "PER" else ():
                pw, sw = p.name.split(), surface.split()
                if len(pw) == len(sw) and all(
                    _stem_match(x, y) for x, y in zip(pw, sw, strict=True)
                ):
                    key = p.key
                    break
            ent = get(key, surface, m.type)
            m.key = key
        else:
            ent = get(m.key, m.name, m.type)
        ent.mentions.append(m)
        at[m.start] = ent
        if m.type == "PER" and ent not in people:
            people.append(ent)
    for m in pronouns:  # a pronoun joins the entity of its antecedent mention
        target = at.get(m.ref) if m.ref is not None else None
        if target is not None and target.type == "PER":
            m.key = target.key
            target.mentions.append(m)
    out = [entities[k] for k in order]
    for ent in out:
        ent.mentions.sort(key=lambda m: m.start)
    return [e for e in out if e.mentions]
