"""Read one report file, PDF or text, into a ``Document``: the one entry point of the extraction side.

A PDF is recognised by its first bytes, not its name (a ``.txt`` that holds a PDF is a PDF, and a ``.pdf``
that is no PDF is an error, never read as text).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from extract.ingest import (
    Document, doc_id_for, normalize_radicals, read_bytes, read_document, report_text, segment_lines, split_lines,
)
from extract.errors import Errors, InputError


def read_report(path: str | Path, password: str | None = None, ocr: bool = False, quiet: bool = False) -> Document:
    """Read a report: PDF (pages, reading order, tables; ``password``, ``ocr`` for scanned ones) or text.
    ``quiet``: no page progress line for long PDFs (a corpus build shows its own progress)."""
    p = Path(path)
    data = read_bytes(p)
    from extract.pdf import is_pdf

    if is_pdf(data):
        return read_pdf_document(p, data, password=password, ocr=ocr, quiet=quiet)
    if p.suffix.lower() == ".pdf":
        raise InputError(Errors.E020, path=p)
    return read_document(p, data)


def report_id_for(path: str | Path) -> str:
    """The report id a file gets, from its name alone: ``x.pdf`` -> ``x``, ``x.gb18030.txt`` -> ``x``.

    Known before reading, so a corpus build can find two files that would be one report, and a report
    already in a store, without extracting anything."""
    p = Path(path)
    name = p.name[:-4] if p.name.lower().endswith(".pdf") else doc_id_for(p)
    return name or "report"


def check_report(path: str | Path, password: str | None = None) -> str:
    """Read and decode a report file as ``read_report`` will, without segmenting or extracting it; return its
    report id. A PDF is opened (password, corrupt, no pages); whether its pages hold text is only known by
    reading them (E027 comes with ``read_report``). Why: a build checks every input before the first
    extraction, so that a bad last file stops it at once."""
    from extract.pdf import check_pdf, is_pdf

    p = Path(path)
    data = read_bytes(p)
    if is_pdf(data):
        check_pdf(p, password)
    else:
        if p.suffix.lower() == ".pdf":
            raise InputError(Errors.E020, path=p)
        report_text(p, data)
    return report_id_for(p)


def read_pdf_document(path: Path, data: bytes, password: str | None = None, ocr: bool = False,
                      quiet: bool = False) -> Document:
    """A PDF report (``data``: the file's bytes, already read) as a Document whose units carry their printed
    page numbers."""
    from extract.pdf import StderrProgress, pdf_text

    progress = None if quiet else StderrProgress(path.name)
    text, labels = pdf_text(path, password=password, ocr=ocr, progress=progress)
    text = normalize_radicals(text)
    lines = split_lines(text)
    units = segment_lines(lines)
    for unit in units:  # (a one-page PDF has no form feed: its units are on its one page)
        physical = unit.page if unit.page is not None else 1
        unit.page = labels[physical - 1] if 1 <= physical <= len(labels) else physical
    return Document(doc_id=report_id_for(path), source_file=path.name,
                    checksum=hashlib.sha256(data).hexdigest(), units=units, line_count=len(lines))
