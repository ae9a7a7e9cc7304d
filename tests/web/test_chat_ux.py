"""Issue #15 on the server side: answers with addresses, visible context, the document view's way
back, the guide's title, no-JS parity and help when the guide is silent."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.web.conftest import make_client, soup

DOC = "2023-chongqing-ai-major-projects-batch1"
ALL = ["项目一", "项目二", "项目三", "项目四", "项目五", "项目六", "项目七"]


def _count(client) -> int:
    return int(client.app.state.store.count("questions"))


def test_form_post_redirects_to_the_answers_own_address(client) -> None:
    r = client.post("/", data={"question": "实施周期呢？", "previous": "项目四出资要求"}, follow_redirects=False)
    assert r.status_code == 303
    where = urlsplit(r.headers["location"])
    params = parse_qs(where.query)
    assert where.path == "/" and params["q"] == ["实施周期呢？"] and params["previous"] == ["项目四出资要求"]
    assert where.fragment == f"a-{params['a'][0]}"
    logged = _count(client)
    page = client.get(r.headers["location"])
    html = soup(page.text)
    card = html.select_one("article.card")
    assert card["id"] == where.fragment and card["data-url"] == f"{where.path}?{where.query}"
    assert html.title.text.startswith("实施周期呢？")  # the page title follows the answer
    client.get(r.headers["location"])  # a reload is not a new question
    assert _count(client) == logged
    # An id that is not this answer does not skip the log or the rate limit: it is dropped.
    other = client.get("/", params={"q": "项目五资助强度", "a": params["a"][0]}, follow_redirects=False)
    assert other.status_code == 303 and "a=" not in other.headers["location"]


def test_context_chip_only_when_the_question_leans_on_it(client) -> None:
    page = soup(client.get("/", params={"q": "资助强度呢？", "previous": "卫星互联网项目要培养几个博士"}).text)
    chip = page.select_one("article.card .chip")
    assert chip is not None and "接着问：项目三" in chip.text
    ask_all = chip.select_one("a.ask-all")
    assert ask_all["href"] == "/?q=%E8%B5%84%E5%8A%A9%E5%BC%BA%E5%BA%A6%E5%91%A2%EF%BC%9F"  # no previous
    assert ask_all.text.startswith("✕")
    assert not page.select_one("a.new-topic").has_attr("hidden")  # 新问题 drops the context
    wide = soup(client.get(ask_all["href"]).text)
    assert not wide.select_one(".chip") and len(wide.select("table.rows tbody tr")) == 7
    fresh = soup(client.get("/", params={"q": "实施周期多久", "previous": "卫星互联网项目要培养几个博士"}).text)
    assert fresh.select_one(".chip") is None and fresh.select_one("table.rows")


def test_a_merged_row_cites_and_links_every_project(client) -> None:
    row = soup(client.get("/", params={"q": "实施周期多久"}).text).select_one("table.rows tbody tr")
    links = row.select("td.sources a.badge")
    assert [a.text.split(" · ")[0] for a in links] == ALL
    assert len({a["href"] for a in links}) == 7 and all(a["href"].startswith(f"/doc/{DOC}?hl=") for a in links)


def test_document_view_goes_back_to_the_answer_and_pins_the_cited_section(client) -> None:
    card = soup(client.get("/", params={"q": "项目四出资要求"}).text).select_one("article.card")
    href = card.select_one("a.view")["href"]
    back = parse_qs(urlsplit(href).query)["back"][0]
    assert back == f"{card['data-url']}#{card['id']}"
    doc = soup(client.get(href).text)
    assert doc.select_one("a.back")["href"] == back and "返回问答" in doc.select_one("a.back").text
    assert doc.select_one(".pin").text.endswith("项目四 · 资助强度")
    assert doc.title.text.startswith("项目四 · 资助强度")
    # Repeated section headings are not landmarks (axe landmark-unique).
    assert not doc.select("section[aria-labelledby]")
    for bad in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil"):
        page = soup(client.get(f"/doc/{DOC}", params={"hl": "100-120", "back": bad}).text)
        assert page.select_one("a.back")["href"] == "/", bad


def test_guide_title_in_header_and_copied_text(client) -> None:
    page = soup(client.get("/", params={"q": "项目四出资要求"}).text)
    title = page.select_one("header .guide").text.replace("当前指南：", "").strip()
    assert "人工智能" in title and DOC not in title
    copied = page.select_one("button.copy")["data-copy"]
    assert f"《{title}》" in copied and DOC not in copied and "项目四 · 资助强度" in copied
    rows = soup(client.get("/", params={"q": "各项目资助强度"}).text).select_one("button.copy")["data-copy"]
    assert f"《{title}》" in rows


def test_phone_first_card_has_no_timing_and_one_line_box(client) -> None:
    page = soup(client.get("/", params={"q": "项目四出资要求"}).text)
    assert " ms" not in page.select_one("article.card").text
    box = page.select_one("form#ask #question")
    assert box.name == "input" and box["type"] == "text"  # Enter submits, with or without the script
    assert "按 Enter 提问" in page.select_one("#ask-help").text and "Shift" not in page.select_one("#ask-help").text
    assert "answered" in page.select_one("form#ask")["class"]  # help text hidden after an answer


def test_vote_buttons_names_match_their_labels(client) -> None:
    page = soup(client.get("/", params={"q": "项目四出资要求"}).text)
    for b in page.select("form.feedback button"):
        assert not b.has_attr("aria-label") and b.text.strip() in ("👍 有帮助", "👎 没帮助")


def test_voting_without_javascript_returns_to_the_same_answer(client) -> None:
    r = client.post("/", data={"question": "那项目五呢？", "previous": "项目四出资要求"})
    card = soup(r.text).select_one("article.card")
    aid = card["data-answer-id"]
    v = client.post("/feedback", data={"answer_id": aid, "vote": "up"}, follow_redirects=False)
    assert v.status_code == 303 and v.headers["location"].endswith(f"&voted=1#a-{aid}")
    back = soup(client.get(v.headers["location"]).text).select_one("article.card")
    assert back["id"] == f"a-{aid}" and "项目五" in back.select_one(".badge").text
    assert back.select_one("p.thanks") and not back.select_one("form.feedback")


def test_errors_keep_the_question(client) -> None:
    long = "项目四" * 200
    r = client.post("/", data={"question": long})
    assert r.status_code == 422
    page = soup(r.text)
    assert page.select_one("#question")["value"] == long
    assert "(" not in page.select_one("article.card-error").text  # no English developer tail


def test_helpdesk_contact_and_notice_only_when_set(engine, tmp_path, monkeypatch) -> None:
    with make_client(engine, tmp_path / "a", monkeypatch, rate_limit=0) as c:
        card = soup(c.get("/", params={"q": "申报截止时间是什么时候"}).text).select_one("article.card-none")
        assert card.select_one(".helpdesk") is None
    with make_client(engine, tmp_path / "b", monkeypatch, rate_limit=0, helpdesk_contact="023-12345678",
                     notice_url="https://kjj.cq.gov.cn/notice/1") as c:
        card = soup(c.get("/", params={"q": "申报截止时间是什么时候"}).text).select_one("article.card-none")
        assert "023-12345678" in card.select_one(".helpdesk").text
        assert card.select_one(".helpdesk a")["href"] == "https://kjj.cq.gov.cn/notice/1"
        frag = soup(c.post("/fragment/answer", data={"question": "申报截止时间是什么时候"}).text)
        assert "023-12345678" in frag.select_one(".helpdesk").text
        answered = soup(c.get("/", params={"q": "项目四出资要求"}).text)
        assert answered.select_one(".helpdesk") is None  # only when the guide does not say
