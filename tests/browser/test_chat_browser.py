"""A real browser (Debian's chromium, headless, driven by Playwright) against `rag serve`:
issue #15's items on a phone (390×844) and a desktop viewport, and axe-core on every page."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import serving
from tests.conftest import ROOT, make_settings

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TOKEN = "browser-test-token"
SHOTS = ROOT / "docs" / "screenshots"
# scripts/test installs axe-core from npm here (git-ignored).
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
HELPDESK = "023-6789 0000（工作日 9:00-17:00）"
NOTICE = "https://kjj.cq.gov.cn/notice/2023-ai-batch1"
ALL = ["项目一", "项目二", "项目三", "项目四", "项目五", "项目六", "项目七"]


def _require(what: str) -> None:
    if os.environ.get("GUIDEQA_REQUIRE_BROWSER"):
        pytest.fail(f"{what} is missing but GUIDEQA_REQUIRE_BROWSER is set")
    pytest.skip(f"{what} not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        _require(CHROMIUM)
    s = make_settings(tmp_path_factory.mktemp("browser"))
    env = os.environ | {"RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir),
                        "RAG_DATA_DIR": str(s.data_dir), "RAG_STAFF_TOKEN": TOKEN,
                        "RAG_HELPDESK_CONTACT": HELPDESK, "RAG_NOTICE_URL": NOTICE, "RAG_RATE_LIMIT": "0"}
    env.setdefault("RAG_EMBED_MODEL", "none")
    with serving(env, 120) as base:
        yield base


@pytest.fixture(scope="module")
def browser(server: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def expect(locator):
    """Playwright's retrying assertions (they need no eval, which the page's CSP forbids)."""
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


def _ask(page, question: str):
    """Type a question, press Enter, return the new answer card."""
    n = page.locator("#conversation article.card[data-url]").count()
    page.fill("#question", question)
    page.keyboard.press("Enter")
    card = page.locator("#conversation article.card[data-url]").nth(n)
    card.wait_for()
    return card


def _axe(page, where: str) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules and best practices) and fail on any violation."""
    if not AXE.exists():
        _require(f"axe-core ({AXE}; scripts/test runs npm install)")
    # Served as if same-origin, so the page's CSP (script-src 'self') stays on while axe runs;
    # an inline copy (add_script_tag(path=…)) would need the CSP bypassed.
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    page.route(f"{origin}/__axe__/axe.min.js", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url=f"{origin}/__axe__/axe.min.js")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return {passes: r.passes.length, violations: r.violations.map(v => ({id: v.id,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))};
    }""")
    assert result["passes"] >= 10, f"{where}: axe checked almost nothing ({result['passes']} rules passed)"
    assert result["violations"] == [], f"{where}: {json.dumps(result['violations'], ensure_ascii=False)}"


def test_phone_conversation_context_addresses_and_document_view(server: str, browser) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(server + "/")
    first = _ask(page, "卫星互联网项目要培养几个博士")
    assert first.locator(".answer-text").inner_text() == "培养博士≥5 人"
    # Its own address (question in the query string) and title.
    params = parse_qs(urlsplit(page.url).query)
    assert params["q"] == ["卫星互联网项目要培养几个博士"] and params["a"] == [first.get_attribute("data-answer-id")]
    assert page.title().startswith("卫星互联网项目要培养几个博士")
    # Phone layout: the pinned box stays small once there is an answer, no timing line.
    box = page.locator("form#ask").bounding_box()
    assert box and box["height"] <= 100, box
    assert not page.locator("#ask-help").is_visible()
    assert " ms" not in first.inner_text()

    # A follow-up that leans on the last question shows what it carried; ✕ asks every project.
    follow = _ask(page, "资助强度呢？")
    chip = follow.locator(".chip")
    assert "接着问：项目三" in chip.inner_text()
    assert "项目三 · 资助强度" in follow.locator(".badge").first.inner_text()
    assert page.locator("a.new-topic").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    follow.screenshot(path=str(SHOTS / "chat-context-chip.png"))
    chip.locator("a.ask-all").click()
    wide = page.locator("#conversation article.card[data-url]").nth(2)
    wide.wait_for()
    assert wide.locator(".chip").count() == 0 and wide.locator("table.rows tbody tr").count() == 7
    # A question that asks for itself is not narrowed by the one before.
    merged = _ask(page, "实施周期多久")
    assert merged.locator(".chip").count() == 0
    badges = merged.locator("td.sources a.badge")
    assert [t.split(" · ")[0] for t in badges.all_inner_texts()] == ALL  # every project cited and linked
    caption = merged.locator("caption").bounding_box()
    assert caption and caption["width"] > 250, caption  # a block, not a two-character column
    page.locator("a.new-topic").click()
    assert page.locator("#previous").input_value() == "" and not page.locator("a.new-topic").is_visible()
    assert urlsplit(page.url).path == "/" and not urlsplit(page.url).query
    first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "chat-phone.png"))

    # Reload and Back keep the conversation.
    page.reload()
    assert page.locator("#conversation article.card[data-url]").count() == 4
    page.locator("#conversation article.card").nth(0).locator("a.view").click()
    page.wait_for_url("**/doc/**")
    mark = page.locator("mark#hl")
    assert mark.is_visible() and "博士" in mark.inner_text()
    pin = page.locator(".doc-bar .pin")
    assert pin.is_visible() and pin.inner_text().endswith("项目三 · 考核指标")
    pin_box, mark_box = pin.bounding_box(), mark.bounding_box()
    assert pin_box and mark_box and 0 <= pin_box["y"] < mark_box["y"] < PHONE["height"]  # both on screen
    page.go_back()
    page.wait_for_url(server + "/")  # 新问题 had taken the address back to the plain chat page
    assert page.locator("#conversation article.card[data-url]").count() == 4
    # "返回问答" returns to that very answer, the conversation around it.
    page.locator("#conversation article.card").nth(2).locator("a.badge").nth(3).click()
    page.wait_for_url("**/doc/**")
    assert page.locator(".doc-bar .pin").inner_text().endswith("项目四 · 资助强度")
    page.locator("a.back").click()
    page.wait_for_url("**/?q=*")
    assert page.locator("#conversation article.card[data-url]").count() == 4
    assert "a-" in page.url and page.locator(":target").count() == 1
    page.close()


def test_loading_state_errors_keep_the_question_and_retry(server: str, browser) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(server + "/")

    held: list = []  # a slow connection: the answer is held until the page's state is checked
    page.route("**/fragment/answer", lambda route: held.append(route))
    page.fill("#question", "项目四出资要求")
    page.keyboard.press("Enter")
    busy = page.locator("article.card-busy[aria-busy=true]")
    busy.wait_for()
    assert "正在查找" in busy.inner_text()
    assert page.locator("form#ask button.send").is_disabled()
    assert page.locator("form#ask button.send").inner_text() == "正在查找…"
    assert held
    held[0].continue_()
    page.locator("#conversation article.card[data-url]").first.wait_for()
    assert busy.count() == 0
    page.unroute("**/fragment/answer")

    page.route("**/fragment/answer", lambda route: route.fulfill(status=500, body="Internal Server Error"))
    page.fill("#question", "项目五资助强度")
    page.keyboard.press("Enter")
    err = page.locator("article.card-error").last
    err.wait_for()
    assert "服务器出错" in err.inner_text() and page.locator("#question").input_value() == "项目五资助强度"
    page.unroute("**/fragment/answer")
    err.locator("button.retry").click()
    page.locator("#conversation article.card[data-url]").nth(1).wait_for()
    assert "项目五" in page.locator("#conversation article.card[data-url]").nth(1).locator(".badge").first.inner_text()

    page.route("**/fragment/answer", lambda route: route.fulfill(
        status=429, content_type="text/html", headers={"Retry-After": "5"},
        body='<article class="card card-error" role="alert"><p>提问太频繁，请 5 秒后再试</p></article>'))
    page.fill("#question", "项目六资助强度")
    page.keyboard.press("Enter")
    limited = page.locator("article.card-error").last
    limited.wait_for()
    assert "提问太频繁" in limited.inner_text() and limited.locator("button.retry").is_visible()
    assert page.locator("#question").input_value() == "项目六资助强度"
    page.unroute("**/fragment/answer")

    page.route("**/fragment/answer", lambda route: route.abort())
    page.keyboard.press("Enter")
    expect(page.locator("article.card-error")).to_have_count(2)  # the 500 card went on 重试
    down = page.locator("article.card-error").last
    assert "连不上服务器" in down.inner_text() and page.locator("#question").input_value() == "项目六资助强度"
    page.close()


def test_no_answer_card_suggests_by_words_and_gives_the_help_desk(server: str, browser) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(server + "/")
    page.fill("#question", "申报截止时间是什么时候")
    page.keyboard.press("Enter")
    card = page.locator("article.card-none")
    card.wait_for()
    assert "截止" in card.inner_text() and card.locator(".suggestions").count() == 0
    assert HELPDESK in card.locator(".helpdesk").inner_text()
    assert card.locator(".helpdesk a").get_attribute("href") == NOTICE
    _axe(page, "chat, no-answer card, phone")
    page.close()


def test_keyboard_focus_order_and_voting_focus(server: str, browser) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(server + "/")
    card = _ask(page, "项目四出资要求")
    assert page.evaluate("document.activeElement.id") == "question"  # ready for the next question
    page.screenshot(path=str(SHOTS / "chat-desktop.png"), full_page=True)
    # Backwards from the box: the new answer's controls, last first (the visual order).
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "👎 没帮助"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "👍 有帮助"
    page.keyboard.press("Enter")
    card.locator("p.thanks").wait_for()
    # Focus stays on the answer voted on.
    assert page.evaluate("document.activeElement.dataset.answerId") == card.get_attribute("data-answer-id")
    # Accessible names match the visible labels.
    for name in ("提问", "复制回答和出处", "复制链接"):
        assert page.get_by_role("button", name=name).count() >= 1, name
    _axe(page, "chat with an answer, desktop")
    _ask(page, "资助强度呢？")
    _ask(page, "实施周期多久")
    _axe(page, "chat with a chip and a table, desktop")
    page.set_viewport_size(PHONE)
    _axe(page, "chat, phone")
    page.close()


def test_copy_answer_with_guide_title_and_copy_link(server: str, browser) -> None:
    ctx = browser.new_context(viewport=PHONE)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = ctx.new_page()
    page.goto(server + "/")
    title = page.locator("header .guide").inner_text().replace("当前指南：", "").strip()
    assert "人工智能" in title
    card = _ask(page, "项目四出资要求")
    card.locator("button.copy").click()
    expect(card.locator("button.copy")).to_have_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "3000" in copied and "项目四 · 资助强度" in copied and f"《{title}》" in copied
    card.locator("button.copy-link").click()
    expect(card.locator("button.copy-link")).to_have_text("已复制")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == server + card.get_attribute("data-url")
    other = ctx.new_page()  # the link opens that answer
    other.goto(link)
    assert other.locator("article.card .answer-text").inner_text() == card.locator(".answer-text").inner_text()
    ctx.close()


def test_document_and_staff_pages_pass_axe_and_staff_shows_what_was_answered(server: str, browser) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(server + "/")
    card = _ask(page, "项目四出资要求")
    follow = _ask(page, "那项目五呢？")
    follow.locator("input[name=comment]").fill("希望写明配套资金的到位时间")
    follow.locator("button[value=down]").click()
    follow.locator("p.thanks").wait_for()
    for _ in range(2):
        _ask(page, "申报截止时间是什么时候")  # grouped in the staff view
    card.locator("a.view").click()
    page.wait_for_url("**/doc/**")
    _axe(page, "document view, phone")
    page.set_viewport_size(DESKTOP)
    _axe(page, "document view, desktop")

    staff = browser.new_page(viewport=DESKTOP)
    staff.goto(f"{server}/staff?token={TOKEN}")
    assert staff.url == server + "/staff"
    row = staff.locator("#down + table tbody tr").first
    assert "希望写明配套资金的到位时间" in row.inner_text()
    assert "理解为：项目五 资助强度" in row.inner_text() and "出处：项目五 · 资助强度" in row.inner_text()
    grouped = staff.locator("#unanswered + table tbody tr", has_text="申报截止时间是什么时候")
    assert int(grouped.locator("td.count").inner_text()) >= 2
    staff.screenshot(path=str(SHOTS / "staff.png"))
    _axe(staff, "staff view, desktop")
    staff.set_viewport_size(PHONE)
    _axe(staff, "staff view, phone")
    staff.locator("form.logout button").click()
    staff.wait_for_url("**/staff")
    assert "需要登录" in staff.locator("h1").inner_text()
    _axe(staff, "staff sign-in")
    staff.close()
    page.close()


def test_staff_login_form(server: str, browser) -> None:
    page = browser.new_page()
    page.goto(server + "/staff")
    assert "需要登录" in page.locator("h1").inner_text()
    page.fill("#token", TOKEN)
    page.click("form.login button")
    page.wait_for_url("**/staff")
    assert page.locator("h1").inner_text() == "员工视图"
    page.close()


def test_without_javascript_enter_voting_and_reload(server: str, browser) -> None:
    ctx = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = ctx.new_page()
    page.goto(server + "/")
    assert "按 Enter 提问" in page.locator("#ask-help").inner_text()
    page.fill("#question", "卫星互联网项目要培养几个博士")
    page.keyboard.press("Enter")  # true without the script too: a one-line box submits on Enter
    page.wait_for_url("**/?q=*")
    card = page.locator("article.card")
    assert card.locator(".answer-text").inner_text() == "培养博士≥5 人"
    assert not page.locator("button.copy").is_visible()  # it needs the script
    aid = card.get_attribute("data-answer-id")
    # POST-redirect-GET: a reload shows the same answer, nothing is posted again.
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.reload()
    assert posts == [] and page.locator("article.card").get_attribute("data-answer-id") == aid
    # A follow-up through the form keeps the context; voting returns to the same answer.
    page.fill("#question", "资助强度呢？")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=*previous=*")
    assert "接着问：项目三" in page.locator(".chip").inner_text()
    followed = page.locator("article.card").get_attribute("data-answer-id")
    page.locator("button[value=up]").click()
    page.wait_for_url("**voted=1*")
    assert page.locator("article.card").get_attribute("data-answer-id") == followed
    assert page.locator("article.card p.thanks").is_visible()
    assert urlsplit(page.url).fragment == f"a-{followed}"
    # ✕ asks the same question of every project, without the script as well.
    page.locator("a.ask-all").click()
    page.wait_for_load_state()
    assert page.locator("table.rows tbody tr").count() == 7
    ctx.close()
