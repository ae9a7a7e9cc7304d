"""Ingest: every supported format yields the same structure; every bad file a clear error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.ingest import SUPPORTED, IngestError, add_file, corpus_files, doc_id_for, load_document, read_text
from rag.parse import Document, ParseError, parse_text

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "corpus" / "2023-chongqing-ai-major-projects-batch1.txt"

# A small guide in the real one's layout: lines broken mid-sentence, one page-break leading space.
LINES = [
    "附件 2-1",
    "2024 年测试市智能制造专项",
    "申报指南",
    "项目一：工业视觉质检平台研发及应用",
    "1.拟解决问题：针对工业质检漏检率高等问题，研究小样本",
    "缺陷检测关键技术；研发质检平台。",
    "2.考核指标：检测准确率≥99%，单件检测时间≤200 ms，",
    "授权发明专利≥3 项。",
    "3.组织方式：公开竞争。",
    "4.申报条件：企业牵头，鼓励产学研合作。",
    "5.资助强度：拟支持 1项，市级财政经费资助不超过 1000",
    "万元，承担单位出资不低于 5000 万元。",
    "6.实施周期：不超过 3 年。",
    "7.其他说明：无。",
    "项目二：农业大模型关键技术研发",
    "1.拟解决问题：面向智慧农业需求，研究农业知识图谱构建",
    "与大模型微调技术。",
    "2.考核指标：构建农业数据集≥10TB，问答准确率＞85%；",
    " 服务农户≥1 万户。",
    "3.组织方式：定向择优。",
    "4.申报条件：高校或科研院所牵头。",
    "5.资助强度：拟支持 2 项，每项市级财政经费资助不超过",
    "300 万元。",
    "6.实施周期：不超过 2 年。",
    "7.其他说明：本项目以市区（县）联动方式实施。",
]
GUIDE_TEXT = "\n\n".join(LINES) + "\n"
HEADINGS = ["拟解决问题", "考核指标", "组织方式", "申报条件", "资助强度", "实施周期", "其他说明"]
FUNDING_1 = "拟支持 1项，市级财政经费资助不超过 1000 万元，承担单位出资不低于 5000 万元。"
FUNDING_2 = "拟支持 2 项，每项市级财政经费资助不超过 300 万元。"


def section_text(doc: Document, project: int, heading: str) -> str:
    p = doc.projects[project]
    s = next(s for s in p.sections if s.heading == heading)
    return doc.text[s.start : s.end]


def assert_synthetic_structure(doc: Document) -> None:
    assert [p.label for p in doc.projects] == ["项目一", "项目二"]
    assert [p.title for p in doc.projects] == ["工业视觉质检平台研发及应用", "农业大模型关键技术研发"]
    for p in doc.projects:
        assert [s.heading for s in p.sections] == HEADINGS
        assert [s.number for s in p.sections] == list(range(1, 8))
    assert section_text(doc, 0, "资助强度") == FUNDING_1
    assert section_text(doc, 1, "资助强度") == FUNDING_2
    assert section_text(doc, 1, "考核指标") == "构建农业数据集≥10TB，问答准确率＞85%；服务农户≥1 万户。"
    assert len(doc.chunks()) == 14


def make_pdf(
    path: Path, lines: list[str], per_page: int = 14, encrypt: object = None, footer: bool = False
) -> Path:
    """Draw the lines as a real PDF with the built-in CJK CID font (no font file needed)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for i in range(0, len(lines), per_page):
        c.setFont("STSong-Light", 11)
        for j, line in enumerate(lines[i : i + per_page]):
            c.drawString(60, 780 - 24 * j, line)
        if footer:  # a page number, as printed guides have
            c.drawString(290, 40, f"- {i // per_page + 1} -")
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def synthetic() -> Document:
    return parse_text(GUIDE_TEXT, "synthetic")


def test_synthetic_text_parses(synthetic: Document) -> None:
    assert_synthetic_structure(synthetic)


def test_real_guide_txt_round_trip() -> None:
    doc = load_document(GUIDE)
    assert doc.id == GUIDE.stem
    assert doc.text == parse_text(GUIDE.read_text(encoding="utf-8"), GUIDE.stem).text
    assert len(doc.projects) >= 4 and all(len(p.sections) == 7 for p in doc.projects)
    funding = section_text(doc, 0, "资助强度")
    assert funding.startswith("拟支持 1项，市级财政经费资助不超过 1000 万元")


@pytest.mark.parametrize("name", ["guide.txt", "guide.md", "GUIDE.TXT"])
def test_txt_and_md(tmp_path: Path, name: str) -> None:
    f = tmp_path / name
    f.write_text(GUIDE_TEXT, encoding="utf-8")
    assert_synthetic_structure(load_document(f))


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_other_encodings(tmp_path: Path, encoding: str) -> None:
    f = tmp_path / "guide.txt"
    f.write_bytes(GUIDE_TEXT.encode(encoding))
    assert read_text(f) == GUIDE_TEXT  # no BOM left, no mojibake
    assert_synthetic_structure(load_document(f))


def test_pdf_with_cjk_font(tmp_path: Path, synthetic: Document) -> None:
    lines = [" " + ln if i % 5 == 0 else ln for i, ln in enumerate(LINES)]  # stray leading spaces
    doc = load_document(make_pdf(tmp_path / "指南.pdf", lines, per_page=len(LINES)))
    assert_synthetic_structure(doc)
    assert doc.text == synthetic.text  # pypdf keeps one line per drawn line; nothing else changes


def test_pdf_page_footers_are_dropped(tmp_path: Path) -> None:
    # pypdf returns footers ("- 1 -") as ordinary lines; the parser drops lines that are only a
    # page number instead of gluing them to the section that crosses the page break.
    doc = load_document(make_pdf(tmp_path / "paged.pdf", LINES, per_page=10, footer=True))
    assert section_text(doc, 0, "申报条件") == "企业牵头，鼓励产学研合作。"
    assert [len(p.sections) for p in doc.projects] == [7, 7]


def test_pdf_page_breaks_without_footers_change_nothing(tmp_path: Path, synthetic: Document) -> None:
    # Pages are joined with "\n" and each page text ends in "\n": a blank line, which the parser skips.
    doc = load_document(make_pdf(tmp_path / "paged.pdf", LINES, per_page=10))
    assert doc.text == synthetic.text


def test_docx_paragraphs_and_table(tmp_path: Path, synthetic: Document) -> None:
    import docx

    d = docx.Document()
    for line in LINES[:-1]:
        d.add_paragraph(line)
    # The last section sits in a table whose two cells are merged: it must appear once, in place.
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = LINES[-1]
    f = tmp_path / "guide.docx"
    d.save(str(f))
    doc = load_document(f)
    assert_synthetic_structure(doc)
    assert doc.text == synthetic.text
    assert section_text(doc, 1, "其他说明") == "本项目以市区（县）联动方式实施。"


def test_docx_word_auto_numbering_is_not_in_the_text(tmp_path: Path) -> None:
    # A known limit: python-docx returns paragraph text without Word's automatic list numbers,
    # so sections numbered by a list style lose their "1." and the guide is refused, not misread.
    import docx

    d = docx.Document()
    d.add_paragraph("项目一：测试平台")
    for heading in HEADINGS:
        d.add_paragraph(f"{heading}：内容。", style="List Number")
    f = tmp_path / "numbered.docx"
    d.save(str(f))
    assert "1." not in read_text(f)
    with pytest.raises(ParseError, match="项目一.*numbered section"):
        load_document(f)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("guide.doc", b"whatever", "unsupported type .doc"),
        ("guide", b"whatever", "unsupported type (no extension)"),
        ("guide.pdf", b"%PDF-1.4\nthis is not really a pdf", "cannot read this .pdf file"),
        ("guide.docx", b"PK\x03\x04 not a zip", "cannot read this .docx file"),
        ("guide.txt", b"", "contains no text"),
        ("guide.md", b" \n\n\t\n", "contains no text"),
        ("guide.txt", b"\x00\x01\x02binary\x00", "binary"),
        ("guide.txt", b"\xff\xff\x81", "neither UTF-8 nor GB18030"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(IngestError) as e:
        load_document(f)
    assert name in str(e.value) and reason in str(e.value)
    if "unsupported" in reason:
        assert all(ext in str(e.value) for ext in SUPPORTED)


def test_image_only_pdf(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    f = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(f))
    c.rect(50, 50, 400, 600, fill=1)  # a page with marks but no text, like a scan
    c.showPage()
    c.save()
    with pytest.raises(IngestError, match="scan.pdf: the PDF has no text layer"):
        read_text(f)


def test_encrypted_pdf(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    plain = read_text(make_pdf(tmp_path / "plain.pdf", LINES, per_page=len(LINES)))
    locked = make_pdf(tmp_path / "locked.pdf", LINES, len(LINES), StandardEncryption("secret", "owner"))
    with pytest.raises(IngestError, match="locked.pdf: the PDF is encrypted"):
        read_text(locked)
    # Only an owner password (printing/copy restrictions): it opens with the empty password.
    restricted = StandardEncryption("", "owner", canPrint=0)
    assert read_text(make_pdf(tmp_path / "restricted.pdf", LINES, len(LINES), restricted)) == plain


def test_unstructured_text_is_a_parse_error_naming_the_line(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("会议纪要\n\n1.拟解决问题：无\n", encoding="utf-8")
    with pytest.raises(ParseError, match="notes: line 3"):
        load_document(f)
    assert issubclass(ParseError, ValueError)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2023-chongqing-ai-major-projects-batch1.txt", "2023-chongqing-ai-major-projects-batch1"),
        ("2023年 重庆市（第一批）指南.pdf", "2023年-重庆市-第一批-指南"),
        ("２０２４_ｇｕｉｄｅ.docx", "2024_guide"),
        ("a/b?c#d%e.md", "b-c-d-e"),
        ("café guide.txt", "caf-guide"),
    ],
)
def test_doc_id_for(name: str, expected: str) -> None:
    assert doc_id_for(Path(name)) == expected


def test_doc_id_for_punctuation_only_names_are_distinct() -> None:
    a, b = doc_id_for(Path("！！.txt")), doc_id_for(Path("？？.txt"))
    assert a != b and a.startswith("doc-")


def test_corpus_files(tmp_path: Path) -> None:
    for name in ["b.pdf", "a.txt", "c.DOCX", "d.md", ".hidden.txt", "~$lock.docx", "e.doc", "notes.json"]:
        (tmp_path / name).write_text("x")
    (tmp_path / "dir.txt").mkdir()
    assert [p.name for p in corpus_files(tmp_path)] == ["a.txt", "b.pdf", "c.DOCX", "d.md"]
    assert corpus_files(tmp_path / "missing") == []


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def test_add_file_copies_and_is_idempotent(tmp_path: Path) -> None:
    src = tmp_path / "in" / "智能制造指南.txt"
    src.parent.mkdir()
    src.write_text(GUIDE_TEXT, encoding="utf-8")
    corpus = tmp_path / "corpus"  # created on demand
    dest = add_file(src, corpus)
    assert dest == corpus / src.name and dest.read_bytes() == src.read_bytes()
    assert oct(dest.stat().st_mode & 0o777) == oct(0o644)
    before = snapshot(corpus)
    assert add_file(src, corpus) == dest  # same content again: nothing changes
    assert add_file(dest, corpus) == dest  # adding the corpus file itself
    assert snapshot(corpus) == before and list(before) == [src.name]


def test_add_file_refuses_a_different_file_with_the_same_id(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    first = tmp_path / "guide.txt"
    first.write_text(GUIDE_TEXT, encoding="utf-8")
    add_file(first, corpus)
    before = snapshot(corpus)
    for other in [tmp_path / "x" / "guide.txt", tmp_path / "guide.md", tmp_path / "guide!.txt"]:
        other.parent.mkdir(exist_ok=True)
        other.write_text(GUIDE_TEXT.replace("1000", "2000"), encoding="utf-8")
        with pytest.raises(IngestError, match=r"already has a different guide with id 'guide' \(guide.txt\)"):
            add_file(other, corpus)
    assert snapshot(corpus) == before


def test_add_file_refuses_unstructured_and_leaves_corpus_unchanged(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "existing.txt").write_text(GUIDE_TEXT, encoding="utf-8")
    before = snapshot(corpus)
    bad = tmp_path / "minutes.txt"
    bad.write_text("会议纪要\n\n与会人员：张三、李四\n", encoding="utf-8")
    with pytest.raises(ParseError, match="no '项目X：title' heading"):
        add_file(bad, corpus)
    corrupt = tmp_path / "broken.pdf"
    corrupt.write_bytes(b"%PDF-1.7 truncated")
    with pytest.raises(IngestError, match="broken.pdf"):
        add_file(corrupt, corpus)
    with pytest.raises(IngestError, match="hidden or temporary"):
        add_file(tmp_path / "~$guide.docx", corpus)
    assert snapshot(corpus) == before  # nothing landed, no temp file left behind


def test_add_file_removes_temp_file_when_the_copy_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "guide.txt"
    src.write_text(GUIDE_TEXT, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        add_file(src, corpus)
    assert snapshot(corpus) == {}


@pytest.mark.parametrize("ext", [".pdf", ".docx"])
def test_truncated_and_mangled_files_never_traceback(tmp_path: Path, ext: str) -> None:
    import docx

    good = tmp_path / f"good{ext}"
    if ext == ".pdf":
        make_pdf(good, LINES, per_page=len(LINES))
    else:
        d = docx.Document()
        for line in LINES:
            d.add_paragraph(line)
        d.save(str(good))
    data = good.read_bytes()
    bad = tmp_path / f"bad{ext}"
    for cut in range(0, len(data), max(1, len(data) // 40)):
        for variant in (data[:cut], data[:cut] + bytes(64) + data[cut + 64 :]):
            bad.write_bytes(variant)
            try:
                read_text(bad)
            except IngestError as e:
                assert str(e).startswith("bad" + ext)
