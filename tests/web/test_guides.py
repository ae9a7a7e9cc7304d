"""Several guides on the web: the picker kept in ?doc=, every ask scoped by it, and the /guides catalogue."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT, make_settings
from tests.web.conftest import soup

FIRST = "2023-chongqing-ai-major-projects-batch1"
SECOND_FILE = ROOT.parent / "shared" / "corpus-extra" / "2024-chongqing-biomedicine-major-projects.txt"
SECOND = SECOND_FILE.stem
SECOND_TITLE = "2024 年重庆市生物医药重大专项项目申报指南"

pytestmark = pytest.mark.skipif(not SECOND_FILE.exists(), reason="../shared is not beside the checkout")


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client over two guides: the first and the shared second (fictional, never in corpus/)."""
    from rag.encoder import HashEncoder
    from rag.engine import Engine
    from web.app import create_app

    s = make_settings(tmp_path_factory.mktemp("two"), rate_limit=0)
    shutil.copy(SECOND_FILE, s.corpus_dir / SECOND_FILE.name)
    with TestClient(create_app(Engine.open(s, encoder=HashEncoder()))) as c:
        yield c


def landmark_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Return each landmark's role and name, as a screen reader lists them."""
    out = []
    for tag in page.find_all(True):
        role = tag.get("role") or {"nav": "navigation", "main": "main", "header": "banner", "footer": "contentinfo",
                                   "section": "region" if tag.get("aria-labelledby") or tag.get("aria-label") else None
                                   }.get(tag.name)
        if role in ("navigation", "main", "banner", "contentinfo", "region"):
            name = tag.get("aria-label") or ""
            if tag.get("aria-labelledby"):
                name = page.find(id=tag["aria-labelledby"]).get_text(strip=True)
            out.append(f"{role}:{name}")
    return out


def assert_outline(page) -> None:  # type: ignore[no-untyped-def]
    """One h1, no skipped heading level, unique landmarks."""
    levels = [int(h.name[1]) for h in page.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    names = landmark_names(page)
    assert len(names) == len(set(names)), names


def test_catalogue_lists_every_guide_with_funding_and_period_linked_to_the_text(two) -> None:  # type: ignore[no-untyped-def]
    page = soup(two.get("/guides").text)
    assert page.h1.text == "指南目录"
    assert_outline(page)
    guides = {s["id"]: s for s in page.select("section.guide")}
    assert set(guides) == {f"g-{FIRST}", f"g-{SECOND}"}
    second = guides[f"g-{SECOND}"]
    assert second.h2.text == SECOND_TITLE
    rows = [tr for tr in second.select("table.overview tbody tr") if tr.td]
    assert [tr.th.a.text for tr in rows] == ["项目1", "项目2", "项目3", "项目4", "项目5", "项目6"]
    assert [th.text for th in second.select("tr.group th")] == ["创新药物领域", "医疗器械领域"]
    assert len([tr for tr in guides[f"g-{FIRST}"].select("table.overview tbody tr") if tr.td]) == 7
    funding, period = rows[3].select("td a")
    assert "区级财政资助不超过 500 万元" in funding.text and period.text == "不超过 3 年。"
    assert rows[5].select("td a")[1].text == "不超过 2 年。"
    # Every clause link opens the document view with exactly that clause marked.
    for link in (funding, period):
        url = urlsplit(link["href"])
        assert url.path == f"/doc/{SECOND}" and url.fragment == "hl"
        doc = soup(two.get(url.path, params=parse_qs(url.query)).text)
        assert doc.find("mark", id="hl").text == link.text
    assert [a.text for a in second.select("ul.general a")] == ["总体要求", "申报须知"]
    notice = second.select("ul.general a")[1]["href"]
    url = urlsplit(notice)
    assert "2024 年 3 月 1 日" in soup(two.get(url.path, params=parse_qs(url.query)).text).find("mark", id="hl").text
    assert second.find("a", href=f"/?doc={SECOND}") and second.find("a", href=f"/guides/{SECOND}")


def test_one_guide_page_and_unknown_guide(two) -> None:  # type: ignore[no-untyped-def]
    page = soup(two.get(f"/guides/{SECOND}").text)
    assert page.h1.text == SECOND_TITLE and page.title.text.startswith(SECOND_TITLE)
    assert_outline(page)
    assert len([tr for tr in page.select("table.overview tbody tr") if tr.td]) == 6
    assert not page.find("section", id=f"g-{FIRST}")
    r = two.get("/guides/nope")
    assert r.status_code == 404 and soup(r.text).find("a", href="/guides")


def test_document_view_shows_the_general_part_and_groups(two) -> None:  # type: ignore[no-untyped-def]
    page = soup(two.get(f"/doc/{SECOND}").text)
    heads = [h.text for h in page.select("article.doc h2")]
    assert heads[:3] == ["总体要求", "申报须知", "创新药物领域"] and heads[3].startswith("项目1：")
    assert len(page.select("h2[id^=p]")) == 6 and len(page.select("h3[id]")) == 42
    assert page.select_one("p.intro").text.strip().endswith("项目申报指南")


def test_picker_lists_guides_and_keeps_the_choice_in_the_address(two) -> None:  # type: ignore[no-untyped-def]
    page = soup(two.get("/").text)
    options = page.select("form#picker select#doc option")
    assert [o["value"] for o in options] == ["", FIRST, SECOND] and options[0].has_attr("selected")
    assert page.find(id="guide-current").text == "所有指南"
    assert page.find("form", id="picker")["method"] == "get" and page.find("label", attrs={"for": "doc"})
    assert page.find("a", id="guides-link")["href"] == "/guides"
    page = soup(two.get("/", params={"doc": SECOND}).text)
    assert page.select_one("select#doc option[selected]")["value"] == SECOND
    assert page.find(id="guide-current").text == SECOND_TITLE and page.title.text.startswith(SECOND_TITLE)
    assert page.find("input", id="ask-doc")["value"] == SECOND
    assert page.find("a", id="guides-link")["href"] == f"/guides/{SECOND}"
    assert all(parse_qs(urlsplit(a["href"]).query)["doc"] == [SECOND] for a in page.select(".examples a"))
    r = two.get("/", params={"doc": "nope"})
    assert r.status_code == 404 and soup(r.text).find("a", href="/guides")


def test_every_ask_path_is_scoped_to_the_chosen_guide(two) -> None:  # type: ignore[no-untyped-def]
    def cited_docs(html: str) -> set[str]:
        card = soup(html).select_one("article.card")
        return {urlsplit(a["href"]).path for a in card.select("a[href^='/doc/']")}

    q = "项目4出资要求"
    for html in (two.get("/", params={"q": q, "doc": SECOND}).text,
                 two.post("/", data={"question": q, "doc": SECOND}).text,
                 two.post("/fragment/answer", data={"question": q, "doc": SECOND}).text):
        assert cited_docs(html) == {f"/doc/{SECOND}"}
        assert "区级财政资助不超过 500 万元" in soup(html).select_one("article.card .answer-text").text
    html = two.post("/fragment/answer", data={"question": q, "doc": FIRST}).text
    assert cited_docs(html) == {f"/doc/{FIRST}"} and "3000" in html
    # A follow-up stays in the chosen guide and uses its own heading words.
    card = soup(two.post("/fragment/answer", data={"question": "实施周期呢？", "previous": q, "doc": SECOND}).text)
    assert card.select_one(".badge").text == "项目4 · 实施年限"
    page = soup(two.post("/", data={"question": q, "doc": SECOND}).text)
    assert page.find("input", id="ask-doc")["value"] == SECOND  # the next question keeps the scope
    bad = two.post("/fragment/answer", data={"question": q, "doc": "nope"})
    assert bad.status_code == 404 and "没有编号" in bad.text
    assert two.post("/", data={"question": q, "doc": "nope"}).status_code == 404


def test_unscoped_answers_name_their_guide(two) -> None:  # type: ignore[no-untyped-def]
    card = soup(two.get("/", params={"q": "ADC 定点偶联平台的支持强度"}).text).select_one("article.card")
    assert card.select_one(".dtitle").text.strip("《》") == SECOND_TITLE
    scoped = soup(two.get("/", params={"q": "ADC 定点偶联平台的支持强度", "doc": SECOND}).text)
    assert not scoped.select_one("article.card .dtitle")  # the header already says which guide


def test_with_one_guide_cards_do_not_repeat_its_name(client) -> None:  # type: ignore[no-untyped-def]
    card = soup(client.get("/", params={"q": "项目四出资要求"}).text).select_one("article.card")
    assert "3000" in card.select_one(".answer-text").text and not card.select_one(".dtitle")


def test_a_question_several_guides_answer_gets_a_row_per_guide(two) -> None:  # type: ignore[no-untyped-def]
    rows = soup(two.get("/", params={"q": "项目四出资要求"}).text).select("article.card table.rows tbody tr")
    got = {r.select_one(".dtitle").text: (r.td.get_text(strip=True), urlsplit(r.select_one("a.badge")["href"]).path)
           for r in rows}
    assert got[SECOND_TITLE] == (SECOND_TITLE + "项目4 · 支持强度", f"/doc/{SECOND}")
    assert got["2023 年重庆市人工智能重大专项第一批项目申报指南"][1] == f"/doc/{FIRST}"
