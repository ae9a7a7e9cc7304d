from __future__ import annotations

import pytest

from rag.parse import ParseError, join_fragments, parse_text, split_clauses

HEADINGS = ["拟解决问题", "考核指标", "组织方式", "申报条件", "资助强度", "实施周期", "其他说明"]


@pytest.fixture(scope="module")
def doc(guide_text: str):
    return parse_text(guide_text, "guide")


def section(doc, project: str, heading: str) -> str:
    c = next(c for c in doc.chunks() if c.project == project and c.section == heading)
    return c.text


def test_seven_projects_of_seven_sections(doc) -> None:
    assert [p.label for p in doc.projects] == ["项目一", "项目二", "项目三", "项目四", "项目五", "项目六", "项目七"]
    for p in doc.projects:
        assert [s.heading for s in p.sections] == HEADINGS
    assert len(doc.chunks()) == 49
    assert doc.title == "2023 年重庆市人工智能重大专项第一批项目申报指南"


def test_sections_verbatim_and_repaired(doc) -> None:
    # Broken across a line after "500": the number keeps its unit, with the PDF's own space.
    assert section(doc, "项目四", "资助强度") == "拟支持 1 项，市级财政经费资助不超过 500 万元，承担单位出资不低于 3000 万元。"
    assert section(doc, "项目三", "实施周期") == "不超过 3 年。"
    assert section(doc, "项目一", "其他说明") == "本项目以市区（县）联动方式实施。"
    assert section(doc, "项目五", "申报条件") == "企业牵头，鼓励产学研合作。"
    metrics = section(doc, "项目一", "考核指标")
    assert "支持同时在线人数≥2000 人，服务资源支持并发数≥150QPS" in metrics
    # A page break left " 务单位降本增效" on its own line: joined without the stray space.
    assert "通过销售、服务收入以及服务单位降本增效" in section(doc, "项目一", "考核指标")
    assert "\n" not in metrics and "  " not in metrics


def test_wrapped_titles_are_joined(doc) -> None:
    titles = {p.label: p.title for p in doc.projects}
    assert titles["项目五"] == "面向山地城市道路清扫场景的智慧环卫作业系统关键技术研发及应用"
    assert titles["项目七"] == "基于文旅大模型的全域文旅产业服务关键技术研发及应用"


def test_offsets_point_into_cleaned_text(doc) -> None:
    for c in doc.chunks():
        assert doc.text[c.start : c.end] == c.text
        for cl in c.clauses:
            assert doc.text[cl.start : cl.end] == cl.text
            assert c.start <= cl.start < cl.end <= c.end
    assert any(cl.text == "培养博士≥5 人" for c in doc.chunks() for cl in c.clauses)


def test_join_fragments_spacing() -> None:
    assert join_fragments(["不超过 500", "万元"]) == "不超过 500 万元"
    assert join_fragments(["经济效益≥", "1 亿元"]) == "经济效益≥1 亿元"
    assert join_fragments(["在主流 NLP", "数据集"]) == "在主流 NLP 数据集"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("随便一段文字\n没有任何结构\n", "lines 1-2"),
        ("项目一：标题\n1.拟解决问题：内容\n3.组织方式：公开竞争。\n", "line 3"),
        ("1.拟解决问题：没有项目标题\n", "line 1"),
        ("", "empty"),
    ],
)
def test_unstructured_documents_fail_loudly(text: str, where: str) -> None:
    with pytest.raises(ParseError, match=where):
        parse_text(text, "bad")


def test_page_footers_and_number_lead_ins_are_not_structure() -> None:
    text = ("项目一：测试平台\n1.拟解决问题：研究\n- 2 -\n测试。\n2.资助强度：不超过 1000 万元，按\n"
            "1.5 倍配套：这是正文的续行。\n第 3 页\n3.实施周期：不超过 3 年。\n")
    doc = parse_text(text, "t")
    secs = {c.section: c.text for c in doc.chunks()}
    assert secs["拟解决问题"] == "研究测试。"
    assert secs["资助强度"] == "不超过 1000 万元，按 1.5 倍配套：这是正文的续行。"
    assert list(secs) == ["拟解决问题", "资助强度", "实施周期"]


def test_an_items_own_heading_opens_the_clause_after_it() -> None:
    # A general part's numbered items (2. 申报方式。…): the title belongs to its item, so an answer
    # from item 1 never ends with the next item's title.
    text = "1. 申报时间。网上申报时间为 3 月 1 日；逾期关闭。\n\n2. 申报方式。登录系统填报。\n3. 联系电话"
    clauses = split_clauses(text, 100)
    assert [c.text for c in clauses] == [
        "1. 申报时间。网上申报时间为 3 月 1 日", "逾期关闭", "2. 申报方式。登录系统填报", "3. 联系电话"]
    assert all(text[c.start - 100 : c.end - 100] == c.text for c in clauses)


@pytest.mark.parametrize("head,section", [
    ("项目一 某材料研发", "1、研究内容：研究某材料。"),  # a space instead of the colon after 项目一
    ("项目1：某材料研发", "1.研究内容。研究某材料。"),  # a full stop after a role's heading words
])
def test_headers_without_a_colon(head: str, section: str) -> None:
    second = head.replace("一", "二").replace("1", "2").replace("某材料研发", "另一材料")
    text = f"2027 年某市新材料专项申报指南\n{head}\n{section}\n2、资助强度：不超过 500 万元。\n{second}\n{section}\n"
    doc = parse_text(text, "x")
    assert [p.title for p in doc.projects] == ["某材料研发", "另一材料"]
    first = doc.projects[0].sections[0]
    assert (first.heading, doc.text[first.start : first.end]) == ("研究内容", "研究某材料。")


def test_a_full_stop_after_words_that_name_no_role_is_prose() -> None:
    # 1.总体思路。… is no section heading: only a role's own words end with a full stop.
    with pytest.raises(ParseError):
        parse_text("2027 年某市新材料专项申报指南\n项目1：某材料研发\n1.总体思路。研究某材料。\n", "x")
