"""The eval harness scores what a user would judge right: rows per project, by the role asked."""

from __future__ import annotations

from rag.evaluate import Item, score
from rag.types import Answer, Citation


def _cite(project: str, section: str, text: str) -> Citation:
    return Citation("g", project, None, section, text, 0, len(text), 1.0)


def _cross(section: str) -> Item:
    return Item("x1", "各项目执行期多久", ["项目1", "项目2"], section, [], True, "cross")


def _table(*cites: Citation) -> Answer:
    return Answer("q", True, "", list(cites), rows=[([c.project or ""], c.text) for c in cites])


def test_a_row_from_a_differently_worded_heading_of_the_asked_role_counts() -> None:
    # One guide words its period heading 执行期限 in one project and 实施年限 in another.
    ans = _table(_cite("项目1", "执行期限", "3 年"), _cite("项目2", "实施年限", "2 年"))
    assert score(_cross("执行期限"), ans, 200)["correct"]


def test_a_row_from_another_role_does_not_count() -> None:
    # 项目2's row comes from its funding section: the period of 项目2 was not answered.
    ans = _table(_cite("项目1", "执行期限", "3 年"), _cite("项目2", "支持方式", "500 万元"))
    assert not score(_cross("执行期限"), ans, 200)["correct"]


def test_a_missing_project_row_is_wrong() -> None:
    ans = _table(_cite("项目1", "执行期限", "3 年"))
    assert not score(_cross("执行期限"), ans, 200)["correct"]


def test_near_misses_answered_are_gated_as_a_share() -> None:
    from rag.evaluate import check

    result = {"overall": {"answer_correct": 1.0, "unanswerable_answered": 2, "nearmiss_answered": 0.1},
              "kinds": {}, "guides": {}}
    assert check(result, {"max_nearmiss_answered": 0.05}) == ["near misses answered 0.1 > 0.05"]
    assert check(result, {"max_nearmiss_answered": 0.1}) == []
    assert check(result | {"overall": result["overall"] | {"nearmiss_answered": None}}, {"max_nearmiss_answered": 0.0}) == []


def test_a_label_copied_with_the_headers_spacing_is_the_same_project() -> None:
    # A set may write 项目 1 as the header does (项目 1:); the citation says 项目1.
    spaced = Item("x2", "项目1执行期多久", ["项目 1"], "执行期限", ["3 年"], True, "section")
    ans = Answer("q", True, "3 年", [_cite("项目1", "执行期限", "3 年")])
    assert score(spaced, ans, 200)["correct"]
    assert score(Item("x4", "各项目执行期多久", ["项目 1", "项目 2"], "执行期限", [], True, "cross"),
                 _table(_cite("项目1", "执行期限", "3 年"), _cite("项目2", "执行期限", "2 年")), 200)["correct"]
    other = Item("x3", "项目2执行期多久", ["项目 2"], "执行期限", ["3 年"], True, "section")
    assert not score(other, ans, 200)["correct"]
