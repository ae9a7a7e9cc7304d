"""Hostile questions built from the product's own word tables, and `rag bench --adversarial`.

A question is hostile when its words combine in ways the query path must not pay for: stopwords
glued without spaces (请问需要 …, whomany …), section and project words repeated, long
alternative chains (A或B或C…), conditions, numerals in every script, brackets, zero-width and
bidi characters — up to the question length limit. `tests/robustness/test_worst_case.py` builds
the same families with Hypothesis; the bench draws them from a seeded generator.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rag.lexicon import (
    ENGLISH_GLOSSARY,
    ENGLISH_NUMBERS,
    NUMERALS,
    SECTION_SYNONYMS,
    SPOKEN_REWRITES,
    STOPWORDS,
)

if TYPE_CHECKING:
    from rag.engine import Engine

# Digits of other scripts, full width, circled, Roman, superscript: all fold or fail somewhere.
NUMERAL_SCRIPTS = ["０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "①②③④⑤⑥⑦⑧⑨⑩", "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ",
                   "¹²³⁴⁵⁶⁷⁸⁹⁰", "〇一二三四五六七八九十百千万亿", "零壹贰叁肆伍陆柒捌玖拾佰仟", "0123456789"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
             "\u2066", "\u2067", "\u2068", "\u2069", "\u061c", "\u00ad", "\u180e"]
BRACKETS = list("（）()【】[]《》<>{}「」『』〔〕")
EITHER = ["或", "或者", "或是", "/", "、", "和", "与", "及", " or ", " and "]
CONDITIONS = ["不少于", "不超过", "超过", "低于", "至少", "以上", "以下", "以内", "≥", "≤", "more than ", "at least "]
PROJECT_FORMS = ["项目{}", "第{}个项目", "{}号项目", "第{}项", "倒数第{}个项目", "project {}", "p{}", "第 {} 个 的 那 个 项目"]


def _topic_words() -> list[str]:
    """Return the loaded guides' topic aliases and their targets (the corpus's aliases files)."""
    from rag.aliases import SUFFIX, load_aliases
    from rag.settings import Settings

    words: set[str] = set()
    corpus = Settings.from_env().corpus_dir
    for path in sorted(corpus.glob("*" + SUFFIX)) if corpus.is_dir() else []:
        try:
            topics = load_aliases(path).topics
        except ValueError:
            continue  # a broken aliases file is the build's to report, not the bench's
        words |= set(topics) | set(topics.values())
    return sorted(words)


def word_tables() -> dict[str, list[str]]:
    """Return the families of pieces hostile questions are built from (the product's own words)."""
    sections = sorted({w for words in SECTION_SYNONYMS.values() for w in words} | set(SECTION_SYNONYMS))
    numerals = sorted(NUMERALS) + sorted(ENGLISH_NUMBERS) + [str(i) for i in range(1, 100)]
    return {
        "stopword": sorted(STOPWORDS),
        "section": sections,
        "topic": _topic_words() or sections,
        "glossary": sorted(ENGLISH_GLOSSARY),
        "spoken": sorted(SPOKEN_REWRITES),
        "numeral": numerals + [ch for s in NUMERAL_SCRIPTS for ch in s],
        "either": EITHER,
        "condition": CONDITIONS,
        "bracket": BRACKETS,
        "invisible": INVISIBLE,
        "project": [f.format(n) for f in PROJECT_FORMS for n in ("四", "12", "两", "肆", "four", "99", "0")],
    }


def hostile_questions(n: int, max_chars: int = 500, seed: int = 12) -> list[str]:
    """Return n hostile questions of up to max_chars characters (most near the limit)."""
    rng = random.Random(seed)
    tables = word_tables()
    out: list[str] = []
    while len(out) < n:
        size = max_chars if rng.random() < 0.7 else rng.randint(20, max_chars)
        text = _hostile(rng, tables, len(out) % 6, size).strip()[:max_chars].strip()
        if text:
            out.append(text)
    return out


def _hostile(rng: random.Random, tables: dict[str, list[str]], kind: int, size: int) -> str:
    names = sorted(tables)
    parts: list[str] = []
    if kind == 0:  # one family glued without spaces: the splitting worst case
        fam = tables[rng.choice(names)]
        pieces = [rng.choice(fam) for _ in range(rng.randint(1, 3))]
        while sum(map(len, parts)) < size:
            parts.append(rng.choice(pieces))
    elif kind == 1:  # an alternative chain: A或B或C…
        fam = tables[rng.choice(["section", "topic", "stopword", "glossary", "numeral"])]
        sep = rng.choice(EITHER)
        while sum(map(len, parts)) < size:
            parts.append(rng.choice(fam) + sep)
    elif kind == 2:  # any pieces of every family, with or without spaces
        sep = rng.choice(["", " ", "", "\u200b"])
        while sum(map(len, parts)) < size:
            parts.append(rng.choice(tables[rng.choice(names)]) + sep)
    elif kind == 3:  # conditions and numbers: 不少于10项以上或超过三年
        sep = rng.choice(["", "或", "，"])
        while sum(map(len, parts)) < size:
            parts.append(rng.choice(CONDITIONS) + rng.choice(tables["numeral"]) * rng.randint(1, 4)
                         + rng.choice(["项", "个", "年", "万元", "%", ""]) + sep)
    elif kind == 4:  # one character or one short piece repeated (aaaa…, 的的的…, 1111…, spaces)
        unit = rng.choice(["a", "的", "1", "几", " ", "项目", "第", "?", "。", "ab", "请问", "whomany", "号"])
        parts = [(unit * size)[: size - 2], rng.choice(["zq", "？", "吗", "项目"])]
    else:  # a real question buried in brackets, invisible characters and repeats
        core = rng.choice(tables["project"]) + rng.choice(tables["section"])
        while sum(map(len, parts)) < size:
            parts.append(rng.choice(BRACKETS) + rng.choice(INVISIBLE) + core)
    return "".join(parts)[:size]


@dataclass
class AdversarialReport:
    """Warm latency of the engine over hostile questions, each answered with every cache cleared."""

    n: int
    max_chars: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    slowest: str
    too_complex: int = 0
    errors: int = 0
    max_steps: int = 0
    # A short question's bare model call in the same run: the machine's speed at that moment.
    embed_floor_ms: float = 0.0
    slowest_five: list[tuple[float, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def run_adversarial(engine: Engine, n: int = 1000, max_chars: int = 500, seed: int = 12) -> AdversarialReport:
    """Answer n hostile questions warm (caches cleared each time); return their latency figures."""
    from rag.errors import QuestionError, QuestionTooComplex

    questions = hostile_questions(n, max_chars, seed)
    engine.warm_up()
    cache = getattr(engine.encoder, "_cache", None)
    timed: list[tuple[float, str]] = []
    too_complex = errors = max_steps = 0
    for q in questions:
        engine.answers.clear()
        if cache is not None:
            cache.clear()
        t = time.perf_counter()
        try:
            engine.ask(q)
        except QuestionTooComplex:
            too_complex += 1
        except QuestionError:
            errors += 1
        timed.append(((time.perf_counter() - t) * 1000, q))
        max_steps = max(max_steps, engine.last_steps)
    timed.sort()
    ms = [t for t, _ in timed]
    floor = 0.0
    if engine.encoder is not None:
        runs = []
        for _ in range(21):
            t = time.perf_counter()
            engine.encoder.encode(["项目四出资要求"], kind="passage")  # "passage": not the query cache
            runs.append((time.perf_counter() - t) * 1000)
        floor = round(sorted(runs)[10], 2)

    def pct(p: float) -> float:
        return round(ms[min(len(ms) - 1, int(p * (len(ms) - 1) + 0.5))], 2)

    return AdversarialReport(len(ms), max_chars, pct(0.5), pct(0.99), round(ms[-1], 2), timed[-1][1], too_complex,
                             errors, max_steps, floor, [(round(t, 2), q) for t, q in timed[-5:][::-1]])


def write(report: AdversarialReport, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
