"""What the question around the ask says: a description, a remark, a story, a list (issue 11)."""

from __future__ import annotations

import numpy as np

from rag.answer import Evidence
from rag.coverage import Coverage, asked_head, unheld_attribute
from rag.normalize import normalize
from rag.query import understand
from rag.semantic import Calibration, Semantic, asked_part, metric_spans
from rag.types import Chunk, Clause
from rag.values import value_filter


def _known(*words: str):  # type: ignore[no-untyped-def]
    return lambda t: t in words


def test_the_metric_asked_that_no_guide_names_is_unheld() -> None:
    # 倍率 is named by no loaded guide, and the span shares only the project's 电芯 with the question.
    ev = Evidence(["电芯", "快充", "倍率"], [6.0, 7.9, 7.9])
    q = normalize("固态电池项目，电芯快充倍率要求达到几C？")
    assert unheld_attribute(q, ev, "固态电芯质量能量密度≥400 Wh/kg", _known("电芯")) == "倍率"
    # Without the corpus's vocabulary the old rule stands (the span holds a word of the question).
    assert unheld_attribute(q, ev, "固态电芯质量能量密度≥400 Wh/kg") is None


def test_a_verb_or_a_frame_before_the_ask_is_no_metric() -> None:
    ev = Evidence(["报告", "生成", "限定"], [4.0, 4.0, 7.9])
    q = normalize("项目四的报告生成时间限定在多少秒以内？")
    assert asked_head(q, ev) is None
    assert unheld_attribute(q, ev, "报告生成时间≤300s", _known("报告", "生成")) is None
    assert asked_head(normalize("同一时间能有多少人在线？"), Evidence(["同一时间"], [7.9])) is None


def test_a_list_asked_is_no_single_metric() -> None:
    ev = Evidence(["计算能力", "卡数"], [4.0, 7.9])
    assert asked_head(normalize("计算能力、CPU核数和GPU卡数各是多少？"), ev) is None


def test_a_gloss_in_brackets_is_not_the_head() -> None:
    ev = Evidence(["横向", "方向"], [4.0, 7.9])
    assert asked_head(normalize("横向（水平方向）要准到几厘米以内？"), ev) != "方向"


def test_a_count_in_a_measure_word_the_project_never_counts_in_is_a_near_miss() -> None:
    text = "建成示范超充站≥30 座，部署双向充放电桩≥200 台"
    chunk = Chunk("g#5#t", "g", "指南", "项目5", "超充", "绩效目标", 1, text, 0, len(text),
                  (Clause(text, 0, len(text)),), project_no=5, role="考核指标")
    gap = Coverage([chunk]).gap("g", "项目5", "绩效目标", Evidence(["超充"], [4.0]), lambda _t: True,
                                normalize("每座示范超充站至少要配几把超充枪？"), span=text)
    assert gap is not None and "把" in gap.note


def test_each_projects_value_asked_keeps_every_row() -> None:
    # 分别采用什么组织方式，哪些是揭榜挂帅: every row answers both asks; the value chooses none.
    each = value_filter(normalize("这6个项目分别采用什么组织方式，哪些是揭榜挂帅的？"))
    assert each.wanted == ("揭榜挂帅",) and not each
    assert value_filter(normalize("哪些项目是揭榜挂帅的？"))


def test_what_the_asker_has_already_found_is_not_asked() -> None:
    q = understand("项目二料肉比要求达到多少？日增重和瘦肉率我都看到了，就是料肉比没找到。")
    assert "瘦肉率" not in q.content and "料肉比" in q.content
    assert "瘦肉率" not in asked_part(q)
    assert "博士" not in asked_part(understand("卫星那个项目除了培养博士以外，要几个硕士？"))


def test_a_story_is_kept_as_context() -> None:
    q = understand("我们是一家药企，准备申报生物医药专项的项目，请问项目负责人年龄有什么限制？")
    assert "生物医药" in q.context and "生物医药" not in q.norm


TEXT = "考核指标：充电模块转换效率≥96.5%，调度响应时间≤1 秒，超充站≥30 座，充放电桩≥200 台"


def test_a_value_asked_in_a_unit_is_answered_in_its_dimension() -> None:
    text = TEXT
    chunk = Chunk("d#1#t", "d", "指南", "项目一", "超充", "考核指标", 1, text, 0, len(text),
                  (Clause(text, 0, len(text)),), project_no=1, role="考核指标")
    spans = metric_spans([chunk], {"d": text})
    groups = np.eye(len(spans), 8, dtype=np.float32)
    # The question points at the efficiency group (index 0) by meaning, but asks minutes.
    ask = np.zeros(8, dtype=np.float32)
    ask[0] = 1.0
    sem = Semantic([chunk], {"d": text}, spans, groups, [("d", 1), ("d", 2)], np.eye(2, 8, dtype=np.float32),
                   lambda _t: ask, Calibration(margin=0.0, min_z=0.0, unit_min_z=0.0))
    pick = sem.best_metric(("d", 1), "充电要几分钟", Evidence([], []), wants_number=True)
    assert pick is None or "秒" in text[pick.start : pick.end]
    pick = sem.best_metric(("d", 1), "转换效率要多少", Evidence([], []), wants_number=True)
    assert pick is not None and "效率" in text[pick.start : pick.end]


def test_the_guides_name_describes_no_project(engine) -> None:  # type: ignore[no-untyped-def]
    # 人工智能专项里…的那个项目: the guide's name is taken out of the description …
    desc, asked = engine._description(normalize("人工智能专项里给环卫做无人清扫的那个项目，要投放多少台车？"))
    assert desc.startswith("给环卫") and "人工智能" not in desc and asked.startswith("要投放")
    # … a description that is only the guide's name gives way to the one after 那个 …
    desc, _ = engine._description(normalize("人工智能专项那个给环卫做无人清扫的项目，要投放多少台车？"))
    assert desc == "给环卫做无人清扫"
    # … and what asks (能不能牵头报) describes nothing.
    q = normalize("能不能牵头报那个多模态大模型的？")
    assert engine._description(q) == ("", q)


def test_a_named_districts_matching_funds_of_a_city_funded_project_is_a_near_miss() -> None:
    text = "拟支持 1 项，市级财政资助不超过 1200 万元，承担单位自筹不低于 3600 万元。"
    chunk = Chunk("g#3#f", "g", "指南", "项目3", "车路云", "支持强度", 1, text, 0, len(text),
                  (Clause(text, 0, len(text)),), project_no=3, role="资助强度")
    cov = Coverage([chunk])
    ask = normalize("车路云项目要在两江新区做示范，两江新区那边会给多少配套资金？")
    gap = cov.gap("g", "项目3", "支持强度", Evidence(["两江", "新区"], [5.0, 5.0]), lambda _t: True, ask, span=text)
    assert gap is not None and "区县配套" in gap.note
    # A project whose district matches (项目落地区县按 1:1 给予配套) answers it.
    text2 = text + "项目落地区县按 1:1 给予配套支持。"
    chunk2 = Chunk("g#3#f", "g", "指南", "项目3", "车路云", "支持强度", 1, text2, 0, len(text2),
                   (Clause(text2, 0, len(text2)),), project_no=3, role="资助强度")
    assert Coverage([chunk2]).gap("g", "项目3", "支持强度", Evidence(["两江", "新区"], [5.0, 5.0]), lambda _t: True,
                                  ask, span=text2) is None


def _gap_of(text: str, terms: list[str], question: str, other: str) -> str | None:
    one = Chunk("g#1#t", "g", "指南", "项目三", "果园", "预期目标", 3, text, 0, len(text),
                (Clause(text, 0, len(text)),), project_no=3, role="考核指标")
    two = Chunk("h#1#t", "h", "指南", "项目一", "其他", "预期目标", 1, other, 0, len(other),
                (Clause(other, 0, len(other)),), project_no=1, role="考核指标")
    g = Coverage([one, two]).gap("g", "项目三", "预期目标", Evidence(terms, [5.0] * len(terms)), lambda _t: True,
                                 normalize(question), span=text)
    return g.note if g else None


def test_words_that_set_the_scene_of_a_bare_measure_are_not_asked() -> None:
    text = "图像识别准确率≥90%，图像识别响应时间≤2 秒"
    ask = "果农拿手机拍张病虫害的照片，要几秒钟出结果才算达标？"
    assert _gap_of("图像识别响应时间≤2 秒", ["手机"], ask, "手机端应用≥2 个") is None
    # A short clause that ends on the word names it: 项目三的视频，要几秒钟 asks a video metric.
    assert _gap_of("图像识别响应时间≤2 秒", ["视频"], "项目三的视频，要几秒钟？", "视频≥1 路") is not None
    assert unheld_attribute(normalize(ask), Evidence(["手机", "照片"], [5.0, 5.0]), "图像识别响应时间≤2 秒",
                            _known("手机", "照片")) is None
    # … but an attribute named in its own clause before the ask is still the ask.
    assert _gap_of(text, ["软件著作权"], "项目三的软件著作权，要求多少项？", "登记软件著作权≥5 项") is not None


def test_how_many_a_project_funds_is_asked_only_at_the_end() -> None:
    assert "资助强度" in understand("每个项目大概会支持几个？是一个方向只立一项吗？").sections
    assert "资助强度" not in understand("数字人AI语音至少支持几个语种？").sections
    assert "资助强度" not in understand("项目6同一条技术路线能支持几个？").all_sections


def test_the_district_asked_as_a_kind_of_a_project_with_a_district_share_answers() -> None:
    text = "拟支持 2 项，每项市级财政资助不超过 400 万元，项目落地区县按市级资助额 1:0.5 给予配套"
    chunk = Chunk("g#6#f", "g", "指南", "项目6", "微显示", "经费支持", 6, text, 0, len(text),
                  (Clause(text, 0, len(text)),), project_no=6, role="资助强度")
    ask = normalize("除了市里的钱，项目落地的区县那边还会给配套吗？按什么比例？")
    assert Coverage([chunk]).gap("g", "项目6", "经费支持", Evidence(["落地"], [3.0]), lambda _t: True, ask,
                                 span=text) is None
