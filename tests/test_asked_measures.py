"""A count asked in a measure word, "which district", stated amounts and spoken conditions (issue 11)."""

from __future__ import annotations

import pytest

from rag.answer import Evidence
from rag.compare import conditions
from rag.coverage import Coverage, counted_in, names_place, retarget, unsaid_attribute
from rag.normalize import normalize
from rag.types import Chunk, Clause
from rag.units import cn_value, quantities


def _chunk(project: str, section: str, text: str) -> Chunk:
    return Chunk(f"g#{project}#{section}", "g", "指南", project, "某平台研发", section, 1, text, 0, len(text),
                 (Clause(text, 0, len(text)),), project_no=1)


def _gap(text: str, question: str, span: str = "") -> str | None:
    cov = Coverage([_chunk("项目一", "考核指标", text)])
    gap = cov.gap("g", "项目一", "考核指标", Evidence([], []), lambda _t: True, normalize(question), span=span)
    return gap.note if gap else None


@pytest.mark.parametrize(("question", "measure"), [
    ("要投放多少台清扫车", "台辆"), ("软件著作权要取得几件", "件项"), ("接入几颗低轨卫星", "颗"), ("培养多少人", "人名位"),
    ("示范多少辆车", "台辆"), ("这是第几批", ""), ("授权发明专利几项", ""), ("要多少天", ""),
])
def test_the_measure_word_a_count_is_asked_in(question: str, measure: str) -> None:
    assert counted_in(question) == measure


@pytest.mark.parametrize(("text", "question", "lacks"), [
    ("研发无人作业清洁装备≥3 类，工作效率≥5000m²/h", "示范时要投放多少台清扫车？", "以“台”计的数量"),
    ("定位水平精度≥20cm，收敛时间≤30min", "要接入多少颗低轨卫星？", "以“颗”计的数量"),
    ("示范智能驾驶汽车≥50 辆，里程≥20000km", "示范汽车要多少辆？", None),
    ("培养博士≥5 名，授权发明专利≥3 项", "要培养多少人？", None),
    ("示范智能驾驶汽车≥50 辆", "示范用的汽车要几台？", None), ("软件著作权≥20 项", "软件著作权要取得几件？", None),
    ("对接公共数据资源≥10 亿条", "要对接多少条数据？", None),
    ("高质量指令数据≥100 万，人工标注率≥95%", "高质量指令数据需要多少条？", None),
])
def test_a_count_in_a_measure_the_project_never_counts_in_is_a_gap(text: str, question: str,
                                                                  lacks: str | None) -> None:
    note = _gap(text, question, span=text)
    assert (note is None) if lacks is None else (note == f"项目一的考核指标没有提到{lacks}。")


@pytest.mark.parametrize(("text", "named"), [
    ("本项目以市区（县）联动方式实施。", False), ("在区级真实复杂环境下示范", False),
    ("在示范区内开展应用", False), ("各区县协同推进", False),
    ("在渝北区开展示范", True), ("落地两江新区", True), ("在璧山县建设", True),
])
def test_a_named_district_is_told_from_a_kind_of_place(text: str, named: bool) -> None:
    assert names_place(normalize(text)) is named


@pytest.mark.parametrize(("span", "question", "gap"), [
    ("本项目以市区（县）联动方式实施。", "具体放在哪个区县落地？", True),
    ("在区级真实复杂环境下示范", "指南有没有指定是哪个区？", True),
    ("在渝北区开展示范", "具体放在哪个区县落地？", False),
    ("本项目以市区（县）联动方式实施。", "实施方式是不是要跟区县一起？", False),
])
def test_which_district_is_answered_only_by_a_named_one(span: str, question: str, gap: bool) -> None:
    note = _gap(span, question, span=span)
    assert (note == "项目一的考核指标没有提到具体的区县。") if gap else note is None


@pytest.mark.parametrize(("q", "op", "amount"), [
    ("哪些项目市级财政给的钱不到8百万", "<", 8e6), ("哪些项目资助不足500万元", "<", 5e6),
    ("要求出资达到1个亿的项目", ">=", 1e8), ("资助上限能达到1千万或者更多", ">=", 1e7),
])
def test_spoken_conditions_are_read_with_their_magnitude(q: str, op: str, amount: float) -> None:
    found, rest = conditions(normalize(q))
    assert [(c.op, c.amount.value if c.amount else None) for c in found] == [(op, amount)]
    assert "或者" not in rest and "更多" not in rest


@pytest.mark.parametrize(("token", "value"), [("一万万", 1e8), ("五千万", 5e7), ("一千", 1e3)])
def test_chinese_numerals_with_old_magnitudes(token: str, value: float) -> None:
    assert cn_value(token) == value


@pytest.mark.parametrize(("span", "question", "keeps"), [
    ("服务游客≥1 亿人次", "服务游客是要一千万人次还是一万万人次？", True),
    ("报告生成时间≤300s", "如果5分钟以内出报告，算不算达标？", True),
    ("服务游客≥1 亿人次", "服务游客要多少？", False),
])
def test_a_span_stating_the_amount_asked_answers_it(span: str, question: str, keeps: bool) -> None:
    chunk = _chunk("项目一", "考核指标", span)
    moved = retarget([chunk], span, normalize(question), Evidence(["服务"], [1.0]), (chunk, 0, len(span)))
    assert (moved == (chunk, 0, len(span))) if keeps else moved is None
    assert quantities(normalize(question)) or not keeps


@pytest.mark.parametrize(("text", "question", "gap"), [
    ("市级财政经费资助不超过 1000 万元，区级财政经费资助不超过 1000 万元", "区县财政那块最多能给多少？", False),
    ("市级财政经费资助不超过 750 万元", "区县财政那块最多能给多少？", True),
])
def test_a_spoken_word_is_covered_by_the_guides_term_for_it(text: str, question: str, gap: bool) -> None:
    cov = Coverage([_chunk("项目一", "资助强度", text), _chunk("项目二", "资助强度", "区县配套资金≥100 万元")])
    note = cov.gap("g", "项目一", "资助强度", Evidence(["区县"], [1.0]), lambda _t: True, normalize(question))
    assert (note is not None) is gap


@pytest.mark.parametrize(("text", "gap"), [
    ("拟支持 1 项，市级财政资助不超过 500 万元，不要求区县配套", False),  # 市级 … 资助: the same attribute
    ("拟支持 1 项，由企业自筹；示范工程须通过市级验收", True),  # 市级 with no 资助 near it
])
def test_a_phrase_asked_is_covered_by_its_fuller_wording(text: str, gap: bool) -> None:
    cov = Coverage([_chunk("项目一", "资助强度", text), _chunk("项目二", "资助强度", "市级资助≥300 万元")])
    note = cov.gap("g", "项目一", "资助强度", Evidence(["市级"], [1.0]), lambda _t: True, normalize("市级资助多少？"))
    assert (note is not None) is gap, note


@pytest.mark.parametrize(("text", "gap"), [
    ("市级财政经费资助不超过 500 万元；服务全市 38 个区县", True),  # 区县 here is no funding party
    ("市级财政经费资助不超过 500 万元，区级财政经费资助不超过 300 万元", False),
])
def test_a_spoken_phrase_is_asked_as_the_guides_phrase(text: str, gap: bool) -> None:
    # 区县财政 is the spoken form of 区级财政 (lexicon), which another project of the guide sets.
    cov = Coverage([_chunk("项目七", "资助强度", text), _chunk("项目一", "资助强度", "区级财政经费资助不超过 1000 万元")])
    note = cov.gap("g", "项目七", "资助强度", Evidence(["区县"], [1.0]), lambda _t: True,
                   normalize("区县财政会另外配套多少经费？"))
    assert (note is not None) is gap, note


@pytest.mark.parametrize(("text", "term", "question", "gap"), [
    ("拟支持1项，市级财政资助不超过1000万元，项目所在区配套不低于500万元", "区级", "区里能给多少钱？", False),
    ("拟支持1项，市级财政资助不超过1000万元", "区级", "区里能给多少钱？", True),
    ("建成千吨级碳纤维生产线，产能≥500吨/年", "年产", "年产能要达到多少吨？", False),  # the period after the amount
    ("建成千吨级碳纤维生产线，良品率≥95%", "年产", "年产能要达到多少吨？", True),
])
def test_an_attribute_in_the_forms_guides_write_it(text: str, term: str, question: str, gap: bool) -> None:
    other = _chunk("项目二", "考核指标", "区级财政资助不超过 300 万元，年产能≥100 MW")
    cov = Coverage([_chunk("项目一", "考核指标", text), other])
    note = cov.gap("g", "项目一", "考核指标", Evidence([term], [1.0]), lambda _t: True, normalize(question))
    assert (note is not None) is gap, note


def test_time_names_no_attribute_of_its_own() -> None:
    # 最多给几年时间 of a project whose period reads 不超过 3 年: 时间 is how the period is asked.
    cov = Coverage([_chunk("项目一", "实施周期", "不超过 3 年。"), _chunk("项目二", "考核指标", "报告生成时间≤300s")])
    note = cov.gap("g", "项目一", "实施周期", Evidence(["时间"], [1.0]), lambda _t: True, normalize("最多给几年时间？"))
    assert note is None


@pytest.mark.parametrize(("text", "value", "dimension"), [
    ("应用示范面积≥50km2，示范企业≥10 家", 50.0, "area"),
    ("区级示范区域面积≥20km2，示范汽车≥50 辆", 20.0, "area"),
])
def test_a_ranked_metric_carries_the_dimension_of_its_amount(text: str, value: float, dimension: str) -> None:
    from rag.rank import _metric
    from rag.units import asked_dimensions

    dims = asked_dimensions(normalize("哪个要求的面积最大？"))
    assert "area" in dims
    found = _metric(_chunk("项目一", "考核指标", text), text, Evidence(["面积"], [1.0]), dims)
    assert found is not None and found[3:] == (value, dimension)


@pytest.mark.parametrize(("q", "amount"), [
    ("哪些要求的销售收入或者经济效益是亿元级别的", 1e8), ("服务人次是千万级的项目", 1e7), ("百万元量级的资助", 1e6),
])
def test_an_order_of_magnitude_asks_for_at_least_one_of_it(q: str, amount: float) -> None:
    found, rest = conditions(normalize(q))
    assert [(c.op, c.amount.value if c.amount else None) for c in found] == [(">=", amount)]
    assert "级" not in rest


def test_what_to_note_names_no_attribute() -> None:
    from rag.coverage import attribute_word

    assert not attribute_word("注意") and not attribute_word("特别注意") and attribute_word("软件著作权")


@pytest.mark.parametrize(("question", "terms", "span", "unsaid"), [
    ("项目二是否要求开源？", ["模型", "开源"], "实现大模型相关产品销售收入≥5 亿", "开源"),  # no guide says 开源
    ("申报企业需要持有牌照吗？", ["企业", "持有", "牌照"], "企业牵头，鼓励产学研合作", "牌照"),
    ("项目二是否要求开源？", ["开源"], "模型开源并发布", None),  # the span says it
    ("项目一能不能由高校牵头吗？", ["不能", "高校"], "企业牵头", None),  # how it is asked, not what
    ("项目二主要研究开源什么", ["开源"], "研究多模态大模型", None),  # not a yes/no ask
    ("是否要求北斗横向定位准到 20 厘米", ["北斗", "横向", "定位", "准到"], "北斗定位横向误差≤20cm", None),  # other wording
    ("摄像头一秒钟要处理多少帧画面", ["画面"], "识别速度≥30Fps", None),  # a value: its unit answers
])
def test_a_target_word_no_guide_uses_is_what_the_guide_lacks(question: str, terms: list[str], span: str,
                                                               unsaid: str | None) -> None:
    known = {"模型", "企业", "高校", "北斗", "横向", "定位"}
    # A word no guide uses weighs most (idf), as in the index.
    ev = Evidence(terms, [2.0 if t in known else 5.0 for t in terms])
    assert unsaid_attribute(normalize(question), ev, span, lambda t: t in known) == unsaid


def test_a_short_form_of_the_sections_words_is_wording() -> None:
    # 软著 is 软件著作权 said short: the section has it, so nothing is lacking.
    ev = Evidence(["软著"], [5.0])
    section = "申请发明专利≥10 项，软件著作权≥20 项"
    assert unsaid_attribute(normalize("有没有软著要求"), ev, "申请发明专利≥10 项", lambda _t: False, section) is None
    assert unsaid_attribute(normalize("有没有软著要求"), ev, "申请发明专利≥10 项", lambda _t: False, "无") == "软著"


@pytest.mark.parametrize(("section", "term", "question", "gap"), [
    ("考核指标", "良品率", "对构件的良品率有什么要求？", True),  # a target the project does not set
    ("申报条件", "资质", "对牵头单位的资质有什么要求？", False),  # asks what the eligibility says
])
def test_what_is_required_asks_a_target_only_of_the_targets(section: str, term: str, question: str, gap: bool) -> None:
    cov = Coverage([_chunk("项目一", section, "企业牵头，抗拉强度≥1800MPa"),
                    _chunk("项目二", section, "产品良品率≥90%，须具备甲级资质")])
    note = cov.gap("g", "项目一", section, Evidence([term], [1.0]), lambda _t: True, normalize(question))
    assert (note is not None) is gap, note
