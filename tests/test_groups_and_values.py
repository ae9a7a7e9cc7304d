"""Domain groups named inside a guide's title, funding-mode values, grouped digits, Taiwan terms."""

from __future__ import annotations

import pytest

from rag.normalize import normalize
from rag.query import focus, fold_wording, understand
from rag.units import quantities
from rag.values import value_filter
from tests.conftest import engine_with_guide

DOC = "2031-example-display-batch2"
# A guide whose title holds the name of one of its domain groups (新型显示), projects `项目 N:`
# with half-width colons and `(N)` sections, a PDF-spaced amount (2 000 万元) and two ways of funding.
GUIDE = """2031 年示例市集成电路与新型显示重大专项
第二批项目申报指南

一、总体要求

本批次共发布 3 个项目。

二、申报说明

（一）申报时间。2031 年 4 月 8 日至 5 月 8 日。

三、申报项目

（一）集成电路设计领域

项目 1: 车规级碳化硅（SiC）功率器件研发

(1)主要研究内容：研究碳化硅外延和栅氧可靠性技术。
(2)绩效目标：器件耐压≥1200V，授权发明专利≥6 项。
(3)组织方式：公开竞争。
(4)申报要求：企业牵头。
(5)经费支持：拟支持 1 项，市级财政资助不超过 2 000 万元，项目落地区县按 1:1 给予配套支持。
(6)执行期限：3 年。

（二）新型显示领域

项目 2: Micro LED 微显示芯片巨量转移技术研发

(1)主要研究内容：研究巨量转移和全彩化技术。
(2)绩效目标：巨量转移良率≥99.99%，授权发明专利≥8 项。
(3)组织方式：揭榜挂帅。
(4)申报要求：企业牵头。
(5)经费支持：采取后补助方式，市级财政资助不超过 1200 万元。
(6)执行期限：2 年。

项目 3: 高世代面板用光刻胶国产化验证

(1)主要研究内容：研究正性光刻胶和彩色光刻胶。
(2)绩效目标：光刻胶分辨率≤1.5 μm。
(3)组织方式：公开竞争。
(4)申报要求：企业牵头。
(5)经费支持：采取后补助方式，市级财政资助不超过 600 万元。
(6)执行期限：2 年。
"""


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return engine_with_guide(tmp_path_factory.mktemp("groups"), DOC, GUIDE)


def test_a_group_name_inside_the_guide_title_names_the_guide_not_the_group(two) -> None:  # type: ignore[no-untyped-def]
    a = two.ask("2031年示例市集成电路与新型显示重大专项第二批里，碳化硅项目的申报要求是什么？")
    assert a.answered and a.citations[0].project == "项目1" and not a.rows


def test_a_project_named_within_its_group_is_the_one_asked(two) -> None:  # type: ignore[no-untyped-def]
    a = two.ask("新型显示第二批 Micro LED 项目的执行期限", doc=DOC)
    assert a.answered and not a.rows and a.citations[0].project == "项目2"
    rows = two.ask("新型显示领域的项目分别支持多少钱", doc=DOC).rows
    assert [labels for labels, _ in rows] == [["项目2"], ["项目3"]]


def test_funding_modes_choose_rows(two) -> None:  # type: ignore[no-untyped-def]
    a = two.ask("哪些项目是后补助的？", doc=DOC)
    assert sorted(lbl for labels, _ in a.rows for lbl in labels) == ["项目2", "项目3"]


def test_pdf_spaced_thousands_rank_as_one_number(two) -> None:  # type: ignore[no-untyped-def]
    a = two.ask("哪个项目市级财政资助最多？", doc=DOC)
    assert a.answered and a.rows[0][0] == ["项目1"]
    assert [(q.value, q.dimension) for q in quantities("资助不超过 2 000 万元")] == [(2e7, "money")]


def test_district_matching_written_apart_is_district_funding(two) -> None:  # type: ignore[no-untyped-def]
    yes = two.ask("项目1有没有区级财政配套？", doc=DOC)
    assert yes.answered and "落地区县" in yes.answer
    no = two.ask("项目2有没有区级财政配套？", doc=DOC)
    assert not no.answered and "区级" in no.note


def test_taiwan_terms_name_the_guide_and_project(two) -> None:  # type: ignore[no-untyped-def]
    a = two.ask("2031年示例市積體電路與新型顯示第二批，碳化矽功率元件專案的計畫期程多長？")
    assert a.answered and a.citations[0].project == "项目1" and "3 年" in a.answer
    assert fold_wording(normalize("積體電路元件專案")) == "集成电路器件项目"


def test_value_filter_reads_funding_modes() -> None:
    f = value_filter(normalize("哪些项目不是后补助"))
    assert f and f.excluded == ("后补助",)


@pytest.mark.parametrize(("q", "body"), [
    ("我们公司参与过好几个行业标准的起草，打算牵头申报，请问这个项目对标准制定有什么要求？",
     "请问这个项目对标准制定有什么要求?"),
    ("卫星互联网那个项目说要解决时延变化大的问题，那考核上时延要压到多少毫秒？", "那考核上时延要压到多少毫秒?"),
    ("项目三资助多少？那项目四呢？", "项目三资助多少?那项目四呢?"),  # a second question stays
])
def test_the_asker_says_where_the_ask_begins(q: str, body: str) -> None:
    assert focus(normalize(q))[0] == body


def test_a_project_named_for_comparison_is_not_asked() -> None:
    assert understand("多模态那个项目有没有区级财政？像项目一那样的", topics=["多模态"]).project_numbers == []
    assert understand("像项目一那样的出资要求是多少").project_numbers == [1]


def test_filler_between_verb_and_question_word_is_dropped() -> None:
    assert "拟解决问题" in understand("光刻胶项目具体研究些什么").sections


def test_each_project_asked_of_a_whole_section_gets_every_row(two) -> None:  # type: ignore[no-untyped-def]
    # 市级 is not in every row's clause, and the question's other words choose no projects.
    rows = two.ask("各个项目分别采用什么方式组织实施？", doc=DOC).rows
    assert sorted(lbl for labels, _ in rows for lbl in labels) == ["项目1", "项目2", "项目3"]


def test_a_code_no_guide_writes_is_not_answered(engine) -> None:  # type: ignore[no-untyped-def]
    a = engine.ask("项目六示范的智能驾驶汽车要达到L3还是L4级别？")
    assert not a.answered and "L3" in a.note



def test_district_in_brackets_is_matched_as_qu_xian(engine) -> None:  # type: ignore[no-untyped-def]
    assert normalize("以市区（县）联动方式实施") == "以市区县联动方式实施"
    a = engine.ask("数字重庆共性算法平台，需要区县一起配合推进吗？")
    assert a.answered and a.citations[0].project == "项目一" and "联动" in a.answer
