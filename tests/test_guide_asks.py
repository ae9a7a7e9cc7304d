"""Plain questions to a newly loaded guide: its period wording and date ranges, its general part's
limits and contacts, and projects named by a short piece of their title.

Each mechanism is tested as a function on tables and, end to end, on a guide written here (项目1：
headers, （1） sections, date-range periods, a general part) loaded beside the first guide and its
aliases file, never on eval questions.
"""

from __future__ import annotations

import pytest

from rag.dates import asks_date, asks_when, has_range, period_months
from rag.normalize import normalize, strip_spaces
from rag.query import understand
from rag.roles import FUNDING, PERIOD, PROBLEM
from rag.topics import unique_title_pieces
from tests.conftest import engine_with_guide

GUIDE = """附件 2
2027 年重庆市绿色船舶科技重大专项
第一批项目申报指南
一、总体要求
本批次共发布 4 个项目，市级财政资助总额不超过 3000 万元。
二、申报须知
1.申报时间：网上填报时间为 2027 年 4 月 1 日 9:00 至 4 月 28 日 17:00。
2.申报方式：登录“重庆市科技管理信息系统”在线填报。系统技术支持电话：023-61234567。
3.限项要求：同一单位作为牵头单位限报 2 项；项目负责人年龄原则上不超过 55 周岁。
三、申报项目
项目1：内河电动货船锂电池动力系统研发及示范
（1）主要研究内容：研究船用锂电池包热管理与电力推进控制技术，开展示范航行。
（2）绩效目标：电池系统能量密度≥160 Wh/kg；示范船舶≥3 艘；推进系统额定功率≥900 千瓦。
（3）支持强度：拟支持 1 项，市级财政资助不超过 1000 万元，承担单位自筹不低于 4000 万元。
（4）实施年限：2027 年 7 月至 2030 年 6 月。
项目2：船舶岸电智能连接装置研发及应用
（1）主要研究内容：研究高压岸电快速插拔与安全联锁技术，建设岸电示范码头。
（2）绩效目标：单套岸电装置容量≥2 MW；建成示范码头≥5 个。
（3）支持强度：拟支持 1 项，市级财政资助不超过 600 万元，区级财政资助不超过 300 万元，承担单位自筹不低于 2400 万元。
（4）实施年限：2027 年 7 月至 2029 年 6 月。
项目3：液化天然气（LNG）双燃料船舶发动机关键技术研究
（1）主要研究内容：研究双燃料发动机燃烧控制与甲烷逃逸抑制技术。
（2）绩效目标：甲烷逃逸率≤1%；完成台架试验≥1000 小时。
（3）支持强度：采取后补助方式，最高不超过 800 万元。
（4）实施年限：不超过 2 年。
项目4：船舶智能能效管理平台研发及应用
（1）主要研究内容：研究船舶能耗监测与航速优化技术，开发能效管理平台。
（2）绩效目标：接入船舶≥500 艘；综合节能率≥8%。
（3）支持强度：拟支持 1 项，市级财政资助不超过 600 万元，承担单位自筹不低于 1800 万元。
（4）实施年限：2027 年 7 月至 2029 年 12 月。
"""
DOC = "2027-chongqing-green-ships-batch1"


@pytest.mark.parametrize(("text", "months"), [
    ("2027 年 7 月至 2030 年 6 月。", 36.0),  # both end months count
    ("2025 年 12 月至 2029 年 5 月", 42.0),
    ("2026年7月1日至2028年6月", 24.0),
    ("不超过 3 年。", 36.0),
    ("不超过两年", 24.0),
    ("18 个月", 18.0),
    ("至 2028 年 11 月完成", None),  # an end date alone is no length
    ("项目执行期内完成验收", None),
])
def test_period_lengths(text: str, months: float | None) -> None:
    assert period_months(text) == months


@pytest.mark.parametrize(("q", "when"), [
    ("项目6的执行时间从哪年哪月到哪年哪月？", True),
    ("哪年开始实施？", True),
    ("项目6执行几年？", False),  # a length, not a point in time
])
def test_year_and_month_questions_ask_when(q: str, when: bool) -> None:
    assert asks_when(normalize(q)) is when


@pytest.mark.parametrize(("q", "section"), [
    ("项目6的执行时间从哪年哪月到哪年哪月？", PERIOD),
    ("项目3要干到啥时候？", PERIOD),
    ("项目一要在什么时间之前完成？", PERIOD),
    ("项目1主要攻关哪些技术？", PROBLEM),
    ("项目四主要建设些什么？", PROBLEM),
    ("项目2企业自己得掏多少钱？", FUNDING),
    ("项目3是先给钱还是做完了再补？", FUNDING),
])
def test_plain_wording_of_sections(q: str, section: str) -> None:
    assert understand(q).sections[:1] == [section]


def test_the_batch_names_the_guide_of_a_project_it_names() -> None:
    assert understand("这批项目的实施年限分别是多久？").cross
    assert not understand("新材料这批的固态电池项目要循环多少次？", topics=["固态"]).cross


TITLES = {
    ("g", 1): "内河电动货船锂电池动力系统研发及示范",
    ("g", 2): "船舶岸电智能连接装置研发及应用",
    ("g", 3): "液化天然气(lng)双燃料船舶发动机关键技术研究",
    ("g", 4): "船舶智能能效管理平台研发及应用",
}


@pytest.mark.parametrize(("q", "named"), [
    ("岸电那个项目给多少钱？", {("g", 2): 1}),
    ("双燃料的发动机要试验多久？", {("g", 3): 2}),  # two pieces of one title
    ("货船项目的示范船舶几艘？", {("g", 1): 1}),
    ("船舶项目要几年？", {}),  # in every title: names none
    ("研发及应用的项目有哪些？", {}),  # title fillers name nothing
    ("重庆市绿色船舶专项的能效怎么算？", {("g", 4): 1}),  # 绿色船舶 is the guide's, 能效 the project's
    ("什么平台？", {}),
])
def test_a_piece_only_one_title_holds_names_its_project(q: str, named: dict) -> None:
    titles = {k: strip_spaces(normalize(t)) for k, t in TITLES.items()}
    guide = {"g": "2027年重庆市绿色船舶科技重大专项第一批项目申报指南"}
    bodies = {**titles, ("g", 4): titles[("g", 4)] + "能耗监测"}
    assert unique_title_pieces(strip_spaces(normalize(q)), titles, guide, bodies) == named


def test_a_piece_other_projects_write_names_none() -> None:
    titles = {("g", 1): "岸电装置研发", ("g", 2): "码头平台", ("g", 3): "能效平台"}
    bodies = {("g", 2): "岸电码头", ("g", 3): "岸电能效"}
    assert unique_title_pieces("岸电那个项目", titles, {}, bodies) == {}


def test_a_piece_must_be_whole_words_of_the_question() -> None:
    # 质材料 is a piece of 电解质材料 only by cutting 纸质 apart: the question asks about 纸质材料.
    from rag.naming import word_cuts

    titles = {("g", 1): "硫化物固态电解质材料", ("g", 2): "玻璃纤维布"}
    q = "还要不要寄送纸质材料"
    assert unique_title_pieces(q, titles, {}, {}) == {("g", 1): 1}  # without the question's words
    assert unique_title_pieces(q, titles, {}, {}, word_cuts(["还要", "不要", "寄送", "纸质", "材料"])) == {}
    assert unique_title_pieces("电解质材料那个", titles, {}, {}, word_cuts(["电解质", "材料", "那个"])) == {("g", 1): 1}


# --- end to end on the guide above, loaded with the first guide and its aliases -----------------

@pytest.fixture(scope="module")
def ships(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return engine_with_guide(tmp_path_factory.mktemp("ships"), DOC, GUIDE, aliases=True)


@pytest.mark.parametrize(("q", "doc", "project", "section", "want"), [
    ("项目1的执行时间从哪年哪月到哪年哪月？", DOC, "项目1", "实施年限", ["2027 年 7 月", "2030 年 6 月"]),
    ("项目3要干到啥时候？", DOC, "项目3", "实施年限", ["2 年"]),
    # Named by a piece only its title holds, in plain words.
    ("岸电那个活儿企业自己得掏多少钱？", DOC, "项目2", "支持强度", ["2400"]),
    ("2027年绿色船舶专项第一批那个双燃料项目，是先给钱还是做完了再补？", None, "项目3", "支持强度", ["后补助"]),
    # 船舶 and 重庆 name the guide (its title holds them), not project 4's 船舶智能能效管理平台.
    ("2027年重庆绿色船舶专项第一批里，岸电装置容量要多大？", None, "项目2", "绩效目标", ["2 MW"]),
])
def test_plain_questions_to_a_new_guide(ships, q: str, doc: str | None, project: str, section: str,  # type: ignore[no-untyped-def]
                                        want: list[str]) -> None:
    a = ships.ask(q, doc=doc)
    assert a.answered, a.note
    c = a.citations[0]
    assert (c.doc, c.project, c.section) == (DOC, project, section), (a.answer, a.note)
    assert all(w in a.answer for w in want), a.answer


@pytest.mark.parametrize(("q", "doc", "want"), [
    ("同一个单位作为牵头单位最多能报几个项目？", DOC, "限报 2 项"),
    ("2027年绿色船舶专项第一批，系统出问题了该打哪个技术支持电话？", None, "023-61234567"),
    # 汽车 is an alias of the first guide's own file: it does not outweigh a guide named in words.
    ("2027年绿色船舶专项第一批对项目负责人年龄有什么限制？汽车企业也一样吗？", None, "55 周岁"),
])
def test_general_part_in_plain_words(ships, q: str, doc: str | None, want: str) -> None:  # type: ignore[no-untyped-def]
    a = ships.ask(q, doc=doc)
    assert a.answered and a.citations[0].doc == DOC and a.citations[0].project is None, (a.answer, a.note)
    assert want in a.answer


@pytest.mark.parametrize(("q", "first", "rows"), [
    ("哪个项目的实施期最长？", "项目1", 4),  # 36 months beats 30, 24 and "不超过 2 年"
    ("哪个项目的实施年限最短？", "项目3", 4),
    ("哪个项目的市级财政资助额度最高？", "项目1", 3),  # 项目3 (后补助) states no 市级 amount
])
def test_superlatives_compare_periods_and_amounts(ships, q: str, first: str, rows: int) -> None:  # type: ignore[no-untyped-def]
    a = ships.ask(q, doc=DOC)
    assert a.answered and a.citations[0].project == first and len(a.rows) == rows, (a.answer, a.note)


def test_the_other_funded_party_is_asked_across_projects(ships) -> None:  # type: ignore[no-untyped-def]
    a = ships.ask("除了市级资助还有区级财政配套的是哪个项目？", doc=DOC)
    assert a.answered and [c.project for c in a.citations if c.project] == ["项目2"], (a.answer, a.note)


@pytest.mark.parametrize(("q", "answered"), [
    ("项目1从哪年哪月开始实施？", True),  # 2027 年 7 月至 2030 年 6 月
    ("项目3从哪年哪月开始实施？", False),  # 不超过 2 年: a length, no date
])
def test_a_calendar_date_asked_is_answered_only_by_a_date(ships, q: str, answered: bool) -> None:  # type: ignore[no-untyped-def]
    a = ships.ask(q, doc=DOC)
    assert a.answered is answered, (a.answer, a.note)
    assert answered or "没有给出具体日期" in a.note


@pytest.mark.parametrize(("text", "window"), [
    ("网上申报时间为 2026 年 3 月 1 日 9:00 至 2026 年 3 月 31 日 17:00", True),
    ("2026年5月6日—6月5日", True),
    ("2027 年 7 月至 2030 年 6 月", True),
    ("于 2026 年 4 月 15 日前报送", False),  # one date: a deadline, not when it opens
])
def test_a_window_says_when_something_opens(text: str, window: bool) -> None:
    assert has_range(text) is window


@pytest.mark.parametrize(("q", "date"), [
    ("项目1从哪年哪月开始实施？", True), ("哪一天截止？", True), ("项目1实施几年？", False), ("什么时候截止", False),
])
def test_a_calendar_date_is_asked_outright(q: str, date: bool) -> None:
    assert asks_date(normalize(q)) is date
