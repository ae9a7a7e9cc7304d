"""English for a guide's own words, from CC-CEDICT (rag/bilingual.py)."""

from __future__ import annotations

from rag.bilingual import MAX_SENSES, build_glossary, english_keys
from rag.parse import Document
from rag.query import vocabulary
from rag.tokenize import Tokenizer
from rag.topics import abbreviations


def test_definitions_give_words_and_short_phrases() -> None:
    assert english_keys("to cruise (of a ship)") == {"cruise"}
    assert english_keys("passenger flow") == {"passenger flow"}  # not "flow" or "passenger" alone
    assert english_keys("homestay; guesthouse") == {"homestay", "guesthouse"}
    assert english_keys("Lüda, name 1950-1981 for Dalian") == set()
    assert english_keys("CL:個|个[ge4]") == set()
    assert english_keys("surname Li") == set()


def test_guide_words_are_reached_from_english() -> None:
    table = build_glossary({"民宿", "巡航", "石窟"})
    assert table["homestay"] == "民宿"
    assert table["cruise"] == "巡航"
    assert table["grotto"] == "石窟"
    # Words with digits or Latin letters are the guide's own abbreviations, not looked up.
    assert build_glossary({"5G", "AI芯片"}) == {}


def test_a_word_glossing_many_guide_words_is_dropped(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    words = {"速度", "速率", "快速", "高速", "迅速", "巡航", "快捷"}
    assert all(len(v.split("|")) <= MAX_SENSES for v in build_glossary(words).values())
    monkeypatch.setattr("rag.bilingual.MAX_SENSES", 2)
    table = build_glossary(words)
    assert table["rate"] == "速度|速率"
    assert "fast" not in table  # 快速/迅速/快捷 all gloss it: it cannot choose


def test_the_hand_glossary_and_a_guides_terms_win() -> None:
    table = build_glossary({"巡航", "民宿"}, known=["cruise"])
    assert "cruise" not in table
    _, glossary = vocabulary({}, {"homestay": "乡村民宿"}, table)
    assert dict(glossary)["homestay"] == "乡村民宿"


def test_a_guides_field_abbreviation_is_found_in_its_own_text() -> None:
    tok = Tokenizer("both")
    doc = Document("d", "2025年重庆市文化旅游数字化项目申报指南", "推动文旅融合发展，打造文旅消费新场景。", [])
    assert "文旅" in abbreviations(doc, tok)
    unused = Document("d", "2025年重庆市文化旅游数字化项目申报指南", "推动文化和旅游融合发展。", [])
    assert abbreviations(unused, tok) == set()
