"""Numeric conditions read from questions, and the cross answers that apply them."""

from __future__ import annotations

import pytest

from rag.compare import Condition, conditions, satisfies
from rag.normalize import normalize


@pytest.mark.parametrize(("q", "op", "value"), [
    ("哪些项目授权发明专利不少于10项", ">=", 10), ("哪些项目要求授权发明专利15项以上", ">=", 15),
    ("哪些项目市级财政资助不超过500万元", "<=", 500), ("哪些项目培养博士超过3人", ">", 3),
    ("500万元以内的项目", "<=", 500), ("which projects require at least 10 invention patents", ">=", 10),
    ("more than 1000 of city funding", ">", 1000), ("有没有超过三年的", ">", 3), ("不少于二十项", ">=", 20),
])
def test_conditions_are_read_and_taken_out_of_the_question(q: str, op: str, value: float) -> None:
    found, rest = conditions(normalize(q))
    assert found == [Condition(op, value)]
    assert str(value) not in rest and str(int(value)) not in rest


def test_words_inside_other_words_are_not_conditions() -> None:
    assert conditions("services cover 38 districts")[0] == []  # cover is not over
    assert conditions("软件著作权要求是≥10项")[0] == []  # ≥10 quotes the guide: that figure, not a range
    assert conditions("不超过 3 年")[0] == [Condition("<=", 3)]  # not 超过 (>) as well


def test_a_metric_meets_a_condition_with_one_of_its_numbers() -> None:
    assert satisfies("授权发明专利≥15 项", [Condition(">=", 10)])
    assert not satisfies("授权发明专利≥3 项", [Condition(">=", 10)])
    assert not satisfies("授权发明专利≥10 项", [Condition(">", 10)])  # strict stays strict
    assert satisfies("定位水平精度≥20cm", [Condition(">", 10), Condition("<", 30)])


@pytest.mark.parametrize(("q", "projects"), [
    ("哪些项目授权发明专利不少于10项", ["项目二", "项目三", "项目四", "项目六"]),
    ("which projects require at least 10 invention patents", ["项目二", "项目三", "项目四", "项目六"]),
    ("承担单位出资5000万元以上的项目有哪些", ["项目一", "项目二", "项目五", "项目六"]),
    ("哪些项目软件著作权超过10项", ["项目七"]),
])
def test_which_projects_meet_a_condition(engine, q: str, projects: list[str]) -> None:
    a = engine.ask(q)
    assert a.answered and [c.project for c in a.citations] == projects
    assert "与所问数字相符" in a.note


def test_one_project_keeps_its_number_as_evidence(engine) -> None:
    from rag.query import understand

    q = understand("项目一支持同时在线人数≥2000人吗", engine.topics, engine.segment)
    assert q.conditions == [] and "2000" in q.content


def test_a_condition_no_project_meets_gets_the_whole_table_and_says_so(engine) -> None:
    a = engine.ask("所有项目的实施周期分别是多久？有没有超过三年的？")
    assert a.answered and a.rows[0][0] == sorted(engine.labels, key=engine._order.get)
    assert a.note == "没有项目的实施周期符合所问条件（>3）。"


@pytest.mark.parametrize(("q", "projects"), [
    # Written as the guide writes it (市级财政经费资助不超过 1000 万元): that figure, not a range.
    ("哪些项目的市级财政资助不超过1000万元？", ["项目一", "项目五", "项目六"]),
    ("哪些项目承担单位出资不低于10000万元", ["项目一", "项目二"]),
    # Not the guide's wording: a range. 低于1000 is not quoted by 不低于 10000.
    ("哪些项目市级财政资助低于1000万元", ["项目三", "项目四", "项目七"]),
    ("哪些项目承担单位出资超过5000万元", ["项目一", "项目二", "项目五"]),  # 5000 itself is not more
])
def test_a_condition_in_the_guides_own_words_is_a_quoted_figure(engine, q: str, projects: list[str]) -> None:
    a = engine.ask(q)
    assert a.answered and [c.project for c in a.citations] == projects
