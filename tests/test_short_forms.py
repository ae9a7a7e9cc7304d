"""A project named by a short form of its title (玻纤布) or an acronym its text defines (PLA).

End to end on a guide written here, loaded beside the first guide: the short form shares no two
characters with the title, so only the short-form rule can name the project.
"""

from __future__ import annotations

import pytest

from rag.coverage import abbreviates
from tests.conftest import engine_with_guide

GUIDE = """2027 年某市先进材料重大专项第一批项目申报指南
项目1：高频覆铜板用低介电电子玻璃纤维布
（1）研究内容：研究低介电玻璃成分设计与拉丝技术。
（2）考核指标：介电常数≤4.4；年产≥600 万米。
（3）资助强度：拟支持 1 项，市级财政资助不超过 1000 万元。
（4）实施周期：不超过 3 年。
项目2：生物基耐热改性材料及制品
（1）研究内容：针对聚乳酸（PLA）耐热性差等问题，研究立体复合结晶技术。
（2）考核指标：热变形温度≥120℃；生物基含量≥90%。
（3）资助强度：拟支持 1 项，市级财政资助不超过 600 万元。
（4）实施周期：不超过 2 年。
"""
DOC = "2027-somecity-advanced-materials-batch1"


@pytest.fixture(scope="module")
def materials(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return engine_with_guide(tmp_path_factory.mktemp("short"), DOC, GUIDE, aliases=False)


@pytest.mark.parametrize(("word", "title", "short"), [
    ("玻纤布", "低介电电子玻璃纤维布", True),
    ("软著", "软件著作权", True),
    ("玻布", "玻璃纤维布", False),  # 纤维 skipped: more than the allowed gap
    ("布玻", "玻璃纤维布", False),  # out of order
])
def test_a_short_form_keeps_its_words_order_close_together(word: str, title: str, short: bool) -> None:
    assert abbreviates(word, title) is short


@pytest.mark.parametrize(("q", "project", "want"), [
    ("玻纤布那个项目市级财政能给多少？", "项目1", "1000"),
    ("PLA那个项目要做多久？", "项目2", "2 年"),
])
def test_a_short_form_names_its_project(materials, q: str, project: str, want: str) -> None:  # type: ignore[no-untyped-def]
    a = materials.ask(q, doc=DOC)
    assert a.answered and a.citations[0].project == project and want in a.answer, (a.answer, a.note)


def test_an_acronym_no_project_defines_names_none(materials) -> None:  # type: ignore[no-untyped-def]
    a = materials.ask("CEMS那个项目要做多久？", doc=DOC)
    # Named by nothing, the period is asked of every project: a row each.
    assert [labels for labels, _ in a.rows] == [["项目1"], ["项目2"]], (a.answer, a.note)
