"""The word tables agree with each other: no word means two things, no entry can never fire.

rag/lexicon.py and rag/query.py hold product knowledge as tables (section synonyms, weak section
words, topic aliases, the English glossary, spoken rewrites, stopwords, words guides never say).
understand() reads them in a fixed order — rewrites, aliases, section words (removed from the
content), glossary — and evidence skips stopwords, so an entry that contradicts another is
either a wrong answer waiting for its question or dead code. Each test names the rule it checks.
"""

from __future__ import annotations

import ast

import pytest

from rag import lexicon as lx
from rag import query as qy
from rag.ingest import corpus_files, load_document
from rag.normalize import normalize
from rag.parse import Document
from tests.conftest import ROOT

SYNONYM_LABEL = {w: label for label, words in lx.SECTION_SYNONYMS.items() for w in words}
# Aliases moved to per-guide files elsewhere would leave this table out; the tests on it then skip.
TOPIC_ALIASES: dict[str, str] = getattr(lx, "TOPIC_ALIASES", {})

# Known exceptions, each deliberate: an English word glossed by a Chinese stopword asks for
# nothing in either language. "special" once sent questions to 其他说明 (holdout5); 提交 is one of
# the verbs that ask nothing (申请 获得 提交 …), and "submit" reads the same.
GLOSSED_AS_STOPWORD = {"special": "特殊", "submit": "提交", "submission": "提交"}
# Dead, harmless entries: zhconv already turns 晶片 into 芯片 and 人工智慧 into 人工智能 before the
# rewrites run. Left in place only because another change edits that line of SPOKEN_REWRITES now;
# delete both (and this exception) once it has merged.
KNOWN_DEAD = {"晶片", "人工智慧"}


def _terms(value: str) -> list[str]:
    # "响应时间|实时性|时延": several renderings of one word (see Evidence.coverage).
    return [t for t in value.split("|") if t]


def _guides() -> list[Document]:
    return [load_document(f) for f in corpus_files(ROOT / "corpus")]


TABLES: dict[str, list[str]] = {
    "SECTION_SYNONYMS": list(SYNONYM_LABEL),
    "WEAK_SECTION_WORDS": list(qy.WEAK_SECTION_WORDS),
    "TOPIC_ALIASES": list(TOPIC_ALIASES),
    "ENGLISH_GLOSSARY": list(lx.ENGLISH_GLOSSARY),
    "SPOKEN_REWRITES": list(lx.SPOKEN_REWRITES),
    "STOPWORDS": sorted(lx.STOPWORDS),
    "OFF_GUIDE": sorted(lx.OFF_GUIDE),
    "NUMBER_WORDS": list(qy.NUMBER_WORDS),
}


@pytest.mark.parametrize("table", TABLES)
def test_every_entry_is_written_as_questions_are_read(table: str) -> None:
    # Questions are matched after normalize() (simplified, half-width, lower case): 晶片 arrives
    # as 芯片 and 吗？ as 吗?, so an entry in another form never fires.
    dead = [w for w in TABLES[table] if normalize(w) != w and w not in KNOWN_DEAD]
    assert not dead, f"{table}: {dead} never match normalised text (normalize gives {[normalize(w) for w in dead]})"


def test_a_section_word_names_one_section() -> None:
    seen: dict[str, str] = {}
    clash = []
    for label, words in lx.SECTION_SYNONYMS.items():
        for w in words:
            if seen.get(w, label) != label:
                clash.append((w, seen[w], label))
            seen[w] = label
    assert not clash


def test_weak_section_words_agree_with_the_synonym_table() -> None:
    for word, label in qy.WEAK_SECTION_WORDS.items():
        assert label in lx.SECTION_SYNONYMS, (word, label)
        assert SYNONYM_LABEL.get(word, label) == label, (word, label, SYNONYM_LABEL[word])
    assert qy.CONTENT_SECTION_WORDS <= set(SYNONYM_LABEL)


def test_no_strong_section_word_is_a_stopword() -> None:
    # A strong section word says what is asked; a stopword says the word asks nothing. A weak
    # word only hints at a section and may ask nothing itself ("about": a hint, holdout8).
    strong = set(SYNONYM_LABEL) - set(qy.WEAK_SECTION_WORDS)
    assert not strong & lx.STOPWORDS
    assert not set(lx.SECTION_SYNONYMS) & lx.STOPWORDS


def test_words_that_must_count_are_not_stopwords() -> None:
    # Evidence skips stopwords, so each of these would silently count for nothing.
    assert not lx.OFF_GUIDE & lx.STOPWORDS  # "the guide has no 邮箱" needs 邮箱 as a term
    assert not {t for v in TOPIC_ALIASES.values() for t in _terms(v)} & lx.STOPWORDS
    glossed = {k: v for k, v in lx.ENGLISH_GLOSSARY.items() if set(_terms(v)) & lx.STOPWORDS}
    assert glossed == GLOSSED_AS_STOPWORD


def test_no_entry_is_shadowed_by_an_earlier_table() -> None:
    # Rewrites run first and replace their key; section words are then cut from the content
    # (except CONTENT_SECTION_WORDS): the same key in a later table would never be seen.
    rewrites = set(lx.SPOKEN_REWRITES)
    assert not rewrites & (set(SYNONYM_LABEL) | set(lx.ENGLISH_GLOSSARY) | set(TOPIC_ALIASES))
    assert not (set(lx.ENGLISH_GLOSSARY) & set(SYNONYM_LABEL)) - qy.CONTENT_SECTION_WORDS
    assert not set(TOPIC_ALIASES) & set(SYNONYM_LABEL)


def test_a_stopword_rewritten_is_rewritten_to_nothing() -> None:
    # 交差 is both a stopword and a rewrite: both must say it asks nothing.
    both = {k: v for k, v in lx.SPOKEN_REWRITES.items() if k in lx.STOPWORDS}
    assert all(not v.strip() for v in both.values()), both


def test_offguide_words_have_a_way_in() -> None:
    # A word guides never say is only reached from a question in the guide's language or
    # through the glossary; OFF_GUIDE words must not be section words either.
    assert not lx.OFF_GUIDE & set(SYNONYM_LABEL)
    glossed = {t for v in lx.ENGLISH_GLOSSARY.values() for t in _terms(v)}
    assert all(w in glossed or not w.isascii() for w in lx.OFF_GUIDE)


def test_section_labels_are_the_guides_own_headings() -> None:
    headings = {s.heading for d in _guides() for p in d.projects for s in p.sections}
    assert set(lx.SECTION_SYNONYMS) <= headings, set(lx.SECTION_SYNONYMS) - headings


def test_topic_aliases_name_a_word_of_some_project_title() -> None:
    if not TOPIC_ALIASES:
        pytest.skip("no TOPIC_ALIASES table in rag/lexicon.py")
    titles = [p.title for d in _guides() for p in d.projects]
    unknown = {a: t for a, t in TOPIC_ALIASES.items() if not any(t in title for title in titles)}
    assert not unknown


def test_a_word_in_two_vocabularies_points_at_one_project() -> None:
    # "vehicles" names the 智驾 project (alias) and is 汽车 in its text (glossary): both tables
    # must lead to the same project, or the word would pull two ways.
    if not TOPIC_ALIASES:
        pytest.skip("no TOPIC_ALIASES table in rag/lexicon.py")
    projects = [p for d in _guides() for p in d.projects]
    for word in set(TOPIC_ALIASES) & set(lx.ENGLISH_GLOSSARY):
        named = [p for p in projects if TOPIC_ALIASES[word] in p.title]
        texts = [d.text[p.start : p.sections[-1].end] for d in _guides() for p in d.projects if p in named]
        text = "".join(texts)
        assert any(t in text for t in _terms(lx.ENGLISH_GLOSSARY[word])), (word, TOPIC_ALIASES[word])


@pytest.mark.parametrize("path", ["rag/lexicon.py", "rag/query.py"])
def test_no_dict_literal_repeats_a_key(path: str) -> None:
    # Python keeps the last of two equal keys silently: the first meaning would be lost unseen.
    repeated = []
    for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            repeated += sorted({k for k in keys if keys.count(k) > 1})
    assert not repeated, f"{path}: {repeated}"


def test_the_checks_catch_a_conflict(monkeypatch: pytest.MonkeyPatch) -> None:
    # The rules above are live: a planted contradiction of each kind fails them.
    monkeypatch.setattr(lx, "STOPWORDS", lx.STOPWORDS | {"出资"})
    with pytest.raises(AssertionError):
        test_no_strong_section_word_is_a_stopword()
    monkeypatch.setattr(lx, "SPOKEN_REWRITES", {**lx.SPOKEN_REWRITES, "出资": "资金"})
    with pytest.raises(AssertionError):
        test_no_entry_is_shadowed_by_an_earlier_table()
    monkeypatch.setattr(lx, "SECTION_SYNONYMS", {**lx.SECTION_SYNONYMS, "实施周期": ("出资",)})
    with pytest.raises(AssertionError):
        test_a_section_word_names_one_section()
