"""Staff add and remove guides: upload → preview → confirm → background rebuild → swap, and refusals."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from rag.encoder import HashEncoder
from tests.conftest import ROOT, make_settings
from tests.test_ingest import GUIDE_TEXT, LINES, make_pdf
from tests.web.conftest import TOKEN, soup

AUTH = {"Authorization": f"Bearer {TOKEN}"}
FIRST = "2023-chongqing-ai-major-projects-batch1"
SECOND = ROOT.parent / "shared" / "corpus-extra" / "2024-chongqing-biomedicine-major-projects.txt"
HEADINGS = ["拟解决问题", "考核指标", "组织方式", "申报条件", "资助强度", "实施周期", "其他说明"]


class GatedEncoder(HashEncoder):
    """The test encoder, except that embedding passages (a build) waits for `gate` or fails."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.gate.set()
        self.building = threading.Event()
        self.fail = False

    def encode(self, texts: list[str], kind: str = "passage") -> np.ndarray:
        if kind == "passage":
            self.building.set()
            if self.fail:
                raise RuntimeError("encoder broke mid-build")
            assert self.gate.wait(30)
        return super().encode(texts, kind)


@pytest.fixture()
def staff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, GatedEncoder]]:
    """A client over a private corpus (the first guide) and index, signed in as staff."""
    from rag.engine import Engine
    from web.app import create_app

    encoder = GatedEncoder()
    monkeypatch.setenv("RAG_STAFF_TOKEN", TOKEN)
    engine = Engine.open(make_settings(tmp_path, rate_limit=0, max_upload_bytes=200_000), encoder=encoder)
    with TestClient(create_app(engine), headers=AUTH) as c:
        yield c, encoder


def upload(client: TestClient, name: str, data: bytes, **kw: object):  # type: ignore[no-untyped-def]
    return client.post("/staff/guides/upload", files={"file": (name, data, "application/octet-stream")}, **kw)


def wait_done(client: TestClient, location: str) -> dict:
    """Follow a job's status JSON until it ends (bounded), as the status page's script does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(location + ".json").json()
        if job["state"] != "running":
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {location} still running after 60 s")


def test_upload_preview_confirm_then_the_new_guide_answers(staff) -> None:  # type: ignore[no-untyped-def]
    client, _ = staff
    r = upload(client, "2024-测试市智能制造专项.txt", GUIDE_TEXT.encode(), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/staff/guides/upload/")
    page = soup(client.get(r.headers["location"]).text)
    table = page.select_one("table.matrix")
    assert [th.text for th in table.select("thead th")][1:] == HEADINGS
    rows = table.select("tbody tr")
    assert [row.th.text[:3] for row in rows] == ["项目一", "项目二"]
    assert "工业视觉质检平台研发及应用" in rows[0].th.text
    assert rows[0].select("td")[4].text.startswith("拟支持 1项")  # 资助强度, the section's opening words
    confirm = page.find("form", action=re.compile(r"/confirm$"))
    r = client.post(confirm["action"], follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/staff/guides/jobs/")
    status = soup(client.get(r.headers["location"]).text)
    assert status.find("progress") and status.find(id="job")["data-status-url"].endswith(".json")
    job = wait_done(client, r.headers["location"])
    assert job["state"] == "done" and job["percent"] == 100, job
    # Swapped without a restart: the new guide is loaded and answers.
    assert client.get("/healthz").json()["documents"] == 2
    ans = client.post("/api/ask", json={"question": "工业视觉质检平台的资助强度"}).json()
    assert ans["answered"] and ans["citations"][0]["doc"] == "2024-测试市智能制造专项"
    assert "1000" in ans["answer"]
    listing = soup(client.get("/staff/guides").text)
    assert "2024-测试市智能制造专项" in listing.text and not listing.find(id="pending-h")  # staged copy tidied
    assert "完成" in listing.select_one("#jobs-h + table").text
    done = soup(client.get(r.headers["location"]).text)
    assert done.find("a", href="/guides/2024-测试市智能制造专项") and "完成" in done.find(id="job-status").text


def test_the_current_index_serves_while_the_new_one_builds(staff) -> None:  # type: ignore[no-untyped-def]
    client, encoder = staff
    encoder.gate.clear()
    encoder.building.clear()
    token = upload(client, "new-guide.txt", GUIDE_TEXT.encode(), follow_redirects=False).headers["location"]
    where = client.post(token + "/confirm", follow_redirects=False).headers["location"]
    assert encoder.building.wait(30)  # the build is now stuck embedding passages
    job = client.get(where + ".json").json()
    assert job["state"] == "running" and job["stage"] == "embed sections" and 0 < job["percent"] < 100
    ans = client.post("/api/ask", json={"question": "项目四出资要求"}).json()
    assert "3000" in ans["answer"] and client.get("/healthz").json()["documents"] == 1
    # One rebuild at a time: a second change waits, and loses nothing.
    other = upload(client, "other-guide.txt", GUIDE_TEXT.replace("测试市", "样例市").encode(),
                   follow_redirects=False).headers["location"]
    busy = client.post(other + "/confirm")
    assert busy.status_code == 409 and client.get(other).status_code == 200
    page = soup(client.get(where).text)
    assert page.find(id="job-refresh").a["href"] == where  # without JavaScript: reload to update
    encoder.gate.set()
    assert wait_done(client, where)["state"] == "done"
    assert client.get("/healthz").json()["documents"] == 2


def test_a_failed_rebuild_keeps_the_upload_and_the_old_index(staff) -> None:  # type: ignore[no-untyped-def]
    client, encoder = staff
    settings = client.app.state.settings  # type: ignore[attr-defined]
    before = sorted(p.name for p in settings.corpus_dir.iterdir())
    preview = upload(client, "new-guide.txt", GUIDE_TEXT.encode(), follow_redirects=False).headers["location"]
    encoder.fail = True
    job = wait_done(client, client.post(preview + "/confirm", follow_redirects=False).headers["location"])
    assert job["state"] == "failed" and "encoder broke" in job["message"]
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == before  # corpus put back
    assert client.get(preview).status_code == 200  # the upload is still staged
    assert "失败" in client.get(f"/staff/guides/jobs/{job['id']}").text
    encoder.fail = False
    assert client.get("/healthz").json()["documents"] == 1
    assert "3000" in client.post("/api/ask", json={"question": "项目四出资要求"}).json()["answer"]
    job = wait_done(client, client.post(preview + "/confirm", follow_redirects=False).headers["location"])
    assert job["state"] == "done"  # the kept upload can simply be confirmed again


def test_remove_asks_first_then_rebuilds_and_keeps_the_file(staff) -> None:  # type: ignore[no-untyped-def]
    client, _ = staff
    settings = client.app.state.settings  # type: ignore[attr-defined]
    preview = upload(client, "new-guide.txt", GUIDE_TEXT.encode(), follow_redirects=False).headers["location"]
    wait_done(client, client.post(preview + "/confirm", follow_redirects=False).headers["location"])
    listing = soup(client.get("/staff/guides").text)
    link = listing.find("a", href="/staff/guides/remove/new-guide")
    page = soup(client.get(link["href"]).text)
    assert "new-guide" in page.text and page.find("form", action="/staff/guides/remove/new-guide")
    assert client.get("/healthz").json()["documents"] == 2  # asking did not remove anything
    job = wait_done(client, client.post(link["href"], follow_redirects=False).headers["location"])
    assert job["state"] == "done" and job["action"] == "remove"
    assert client.get("/healthz").json()["documents"] == 1
    assert not (settings.corpus_dir / "new-guide.txt").exists()
    kept = list((settings.data_dir / "removed").iterdir())
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == GUIDE_TEXT
    # The last guide stays; an unknown one is a 404.
    assert client.post(f"/staff/guides/remove/{FIRST}").status_code == 422
    assert client.get("/staff/guides/remove/nope").status_code == 404
    assert client.post("/staff/guides/remove/nope").status_code == 404


def test_an_unparseable_upload_shows_the_refusal_and_its_line(staff) -> None:  # type: ignore[no-untyped-def]
    client, _ = staff
    bad = GUIDE_TEXT.replace("3.组织方式：公开竞争。", "5.组织方式：公开竞争。", 1)
    r = upload(client, "bad-guide.txt", bad.encode())
    assert r.status_code == 422
    page = soup(r.text)
    alert = page.select_one(".refusal")
    assert "out of order" in alert.text and "5.组织方式：公开竞争。" in alert.select_one("code.line").text
    line = bad.splitlines().index("5.组织方式：公开竞争。") + 1
    assert f"第 {line} 行" in alert.text
    assert not page.find("form", action=re.compile("/confirm$"))  # nothing to confirm
    token = r.url.path.rsplit("/", 1)[1]
    assert client.post(f"/staff/guides/upload/{token}/confirm").status_code == 422  # refused again, not added
    assert client.post(f"/staff/guides/upload/{token}/discard", follow_redirects=False).status_code == 303
    assert client.get(f"/staff/guides/upload/{token}").status_code == 404


@pytest.mark.parametrize("ext", [".pdf", ".docx"])
def test_pdf_and_docx_uploads_preview_like_text(staff, tmp_path: Path, ext: str) -> None:  # type: ignore[no-untyped-def]
    client, _ = staff
    path = tmp_path / f"guide{ext}"
    if ext == ".pdf":
        make_pdf(path, LINES)
    else:
        import docx

        d = docx.Document()
        for line in LINES:
            d.add_paragraph(line)
        d.save(str(path))
    r = upload(client, path.name, path.read_bytes())
    assert r.status_code == 200
    table = soup(r.text).select_one("table.matrix")
    assert [th.text for th in table.select("thead th")][1:] == HEADINGS and len(table.select("tbody tr")) == 2


@pytest.mark.parametrize(("name", "data", "status"), [
    ("guide.exe", b"MZ\x90\x00", 415),
    ("guide.pdf", "项目一：不是 PDF".encode(), 415),
    ("guide.docx", b"plain text, not a zip", 415),
    ("guide.txt", b"\x00\x01\x02binary", 415),
    ("guide.txt", b"", 400),
    (".hidden.txt", GUIDE_TEXT.encode(), 400),
    ("big.txt", b"x" * 200_001, 413),  # over the limit, within the guard's allowance: the route says so
    ("huge.txt", b"x" * 400_000, 413),  # far over: the guard refuses before reading it all
])
def test_bad_uploads_are_refused_with_a_reason(staff, name: str, data: bytes, status: int) -> None:  # type: ignore[no-untyped-def]
    client, _ = staff
    r = upload(client, name, data)
    assert r.status_code == status and soup(r.text).h1.text
    assert not list((client.app.state.settings.data_dir / "uploads").glob("*/*.txt"))  # type: ignore[attr-defined]


def test_same_file_or_same_id_cannot_be_confirmed(staff) -> None:  # type: ignore[no-untyped-def]
    client, _ = staff
    guide = (ROOT / "corpus" / f"{FIRST}.txt").read_bytes()
    page = soup(upload(client, f"{FIRST}.txt", guide).text)
    assert "已有这份文件" in page.text and not page.find("form", action=re.compile("/confirm$"))
    page = soup(upload(client, f"{FIRST}.txt", GUIDE_TEXT.encode()).text)
    assert "另一份文件" in page.text and not page.find("form", action=re.compile("/confirm$"))


def test_every_guide_route_needs_the_staff_token(staff) -> None:  # type: ignore[no-untyped-def]
    client, _ = staff
    anon = TestClient(client.app)
    for method, path in [("get", "/staff/guides"), ("get", "/staff/guides/upload/" + "0" * 32),
                         ("post", "/staff/guides/upload/" + "0" * 32 + "/confirm"),
                         ("get", f"/staff/guides/remove/{FIRST}"), ("post", f"/staff/guides/remove/{FIRST}"),
                         ("get", "/staff/guides/jobs/000000000000"), ("get", "/staff/guides/jobs/000000000000.json")]:
        assert getattr(anon, method)(path).status_code == 401, path
    r = anon.post("/staff/guides/upload", files={"file": ("g.txt", GUIDE_TEXT.encode(), "text/plain")})
    assert r.status_code == 401 and not (client.app.state.settings.data_dir / "uploads").exists()  # type: ignore[attr-defined]


@pytest.mark.skipif(not SECOND.exists(), reason="../shared is not beside the checkout")
def test_the_shared_second_guide_previews_and_is_added(staff) -> None:  # type: ignore[no-untyped-def]
    client, _ = staff
    r = upload(client, SECOND.name, SECOND.read_bytes())
    assert r.status_code == 200, soup(r.text).text[:500]
    page = soup(r.text)
    assert len(page.select("table.matrix tbody tr")) == 6
    job = wait_done(client, client.post(r.url.path + "/confirm", follow_redirects=False).headers["location"])
    assert job["state"] == "done"
    assert client.get("/healthz").json()["documents"] == 2
