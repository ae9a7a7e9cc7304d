"""Staff replace a guide's aliases file: upload → checked preview → confirm → background rebuild."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_settings
from tests.web.conftest import soup
from tests.web.test_staff_guides import AUTH, FIRST, TOKEN, GatedEncoder, wait_done

PAGE = f"/staff/guides/aliases/{FIRST}"
QUESTION = "洒水车那个项目实施周期多久"


@pytest.fixture()
def staff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, GatedEncoder]]:
    """A client over a private corpus (the first guide and its aliases file), signed in as staff."""
    from rag.engine import Engine
    from web.app import create_app

    encoder = GatedEncoder()
    monkeypatch.setenv("RAG_STAFF_TOKEN", TOKEN)
    with TestClient(create_app(Engine.open(make_settings(tmp_path, rate_limit=0), encoder=encoder)),
                    headers=AUTH) as c:
        yield c, encoder


def send(client, data: bytes, doc: str = FIRST):  # type: ignore[no-untyped-def]
    return client.post(f"/staff/guides/aliases/{doc}/upload", files={"file": ("a.toml", data, "application/toml")},
                       follow_redirects=False)


def _projects(client) -> set[str]:  # type: ignore[no-untyped-def]
    ans = client.post("/api/ask", json={"question": QUESTION}).json()
    return {c["project"] for c in ans["citations"]} if ans["answered"] else set()


def test_upload_preview_confirm_then_the_new_alias_answers(staff) -> None:  # type: ignore[no-untyped-def]
    client, _ = staff
    settings = client.app.state.settings
    current = settings.corpus_dir / f"{FIRST}.aliases.toml"
    old = current.read_bytes()
    assert _projects(client) != {"项目五"}  # nobody told it that a 洒水车 is street cleaning
    page = soup(client.get(PAGE).text)
    assert page.select_one("form.upload")["action"] == f"{PAGE}/upload"
    assert any("自动驾驶" == td.text for td in page.select("table.aliases td"))  # the file as it stands

    new = old.replace(b"[topics]\n", '[topics]\n"洒水车" = "环卫"\n'.encode(), 1)
    r = send(client, new)
    assert r.status_code == 303 and "/upload/" in r.headers["location"]
    preview = r.headers["location"]
    pv = client.get(preview)
    assert pv.status_code == 200 and "洒水车" in pv.text
    assert soup(pv.text).select_one(f'form[action="{preview}/confirm"]') is not None
    assert current.read_bytes() == old  # nothing changes before confirmation
    r = client.post(preview + "/confirm", follow_redirects=False)
    assert r.status_code == 303
    job = wait_done(client, r.headers["location"])
    assert (job["state"], job["action"], job["doc"]) == ("done", "aliases", FIRST)
    assert current.read_bytes() == new
    kept = list((settings.data_dir / "removed").glob(f"*-{FIRST}.aliases.toml"))
    assert [k.read_bytes() for k in kept] == [old]  # the replaced file is kept
    assert _projects(client) == {"项目五"}
    assert client.get(preview).status_code == 404  # the upload is tidied once indexed
    assert "新的别名已生效" in client.get(r.headers["location"]).text


def test_a_bad_file_shows_every_error_with_its_line_and_cannot_be_confirmed(staff) -> None:  # type: ignore[no-untyped-def]
    client, _ = staff
    current = client.app.state.settings.corpus_dir / f"{FIRST}.aliases.toml"
    old = current.read_bytes()
    r = send(client, '[topics]\n"洒水车" = "环卫"\n"x" = 5\n[synonym]\n"a" = "b"\n'.encode())
    preview = r.headers["location"]
    pv = client.get(preview)
    assert pv.status_code == 422
    errors = [li.text for li in soup(pv.text).select("ul.errors li")]
    assert errors[0].startswith("第 3 行") and errors[1].startswith("第 4 行") and "synonym" in errors[1]
    assert soup(pv.text).select_one(f'form[action="{preview}/confirm"]') is None
    r = client.post(preview + "/confirm", follow_redirects=False)  # forced anyway: refused, nothing touched
    assert r.status_code == 422 and current.read_bytes() == old
    # Still staged (nothing staff sent is lost) until discarded.
    assert preview.rsplit("/", 1)[1] in client.get(PAGE).text
    assert client.post(preview + "/discard", follow_redirects=False).status_code == 303
    assert client.get(preview).status_code == 404


def test_refusals_unknown_guide_empty_oversized_cross_site_and_signed_out(staff) -> None:  # type: ignore[no-untyped-def]
    client, _ = staff
    assert client.get("/staff/guides/aliases/no-such-guide").status_code == 404
    assert send(client, b'[topics]\n"a" = "b"\n', doc="no-such-guide").status_code == 404
    assert send(client, b"   \n").status_code == 400
    assert send(client, b"#" * (300 * 1024)).status_code == 413
    r = client.post(f"{PAGE}/upload", files={"file": ("a.toml", b'[topics]\n"a" = "b"\n')},
                    headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    client.headers.pop("Authorization")
    assert client.get(PAGE).status_code == 401
    assert send(client, b'[topics]\n"a" = "b"\n').status_code == 401
    assert not list(Path(client.app.state.settings.data_dir).glob("alias-uploads/*"))


def test_a_failed_rebuild_puts_the_old_file_back_and_keeps_the_upload(staff) -> None:  # type: ignore[no-untyped-def]
    client, encoder = staff
    current = client.app.state.settings.corpus_dir / f"{FIRST}.aliases.toml"
    old = current.read_bytes()
    preview = send(client, '[topics]\n"洒水车" = "环卫"\n'.encode()).headers["location"]
    encoder.fail = True
    job = wait_done(client, client.post(preview + "/confirm", follow_redirects=False).headers["location"])
    assert job["state"] == "failed" and "encoder broke" in job["message"]
    assert current.read_bytes() == old and client.get(preview).status_code == 200
    assert _projects(client) != {"项目五"}  # the index in service is the one before
