"""How an ask is framed: what is set aside, who is described, how broadly, per what (issue 11)."""

from __future__ import annotations

import pytest

from rag.answer import Evidence
from rag.coverage import Coverage, attribute_word
from rag.lexicon import STOPWORDS
from rag.normalize import normalize
from rag.query import understand
from rag.types import Chunk, Clause


def _chunk(project: str, section: str, text: str, doc: str = "g") -> Chunk:
    return Chunk(f"{doc}#{project}#{section}", doc, "指南", project, "某平台研发", section, 1, text, 0, len(text),
                 (Clause(text, 0, len(text)),), project_no=1)


def test_what_is_set_aside_is_not_asked() -> None:
    q = understand("那个项目除了培养博士以外，培养硕士研究生有没有数量要求？")
    assert "博士" not in q.content and "硕士" in q.content
    q = understand("除了市级财政的钱，区县那边还会不会再配套？")
    assert "市级" not in q.content and "区县" in q.content or "区级" in q.content


def test_a_project_described_before_the_ask_is_a_descriptor() -> None:
    q = understand("搞“智能小脑”那个自动驾驶项目，云端要准备多少张卡？")
    assert q.descriptor.endswith("项目") and "云端" in q.after_descriptor
    # A project named by number has nothing to describe; a question that is all description neither.
    assert understand("项目三那个平台，云端要多少张卡？").descriptor == ""
    assert understand("那个项目要多少钱").descriptor == ""


def test_descriptor_words_weigh_less_than_the_ask(engine) -> None:  # type: ignore[no-untyped-def]
    from rag.answer import evidence_for

    q = understand("做遥感影像分析的那个项目，要培养几个博士？", engine.topics, engine.segment)
    ev = evidence_for(q, engine.retriever)
    weight = dict(zip(ev.terms, ev.weights, strict=True))
    assert weight["博士"] > weight["遥感"]


@pytest.mark.parametrize("word", ["满足", "态度", "会"])
def test_the_frame_of_an_ask_is_no_content(word: str) -> None:
    assert word in STOPWORDS


def test_how_broadly_one_asks_is_no_content() -> None:
    assert "总体" not in understand("想问一下总体上申报单位需要满足什么条件？").content


def test_general_asks_across_projects_answer_each_project(engine) -> None:  # type: ignore[no-untyped-def]
    for question in ("申报单位需要满足什么条件？", "这批项目对产学研合作是什么态度？"):
        ans = engine.ask(question)
        assert ans.answered and len({c.project for c in ans.citations}) > 1
        assert all(c.section == "申报条件" for c in ans.citations)


@pytest.mark.parametrize("term", ["每吨", "每瓦", "每度"])
def test_per_unit_words_are_units_not_attributes(term: str) -> None:
    assert not attribute_word(term)


def test_the_project_period_qualifies_a_target() -> None:
    # Another guide sets 执行期内新增销售收入; this project writes 执行期内，实现新增销售收入: not a gap.
    text = "项目执行期内，实现新增销售收入≥1.2 亿元"
    cov = Coverage([_chunk("项目一", "考核指标", text), _chunk("项目二", "考核指标", "执行期内新增销售收入≥1 亿元", "h")])
    ev = Evidence(["新增销售收入"], [4.0])
    assert cov.gap("g", "项目一", "考核指标", ev, lambda _t: True, normalize("项目一执行期内新增销售收入要达到多少？"),
                   span=text) is None


def test_a_long_measure_of_a_target_is_not_the_period() -> None:
    q = understand("项目三的无线监测终端电池续航要求多长？")
    assert q.sections == [] and "实施周期" in q.weak_sections
    assert understand("项目三做多长时间").sections == ["实施周期"]


def test_a_value_asked_of_a_metric_the_span_does_not_name_is_no_answer() -> None:
    from rag.coverage import unheld_attribute

    ev = Evidence(["参数量"], [5.0])  # (the magnitude 亿 is no evidence: see evidence_for)
    assert unheld_attribute("多模态大模型的参数量要达到多少亿?", ev, "实现大模型相关产品销售收入≥5 亿") == "参数量"
    # Held in part (characters apart) or in whole, the metric is named; a yes/no ask is not a value.
    assert unheld_attribute("参数量要达到多少亿?", ev, "模型参数规模≥100 亿，数量≥3") is None
    assert unheld_attribute("有没有参数量要求?", ev, "销售收入≥5 亿") is None


def test_a_limit_per_applicant_is_the_general_parts(engine) -> None:  # type: ignore[no-untyped-def]
    # The first guide has no general part: whichever projects are named, it does not say.
    ans = engine.ask("一家企业能同时申报项目一和项目四吗？")
    assert not ans.answered and "总体部分" in ans.note


def test_the_measure_asked_names_the_metric_as_well() -> None:
    from rag.coverage import unheld_attribute

    # 多大一块地方 is an area: 面积≥50km2 names it though it shares no word; 帧 names 检测帧数.
    assert unheld_attribute("覆盖多大一块地方?", Evidence(["覆盖", "地方"], [4.0, 4.0]), "应用示范面积≥50km2") is None
    assert unheld_attribute("一秒钟要处理多少帧画面?", Evidence(["画面", "帧"], [5.0, 2.0]), "检测帧数≥30fps") is None


def test_a_magnitude_is_no_evidence(engine) -> None:  # type: ignore[no-untyped-def]
    from rag.answer import evidence_for

    q = understand("项目二的销售收入要多少亿？", engine.topics, engine.segment)
    assert "亿" not in evidence_for(q, engine.retriever).terms


def test_a_general_ask_after_a_story_naming_a_project_is_the_general_parts() -> None:
    q = understand("我们准备报项目四，想问一下审核推荐最晚什么时候完成？")
    assert not q.has_project


def test_spoken_money_is_yuan_not_the_grant() -> None:
    q = understand("项目六的芯片一片成本是不是得压到三十块钱以内？")
    assert "资助强度" not in q.sections
