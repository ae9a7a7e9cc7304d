"""The HTML pages through an in-process client, checked with an HTML parser."""

from __future__ import annotations

from tests.web.conftest import soup

DOC = "2023-chongqing-ai-major-projects-batch1"


def test_chat_page_has_form_examples_and_local_assets(client) -> None:
    page = soup(client.get("/").text)
    form = page.find("form", id="ask")
    assert form["method"] == "post" and page.find("label", attrs={"for": "question"})
    assert len(page.select(".examples a")) >= 4
    for tag in page.find_all(["script", "link"]):
        src = tag.get("src") or tag.get("href")
        assert src.startswith("/static/"), src  # nothing from a CDN
        assert client.get(src).status_code == 200
    assert not page.find("script", src=False)  # no inline script (CSP)
    assert page.html["lang"] == "zh-CN"


def test_form_post_without_javascript_renders_the_answer(client) -> None:
    page = soup(client.post("/", data={"question": "项目四出资要求"}).text)
    card = page.select_one("article.card")
    assert "3000" in card.select_one(".answer-text").text
    assert card.select_one(".badge").text == "项目四 · 资助强度"
    # The cited section is the answer itself here: it is not printed a second time.
    assert card.select_one("blockquote") is None
    link = card.select_one("a.view")["href"]
    assert link.startswith(f"/doc/{DOC}?hl=")
    assert "3000" in card.select_one("button.copy")["data-copy"] and "项目四 · 资助强度" in card.select_one("button.copy")["data-copy"]
    assert page.select_one("form.feedback input[name=answer_id]")["value"]
    assert page.find("input", id="previous")["value"] == "项目四出资要求"


def test_rows_table_for_a_question_of_every_project(client) -> None:
    page = soup(client.get("/", params={"q": "各项目资助强度"}).text)
    rows = page.select("table.rows tbody tr")
    assert len(rows) == 7
    assert all(r.select_one("a.badge")["href"].startswith("/doc/") for r in rows)


def test_unanswered_card_offers_suggestions_as_questions(client) -> None:
    page = soup(client.post("/", data={"question": "项目验收由哪个部门组织"}).text)
    card = page.select_one("article.card-none")
    assert "没有找到" in card.text
    links = card.select(".suggestions a.ask-link")
    assert 1 <= len(links) <= 3 and all(a["href"].startswith("/?q=") for a in links)
    # A question whose key word no section holds gets no unrelated sections, and says so.
    card = soup(client.post("/", data={"question": "申报截止时间是什么时候"}).text).select_one("article.card-none")
    assert not card.select(".suggestions") and "没有关于“截止”" in card.text and card.select_one("p.no-sugg")


def test_fragment_and_follow_up(client) -> None:
    r = client.post("/fragment/answer", data={"question": "实施周期呢？", "previous": "项目四出资要求"})
    card = soup(r.text).select_one("article.card")
    assert card.select_one(".badge").text == "项目四 · 实施周期"
    assert card["data-question"] == "项目四 实施周期"
    bad = client.post("/fragment/answer", data={"question": "  "})
    assert bad.status_code == 422 and "问题不能为空" in bad.text


def test_user_text_is_escaped_everywhere(client) -> None:
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    html = client.post("/", data={"question": evil}).text
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<img src=x" not in html
    html = client.post("/fragment/answer", data={"question": evil}).text
    assert "<script>alert" not in html


def test_feedback_form_without_javascript(client) -> None:
    page = soup(client.post("/", data={"question": "项目四出资要求"}).text)
    aid = page.select_one("form.feedback input[name=answer_id]")["value"]
    r = client.post("/feedback", data={"answer_id": aid, "vote": "down", "comment": "需要更多细节"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert "谢谢" in client.get(r.headers["location"]).text
    assert client.post("/feedback", data={"answer_id": aid, "vote": "sideways"}).status_code == 422
    assert client.post("/feedback", data={"answer_id": "missing", "vote": "up"}).status_code == 404


def test_document_view_highlights_and_anchors(client) -> None:
    a = client.post("/api/ask", json={"question": "项目四出资要求"}).json()["citations"][0]
    page = soup(client.get(f"/doc/{DOC}", params={"hl": f"{a['start']}-{a['end']}"}).text)
    assert page.find("mark", id="hl").text == a["text"]
    assert page.select_one("p.notice a[href='#hl']")  # a keyboard user can jump to it
    assert len(page.select("h2[id]")) == 7 and len(page.select("h3[id]")) == 49
    assert page.select_one("h2#p4").text.startswith("项目四")


def test_document_view_errors(client) -> None:
    assert client.get("/doc/nope").status_code == 404
    for hl in ("abc", "10-5", "0-99999999", "-1-3"):
        assert client.get(f"/doc/{DOC}", params={"hl": hl}).status_code == 400, hl


def test_no_inline_script_style_or_handlers_anywhere(client) -> None:
    """The CSP allows only same-origin files: any inline script, style or on* handler would break."""
    auth = {"Authorization": "Bearer staff-secret-token"}
    client.post("/api/feedback", json={
        "answer_id": client.post("/api/ask", json={"question": "项目四出资要求"}).json()["id"], "vote": "down"})
    pages = [client.get("/"), client.get("/", params={"q": "各项目资助强度"}), client.get("/", params={"q": "申报截止时间"}),
             client.get(f"/doc/{DOC}", params={"hl": "100-120"}), client.get("/doc/nope"), client.get("/docs"),
             client.get("/staff"), client.get("/staff", headers=auth)]
    for r in pages:
        page = soup(r.text)
        assert not page.find("style") and not page.find("script", src=False), r.url
        for tag in page.find_all(True):
            assert "style" not in tag.attrs and not any(a.startswith("on") for a in tag.attrs), (r.url, tag.name)


def test_copy_button_waits_for_the_script(client) -> None:
    card = soup(client.post("/", data={"question": "项目四出资要求"}).text).select_one("article.card")
    assert card.select_one("button.copy").has_attr("hidden")  # without JavaScript it could not copy


def test_a_span_across_sections_marks_both_with_one_anchor(client) -> None:
    a = client.post("/api/ask", json={"question": "项目四出资要求"}).json()["citations"][0]
    page = soup(client.get(f"/doc/{DOC}", params={"hl": f"{a['start']}-{a['start'] + 400}"}).text)
    marks = page.find_all("mark")
    assert len(marks) >= 2 and len(page.select("mark#hl")) == 1 and marks[0].get("id") == "hl"
