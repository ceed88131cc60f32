"""Read one report file, PDF or text, into a ``Document``: the one entry point of the extraction side.

A PDF is recognised by its first bytes, not its name (a ``.txt`` that holds a PDF is a PDF, and a ``.pdf``
that is no PDF is an error, never read as text).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from extract.ingest import (
    Document, decode, doc_id_for, normalize_radicals, read_bytes, read_document, segment_lines, split_lines,
)
from extract.errors import Errors, InputError


def read_report(path: str | Path, password: str | None = None, ocr: bool = False) -> Document:
    """Read a report: PDF (pages, reading order, tables; ``password``, ``ocr`` for scanned ones) or text."""
    p = Path(path)
    data = read_bytes(p)
    from extract.pdf import is_pdf

    if is_pdf(data):
        return read_pdf_document(p, password=password, ocr=ocr)
    if p.suffix.lower() == ".pdf":
        raise InputError(Errors.E020, path=p)
    return read_document(p, data)


def report_id_of(path: Path, data: bytes) -> str:
    """The report id ``read_report`` will give this file, known before reading it."""
    from extract.pdf import is_pdf

    if is_pdf(data) and path.name.lower().endswith(".pdf"):
        return path.name[:-4] or "report"
    return doc_id_for(path)


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
        text = decode(data, str(p))
        if not text.strip():
            raise InputError(Errors.E009 if text else Errors.E005, path=p)
    return report_id_of(p, data)


def read_pdf_document(path: Path, password: str | None = None, ocr: bool = False) -> Document:
    """A PDF report as a Document whose units carry their printed page numbers."""
    from extract.pdf import StderrProgress, pdf_text

    text, labels = pdf_text(path, password=password, ocr=ocr, progress=StderrProgress(path.name))
    text = normalize_radicals(text)
    lines = split_lines(text)
    units = segment_lines(lines)
    for unit in units:  # (a one-page PDF has no form feed: its units are on its one page)
        physical = unit.page if unit.page is not None else 1
        unit.page = labels[physical - 1] if 1 <= physical <= len(labels) else physical
    name = path.name[:-4] if path.name.lower().endswith(".pdf") else doc_id_for(path)
    return Document(doc_id=name or "report", source_file=path.name,
                    checksum=hashlib.sha256(path.read_bytes()).hexdigest(), units=units, line_count=len(lines))
