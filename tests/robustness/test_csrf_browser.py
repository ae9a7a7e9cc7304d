"""Finding 9 in a real browser: the no-JavaScript forms still work from the site's own pages, and a
hostile site's auto-submitting form is refused (Chromium sends its Origin)."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.test_chat_browser import TOKEN, browser, server  # noqa: F401  (module fixtures)

pytestmark = pytest.mark.browser


def test_9_no_javascript_forms_work_from_our_own_pages(server: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(server + "/")
    page.fill("#question", "项目三实施周期")
    page.click("form#ask button[type=submit]")
    card = page.locator("article.card").first
    card.wait_for()
    card.locator("input[name=comment]").fill("无脚本也能反馈")
    card.locator("button[value=down]").click()
    page.wait_for_url("**/?thanks=1")
    page.goto(server + "/staff")
    page.fill("#token", TOKEN)
    page.click("form.login button[type=submit]")
    page.wait_for_url(server + "/staff")
    assert "无脚本也能反馈" in page.content()
    ctx.close()


def test_9_a_hostile_sites_form_is_refused(server: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    before = httpx.get(server + "/staff/export.csv", headers={"Authorization": f"Bearer {TOKEN}"}).text.count("\n")
    ctx = browser.new_context()
    page = ctx.new_page()
    hostile = (f'<form id="f" method="post" action="{server}/"><input name="question" value="跨站提交的问题"></form>'
               '<script>document.getElementById("f").submit()</script>')
    page.route("http://evil.test/", lambda route: route.fulfill(body=hostile, content_type="text/html"))
    with page.expect_response(lambda r: r.url.startswith(server)) as reply:
        page.goto("http://evil.test/")
    assert reply.value.status == 403
    after = httpx.get(server + "/staff/export.csv", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert "跨站提交的问题" not in after and after.count("\n") == before
    ctx.close()
