"""Targets asked in other words than the guide's, and the near misses that must still abstain (issue 11)."""

from __future__ import annotations

import pytest

from rag.answer import SPOKEN_AMOUNT, Evidence
from rag.coverage import Coverage, attribute_word, retarget
from rag.lexicon import STOPWORDS
from rag.normalize import normalize
from rag.types import Chunk, Clause

TARGETS = "预期目标"


def _chunk(project: str, section: str, text: str, doc: str = "g", role: str = "考核指标") -> Chunk:
    return Chunk(f"{doc}#{project}#{section}", doc, "指南", project, "某平台研发", section, 1, text, 0, len(text),
                 (Clause(text, 0, len(text)),), project_no=1, role=role)


def _gap(text: str, terms: list[str], question: str, other: str = "培养博士研究生≥2 名") -> str | None:
    cov = Coverage([_chunk("项目一", TARGETS, text), _chunk("项目二", TARGETS, other, "h")])
    ev = Evidence(terms, [4.0] * len(terms))
    g = cov.gap("g", "项目一", TARGETS, ev, lambda _t: True, normalize(question), span=text)
    return g.note if g else None


@pytest.mark.parametrize("word", ["一次", "以后", "时候", "户数", "台数", "结果"])
def test_when_how_often_and_counts_in_a_measure_are_no_attribute(word: str) -> None:
    assert not attribute_word(word)


def test_a_word_guides_use_for_a_target_is_still_an_attribute() -> None:
    assert attribute_word("博士") and attribute_word("利用率")


def test_a_rate_written_as_a_coefficient_is_said() -> None:
    text = "示范区灌溉水利用系数提高到 0.75 以上，节水≥20%"
    assert _gap(text, ["利用率"], "灌溉水利用率要做到多少？", other="水资源利用率≥60%") is None


def test_sales_written_as_sales_amount_is_said() -> None:
    text = "示范产品销售额≥5 亿元"
    assert _gap(text, ["收入"], "示范产品的收入要求是多少？", other="销售收入≥1 亿元") is None


def test_either_of_two_targets_the_project_lacks_is_a_near_miss() -> None:
    # 销售收入或新增产值 of a project that sets neither: the alternatives term does not hide the gap.
    text = "完成≥200 个路口的智能化改造，授权发明专利≥10 项"
    note = _gap(text, ["销售收入|新增产值"], "执行期内要求实现多少销售收入或新增产值？", other="新增产值≥3 亿元")
    assert note is not None and "销售收入或新增产值" in note
    # … while a project that sets one of them answers.
    assert _gap("新增产值≥3 亿元", ["销售收入|新增产值"], "要求实现多少销售收入或新增产值？",
                other="新增产值≥1 亿元") is None


def test_a_target_the_project_lacks_is_still_a_near_miss() -> None:
    assert _gap("授权发明专利≥5 项", ["博士"], "要培养几个博士？") is not None


@pytest.mark.parametrize("word", ["或者", "自己", "够不够", "左右"])
def test_joiners_and_the_askers_frame_are_no_content(word: str) -> None:
    assert word in STOPWORDS


@pytest.mark.parametrize("term", ["二十", "二十度", "三天", "几秒钟", "多少公里"])
def test_a_figure_or_a_measure_in_chinese_numerals_is_no_evidence(term: str) -> None:
    assert SPOKEN_AMOUNT.fullmatch(term)


@pytest.mark.parametrize("term", ["一体", "十大", "坡度"])
def test_words_with_a_numeral_are_still_words(term: str) -> None:
    assert not SPOKEN_AMOUNT.fullmatch(term)


def _project(*sections: tuple[str, str, str]) -> tuple[list[Chunk], str]:
    """Return a project's chunks, one clause per "；"-separated part as the parser cuts them."""
    text, chunks = "", []
    for name, role, body in sections:
        start = len(text)
        text += body + "\n"
        clauses, at = [], start
        for part in body.split("；"):
            clauses.append(Clause(part, at, at + len(part)))
            at += len(part) + 1
        chunks.append(Chunk(f"g#项目一#{name}", "g", "指南", "项目一", "某装备研发", name, 1, body, start,
                            start + len(body), tuple(clauses), project_no=1, role=role))
    return chunks, text


def test_a_problem_statements_figure_is_no_target_value() -> None:
    chunks, text = _project(("研究内容", "拟解决问题", "研制适用于 25 度以下坡地的小型智能拖拉机"),
                            (TARGETS, "考核指标", "整机质量≤1.2 吨，坡地作业最大坡度≥25°"))
    ev = Evidence(["坡"], [3.0])
    moved = retarget(chunks, text, normalize("农机要在多陡的坡上能干活？"), ev, (chunks[0], chunks[0].start, chunks[0].end))
    assert moved is not None and moved[0].section == TARGETS and "坡度≥25°" in text[moved[1] : moved[2]]


def test_the_one_metric_in_the_unit_asked_answers_it() -> None:
    # 拍张照片要几秒钟出结果: none of the asker's words is in the metric; its unit is, and only it has one.
    chunks, text = _project((TARGETS, "考核指标", "病虫害识别种类≥30 种；图像识别响应时间≤2 秒；产量预测误差≤10%"))
    ev = Evidence(["照片", "手机"], [6.0, 6.0])
    moved = retarget(chunks, text, normalize("果农拍张照片要几秒钟出结果？"), ev, (chunks[0], chunks[0].start, chunks[0].end))
    assert moved is not None and text[moved[1] : moved[2]].endswith("≤2 秒")


def test_two_metrics_in_the_unit_asked_leave_the_choice_to_the_words() -> None:
    chunks, text = _project((TARGETS, "考核指标", "识别响应时间≤2 秒；数据上传间隔≤60 秒"))
    ev = Evidence(["照片"], [6.0])
    assert retarget(chunks, text, normalize("拍张照片要几秒钟？"), ev, (chunks[0], chunks[0].start, chunks[0].end)) is None


def test_an_error_asked_as_a_deviation_finds_the_precision(engine) -> None:  # type: ignore[no-untyped-def]
    from rag.answer import evidence_for
    from rag.query import understand

    q = understand("项目一定位的偏差要控制在多少以内？", engine.topics, engine.segment)
    assert any("精度" in t.split("|") and "偏差" in t.split("|") for t in evidence_for(q, engine.retriever).terms)


def test_a_rank_or_a_head_count_names_no_metric_by_its_unit() -> None:
    # 第几名 is a rank, not the one metric counted in people (服务群众≥1000 万人次).
    chunks, text = _project((TARGETS, "考核指标", "在主流视觉数据集上达到Top3性能；服务群众≥1000 万人次"))
    q = normalize("在主流视觉数据集上要达到第几名？")
    assert retarget(chunks, text, q, Evidence(["名次"], [3.0]), (chunks[0], chunks[0].start, chunks[0].end)) is None


def test_either_of_two_asked_words_is_no_modifier_of_a_third() -> None:
    # 制定几项国家或者团体标准 of a project that sets no standard: 国家 elsewhere in the span does not
    # make 制定 a mere modifier.
    note = _gap("面向国家西部陆海新通道建设开展场景示范应用，降低资源消耗量≥20%", ["制定", "国家|团体标准"],
                "要求制定几项国家或者团体标准？", other="制定国家或行业标准≥2 项")
    assert note is not None


@pytest.mark.parametrize("question,named", [
    ("可穿戴监测项目的执行期限是多久？", True), ("项目三实施周期多长", True), ("项目七的执行期是几年", True),
    ("让它写一份研究报告，多长时间出结果？", False), ("执行期内销售收入要多少", False), ("定位收敛要多久？", False),
    ("多长时间之内要调度完？不是问项目周期哈。", False), ("耕地变化监测周期要求多少天？", False),
])
def test_the_period_is_named_by_its_heading_not_by_a_length(question: str, named: bool) -> None:
    from rag.engine import period_named

    assert period_named(normalize(question)) is named


def test_a_guides_name_forms_said_once_count_once() -> None:
    from rag.topics import GuideNames, named_guides

    names = {"bio": GuideNames({2024}, 1, {"生物医药"}),
             "dev": GuideNames({2025}, 1, {"医疗器械", "高端医疗器械", "医疗器械科技"})}
    # Year and field name the first; 医疗器械 (one phrase, three name forms) names the second once.
    assert named_guides(normalize("2024年生物医药专项医疗器械领域的项目分别要求授权多少项发明专利？"), names) == ["bio"]
    assert named_guides(normalize("2025年高端医疗器械专项的截止时间"), names) == ["dev"]
