"""A real browser (Debian's chromium, headless, driven by Playwright) against `rag serve`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, make_settings

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TOKEN = "browser-test-token"
SHOTS = ROOT / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("GUIDEQA_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing but GUIDEQA_REQUIRE_BROWSER is set")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    s = make_settings(tmp_path_factory.mktemp("browser"))
    port = _free_port()
    env = os.environ | {"RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir),
                        "RAG_DATA_DIR": str(s.data_dir), "RAG_STAFF_TOKEN": TOKEN}
    env.setdefault("RAG_EMBED_MODEL", "none")
    rag = shutil.which("rag") or str(Path(sys.executable).parent / "rag")
    proc = subprocess.Popen([rag, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            if proc.poll() is not None:
                pytest.fail(f"rag serve exited: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("rag serve did not come up in 120 s")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def test_ask_cite_view_source_feedback_and_staff(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    page.fill("#question", "项目四出资要求")
    page.keyboard.press("Enter")
    card = page.locator("article.card").nth(0)
    card.wait_for()
    assert "3000" in card.locator(".answer-text").inner_text()
    assert card.locator(".badge").first.inner_text() == "项目四 · 资助强度"
    assert "3000" in card.locator("blockquote mark").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "chat-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "chat-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # A follow-up keeps the conversation on the page.
    page.fill("#question", "那项目五呢？")
    page.keyboard.press("Enter")
    page.locator("article.card").nth(1).wait_for()
    assert page.locator("article.card").nth(1).locator(".badge").first.inner_text() == "项目五 · 资助强度"
    assert page.locator("article.card").count() == 2

    card.locator("a.view").click()
    page.wait_for_url("**/doc/**")
    mark = page.locator("mark#hl")
    assert "3000" in mark.inner_text() and mark.is_visible()
    page.go_back()
    page.wait_for_url(server + "/")

    page.fill("#question", "项目四出资要求")
    page.keyboard.press("Enter")
    card = page.locator("article.card").nth(0)
    card.wait_for()
    card.locator("input[name=comment]").fill("希望写明配套资金的到位时间")
    card.locator("button[value=down]").click()
    page.locator("p.flash").wait_for()
    assert "谢谢" in page.locator("p.flash").inner_text()

    # A one-time ?token= link: the server sets the cookie and drops the token from the address.
    staff = browser.new_page()
    staff.goto(f"{server}/staff?token={TOKEN}")
    assert staff.url == server + "/staff"
    assert "希望写明配套资金的到位时间" in staff.locator("td.comment").first.inner_text()
    staff.close()


def test_copy_button_copies_answer_and_citation(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context()
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = ctx.new_page()
    page.goto(server + "/")
    page.fill("#question", "项目四出资要求")
    page.click("form#ask button[type=submit]")
    button = page.locator("article.card button.copy")
    button.click()
    page.wait_for_function("document.querySelector('article.card button.copy').textContent === '已复制'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "3000" in copied and "项目四 · 资助强度" in copied
    ctx.close()


def test_staff_login_form(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(server + "/staff")
    assert "需要登录" in page.locator("h1").inner_text()
    page.fill("#token", TOKEN)
    page.click("form.login button")
    page.wait_for_url("**/staff")
    assert page.locator("h1").inner_text() == "员工视图"
    page.close()


def test_form_works_without_javascript(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(server + "/")
    page.fill("#question", "卫星互联网项目要培养几个博士")
    page.click("form#ask button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".answer-text").inner_text() == "培养博士≥5 人"
    assert not page.locator("button.copy").is_visible()  # it needs the script
    ctx.close()
