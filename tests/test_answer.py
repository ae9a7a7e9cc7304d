"""The engine's answers on the real guide, with the fast fake encoder."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.normalize import strip_spaces

DOC = "2023-chongqing-ai-major-projects-batch1"


def test_funding_question_gets_the_clause_with_its_citation(engine) -> None:
    a = engine.ask("项目四出资要求")
    assert a.answered
    assert a.answer == "拟支持 1 项，市级财政经费资助不超过 500 万元，承担单位出资不低于 3000 万元。"
    c = a.citations[0]
    assert (c.doc, c.project, c.section) == (DOC, "项目四", "资助强度")
    assert c.project_title == "金融大模型智能服务平台关键技术研发及应用"
    assert c.label == "项目四 · 资助强度"


def test_metric_question_gets_one_clause_not_the_section(engine) -> None:
    a = engine.ask("卫星互联网项目要培养几个博士")
    assert a.answered and a.answer == "培养博士≥5 人"
    assert (a.citations[0].project, a.citations[0].section) == ("项目三", "考核指标")


def test_unanswerable_abstains_with_suggestions_ranked_by_its_words(engine) -> None:
    a = engine.ask("申报截止时间是什么时候")
    assert not a.answered and a.answer == "" and a.citations == []
    # No section holds 截止: none is suggested (three 申报条件 would be unrelated), the note says so.
    assert a.suggestions == [] and "截止" in a.note
    b = engine.ask("项目验收由哪个部门组织")
    assert not b.answered and 1 <= len(b.suggestions) <= 3
    assert any(s.endswith("组织方式") for s in b.suggestions)  # the section that holds 组织


def test_missing_project_is_recognised(engine) -> None:
    a = engine.ask("项目八的资助强度是多少")
    assert not a.answered
    assert "项目八" in a.note and "7" in a.note


@pytest.mark.parametrize("q", ["项目四出资要求", "项目4出资要求", "第四个项目出资要求", "4号项目出资要求",
                               "项目肆出资要求", "項目四出資要求", "项目４的配套资金", "金融大模型项目给多少钱",
                               "What is the funding for project 4?", "project four co-funding"])
def test_project_and_section_variants(engine, q: str) -> None:
    a = engine.ask(q)
    assert a.answered, q
    assert (a.citations[0].project, a.citations[0].section) == ("项目四", "资助强度"), q
    assert "3000" in a.answer


@pytest.mark.parametrize(("q", "section"), [("How long is project 3?", "实施周期"), ("项目六谁能申报", "申报条件"),
                                            ("项目二是怎么组织的", "组织方式"), ("项目一其他说明", "其他说明")])
def test_section_intent(engine, q: str, section: str) -> None:
    assert engine.ask(q).citations[0].section == section


def test_section_without_project_gives_one_row_per_project(engine) -> None:
    a = engine.ask("实施周期多久")
    assert a.answered
    assert len(a.rows) == 1  # all seven say 不超过 3 年: identical rows merged
    assert a.rows[0][0] == ["项目一", "项目二", "项目三", "项目四", "项目五", "项目六", "项目七"]
    assert {c.project for c in a.citations} == set(a.rows[0][0])
    funding = engine.ask("各项目资助强度")
    assert len(funding.rows) == 7  # every project is funded differently
    assert all(len(text) <= 200 for _, text in funding.rows)


def test_followups_take_the_rest_from_the_previous_question(engine) -> None:
    a = engine.ask("那项目五呢？", previous="项目四出资要求")
    assert (a.citations[0].project, a.citations[0].section) == ("项目五", "资助强度")
    b = engine.ask("实施周期呢？", previous="项目四出资要求")
    assert (b.citations[0].project, b.citations[0].section) == ("项目四", "实施周期")
    c = engine.ask("what about project 2?", previous="How long is project 3?")
    assert (c.citations[0].project, c.citations[0].section) == ("项目二", "实施周期")
    # A full question is not a follow-up, whatever came before.
    d = engine.ask("卫星互联网项目要培养几个博士", previous="项目四出资要求")
    assert d.answer == "培养博士≥5 人"


@pytest.mark.parametrize("bad", ["", "   ", "x" * 501])
def test_bad_questions_raise_clear_errors(engine, bad: str) -> None:
    with pytest.raises(ValueError, match="问题"):
        engine.ask(bad)


def test_json_shape(engine) -> None:
    d = json.loads(engine.ask("项目四出资要求").to_json())
    assert {"question", "answered", "answer", "citations", "suggestions", "took_ms"} <= set(d)
    assert set(d["citations"][0]) == {"doc", "doc_title", "project", "project_title", "section", "text", "start", "end",
                                      "score"}
    assert d["took_ms"] > 0


WORDS = ["项目四", "项目二", "卫星互联网", "智驾", "环卫", "文旅", "出资", "周期", "博士", "专利", "谁能申报",
         "准确率", "How long", "project 5", "多少", "截止", "响应时间", "培养", "資助", "要求", "？", " "]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
def test_every_answer_span_is_verbatim_at_its_offsets(engine, words: list[str]) -> None:
    q = "".join(words).strip() or "项目"
    a = engine.ask(q)
    for c in a.citations:
        assert engine.documents[c.doc].text[c.start : c.end] == c.text
    if a.answered and not a.rows:
        assert a.answer == a.citations[0].text
    for _labels, text in a.rows:
        assert any(strip_spaces(text) == strip_spaces(c.text) for c in a.citations)


def test_warm_up_answers_without_filling_the_cache(engine) -> None:
    from rag.engine import WARM_UP_QUESTION

    engine.answers.clear()
    engine.warm_up()
    assert engine.cached(WARM_UP_QUESTION) is None  # a user's first ask is computed, not a stale warm-up
    assert engine.ask(WARM_UP_QUESTION).answered


def test_a_cached_answer_is_a_copy_the_caller_may_change(engine) -> None:  # type: ignore[no-untyped-def]
    engine.answers.clear()
    first = engine.ask("项目四出资要求")
    first.citations[0].text = "changed"
    first.citations.append(first.citations[0])
    first.note = "changed"
    again = engine.ask("项目四出资要求")
    assert again.citations[0].text != "changed" and again.note != "changed"
    assert len(again.citations) == len(first.citations) - 1



def test_spoken_sales_questions_ask_for_the_revenue_target_not_the_funding(engine) -> None:
    from rag.answer import evidence_for
    from rag.query import understand

    for q in ("卫星互联网的做完要卖多少钱", "项目五营收要达到多少"):
        parsed = understand(q, engine.topics, engine.segment)
        assert "资助强度" not in parsed.sections  # 多少钱 inside 卖多少钱 is not the grant
        # 卖多少钱 asks 销售收入; 营收 is 营业收入 as often: 收入 answers either.
        terms = evidence_for(parsed, engine.retriever).terms
        assert {"销售", "收入"} <= set(terms) or "收入" in terms


def test_pieces_of_a_longer_question_word_count_once_not_again(engine) -> None:
    from rag.answer import evidence_for
    from rag.query import understand
    from rag.settings import Scoring

    ev = evidence_for(understand("项目一需要适配哪些操作系统", engine.topics, engine.segment), engine.retriever)
    w = dict(zip(ev.terms, ev.weights, strict=True))
    assert {"操作系统", "操作", "系统", "适配"} <= set(w)
    assert w["操作"] == Scoring().piece_weight * engine.retriever.idf("操作")
    assert w["操作系统"] == engine.retriever.idf("操作系统") and w["适配"] == engine.retriever.idf("适配")


@pytest.mark.parametrize(("q", "projects", "section"), [
    ("哪些项目要求制定标准", ["项目二", "项目五", "项目六", "项目七"], "考核指标"),
    ("哪些项目涉及方言", ["项目二", "项目四", "项目七"], "考核指标"),
    ("数字人考核指标", ["项目四", "项目七"], "考核指标"),  # no 哪些: rows still only where it is said
    ("哪些项目市级财政资助不超过500万元", ["项目四", "项目七"], "资助强度"),
    ("哪些项目的经济效益可以算服务单位降本增效", ["项目一", "项目四", "项目五"], "考核指标"),
])
def test_which_projects_lists_only_those_whose_section_says_it(engine, q, projects, section) -> None:
    a = engine.ask(q)
    assert a.answered
    assert [c.project for c in a.citations] == projects
    assert {c.section for c in a.citations} == {section}
    named, _, rest = a.note.partition("的")
    assert set(named.split("、")) == set(engine.labels) - set(projects)
    numbers = any(ch.isdigit() for ch in q)
    assert rest == f"{section}中没有{'与所问数字相符的内容' if numbers else '所问内容'}。"


def test_which_projects_with_words_no_section_holds_abstains(engine) -> None:
    assert not engine.ask("哪些项目要求拨付时间").answered


def test_numbers_match_whole_not_inside_longer_numbers() -> None:
    from rag.answer import Evidence

    ev = Evidence(["500"], [1.0])
    assert ev.coverage("不超过 500 万元") == 1.0
    assert ev.coverage("不超过 1500 万元") == 0.0 and ev.coverage("5000万元") == 0.0
    assert ev.coverage("0.500") == 0.0 and ev.coverage("500.") == 1.0


@pytest.mark.parametrize(("q", "number"), [("第六项的研究任务有哪些", 6), ("第三项的实施周期", 3), ("第六项目周期", 6)])
def test_a_numbered_item_names_its_project(q: str, number: int) -> None:
    from rag.query import understand

    assert understand(q).project_numbers == [number]


def test_a_spoken_word_the_guide_itself_uses_is_kept_as_evidence(engine) -> None:
    from rag.answer import evidence_for
    from rag.query import understand

    # 区县 occurs in the guide (服务全市 38 个区县): evidence keeps it rather than 区级.
    ev = evidence_for(understand("文旅那个项目服务要覆盖多少个区县", engine.topics, engine.segment), engine.retriever)
    assert "区县" in ev.terms and "区级" not in ev.terms
    # 区里 never occurs: evidence uses the guide's 区级 for it.
    ev = evidence_for(understand("共性算法平台区里给多少", engine.topics, engine.segment), engine.retriever)
    assert "区级" in ev.terms and "区里" not in ev.terms
    assert "38 个区县" in engine.ask("文旅那个项目服务要覆盖多少个区县").answer


@pytest.mark.parametrize(("q", "project"), [
    ("最后一个项目的软件著作权要求几项", "项目七"), ("倒数第二个项目拟解决什么问题", "项目六"),
    ("the last project's funding", "项目七"), ("排在第一个的项目资助强度怎么算的", "项目一"), ("P2的实施周期是多久", "项目二"),
])
def test_projects_named_by_position(engine, q: str, project: str) -> None:
    a = engine.ask(q)
    assert a.answered and a.citations[0].project == project


def test_which_projects_is_not_how_many_projects(engine) -> None:
    from rag.query import understand

    # 哪几个项目 asks which, while 几个项目 alone (拟支持几个项目) asks how many are funded.
    q = understand("软件著作权要求是5项的有哪几个项目", engine.topics, engine.segment)
    assert q.cross and "资助强度" not in q.sections
    assert [c.project for c in engine.ask("软件著作权要求是5项的有哪几个项目").citations] == ["项目三", "项目四"]
    # The number must sit with the metric: 项目一 has 软件著作权≥10 项 beside 授权发明专利≥3 项.
    assert [c.project for c in engine.ask("授权发明专利指标是10项的项目有哪些").citations] == ["项目二", "项目三"]
    assert engine.ask("这七个项目的实施周期分别是多长时间").rows[0][0] == sorted(engine.labels, key=engine._order.get)


@pytest.mark.parametrize("q", ["Is there an email address I can write to about project 6?", "项目二的申报截止日期",
                               "项目六的联系电话"])
def test_what_guides_never_say_is_not_answered_by_a_matching_section(engine, q: str) -> None:
    a = engine.ask(q)
    assert not a.answered and a.note.startswith("指南中没有关于")


def test_address_the_verb_is_not_an_address(engine) -> None:
    a = engine.ask("What problems does project 5 address?")
    assert a.answered and a.citations[0].section == "拟解决问题"


def test_a_word_with_several_renderings_is_found_by_any() -> None:
    from rag.answer import Evidence

    ev = Evidence(["响应时间|实时性|时延", "监测"], [1.0, 1.0])
    assert ev.coverage("服务状态监测实时性≤10 min") == 1.0
    assert ev.coverage("服务状态监测") == 0.5


def test_english_phrases_whose_words_mislead_alone(engine) -> None:
    cases = [
        ("For the finance LLM platform, what speech recognition accuracy is required in open environments?",
         "项目四", "考核指标", "识别准确率"),
        ("What's the minimum amount the lead organization has to invest itself for the multimodal project?",
         "项目二", "资助强度", "承担单位出资"),
        ("how many invention patents does the smart driving project need to have granted", "项目六", "考核指标",
         "专利"),
        ("satellite internet project - what monitoring latency do they require?", "项目三", "考核指标", "实时性"),
    ]
    for q, project, section, words in cases:
        a = engine.ask(q)
        assert (a.citations[0].project, a.citations[0].section) == (project, section), q
        assert words in strip_spaces(a.answer), q


@pytest.mark.parametrize(("q", "words"), [
    ("环卫那个要示范多大面积", "面积≥50km2"),  # 多大面积 is not 多 + 大面积
    ("麻烦把项目五的考核指标给我讲一下", "数据库图片体量"),  # politeness asks for nothing: the opening
    ("我想了解一下项目二拟解决的问题", "自主能力缺失"),
    ("項目一的平台同時在線人數至少要支持多少人", "在线人数≥2000"),  # 支持多少 is not only money
    ("金融大模型項目的高品質指令數據需要多少條", "指令数据≥100"),  # 品質 is the guide's 质量
])
def test_colloquial_wording_reaches_the_clause(engine, q: str, words: str) -> None:
    a = engine.ask(q)
    assert a.answered and words in strip_spaces(a.answer)


@pytest.mark.parametrize(("q", "project", "section", "words"), [
    ("指南里头一个项目要服务多少家政务部门和科研院所", "项目一", "考核指标", "≥20 家"),
    ("最后那个项目（第7个）软件著作权要几项", "项目七", "考核指标", "软件著作权≥20"),
    ("排第四的那个项目实施周期多久", "项目四", "实施周期", "3 年"),
    ("第二个project软件著作权要多少项", "项目二", "考核指标", "软件著作权≥10"),
    ("就项目一而言，执行期内须实现的经济效益下限为何", "项目一", "考核指标", "经济效益≥5000"),  # 执行期内 is no period
    ("金融大模型計畫要取得幾件發明專利", "项目四", "考核指标", "发明专利≥20"),  # 計畫, 幾件
    ("衛星網際網路計畫是用什麼方式徵選執行單位", "项目三", "组织方式", "公开竞争"),  # 徵選, 執行單位
    ("衛星網路那個計畫要求的營收目標是多少", "项目三", "考核指标", "收入≥6000"),  # 網路 is no word of the guide
    ("搞智驾那个得弄多少台示范车", "项目六", "考核指标", "汽车≥50"),  # 台 is a measure word
    ("For the complex-road autonomous driving project, how many special driving scenarios must be covered?",
     "项目六", "考核指标", "特殊场景≥20"),
])
def test_wording_seen_in_the_fifth_set(engine, q: str, project: str, section: str, words: str) -> None:
    a = engine.ask(q)
    assert a.answered and (a.citations[0].project, a.citations[0].section) == (project, section)
    assert strip_spaces(words) in strip_spaces(a.answer)


@pytest.mark.parametrize(("q", "projects"), [
    ("收入或经济效益指标定为1亿元的是哪几个项目", ["项目五", "项目六"]),  # either word answers
    ("有哪些项目对方言识别或方言支持提出了要求", ["项目二", "项目四", "项目七"]),
    ("市级财政资助上限恰好为1000万元的有哪几个项目", ["项目一", "项目五", "项目六"]),
])
def test_either_or_and_exact_figures_across_projects(engine, q: str, projects: list[str]) -> None:
    a = engine.ask(q)
    assert a.answered and [c.project for c in a.citations] == projects


def test_intellectual_property_is_not_in_the_guide(engine) -> None:
    assert not engine.ask("Who will own the intellectual property generated by the funded projects?").answered


def test_a_callers_story_before_the_question_is_context_not_asks(engine) -> None:
    from rag.query import focus

    assert focus("我今年六十八了,帮公司看材料。请问项目七的实施周期?") == ("请问项目七的实施周期?", "我今年六十八了,帮公司看材料。")
    assert focus("实施周期多久?有没有超过三年的?")[1] == ""  # two questions stay together
    a = engine.ask("我今年六十八了，退休前在研究所搞了一辈子旅游规划，现在帮一家小公司看材料。请问项目七的实施周期条款到底是怎么写的？")
    assert a.answered and (a.citations[0].project, a.citations[0].section) == ("项目七", "实施周期")  # 材料 is no ask
    b = engine.ask("项目四：出资要求？")  # the project named before the question still counts
    assert b.answered and (b.citations[0].project, b.citations[0].section) == ("项目四", "资助强度")


def test_the_part_holding_the_asked_attribute_joins_the_part_holding_the_subject(engine) -> None:
    a = engine.ask("项目三对低轨卫星辅助北斗PPP-RTK定位的垂直精度要求是多少？")
    assert "垂直精度≥40cm" in strip_spaces(a.answer) and len(a.answer) < 80


@pytest.mark.parametrize(("q", "projects"), [
    ("考核指标里要求制定标准（国家/行业/团体/地方等）的有哪些项目？", ["项目二", "项目五", "项目六", "项目七"]),
    ("各項目是否一律採公開競爭方式組織？", ["项目一", "项目二", "项目三", "项目四", "项目五", "项目六", "项目七"]),
])
def test_slash_lists_are_alternatives_and_headings_count(engine, q: str, projects: list[str]) -> None:
    a = engine.ask(q)
    assert a.answered and [c.project for c in a.citations] == projects


@pytest.mark.parametrize(("q", "words"), [
    ("卫星互联网的那个，最后要有几家企业用上？", "应用企业≥5"),  # 企业 hints 申报条件 and is also the ask
    ("自动驾驶那个，要拿几辆车出来示范？", "汽车≥50"),  # 几辆车 is 几辆 + 车
])
def test_counted_things_stay_the_ask(engine, q: str, words: str) -> None:
    a = engine.ask(q)
    assert a.answered and words in strip_spaces(a.answer)


@pytest.mark.parametrize(("q", "words"), [
    ("搞金融大模型的话专利要几个", "授权发明专利≥20"),
    ("数字重庆那个平台要接多少公共数据进来", "≥10亿条"),
    ("How many districts and counties in Chongqing does the tourism project need to serve?", "38个区县"),
    ("How many autonomous vehicles must be deployed in the demo for the complex road driving project?", "≥50辆"),
    ("多模态大模型项目要卖出去多少钱的产品才算达标", "销售收入≥5亿"),
])
def test_wording_seen_in_the_seventh_set(engine, q: str, words: str) -> None:
    a = engine.ask(q)
    assert a.answered and words in strip_spaces(a.answer)


@pytest.mark.parametrize(("q", "project", "section", "words"), [
    ("环卫扫地那个项目要搞好久嘛？", "项目五", "实施周期", "3年"),  # Chongqing 好久 = how long
    ("多模态那个，要做出好多个行业大模型才交得到差？", "项目二", "考核指标", "行业大模型≥6"),
    ("自动驾驶那个项目，示范车要弄好多辆哦？", "项目六", "考核指标", "≥50辆"),  # 车要 is 车 + 要
    ("项目一执行期间要产生多少经济效益？", "项目一", "考核指标", "≥5000万元"),  # 执行期间 is no period
    ("What's the sales revenue target for the cultural-tourism large model project during the execution period?",
     "项目七", "考核指标", "≥3000万元"),
    ("Any special notes for Project 1? I heard something about city-district coordination.", "项目一", "其他说明",
     "联动"),  # "about" hints, "notes" names the section
    ("第一批指南里排第4的项目对申报主体有什么要求？", "项目四", "申报条件", "企业牵头"),
    ("第四个项目的资助强度", "项目四", "资助强度", "3000"),  # 四个项目 inside 第四个项目 is no cross marker
])
def test_wording_seen_in_the_eighth_set(engine, q: str, project: str, section: str, words: str) -> None:
    a = engine.ask(q)
    assert a.answered and (a.citations[0].project, a.citations[0].section) == (project, section)
    assert strip_spaces(words) in strip_spaces(a.answer)


def test_a_glued_particle_is_dropped_but_a_word_ending_like_one_is_kept(engine) -> None:
    from rag.answer import evidence_for
    from rag.query import understand

    assert not engine.ask("卫星互联网项目要用哪家的卫星星座？").answered  # 星座 is not 星 + 座
    assert not engine.ask("成都人工智能重大专项有哪些项目").answered  # 成都 is not 成 + 都
    ev = evidence_for(understand("七个项目的申报条件是否都要求企业牵头？", engine.topics, engine.segment), engine.retriever)
    assert "求" not in ev.terms  # 要求 is a section word, not 要 + 求


def test_pool_sizes_follow_the_loaded_guide_not_a_constant(engine) -> None:
    # Rerank depth is one project's sections, the cross pool a whole guide's: 7 and 7 × 7 here.
    projects = [p for d in engine.documents.values() for p in d.projects]
    assert engine.rerank_depth == max(len(p.sections) for p in projects) == 7
    assert engine.cross_pool == sum(len(p.sections) for p in projects) == 49


def test_a_second_ask_in_one_question_widens_the_span_to_its_clause() -> None:
    from rag.answer import Evidence, best_span
    from rag.parse import split_clauses
    from rag.query import understand
    from rag.settings import Scoring
    from rag.types import Chunk

    text = ("建成中试线 1 条，年产能≥100 MW，中试良率≥90%，建设户外实证及示范电站装机容量≥5 MW，组件转换效率≥26%，"
            "叠层电池转换效率≥32%；申请发明专利≥15 项，其中授权≥4 项；制定国家、行业或团体标准≥2 项；"
            "培养博士研究生 3 名、硕士研究生 8 名；项目执行期内实现新增产值≥3 亿元，带动相关产业投资≥10 亿元，"
            "示范应用单位≥5 家，形成可复制推广的技术方案和标准体系；组件经湿热老化 1000 小时后效率衰减≤5%，"
            "户外实证运行时间≥12 个月，首年发电量衰减≤2%。")
    assert len(text) > 200  # a long section: the answer is a span of it
    chunk = Chunk("g#项目1#绩效目标", "g", "指南", "项目1", "某组件", "绩效目标", 2, text, 0, len(text),
                  tuple(split_clauses(text, 0)), project_no=1)
    question = understand("项目1要申请多少项发明专利？博士要培养几名？")
    ev = Evidence(["发明专利", "博士"], [3.0, 3.0])
    # Both fit in an answer of 200 characters; not in one of 40, which then answers the first ask.
    for max_chars, both in ((200, True), (40, False)):
        start, end, _ = best_span(chunk, text, question, ev, None, max_chars, Scoring())
        span = text[start:end]
        assert "发明专利≥15" in span and ("博士研究生 3 名" in span) is both, span


@pytest.mark.parametrize(("q", "answered"), [
    ("项目四联合申报的单位最多可以有几家？", False),  # 申报条件: 企业牵头，鼓励产学研合作 — no number at all
    ("项目七其他说明有几条？", False),  # 无。
    ("项目三实施周期几年？", True),  # 不超过 3 年
])
def test_a_count_asked_of_a_section_without_any_number_abstains(engine, q: str, answered: bool) -> None:  # type: ignore[no-untyped-def]
    a = engine.ask(q)
    assert a.answered is answered, (a.answer, a.note)
    assert answered or "没有给出具体数字" in a.note


def test_a_word_glossed_in_brackets_is_asked_either_way(engine) -> None:  # type: ignore[no-untyped-def]
    # 横向 is another project's word (横向误差); the asker's gloss 水平 is this project's (水平精度).
    a = engine.ask("低轨卫星辅助北斗定位，横向（水平方向）要准到几厘米以内？")
    assert a.answered and a.citations[0].project == "项目三" and "20cm" in a.answer.replace(" ", ""), (a.answer, a.note)
