"""Questions whose shape decides the answer: when, two-part, negated values, units, exact figures,
lists in superlatives, yes/no across projects, projects and groups named by their titles' words.

Each mechanism is tested as a function and, end to end, on a guide written here (a family variant
with a general part and domain groups), never on eval questions.
"""

from __future__ import annotations

import pytest

from rag.compare import Condition, conditions, satisfies
from rag.dates import asks_when, has_date
from rag.normalize import normalize
from rag.topics import title_runs, without_title_runs
from rag.values import value_filter
from tests.conftest import engine_with_guide

GUIDE = """附件 4
2026 年重庆市新材料重大专项
第三批项目申报指南
一、总体要求
围绕新材料产业链关键环节，本批次共发布 4 个项目，市级财政资助总额不超过 3000 万元。
二、申报须知
1.申报时间：网上填报时间为 2026 年 5 月 6 日 9:00 至 6 月 9 日 17:00，推荐单位须于 6 月 12 日 17:00 前完成审核推荐。
2.申报方式：登录“重庆市科技管理信息系统”在线填报；截止后不再受理任何补充材料。
3.纸质材料：网上审核通过后，申报书纸质版一式 3 份，须于 6 月 20 日前报送市科技局。
4.限项要求：同一单位作为牵头单位限报 1 项，同一项目负责人限报 1 项。
三、申报项目
（一）先进电池材料领域
项目一：固态电池电解质隔膜（SSB）关键材料研发及产业化
（1）研究内容：研究固态电解质隔膜的制备工艺与界面稳定技术，建设中试线并开展验证。
（2）预期目标：隔膜厚度≤20 微米，离子电导率≥1 mS/cm；项目执行期内，实现新增销售收入≥6000 万元。
（3）组织方式：公开竞争。
（4）申报条件：企业牵头，鼓励产学研合作。
（5）资助强度：拟支持 1 项，市级财政资助不超过 1000 万元，承担单位自筹不低于 8000 万元。
（6）实施年限：不超过 3 年。
项目二：钠离子电池正极材料研发及应用
（1）研究内容：研究层状氧化物正极材料的低成本合成工艺，开发储能用钠离子电芯。
（2）预期目标：电芯能量密度≥160 Wh/kg；项目执行期内，产生经济效益≥4000 万元。
（3）组织方式：揭榜挂帅。
（4）申报条件：企业牵头，鼓励产学研合作。
（5）资助强度：拟支持 1 项，市级财政资助不超过 500 万元，承担单位自筹不低于 1 亿元。
（6）实施年限：不超过 2 年。
（二）高性能结构材料领域
项目三：航空用高强铝合金厚板研发及产业化
（1）研究内容：研究高强铝合金厚板的熔铸与热处理工艺，建设示范生产线。
（2）预期目标：厚板抗拉强度≥550 MPa；项目执行期内，实现新增销售收入≥2 亿元。
（3）组织方式：公开竞争。
（4）申报条件：企业牵头，鼓励产学研合作。
（5）资助强度：拟支持 1 项，市级财政资助不超过 1000 万元，承担单位自筹不低于 5000 万元。
（6）实施年限：不超过 3 年。
项目四：风电叶片用碳纤维复合材料研发及应用
（1）研究内容：研究大丝束碳纤维复合材料的成型工艺，开展风电叶片示范应用。
（2）预期目标：复合材料拉伸模量≥140 GPa；项目执行期内，产生经济效益≥3000 万元。
（3）组织方式：定向委托。
（4）申报条件：企业牵头，鼓励产学研合作。
（5）资助强度：拟支持 1 项，市级财政资助不超过 500 万元，承担单位自筹不低于 2000 万元。
（6）实施年限：不超过 2 年。
"""
DOC = "2026-chongqing-new-materials-batch3"


# --- the mechanisms as functions ---------------------------------------------------------------

@pytest.mark.parametrize(("q", "when"), [
    ("网上填报什么时候截止", True), ("纸质材料哪天之前要交", True), ("几号开始申报", True),
    ("When is the deadline?", True), ("what is the application window", True),
    ("项目一要做多久", False), ("实施年限是多长时间", False), ("项目二出资多少", False),
])
def test_when_questions(q: str, when: bool) -> None:
    assert asks_when(normalize(q)) is when


@pytest.mark.parametrize(("text", "dated"), [
    ("须于 6 月 20 日前报送", True), ("2026 年 5 月", True), ("9:00 至 17:00", True), ("6月12日", True),
    ("截止后不再受理", False), ("不超过 3 年", False), ("隔膜厚度≤20 微米", False), ("1:1 配套", False),  # a ratio, not a time
])
def test_dates_in_clauses(text: str, dated: bool) -> None:
    assert has_date(text) is dated


@pytest.mark.parametrize(("q", "wanted", "excluded", "filters"), [
    ("哪些项目不是公开竞争，而是揭榜挂帅或定向委托", ("揭榜挂帅", "定向委托"), ("公开竞争",), True),
    ("哪些项目不是公开竞争", (), ("公开竞争",), True),
    ("哪些项目是定向委托", ("定向委托",), (), True),
    ("有没有哪个是揭榜挂帅的", ("揭榜挂帅",), (), True),
    ("这批项目是不是都公开竞争", ("公开竞争",), (), False),  # 是不是 asks; it does not negate
    # Naming values without asking which: every project's row answers.
    ("整批是择优委托还是竞争性评审", ("定向委托", "公开竞争"), (), False),
])
def test_section_values_and_their_negation(q: str, wanted: tuple, excluded: tuple, filters: bool) -> None:
    f = value_filter(normalize(q))
    assert (set(f.wanted), set(f.excluded), bool(f)) == (set(wanted), set(excluded), filters)


def test_a_value_filter_admits_a_section_by_its_words() -> None:
    f = value_filter(normalize("哪些不是公开竞争，而是揭榜挂帅或定向委托"))
    assert f.admits("揭榜挂帅。") and f.admits("定向委托。")
    assert not f.admits("公开竞争。") and not f.admits("其他方式。")
    assert not value_filter("项目一的资助强度")


@pytest.mark.parametrize(("q", "op", "amount", "dim"), [
    ("哪些项目承担单位出资达到1亿元", ">=", 1e8, "money"), ("市级资助上限正好是一千万元的项目", "==", 1e7, "money"),
    ("自筹恰好为5千万的项目", "==", 5e7, ""), ("哪些项目资助不超过500万元", "<=", 5e6, "money"),
    ("隔膜厚度不超过20微米", "<=", 2e-5, "length"),  # 微米 is a length (μm): in metres
])
def test_conditions_with_magnitudes_and_units(q: str, op: str, amount: float, dim: str) -> None:
    (c,), _ = conditions(normalize(q))
    assert c.op == op
    got = c.amount.value if c.amount else c.value
    assert got == pytest.approx(amount) and (c.amount.dimension if c.amount else "") == dim


@pytest.mark.parametrize(("text", "cond", "met"), [
    ("承担单位自筹不低于 10000 万元", Condition(">=", 1, amount=conditions("达到1亿元")[0][0].amount), True),
    ("承担单位自筹不低于 8000 万元", Condition(">=", 1, amount=conditions("达到1亿元")[0][0].amount), False),
    ("市级财政资助不超过 1000 万元", Condition("==", 1000, amount=conditions("正好一千万元")[0][0].amount), True),
    ("市级财政资助不超过 500 万元", Condition("==", 1000, amount=conditions("正好一千万元")[0][0].amount), False),
    ("授权发明专利≥15 项", Condition(">=", 10), True),  # no unit: the numbers as written
    ("实施周期 300s", Condition("<=", 1, amount=conditions("不超过5分钟")[0][0].amount), True),
])
def test_amounts_compare_across_units(text: str, cond: Condition, met: bool) -> None:
    assert satisfies(text, [cond]) is met


@pytest.mark.parametrize(("q", "title", "runs"), [
    ("固态电池电解质隔膜项目的实施年限", "固态电池电解质隔膜(ssb)关键材料研发及产业化", ["固态电池电解质隔膜", "项目"]),
    ("隔膜厚度要多少", "固态电池电解质隔膜(ssb)关键材料研发及产业化", []),  # 隔膜 alone is shorter than a run
    ("", "任何标题", []),
])
def test_title_runs(q: str, title: str, runs: list[str]) -> None:
    got = title_runs(q, title)
    assert [r for r in got if r != "项目"] == [r for r in runs if r != "项目"]


def test_the_rest_of_a_naming_title_piece_is_not_asked() -> None:
    title = "固态电池电解质隔膜（SSB）关键材料研发及产业化"
    norm = normalize("固态电池电解质隔膜（SSB）项目的隔膜厚度")
    # 固态 and ssb named the project and are gone; 电池电解质隔膜 beside them is its name too.
    content = "电池电解质隔膜( ) 的隔膜厚度"
    out = without_title_runs(content, norm, [title], {"固态", "ssb"})
    assert "电解质" not in out and "隔膜厚度" in out
    # A piece holding no naming word is left alone.
    assert without_title_runs("隔膜厚度", "隔膜厚度", [title], {"固态"}) == "隔膜厚度"


# --- end to end on the guide above -------------------------------------------------------------

@pytest.fixture(scope="module")
def materials(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """An engine over the first guide and the one written above (fast deterministic encoder)."""
    return engine_with_guide(tmp_path_factory.mktemp("materials"), DOC, GUIDE, aliases=False)


def _rows(a) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.project for c in a.citations if c.project]


@pytest.mark.parametrize(("q", "want", "not_want"), [
    # A when-question: the clause with the date, not the one repeating 截止.
    ("新材料第三批网上填报什么时候截止？", ["6 月 9 日"], ["不再受理"]),
    # Two asks in one: the count and the date, from two parts of one clause.
    ("新材料第三批纸质申报书交几份，哪天之前交？", ["一式 3 份", "6 月 20 日"], []),
    ("What is the online application window of the 2026 new materials batch 3 guide?", ["5 月 6 日", "6 月 9 日"], []),
    ("In the 2026 new materials third batch, how many projects can one institution lead?", ["限报 1 项"], []),
])
def test_general_part_asks(materials, q: str, want: list[str], not_want: list[str]) -> None:  # type: ignore[no-untyped-def]
    a = materials.ask(q)
    assert a.answered and a.citations[0].doc == DOC and a.citations[0].project is None, (a.answer, a.note)
    assert all(w in a.answer for w in want) and not any(w in a.answer for w in not_want), a.answer


@pytest.mark.parametrize(("q", "projects", "section"), [
    ("这批项目哪些不是公开竞争，而是揭榜挂帅或定向委托？", ["项目二", "项目四"], "组织方式"),
    ("这批项目哪些不是公开竞争？", ["项目二", "项目四"], "组织方式"),
    # A domain group names its projects; 分别 asks a row each.
    ("先进电池材料领域两个项目的市级财政资助分别是多少？", ["项目一", "项目二"], "资助强度"),
    # Magnitudes: 1亿元 is met by 1 亿元 and not by 8000 万元; 一千万元 is exactly 1000 万元.
    ("这批项目里哪些要求承担单位自筹达到8千万元？", ["项目一", "项目二"], "资助强度"),
    ("这批项目哪些的市级财政资助上限正好是一千万元？", ["项目一", "项目三"], "资助强度"),
    # A yes/no asked of the whole batch: every project's row, identical rows merged.
    ("整个新材料重大专项第三批，是择优委托还是竞争性评审？", ["项目一", "项目二", "项目三", "项目四"], "组织方式"),
    ("这批项目是不是都鼓励和高校、科研院所联合申报？", ["项目一", "项目二", "项目三", "项目四"], "申报条件"),
])
def test_cross_asks(materials, q: str, projects: list[str], section: str) -> None:  # type: ignore[no-untyped-def]
    a = materials.ask(q, doc=DOC)
    assert a.answered, a.note
    assert sorted(_rows(a)) == sorted(projects) and {c.section for c in a.citations} == {section}, (a.answer, a.note)


def test_a_value_no_project_has_gets_the_whole_table_and_says_so(materials) -> None:  # type: ignore[no-untyped-def]
    a = materials.ask("各项目的组织方式是什么？有没有哪个是揭榜挂帅的？", doc=DOC)
    assert a.answered and _rows(a) == ["项目二"] and "不符合所问" in a.note
    first = "2023-chongqing-ai-major-projects-batch1"
    b = materials.ask("这七个项目的组织方式都是什么？有没有哪个是揭榜挂帅的？", doc=first)
    assert b.answered and len(_rows(b)) == 7 and b.note == "没有项目的组织方式是揭榜挂帅。"


def test_listed_words_rank_one_figure_per_project(materials) -> None:  # type: ignore[no-untyped-def]
    a = materials.ask("哪个项目对执行期内销售收入、经济效益的要求最低？", doc=DOC)
    assert a.answered and a.citations[0].project == "项目四" and "3000 万元" in a.citations[0].text
    b = materials.ask("哪个项目对执行期内销售收入、经济效益的要求最高？", doc=DOC)
    assert b.answered and b.citations[0].project == "项目三" and "2 亿元" in b.citations[0].text


def test_a_project_named_by_a_piece_of_its_title(materials) -> None:  # type: ignore[no-untyped-def]
    a = materials.ask("新材料专项中固态电池电解质隔膜（SSB）项目的实施年限是多久？")
    assert a.answered and a.citations[0].doc == DOC and a.citations[0].project == "项目一"
    assert a.citations[0].section == "实施年限" and "3 年" in a.answer
    b = materials.ask("固态电池电解质隔膜那个项目的隔膜厚度要求是多少？")
    assert b.answered and b.citations[0].section == "预期目标" and "20 微米" in b.answer
