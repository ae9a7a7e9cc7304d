"""Tokenizer cuts: stable however many domain words the tables and guides teach jieba."""

from __future__ import annotations

from rag.tokenize import Tokenizer


def test_cuts_do_not_depend_on_how_many_domain_words_are_taught() -> None:
    """Words a text does not hold must not change its cuts (jieba's total count is kept)."""
    text = "项目二高质量数据量需要多少条，平台服务响应时间要多久，承担单位自筹多少"
    few = Tokenizer("jieba")
    many = Tokenizer("jieba", words=[f"甲乙丙{chr(0x4E00 + i)}{chr(0x4E80 + i)}" for i in range(3000)])
    assert few.words(text) == many.words(text)


def test_a_taught_word_is_still_cut_whole() -> None:
    assert "数据量需" in Tokenizer("jieba", words=["数据量需"]).words("高质量数据量需要多少")
