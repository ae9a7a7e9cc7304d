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
    assert _semantic(both, groups).best_metric(("d", 1), "服务器配置", NO_WORDS, wants_number=True) is None


def test_a_weak_lead_abstains_on_the_floor() -> None:
    # Similarities falling evenly (0.30, 0.29, …): the best stands only 1.4 deviations above the mean.
    sims = [0.30, 0.29, 0.28, 0.27, 0.26]
    groups = np.stack([a * _unit(0) + np.sqrt(1 - a * a) * _unit(i + 1) for i, a in enumerate(sims)])
    assert _semantic(_unit(0), groups, margin=0.0).best_metric(("d", 1), "x", NO_WORDS, wants_number=False) is None
    loose = _semantic(_unit(0), groups, margin=0.0, min_z=1.0)
    pick = loose.best_metric(("d", 1), "x", NO_WORDS, wants_number=False)
    assert pick is not None and TEXT[pick.start : pick.end] == "CPU≥15000 核"


def test_a_number_question_only_takes_groups_with_a_number() -> None:
    groups = np.stack([_unit(i) for i in range(5)])
    sem = _semantic(_unit(4), groups, min_candidates=3)  # closest to 成果开放共享, which has no number
    pick = sem.best_metric(("d", 1), "数据给谁用", NO_WORDS, wants_number=False)
    assert pick is not None and TEXT[pick.start : pick.end] == "成果开放共享"
    assert sem.best_metric(("d", 1), "几个", NO_WORDS, wants_number=True) is None


def test_words_found_add_to_meaning() -> None:
    groups = np.stack([_unit(i) for i in range(5)])
    both = (_unit(0) + _unit(1)) / np.sqrt(2)
    words = Evidence(["存储"], [1.0])  # the tie on meaning is broken by a word the group holds
    assert _semantic(both, groups, min_z=1.0).best_metric(("d", 1), "存储", NO_WORDS, wants_number=False) is None
    pick = _semantic(both, groups, min_z=1.0).best_metric(("d", 1), "存储", words, wants_number=False)
    assert pick is not None and TEXT[pick.start : pick.end] == "存储≥20 PB"


def test_an_unknown_project_or_too_few_groups_abstain() -> None:
    groups = np.stack([_unit(i) for i in range(5)])
    sem = _semantic(_unit(2), groups, min_candidates=6)
    assert sem.best_metric(("d", 1), "x", NO_WORDS, wants_number=False) is None
    assert sem.best_metric(("d", 9), "x", NO_WORDS, wants_number=False) is None


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
    ("项目二的考核指标有哪些？", "", "项目二的考核指标有哪些?"),
    ("那个项目", "", "那个项目"),
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
