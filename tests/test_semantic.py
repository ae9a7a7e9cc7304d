"""The dense fallback's margin rules (rag/semantic.py), with vectors chosen by the test."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from rag.answer import Evidence
from rag.query import understand
from rag.semantic import Calibration, Semantic, asked_part, split_description
from rag.types import Chunk, Clause

TEXT = "考核指标：CPU≥15000 核，存储≥20 PB；语种≥6 个；用户≥2000 人；成果开放共享"


def _chunk() -> Chunk:
    body = TEXT[len("考核指标：") :]
    start = len("考核指标：")
    clauses, pos = [], start
    for piece in body.split("；"):
        clauses.append(Clause(piece, pos, pos + len(piece)))
        pos += len(piece) + 1
    return Chunk("d#项目一#考核指标", "d", "指南", "项目一", "某平台", "考核指标", 2, body, start, len(TEXT),
                 tuple(clauses), project_no=1, role="考核指标")


def _semantic(ask_vec: np.ndarray, group_vecs: np.ndarray, **cal: float) -> Semantic:
    from rag.semantic import metric_spans

    chunk = _chunk()
    spans = metric_spans([chunk], {"d": TEXT})
    assert [TEXT[a:b] for _, a, b in spans] == ["CPU≥15000 核", "存储≥20 PB", "语种≥6 个", "用户≥2000 人", "成果开放共享"]
    projects = [("d", 1), ("d", 2), ("d", 3)]
    return Semantic([chunk], {"d": TEXT}, spans, group_vecs, projects, np.eye(3, 8, dtype=np.float32),
                    lambda text: ask_vec, Calibration(**cal))  # type: ignore[arg-type]


def _unit(i: int, n: int = 8) -> np.ndarray:
    v = np.zeros(n, dtype=np.float32)
    v[i] = 1.0
    return v


NO_WORDS = Evidence([], [])


def test_a_group_that_stands_out_answers() -> None:
    groups = np.stack([_unit(i) for i in range(5)])
    pick = _semantic(_unit(2), groups).best_metric(("d", 1), "讲几种语言", NO_WORDS, wants_number=True)
    assert pick is not None and TEXT[pick.start : pick.end] == "语种≥6 个"
    assert pick.z >= Calibration().min_z and pick.margin >= Calibration().margin


def test_two_groups_alike_abstain_on_the_margin() -> None:
    groups = np.stack([_unit(i) for i in range(5)])
    both = (_unit(0) + _unit(1)) / np.sqrt(2)  # as close to CPU as to storage
    assert _semantic(both, groups).best_metric(("d", 1), "服务器配置要多少", NO_WORDS, wants_number=True) is None


def test_a_weak_lead_abstains_on_the_floor() -> None:
    # Similarities falling evenly (0.30, 0.29, …): the best stands only 1.4 deviations above the mean.
    sims = [0.30, 0.29, 0.28, 0.27, 0.26]
    groups = np.stack([a * _unit(0) + np.sqrt(1 - a * a) * _unit(i + 1) for i, a in enumerate(sims)])
    assert _semantic(_unit(0), groups, margin=0.0).best_metric(("d", 1), "要多少", NO_WORDS, wants_number=False) is None
    loose = _semantic(_unit(0), groups, margin=0.0, min_z=1.0)
    pick = loose.best_metric(("d", 1), "要多少", NO_WORDS, wants_number=False)
    assert pick is not None and TEXT[pick.start : pick.end] == "CPU≥15000 核"


def test_a_number_question_only_takes_groups_with_a_number() -> None:
    groups = np.stack([_unit(i) for i in range(5)])
    sem = _semantic(_unit(4), groups, min_candidates=3)  # closest to 成果开放共享, which has no number
    pick = sem.best_metric(("d", 1), "数据是不是要给别人用", NO_WORDS, wants_number=False)
    assert pick is not None and TEXT[pick.start : pick.end] == "成果开放共享"
    assert sem.best_metric(("d", 1), "几个", NO_WORDS, wants_number=True) is None


def test_words_found_add_to_meaning() -> None:
    groups = np.stack([_unit(i) for i in range(5)])
    both = (_unit(0) + _unit(1)) / np.sqrt(2)
    words = Evidence(["存储"], [1.0])  # the tie on meaning is broken by a word the group holds
    assert _semantic(both, groups, min_z=1.0).best_metric(("d", 1), "存储要多少", NO_WORDS, wants_number=False) is None
    pick = _semantic(both, groups, min_z=1.0).best_metric(("d", 1), "存储要多少", words, wants_number=False)
    assert pick is not None and TEXT[pick.start : pick.end] == "存储≥20 PB"


def test_an_unknown_project_or_too_few_groups_abstain() -> None:
    groups = np.stack([_unit(i) for i in range(5)])
    sem = _semantic(_unit(2), groups, min_candidates=6)
    assert sem.best_metric(("d", 1), "要多少", NO_WORDS, wants_number=False) is None
    assert sem.best_metric(("d", 9), "x", NO_WORDS, wants_number=False) is None


def test_only_a_value_or_yes_no_ask_is_answered_by_meaning() -> None:
    groups = np.stack([_unit(i) for i in range(5)])
    sem = _semantic(_unit(2), groups)
    assert sem.best_metric(("d", 1), "用哪家的语音引擎", NO_WORDS, wants_number=False) is None  # a name
    assert sem.best_metric(("d", 1), "语音能不能听懂外语", NO_WORDS, wants_number=False) is not None


def test_project_by_content_needs_a_margin() -> None:
    sem = _semantic(_unit(0), np.stack([_unit(i) for i in range(5)]), project_min_z=0.5)
    assert sem.resolve(_unit(1), [("d", 1), ("d", 2), ("d", 3)]) == ("d", 2)
    tie = (_unit(0) + _unit(1)) / np.sqrt(2)
    assert sem.resolve(tie, [("d", 1), ("d", 2), ("d", 3)]) is None
    assert sem.resolve(_unit(1), [("d", 2)]) is None  # one candidate: nothing to compare against


def test_vectors_that_do_not_match_the_index_are_refused() -> None:
    with pytest.raises(ValueError):
        _semantic(_unit(0), np.stack([_unit(i) for i in range(4)]))


@pytest.mark.parametrize(("question", "described", "asked"), [
    ("给政府部门建算法资源库、让算法能共享复用的那个项目，要服务多少家？", "给政府部门建算法资源库、让算法能共享复用", "要服务多少家?"),
    ("智驾那个项目，云上服务器的处理器要多少核？", "智驾", "云上服务器的处理器要多少核?"),
    ("金融大模型那个语音识别，是不是重庆话也要能听得懂？", "金融大模型", "语音识别,是不是重庆话也要能听得懂?"),
    ("看图听话都能做的那个大模型，要拉起多大的开发者圈子？", "看图听话都能做的大模型", "要拉起多大的开发者圈子?"),
    ("那个扫马路的无人装备项目，市里财政能给多少？", "扫马路的无人装备", "市里财政能给多少?"),
    ("面向银行、保险机构的那个大模型平台，数字人要对得多准？", "面向银行、保险机构的大模型平台", "数字人要对得多准?"),
    ("How much self-raised funding must the applicant provide for the hydrogen fuel-cell drone project?",
     "hydrogen fuel-cell drone project", "how much self-raised funding must the applicant provide for the ?"),
    ("嘴型和声音要对得上，这个有没有指标？", "", "嘴型和声音要对得上,这个有没有指标?"),
    ("项目二的考核指标有哪些？", "", "项目二的考核指标有哪些?"),
    ("那个项目", "", "那个项目"),
    # The guide itself ("… major project call") describes no project of it.
    ("Which online system should applicants use for the 2026 Chongqing green technology major project call?", "",
     "which online system should applicants use for the 2026 chongqing green technology major project call?"),
])
def test_a_described_project_is_split_from_the_ask(question: str, described: str, asked: str) -> None:
    from rag.normalize import normalize

    assert split_description(normalize(question)) == (described, asked)


def test_the_asked_part_drops_the_project_and_guide_names() -> None:
    q = understand("2025智能制造二批的项目六，产值得做到多少才行？", topics=["智能工厂"])
    assert asked_part(q, {"智能制造", "2025", "二批"}) == "产值得做到多少才行?"
    q = understand("项目6的芯片单片成本要控制在多少以内？")
    assert asked_part(q) == "芯片单片成本要控制在多少以内?"


def test_without_a_model_the_fallback_is_off(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rag.engine import Engine
    from tests.conftest import make_settings

    e = Engine.open(make_settings(tmp_path), use_model=False)
    assert e.semantic is None
    a = e.ask("智驾那个项目，云上服务器的处理器要多少核？")
    assert not a.answered and "语义" not in a.note


def test_the_fallback_never_answers_a_near_miss(engine) -> None:  # type: ignore[no-untyped-def]
    """A project asked for a target it does not set abstains with its note, however close a group is."""
    sem = engine.semantic
    assert sem is not None  # the fake encoder's index has the vectors too
    calls = []
    # Every metric group of project 1 but one points one way: the fallback would pick that one.
    rows = [j for j in sem._by_project[(next(iter(engine.documents)), 1)] if any(ch.isdigit() for ch in sem._text(j))]
    forced = np.zeros_like(sem.group_vecs)
    forced[:, 0] = 1.0
    forced[rows[0]] = 0.0
    forced[rows[0], 1] = 1.0
    probe = replace(Calibration())

    def encode(text: str) -> np.ndarray:
        calls.append(text)
        return forced[rows[0]]

    engine.semantic = Semantic(sem.chunks, sem.texts, sem.spans, forced, sem.projects, sem.project_vecs, encode,
                               probe)
    engine.answers.clear()
    try:
        a = engine.ask("项目一那个平台，执行期内要带出来几个博士？")
        assert calls  # the lexical path found too little: the fallback ran, and picked a group
        assert not a.answered
        assert a.note == "项目一的考核指标没有提到博士。"
        b = engine.ask("项目一那个平台，执行期内要带出来几个徒弟？")  # no near miss: meaning answers
        assert b.answered and b.answer == engine.texts[sem.chunks[sem.spans[rows[0]][0]].doc][
            sem.spans[rows[0]][1] : sem.spans[rows[0]][2]]
    finally:
        engine.semantic = sem
        engine.answers.clear()


GUIDE = """2031 年某市智慧城市重点专项申报指南
项目一：城市水务智能调度平台研发及应用
1.拟解决问题：针对城市供水管网漏损高、调度依赖人工等问题，研究管网水力模型与智能调度技术，建设水务智能调度平台，在主城区开展应用示范。
2.考核指标：平台接入水厂≥12 座，管网漏损率降低≥15%，调度指令下发时延≤2 s，服务用水人口≥300 万人；授权发明专利≥6 项，软件著作权≥8 项。
3.实施周期：不超过 3 年。
4.资助强度：拟支持 1 项，市级财政资助不超过 800 万元。
项目二：社区养老服务机器人研发及应用
1.拟解决问题：针对社区养老护理人员不足等问题，研究陪护机器人的情感交互与跌倒检测技术，研制社区养老服务机器人，在养老机构开展示范。
2.考核指标：跌倒检测准确率≥95%，语音交互识别准确率≥95%，情感识别种类≥6 类，机器人续航时间≥8 小时，单台成本≤3 万元；陪护机器人销售≥200 台，覆盖养老机构≥30 家，服务老人≥5000 人；授权发明专利≥4 项，软件著作权≥6 项，制定团体标准≥1 项。
3.实施周期：不超过 2 年。
4.资助强度：拟支持 1 项，市级财政资助不超过 500 万元。
项目三：城市道路桥梁健康监测系统研发
1.拟解决问题：针对桥梁结构病害发现不及时等问题，研究多传感器融合的结构健康监测技术，建设桥梁健康监测系统。
2.考核指标：接入桥梁≥50 座，病害识别准确率≥90%，预警响应时间≤5 min；授权发明专利≥5 项，培养博士≥3 人。
3.实施周期：不超过 3 年。
4.资助强度：拟支持 1 项，市级财政资助不超过 600 万元。
"""


@pytest.mark.integration
def test_the_real_model_answers_other_words_and_abstains_on_near_misses(real_model: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rag.encoder import load_encoder
    from rag.engine import Engine
    from rag.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "2031-city-guide.txt").write_text(GUIDE, encoding="utf-8")
    settings = Settings.from_env(corpus_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "data",
                                 embed_model=real_model)
    e = Engine.open(settings, encoder=load_encoder(real_model, settings.embed_quantize))
    assert e.semantic is not None
    # The machines must be sold: 卖出去几台 is 销售≥200 台 (no word of the question is in it).
    a = e.ask("项目二那些机器人最后得卖出去几台？")
    assert a.answered and "销售≥200 台" in a.answer and a.citations[0].project == "项目二"
    # A project described by what it does, and a metric named in other words.
    a = e.ask("帮养老院看护老人的那个项目，机器人充一次电要能连续工作几个小时？")
    assert a.answered and "续航时间≥8 小时" in a.answer
    # A near miss stays a near miss: project 2 trains no PhDs, whatever metric sounds closest.
    a = e.ask("项目二的陪护机器人项目要培养几个博士？")
    assert not a.answered and "博士" in a.note


def test_the_only_group_counted_in_the_asked_unit_needs_less_lead() -> None:
    # A weak lead (1.41 deviations, under the usual floor) toward 用户≥2000 人, the one group counted in people.
    sims = [0.28, 0.27, 0.26, 0.30, 0.29]
    groups = np.stack([a * _unit(7) + np.sqrt(1 - a * a) * _unit(i) for i, a in enumerate(sims)])
    sem = _semantic(_unit(7), groups, margin=0.0)
    pick = sem.best_metric(("d", 1), "要有几人用", NO_WORDS, wants_number=False)
    assert pick is not None and TEXT[pick.start : pick.end] == "用户≥2000 人"
    assert sem.best_metric(("d", 1), "要多少", NO_WORDS, wants_number=False) is None  # no unit: the usual floor
    # 几台: no group counts in machines, so none answers however close it is.
    assert sem.best_metric(("d", 1), "要几台", NO_WORDS, wants_number=False) is None


def test_a_project_must_stand_out_among_all_loaded_projects() -> None:
    sem = _semantic(_unit(0), np.stack([_unit(i) for i in range(5)]), project_min_z=0.5)
    # Closest to project 3; among the candidates 1 and 2 alone, 2 would lead by a wide margin.
    ask = 0.9 * _unit(2) + 0.44 * _unit(1)
    assert sem.resolve(ask, [("d", 1), ("d", 2)]) is None
    assert sem.resolve(ask, [("d", 1), ("d", 2), ("d", 3)]) == ("d", 3)


def test_a_described_project_must_write_a_word_of_the_description(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Whatever the meaning says is nearest (here: always project 1), a description none of whose
    # guide words the project writes (燃料电池 of "the hydrogen fuel cell project") names no project.
    doc = next(iter(engine.documents))
    if engine.semantic is None or not engine.retriever.dense_ready:
        pytest.skip("no dense index in this engine")
    monkeypatch.setattr(engine.semantic, "resolve", lambda _vec, _keys: (doc, 1))
    q = engine._understand("What is the funding cap for the hydrogen fuel cell drone project?")
    assert engine._described(q, [doc]) is None
    q = engine._understand("What is the funding cap for the common algorithm service platform project?")
    assert engine._described(q, [doc]) == (doc, 1)  # 算法 and 平台 are project 1's words
