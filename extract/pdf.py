"""Read a report PDF into the same line-oriented text that ``extract.ingest`` segments, keeping pages.

Why pdfplumber (MIT; pdfminer.six and pypdfium2 underneath): it gives every word with its box, crops pages,
and finds ruled tables, which is what a designed report needs; PyMuPDF is AGPL and stays out. The reader:

- **pages**: every page's text is preceded by a form feed, so each unit keeps its page (``csr:page``); the
  printed page label is used when the PDF has numeric labels, else the physical page number;
- **reading order**: a page whose words leave a vertical gutter near the middle is read column by column
  (left, then right), per band between ruled tables, so two-column text is not read across;
- **tables**: ruled tables (``page.find_tables``) become one line per row with the cells separated by tabs,
  in their place in the reading order; ``extract.layout`` reads them like any table row;
- **running headers and footers** are left to ``extract.ingest``, which drops short lines that repeat next
  to page breaks on many pages;
- **scanned pages**: a PDF without a text layer stops with a clear error unless OCR is asked for, which
  runs Tesseract (Debian ``tesseract-ocr`` and ``tesseract-ocr-chi-sim``) on each page image.

Errors (corrupt, truncated, encrypted, empty, not a PDF) are ``InputError`` with one clear line.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from extract.errors import CsrKgError, Errors, InputError

PDF_MAGIC = b"%PDF-"
MIN_TEXT_PER_PAGE = 20  # fewer characters than this on average: no text layer (a scanned PDF)
GUTTER_SHARE = 0.6  # a column gutter must be crossed by at most 40 % of a page's text lines … (see _gutter)


def is_pdf(data: bytes) -> bool:
    """Whether bytes start like a PDF (the magic may follow a little junk, as PDF readers allow)."""
    return PDF_MAGIC in data[:1024]


def _quiet_pdfminer() -> None:
    for name in ("pdfminer", "pdfplumber"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _open(path: Path, password: str | None) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        return pdfplumber.open(str(path), password=password or "")
    except Exception as err:  # pdfplumber wraps pdfminer's errors (PdfminerException): look inside
        cause = _root_cause(err)
        if isinstance(cause, PDFPasswordIncorrect):
            if password:
                raise InputError(Errors.E022, path=path) from None
            raise InputError(Errors.E021, path=path) from None
        if isinstance(cause, PDFEncryptionError):
            raise InputError(Errors.E023, path=path, reason=cause) from None
        if isinstance(cause, PDFSyntaxError):
            raise InputError(Errors.E024, path=path, reason=f"corrupt or truncated: {cause}") from None
        raise InputError(Errors.E024, path=path, reason=f"{type(cause).__name__}: {cause}") from None


def _root_cause(err: BaseException) -> BaseException:
    """The innermost exception: the one given as argument to a wrapper, or chained as its cause."""
    seen = set()
    while id(err) not in seen:
        seen.add(id(err))
        inner = next((a for a in err.args if isinstance(a, BaseException)), None) or err.__cause__ or err.__context__
        if inner is None:
            return err
        err = inner
    return err


def _page_labels(path: Path, count: int, password: str | None) -> list[int]:
    """The printed page number of each page when the PDF's page labels are numbers, else 1..count."""
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path), password=password)
        labels = [doc.get_page_label(i) for i in range(len(doc))]
        doc.close()
    except Exception:  # labels are a nicety: any failure falls back to physical numbers
        labels = []
    if len(labels) == count and all(label.isdigit() for label in labels):
        return [int(label) for label in labels]
    return list(range(1, count + 1))


def _gutter(lines: list[dict[str, Any]], width: float) -> float | None:
    """The x of a vertical gutter between two columns, or None.

    Two columns: most text lines lie wholly left or wholly right of some x near the middle of the page, and
    both sides hold text. Lines crossing it (titles, full-width paragraphs) may exist, but few.
    """
    if len(lines) < 6:
        return None
    best = None
    for x in [width * k / 40 for k in range(14, 27)]:  # 35 % .. 65 % of the width
        left = sum(1 for ln in lines if ln["x1"] <= x)
        right = sum(1 for ln in lines if ln["x0"] >= x)
        crossing = len(lines) - left - right
        if left >= 3 and right >= 3 and crossing <= (1 - GUTTER_SHARE) * len(lines):
            score = crossing - 0.01 * min(left, right)
            if best is None or score < best[0]:
                best = (score, x)
    return best[1] if best else None


def _band_lines(page: Any, top: float, bottom: float) -> list[str]:
    """The text lines of a horizontal band of a page, column by column when it has two."""
    if bottom - top < 2:
        return []
    band = page.crop((0, top, page.width, bottom), strict=False)
    lines = band.extract_text_lines(return_chars=False)
    gutter = _gutter(lines, page.width)
    if gutter is None:
        return [ln["text"] for ln in lines]
    ordered = [ln for ln in lines if ln["x0"] < gutter and ln["x1"] > gutter]  # full-width lines first
    out = [ln["text"] for ln in sorted(ordered, key=lambda ln: ln["top"])]
    for column in (page.crop((0, top, gutter, bottom), strict=False),
                   page.crop((gutter, top, page.width, bottom), strict=False)):
        for ln in column.extract_text_lines(return_chars=False):
            if not any(abs(ln["top"] - o["top"]) < 1 and ln["text"] in o["text"] for o in ordered):
                out.append(ln["text"])
    return out


def _table_lines(table: Any) -> list[str]:
    """A ruled table, one line per row, cells separated by tabs (a cell's own line breaks joined)."""
    out = []
    for row in table.extract():
        cells = [(c or "").replace("\n", "").strip() for c in row]
        if any(cells):
            out.append("\t".join(cells))
    return out


def page_lines(page: Any) -> list[str]:
    """One page's lines in reading order: text bands read column by column, ruled tables as rows."""
    try:
        tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    except Exception:  # a page whose drawing confuses the table finder is read as text
        tables = []
    out: list[str] = []
    top = 0.0
    for table in tables:
        x0, t_top, x1, t_bottom = table.bbox
        out += _band_lines(page, top, t_top)
        out += _table_lines(table)
        top = max(top, t_bottom)
    out += _band_lines(page, top, page.height)
    return out


def _ocr_page(page: Any, language: str) -> list[str]:
    """Tesseract's lines for one page image (300 dpi)."""
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "page.png"
        page.to_image(resolution=300).save(str(image))
        proc = subprocess.run(["tesseract", str(image), "-", "-l", language, "--psm", "3"],
                              capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise CsrKgError(Errors.E029, page=page.page_number, reason=" ".join(proc.stderr.strip().splitlines()[-1:]))
    return [ln for ln in proc.stdout.splitlines()]


def check_pdf(path: str | Path, password: str | None = None) -> int:
    """Open a PDF as ``pdf_text`` will, without reading its text: its page count, or the error that reading
    it would end in (password, corrupt, no pages). Cheap, so that a build checks every input before
    extracting any (a page without a text layer is only found by reading it: E027 comes at extraction)."""
    p = Path(path)
    _quiet_pdfminer()
    pdf = _open(p, password)
    try:
        try:
            count = len(pdf.pages)
        except Exception as err:
            raise InputError(Errors.E024, path=p, reason=f"{type(err).__name__}: {err}") from None
        if not count:
            raise InputError(Errors.E025, path=p)
        return count
    finally:
        pdf.close()


def pdf_text(path: str | Path, password: str | None = None, ocr: bool = False,
             progress: Callable[[int, int], None] | None = None) -> tuple[str, list[int]]:
    """The report's text (pages separated by form feeds, each page's lines in reading order) and the
    printed number of each page."""
    p = Path(path)
    _quiet_pdfminer()
    pdf = _open(p, password)
    try:
        try:
            pages = pdf.pages
        except Exception as err:
            raise InputError(Errors.E024, path=p, reason=f"{type(err).__name__}: {err}") from None
        if not pages:
            raise InputError(Errors.E025, path=p)
        texts: list[list[str]] = []
        for i, page in enumerate(pages):
            try:
                texts.append(page_lines(page))
            except InputError:
                raise
            except Exception as err:
                raise InputError(Errors.E026, path=p, page=i + 1, reason=f"{type(err).__name__}: {err}") from None
            if progress:
                progress(i + 1, len(pages))
        chars = sum(len("".join(t).strip()) for t in texts)
        if chars < MIN_TEXT_PER_PAGE * len(pages):
            if not ocr:
                raise InputError(Errors.E027, path=p)
            if shutil.which("tesseract") is None:
                raise CsrKgError(Errors.E028)
            texts = []
            for i, page in enumerate(pages):
                texts.append(_ocr_page(page, "chi_sim+eng"))
                if progress:
                    progress(i + 1, len(pages))
        labels = _page_labels(p, len(pages), password)
    finally:
        pdf.close()
    text = "\n".join("\f" + "\n".join(lines) if i else "\n".join(lines) for i, lines in enumerate(texts)) + "\n"
    return text, labels


class StderrProgress:
    """A progress line on stderr for PDFs that take more than a few seconds (pages read / all, pages per
    second); quiet for short ones and when stderr is no terminal."""

    def __init__(self, name: str, after_seconds: float = 3.0) -> None:
        self.name, self.after, self.started = name, after_seconds, time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.started
        if elapsed < self.after or not sys.stderr.isatty():
            return
        rate = done / elapsed if elapsed else 0.0
        end = "\n" if done == total else "\r"
        sys.stderr.write(f"{self.name}: page {done}/{total} ({rate:.1f} pages/s){end}")
        sys.stderr.flush()
        self.shown = True
