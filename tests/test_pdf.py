"""PDF input: the real report PDF, PDFs printed by a real browser from HTML written here, and bad PDFs."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extract.extractor import extract_document
from extract.reader import read_report
from extract.errors import InputError

DATA = Path(__file__).resolve().parent / "data" / "pdf"
REAL = DATA / "shennan-circuits-2021-sustainability.pdf"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is installed by scripts/system-deps.sh")

PAGE = """<section style="height: 900px; page-break-after: always; position: relative; font-family: 'Noto Sans CJK SC';">
<div style="font-size: 10px; color: #555;">星河控股2024年社会责任报告</div>{body}
<div style="position: absolute; bottom: 0; font-size: 10px;">{number}</div></section>"""


def print_pdf(tmp_path: Path, html: str, name: str = "report") -> Path:
    """Print ``html`` to a PDF with headless Chromium (A4, no browser header or footer)."""
    source = tmp_path / f"{name}.html"
    source.write_text(f"<!doctype html><meta charset=utf-8><body style='margin:0'>{html}</body>", encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", f"--user-data-dir={tmp_path / 'chrome'}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", source.as_uri()],
                   check=True, capture_output=True, timeout=120)
    return pdf


def pages(*bodies: str) -> str:
    return "".join(PAGE.format(body=body, number=k + 1) for k, body in enumerate(bodies))


# --- the real report ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_document():
    return read_report(REAL)


def test_real_pdf_has_its_pages_and_no_running_header(real_document) -> None:
    pages_seen = {u.page for u in real_document.units}
    assert pages_seen >= set(range(2, 37)), sorted(p for p in pages_seen if p)
    header = "深南电路股份有限公司"
    standalone = [u for u in real_document.units if u.text.strip() == header]
    assert len(standalone) <= 3, "the running header was kept on most pages"


def test_real_pdf_facts_carry_pages(real_document) -> None:
    ex = extract_document(real_document)
    assert ex.facts
    assert all(f.evidence.page for f in ex.facts)
    labels = {e.label for e in ex.entities}
    assert "深南电路股份有限公司" in labels


def test_real_pdf_tables_become_rows(real_document) -> None:
    rows = [u for u in real_document.units if u.kind == "row"]
    assert len(rows) >= 10  # the performance, stakeholder and GRI tables


# --- PDFs printed from HTML written for the tests -------------------------------------------------------------


@needs_chromium
def test_two_columns_are_read_column_by_column(tmp_path: Path) -> None:
    left = "星河控股与北京师范大学签署战略合作协议，双方将在养老金融人才培养和课题研究方面开展长期合作，" * 2
    right = "青松社区的志愿者每周为长者提供健康咨询、防诈骗宣传和智能手机使用培训，服务居民超过三千人次。" * 2
    body = (f"<div style='column-count: 2; column-gap: 40px; font-size: 14px; width: 640px;'>"
            f"<p>{left}</p><p>{right}</p></div>")
    doc = read_report(print_pdf(tmp_path, pages(body)))
    text = "".join(u.text for u in doc.units)
    assert "星河控股与北京师范大学签署战略合作协议，双方将在养老金融人才培养和课题研究方面开展长期合作" in text


@needs_chromium
def test_a_ruled_awards_table_gives_recipient_award_and_issuer(tmp_path: Path) -> None:
    rows = [("星河控股", "年度卓越保险集团", "青松日报社"), ("星河人寿", "最佳养老金融服务奖", "远山财经")]
    cells = "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in row)}</tr>" for row in rows)
    body = ("<p>星河控股集团股份有限公司（以下简称“星河控股”）。星河人寿保险股份有限公司（以下简称“星河人寿”）是集团旗下的全资子公司。</p>"
            "<p>荣誉与奖项</p><table border=1 style='border-collapse: collapse; font-size: 14px;'>"
            f"<tr><th>获奖单位</th><th>奖项</th><th>颁发机构</th></tr>{cells}</table>")
    ex = extract_document(read_report(print_pdf(tmp_path, pages(body))))
    label = {e.key: e.label for e in ex.entities}
    facts = {(label[f.subject], f.predicate, label[f.object]) for f in ex.facts}
    assert ("星河人寿保险股份有限公司", "receivedAward", "最佳养老金融服务奖") in facts
    assert ("年度卓越保险集团", "awardedBy", "青松日报社") in facts
    assert all(f.evidence.page == 1 for f in ex.facts if f.predicate in ("receivedAward", "awardedBy"))


@needs_chromium
def test_running_header_and_page_numbers_are_dropped_and_pages_kept(tmp_path: Path) -> None:
    body = "<p style='font-size: 14px;'>第{k}页的正文：星河控股持续推进普惠金融，服务小微企业和乡村振兴。</p>"
    doc = read_report(print_pdf(tmp_path, pages(*(body.format(k=k) for k in range(1, 5)))))
    assert not [u for u in doc.units if "社会责任报告" in u.text]
    assert {u.page for u in doc.units if "正文" in u.text} == {1, 2, 3, 4}


@needs_chromium
def test_a_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    text_pdf = print_pdf(tmp_path, pages("<p style='font-size: 28px;'>星河控股与北京师范大学签署战略合作协议。</p>"), "text")
    import pypdfium2 as pdfium

    image = tmp_path / "scan.png"
    pdfium.PdfDocument(str(text_pdf))[0].render(scale=2).to_pil().save(image)
    scanned = print_pdf(tmp_path, f"<img src='{image.as_uri()}' style='width: 100%'>", "scanned")
    with pytest.raises(InputError, match=r"\[E027\]"):
        read_report(scanned)
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is installed by scripts/system-deps.sh")
    doc = read_report(scanned, ocr=True)
    assert "战略合作协议" in "".join(u.text for u in doc.units)


# --- bad PDFs: one line, exit code 2, no output -------------------------------------------------------------


def _bad_pdfs(tmp_path: Path) -> dict[str, Path]:
    from pypdf import PdfReader, PdfWriter

    out = {}
    out["corrupt"] = tmp_path / "corrupt.pdf"
    out["corrupt"].write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    data = REAL.read_bytes()
    out["truncated"] = tmp_path / "truncated.pdf"
    out["truncated"].write_bytes(data[: len(data) // 3])
    writer = PdfWriter()
    writer.append(PdfReader(str(REAL)), pages=(0, 1))
    writer.encrypt("secret")
    out["password"] = tmp_path / "password.pdf"
    with out["password"].open("wb") as handle:
        writer.write(handle)
    out["no pages"] = tmp_path / "empty.pdf"
    with out["no pages"].open("wb") as handle:
        PdfWriter().write(handle)
    out["not a PDF"] = tmp_path / "notes.pdf"
    out["not a PDF"].write_text("这不是PDF文件，只是一段文字。\n", encoding="utf-8")
    return out


EXPECTED_MESSAGE = {
    "corrupt": "not a readable PDF",
    "truncated": "not a readable PDF",
    "password": "password-protected",
    "no pages": "no pages",
    "not a PDF": "is not a PDF",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED_MESSAGE))
def test_bad_pdfs_fail_with_one_line_and_no_output(tmp_path: Path, kind: str) -> None:
    bad = _bad_pdfs(tmp_path)[kind]
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(bad), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and EXPECTED_MESSAGE[kind] in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (out / "graph.ttl").exists()


def test_the_right_password_opens_an_encrypted_pdf(tmp_path: Path) -> None:
    doc = read_report(_bad_pdfs(tmp_path)["password"], password="secret")
    assert any("深南电路" in u.text for u in doc.units)
    with pytest.raises(InputError, match=r"\[E022\]"):
        read_report(_bad_pdfs(tmp_path)["password"], password="wrong")


# --- the PDF path reads the development reports at least as well as their plain text -------------------------

PDF_WITH_GOLD = {
    "shennan-circuits-2021-sustainability": "shennan-2021",
    "dev3-bank-pdf": "dev3-bank-pdf",
    "dev3-food-pdf": "dev3-food-pdf",
    "dev3-utility-pdf": "dev3-utility-pdf",
    "dev4-bank-pdf": "dev4-bank-pdf",
    "dev4-energy-pdf": "dev4-energy-pdf",
    "dev5-securities-pdf": "dev5-securities-pdf",
    "dev6-bank-pdf": "dev6-bank-pdf",
}


@pytest.mark.slow
@pytest.mark.parametrize("pdf_name", sorted(PDF_WITH_GOLD))
def test_pdf_path_scores_no_lower_than_the_plain_text(pdf_name: str) -> None:
    from kg.minting import add_extraction, new_graph
    from kg.evaluate import evaluate, load_gold

    dev = DATA.parent / "dev"
    gold = load_gold(dev / f"{PDF_WITH_GOLD[pdf_name]}.gold.json")

    def score(path: Path) -> float:
        graph = new_graph()
        add_extraction(graph, extract_document(read_report(path)))
        result = evaluate(graph, gold)
        return result.entity_f1 + result.relation_f1

    assert score(DATA / f"{pdf_name}.pdf") >= score(dev / f"{PDF_WITH_GOLD[pdf_name]}.txt") - 0.005
