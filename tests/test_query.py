"""Query understanding, step by step: each named step of understand() on representative questions.

Each table row is a question as people write it and what that step must read from it; the last
tests run understand() whole, so a step that is right alone but wired wrong is caught too.
"""

from __future__ import annotations

import pytest

from rag import query as qy
from rag.normalize import normalize
from rag.query import Query, understand


def _fresh(text: str) -> tuple[Query, str]:
    norm = normalize(text)
    return Query(raw=text, norm=norm), norm


@pytest.mark.parametrize(("text", "numbers", "from_end"), [
    ("项目四的资助强度", [4], []),
    ("第四个项目的实施周期", [4], []),
    ("项目4的考核指标", [4], []),
    ("4号项目", [4], []),
    ("What is the funding of project 4?", [4], []),
    ("the third project", [3], []),
    ("P2 要求", [2], []),
    ("头一个项目的周期", [1], []),
    ("最后一个项目的资助强度", [], [1]),
    ("倒数第二个项目", [], [2]),
    ("项目一般要求", [], []),  # 项目一般 is "usually", not project one
    ("哪几个项目支持企业牵头", [], []),  # the cross marker is not 几个项目
])
def test_projects_reads_every_form_of_a_project_number(text: str, numbers: list[int], from_end: list[int]) -> None:
    q, norm = _fresh(text)
    rest = qy._projects(q, qy._spoken_rewrites(norm))
    assert q.project_numbers == numbers
    assert q.from_end == from_end
    if numbers or from_end:
        assert rest != norm  # the project words are gone from what is left to match


@pytest.mark.parametrize(("text", "sections", "weak", "gone"), [
    ("出资比例", ["资助强度"], [], "出资"),
    ("多久能做完", ["实施周期"], [], "多久"),
    ("项目四出资要求", ["资助强度"], ["考核指标"], "出资"),  # 出资 is strong, 要求 only weak
    ("有什么门槛", [], ["申报条件"], "门槛"),
    ("申报条件是什么", ["申报条件"], [], "申报条件"),
])
def test_sections_maps_synonyms_to_roles(text: str, sections: list[str], weak: list[str], gone: str) -> None:
    q, norm = _fresh(text)
    rest = qy._sections(q, norm)
    assert q.sections == sections
    assert q.weak_sections == weak
    assert gone not in rest  # section words leave the content


def test_sections_keeps_words_that_are_also_what_is_counted() -> None:
    q, norm = _fresh("几家企业用上")
    rest = qy._sections(q, norm)
    assert "申报条件" in q.all_sections
    assert "企业" in rest  # 企业 is what the clause counts (应用企业≥5 家)


@pytest.mark.parametrize(("text", "glossary", "content_has", "content_lacks"), [
    ("How many patents for project 2?", ["发明专利"], [], ["patent"]),
    ("what response time is required", ["响应时间"], [], ["response time"]),
])
def test_glossary_adds_the_guides_term_for_english_words(
        text: str, glossary: list[str], content_has: list[str], content_lacks: list[str]) -> None:
    q = understand(text)
    assert q.english
    for term in glossary:
        assert term in q.glossary
    for word in content_has:
        assert word in q.content
    for word in content_lacks:
        assert word not in q.content
    assert "发明专利" in q.expanded() or "响应时间" in q.expanded()


def test_glossary_step_removes_english_and_keeps_spoken_words() -> None:
    q, _ = _fresh("x")
    rest = qy._glossary(q, "how many patents", [("patent", "发明专利")])
    assert q.glossary == ["发明专利"] and q.spoken == []
    assert "patent" not in rest
    q, _ = _fresh("x")
    rest = qy._glossary(q, "区里的要求", [("区里", "区级")])
    assert q.glossary == ["区级"] and q.spoken == [("区里", "区级")]
    assert "区里" in rest


@pytest.mark.parametrize(("text", "cross"), [
    ("哪些项目支持企业牵头", True),
    ("每个项目的实施周期", True),
    ("which projects allow universities to lead", True),
    ("项目四的实施周期", False),
    ("项目四需要几个单位", False),
])
def test_cross_markers(text: str, cross: bool) -> None:
    assert understand(text).cross is cross


def test_cross_question_reads_conditions_and_drops_the_marker() -> None:
    q = understand("哪几个项目的考核指标不少于10项")
    assert q.cross and not q.project_numbers
    assert q.conditions  # 不少于10项 is a condition rows must meet
    assert "哪几个" not in q.content


def test_split_counts_sets_measure_words_apart() -> None:
    assert qy._split_counts("多大面积").split() == ["多大", "面积"]
    assert qy._split_counts("几辆车").split() == ["几辆", "车"]


def test_content_drops_bare_project_words_and_spaces() -> None:
    assert qy._content(" 各 项目  的 专项 经费 ") == "各 的 经费"


def test_spoken_rewrites_drop_the_follow_up_opener() -> None:
    assert qy._spoken_rewrites("what about project 2").strip() == "project 2"
    assert qy._spoken_rewrites("那项目五呢").strip() == "项目五呢"


def test_topics_names_a_project_by_a_whole_title_word() -> None:
    q, norm = _fresh("智能网联汽车的实施周期")
    rest = qy._topics(q, norm, ["智能网联汽车", "网联"], lambda s: ["智能网联汽车", "的", "实施周期"])
    assert q.topic_words == ["智能网联汽车"]  # 网联 is inside a longer word, not a word itself
    assert "智能网联汽车" not in rest
    q, norm = _fresh("项目二智能网联汽车")
    q.project_numbers = [2]
    rest = qy._topics(q, norm, ["智能网联汽车"], None)
    assert "智能网联汽车" in rest  # a numbered project keeps its title words as content


def test_context_before_the_question_names_the_project() -> None:
    q = understand("项目四。出资要求是什么？")
    assert q.project_numbers == [4]
    assert q.sections == ["资助强度"]


@pytest.mark.parametrize(("text", "leans"), [
    ("那项目五呢", True),
    ("实施周期？", True),
    ("what about project 2", True),
    ("实施周期多久", False),
])
def test_follow_up_leaning(text: str, leans: bool) -> None:
    assert qy.leans_on_previous(understand(text)) is leans


def test_merge_followup_borrows_the_section_of_the_previous_question() -> None:
    merged = qy.merge_followup(understand("那项目五呢"), understand("项目四的资助强度是多少"))
    assert merged.project_numbers == [5]
    assert merged.sections == ["资助强度"]
    assert merged.wants_number


@pytest.mark.parametrize("q", ["How many projects may one organization submit?", "What is the application period?"])
def test_an_english_logistics_phrase_is_not_read_as_a_section_word(q: str) -> None:
    # "organization" alone is 组织方式 and "period" 实施周期; in these phrases they ask the general part.
    u = understand(q)
    assert u.sections == [] and any(w in g for g in u.glossary for w in ("同一单位", "申报时间")), u
