"""Answer exactly what was asked: units, attribute coverage, rankings, stories, general cross asks."""

from __future__ import annotations

import pytest

from rag.answer import Evidence
from rag.coverage import attribute_word, specific
from rag.normalize import normalize
from rag.query import focus, understand
from rag.rank import direction
from rag.units import Quantity, asked_dimensions, quantities, same_value


@pytest.mark.parametrize(("text", "value", "dim"), [
    ("1亿元", 1e8, "money"), ("10000 万元", 1e8, "money"), ("5千万", 5e7, ""), ("经济效益要十个亿", 1e9, ""),
    ("一千万元", 1e7, "money"), ("两万公里", 2e7, "length"), ("≤300s", 300, "time"), ("≤10 min", 600, "time"),
    ("≤1h", 3600, "time"), ("50km2", 50, "area"), ("50平方公里", 50, "area"), ("≥1 亿人次", 1e8, "visits"),
    ("≥150qps", 150, "qps"), ("≥30fps", 30, "rate"), ("≥20cm", 0.2, "length"), ("≥150tb", 150, "data"),
    ("≥2000 人", 2000, "people"), ("≥300pflops(fp16)", 300, "compute"),
])
def test_quantities_are_normalised_to_base_units(text: str, value: float, dim: str) -> None:
    (q,) = quantities(normalize(text))
    assert q.value == pytest.approx(value) and q.dimension == dim


@pytest.mark.parametrize("text", ["一体化", "项目一", "fp16", "top3", "万一"])
def test_words_with_numerals_are_not_quantities(text: str) -> None:
    assert quantities(normalize(text)) == [] or all(q.dimension == "" for q in quantities(text)) and text == "fp16"


@pytest.mark.parametrize(("a", "b", "same"), [
    ("1亿元", "10000万元", True), ("5分钟", "300s", True), ("50000万元", "5亿", True), ("1000万元", "1亿元", False),
    ("3秒", "3 min", False), ("20km2", "20公里", False),
])
def test_same_amount_in_other_units(a: str, b: str, same: bool) -> None:
    assert same_value(quantities(a)[0], quantities(b)[0]) is same


@pytest.mark.parametrize(("q", "dims"), [
    ("示范区域要多少平方公里", {"area"}), ("要铺开多大一块地方", {"area"}), ("几秒钟之内得有反应", {"time"}),
    ("多长时间出结果", {"time"}), ("数据规模多少tb", {"data"}), ("一秒钟处理多少帧", {"rate"}),
    ("要服务多少人", {"people", "visits"}), ("项目二的考核指标", set()),
])
def test_asked_dimensions(q: str, dims: set[str]) -> None:
    assert asked_dimensions(normalize(q)) == dims


def test_quantity_offsets_point_into_the_text() -> None:
    text = "规模≥100tb、数据≥10万"
    assert [q.text for q in quantities(text)] == ["100tb", "10万"]
    assert all(text[q.at : q.at + len(q.text)] == q.text for q in quantities(text))
    assert Quantity(1.0, "", "1", 0) == Quantity(1.0, "", "1", 9)  # offsets do not make amounts differ


@pytest.mark.parametrize(("term", "ok"), [
    ("博士", True), ("区级", True), ("软件著作权", True), ("规模", False), ("达到", False), ("申报", False),
    ("万人次", False), ("平方公里", False), ("一|二", False), ("人", False),
])
def test_attribute_words(term: str, ok: bool) -> None:
    assert attribute_word(term) is ok


def test_general_words_leave_a_cross_question() -> None:
    ev = Evidence(["人工智能", "申报", "单位", "满足", "七个", "方言", "1000"], [1.0] * 7)
    assert specific(ev, {"2023年重庆市人工智能重大专项"}).terms == ["方言", "1000"]  # numbers filter rows


@pytest.mark.parametrize(("q", "sign"), [
    ("哪个项目市级财政资助最多", 1), ("出资最少的是哪个项目", -1), ("哪个项目实施周期最长", 1),
    ("项目二最多资助多少", 0), ("市级财政资助最多多少", 0), ("which project has the most patents", 1),
    ("which projects require at least 10 patents", 0),
])
def test_superlative_direction(q: str, sign: int) -> None:
    assert direction(normalize(q)) == sign


@pytest.mark.parametrize(("q", "body"), [
    ("我们是一家企业，准备牵头申报，请问经济效益要多少？", "请问经济效益要多少?"),
    ("我们是高校的实验室，做了好多年了，申报条件是怎么规定的？", "申报条件是怎么规定的?"),
    ("金融大模型那个，报告生成要多长时间？", "金融大模型那个,报告生成要多长时间?"),  # no story: stays whole
])
def test_a_story_ends_where_the_question_starts(q: str, body: str) -> None:
    assert focus(normalize(q))[0] == body


def test_story_words_do_not_pick_the_section() -> None:
    q = understand("我们是一家车企，准备牵头申报，请问执行期内经济效益要多少？")
    assert "申报条件" not in q.sections and "申报条件" not in q.weak_sections


@pytest.mark.parametrize(("q", "project"), [
    ("這批項目一般都要做多久？", None), ("項目一的實施週期？", 1),
])
def test_yi_ban_is_not_project_one(q: str, project: int | None) -> None:
    assert understand(q).project_numbers == ([project] if project else [])


@pytest.mark.parametrize(("q", "note"), [
    ("项目五要求培养几个博士？", "博士"),
    ("项目四金融大模型，区级财政会资助多少？", "区级"),
    ("项目六在区级真实环境示范，那区级财政经费资助多少？", "区级财政"),
    ("项目二的示范区域面积要求多少平方公里？", "平方公里"),
    ("项目三构建的数据资源规模要达到多少TB？", "tb"),
    ("How many software copyrights does project 5 require?", "软件著作权"),
])
def test_a_target_the_project_does_not_set_is_not_answered(engine, q: str, note: str) -> None:  # type: ignore[no-untyped-def]
    ans = engine.ask(q)
    assert not ans.answered
    assert note in ans.note and "没有提到" in ans.note


@pytest.mark.parametrize(("q", "project", "text"), [
    ("项目三培养博士人数", "项目三", "博士"),
    ("项目一的区级财政经费资助是多少？", "项目一", "区级财政经费资助不超过"),
    ("项目六的示范区域面积要求多少平方公里？", "项目六", "20km2"),
    ("项目五示范应用要铺开多大一块地方？", "项目五", "50km2"),
    ("项目四生成一份报告要多长时间？", "项目四", "300s"),
    ("项目二的销售收入是不是50000万元？", "项目二", "5 亿"),
])
def test_a_target_the_project_sets_is_answered_from_its_metric(engine, q: str, project: str, text: str) -> None:  # type: ignore[no-untyped-def]
    ans = engine.ask(q)
    assert ans.answered and ans.citations[0].project == project
    assert text.replace(" ", "") in ans.answer.replace(" ", "")


@pytest.mark.parametrize(("q", "projects", "text"), [
    ("哪个项目市级财政资助最多？", ["项目二"], "2000"),
    ("哪个项目市级财政给的钱最少？", ["项目四", "项目七"], "500"),
    ("哪个项目要求服务的人次最多？", ["项目七"], "1 亿人次"),
    ("授权发明专利要求最少的是哪个项目？", ["项目一"], "3"),
])
def test_superlatives_answer_the_extreme_projects(engine, q: str, projects: list[str], text: str) -> None:  # type: ignore[no-untyped-def]
    ans = engine.ask(q)
    assert ans.answered
    firsts = [labels[0] for labels, _ in ans.rows][: len(projects)]
    assert firsts == projects and len(ans.rows) > len(projects)  # the others follow, for comparison
    assert all(text in row for _, row in ans.rows[: len(projects)])
    assert ans.citations[0].project == projects[0]


@pytest.mark.parametrize(("q", "section"), [
    ("我们想报这批项目，申报单位需要满足什么条件？", "申报条件"),
    ("这批项目一般都要做多久？", "实施周期"),
    ("每个方向各打算支持几个项目？", "资助强度"),
])
def test_general_asks_of_every_project_get_a_row_each(engine, q: str, section: str) -> None:  # type: ignore[no-untyped-def]
    ans = engine.ask(q)
    assert ans.answered and ans.rows
    assert {c.project for c in ans.citations} == {f"项目{n}" for n in "一二三四五六七"}
    assert {c.section for c in ans.citations} == {section}


@pytest.mark.parametrize(("q", "project"), [
    ("請問衛星網際網路平台這個專案，大學可以主導提出申請嗎？", "项目三"),
    ("多模態大模型專案最後要服務多少民眾？", "项目二"),
])
def test_taiwan_wording_is_folded(engine, q: str, project: str) -> None:  # type: ignore[no-untyped-def]
    ans = engine.ask(q)
    assert ans.answered and ans.citations[0].project == project
