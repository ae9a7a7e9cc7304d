"""Several guides in a real browser: pick a guide, open /guides, staff add and remove a guide."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browser.conftest import serving
from tests.browser.test_chat_browser import ARGS, CHROMIUM, SHOTS, TOKEN
from tests.conftest import ROOT, make_settings
from tests.test_ingest import GUIDE_TEXT

pytestmark = pytest.mark.browser
SECOND_FILE = ROOT.parent / "shared" / "corpus-extra" / "2024-chongqing-biomedicine-major-projects.txt"
SECOND = SECOND_FILE.stem
SECOND_TITLE = "2024 年重庆市生物医药重大专项项目申报指南"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`rag serve` over the first guide and the shared second one (from ../shared, never corpus/)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("GUIDEQA_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing but GUIDEQA_REQUIRE_BROWSER is set")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    if not SECOND_FILE.exists():
        pytest.skip("../shared is not beside the checkout")
    s = make_settings(tmp_path_factory.mktemp("guides-browser"))
    shutil.copy(SECOND_FILE, s.corpus_dir / SECOND_FILE.name)
    env = os.environ | {"RAG_CORPUS_DIR": str(s.corpus_dir), "RAG_INDEX_DIR": str(s.index_dir),
                        "RAG_DATA_DIR": str(s.data_dir), "RAG_STAFF_TOKEN": TOKEN}
    env.setdefault("RAG_EMBED_MODEL", "none")
    with serving(env, 180) as base:
        yield base


@pytest.fixture(scope="module")
def browser(server: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def test_pick_a_guide_ask_in_it_and_open_the_catalogue(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    assert page.locator("#guide-current").inner_text() == "所有指南"
    assert not page.locator("#picker-go").is_visible()  # with the script the choice applies at once
    page.select_option("#doc", SECOND)
    page.wait_for_function(f"location.search === '?doc={SECOND}'")
    assert page.locator("#guide-current").inner_text() == SECOND_TITLE
    page.fill("#question", "项目4出资要求")
    page.keyboard.press("Enter")
    card = page.locator("article.card").nth(0)
    card.wait_for()
    assert "区级财政资助不超过 500 万元" in card.locator(".answer-text").inner_text()
    assert card.locator(".badge").first.inner_text() == "项目4 · 支持强度"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the header and the picker above the answer
    page.screenshot(path=str(SHOTS / "guides-picker.png"))
    page.fill("#question", "实施周期呢？")
    page.keyboard.press("Enter")
    page.locator("article.card").nth(1).wait_for()
    assert page.locator("article.card").nth(1).locator(".badge").first.inner_text() == "项目4 · 实施年限"
    # The choice lives in the address: a reload keeps it.
    page.reload()
    assert page.locator("#doc").input_value() == SECOND
    assert page.locator("#guide-current").inner_text() == SECOND_TITLE

    page.click("#guides-link")
    page.wait_for_url(f"**/guides/{SECOND}")
    assert page.locator("h1").inner_text() == SECOND_TITLE
    page.goto(server + "/guides")
    assert page.locator("section.guide").count() == 2
    page.screenshot(path=str(SHOTS / "guides-catalogue.png"), full_page=True)
    funding = page.locator(f"#g-{SECOND} table.overview tbody tr").filter(has_text="项目4").locator("td a").first
    text = funding.inner_text()
    funding.click()
    page.wait_for_url(f"**/doc/{SECOND}?hl=*")
    mark = page.locator("mark#hl")
    assert mark.inner_text() == text and mark.is_visible()
    page.close()


def test_picker_without_javascript(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(server + "/")
    page.select_option("#doc", SECOND)
    page.click("#picker-go")
    page.wait_for_url(f"**/?doc={SECOND}")
    assert page.locator("#guide-current").inner_text() == SECOND_TITLE
    page.fill("#question", "项目4出资要求")
    page.click("form#ask button[type=submit]")
    page.wait_for_load_state()
    assert "区级财政资助不超过 500 万元" in page.locator(".answer-text").inner_text()
    assert page.locator("#ask-doc").input_value() == SECOND
    ctx.close()


def test_staff_add_then_remove_a_guide(server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    guide = tmp_path / "2024-测试市智能制造专项.txt"
    guide.write_text(GUIDE_TEXT, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/staff/guides?token={TOKEN}")
    assert page.locator("h1").inner_text() == "指南管理"
    page.set_input_files("#file", str(guide))
    page.click("form.upload button[type=submit]")
    page.wait_for_url("**/staff/guides/upload/*")
    assert page.locator("table.matrix tbody tr").count() == 2
    page.screenshot(path=str(SHOTS / "guides-staff-preview.png"))
    page.click("text=确认添加并重建索引")
    page.wait_for_url("**/staff/guides/jobs/*")
    # The status page's script follows the rebuild until the new index is in service.
    page.locator("#job:not([data-state=running])").wait_for(timeout=240_000)
    assert page.locator("#job-status").inner_text().startswith("完成")
    assert httpx.get(server + "/healthz").json()["documents"] == 3
    page.goto(server + "/?doc=2024-测试市智能制造专项&q=工业视觉质检平台的资助强度")
    assert "1000" in page.locator(".answer-text").inner_text()

    page.goto(server + "/staff/guides")
    page.click("a[href='/staff/guides/remove/2024-测试市智能制造专项']")
    page.click("text=确认删除")
    page.locator("#job:not([data-state=running])").wait_for(timeout=240_000)
    assert page.locator("#job-status").inner_text().startswith("完成")
    assert httpx.get(server + "/healthz").json()["documents"] == 2
    page.close()
