"""What the user named is usable: report files and the output directory, checked before any extraction.

Why up front: a corpus build extracts for minutes; a bad third file, a duplicate report id or an output
directory that cannot be written must stop the build before the first report is extracted, with one error
naming the input, not after the work is done (and never with half the outputs written).
"""
from __future__ import annotations

import os
from pathlib import Path

from extract.errors import Errors, InputError

REPORT_SUFFIXES = (".txt", ".pdf")


def expand_inputs(inputs: list[str | Path]) -> list[Path]:
    """Report files from files and directories (a directory gives its .txt and .pdf files, sorted), each once
    (the same file named twice, or named and inside a named directory, is one report)."""
    if not inputs:
        raise InputError(Errors.E010)
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES
                           and not f.name.endswith(".gold.json"))
            if not found:
                raise InputError(Errors.E002, path=p)
            out += found
        elif not p.exists():
            raise InputError(Errors.E001, path=p)
        else:
            out.append(p)
    seen: set[Path] = set()
    return [p for p in out if not (p.resolve() in seen or seen.add(p.resolve()))]  # type: ignore[func-returns-value]


def report_id_of(path: Path, data: bytes) -> str:
    """The report id the reader will give this file (``extract.reader``): known before extracting it."""
    from extract.ingest import doc_id_for
    from extract.pdf import is_pdf

    if is_pdf(data) and path.name.lower().endswith(".pdf"):
        return path.name[:-4] or "report"
    return doc_id_for(path)


def check_report(path: Path, password: str | None = None) -> str:
    """Read and decode one report file as the build will (no extraction); return its report id. A PDF is
    recognised by its first bytes and opened (password, corrupt, no pages); whether its pages hold text is
    only known by reading them (E027 comes at extraction)."""
    from extract.ingest import decode, read_bytes
    from extract.pdf import check_pdf, is_pdf

    data = read_bytes(path)
    if is_pdf(data):
        check_pdf(path, password)
    else:
        if path.suffix.lower() == ".pdf":
            raise InputError(Errors.E020, path=path)
        text = decode(data, str(path))
        if not text.strip():
            raise InputError(Errors.E009 if text else Errors.E005, path=path)
    return report_id_of(path, data)


def check_inputs(inputs: list[str | Path], password: str | None = None) -> list[Path]:
    """Every report file named (directories expanded), each read and decoded (PDFs opened with
    ``password``), report ids unique (E008)."""
    files = expand_inputs(inputs)
    ids: dict[str, list[Path]] = {}
    for path in files:
        ids.setdefault(check_report(path, password), []).append(path)
    clashes = {rid: paths for rid, paths in ids.items() if len(paths) > 1}
    if clashes:
        named = "; ".join(f"{rid}: {', '.join(str(p) for p in paths)}" for rid, paths in sorted(clashes.items()))
        raise InputError(Errors.E008, ids=named)
    return files


def check_output_dir(outdir: str | Path) -> Path:
    """The output directory can be made and written: it is a directory or can be created under the nearest
    existing directory (E040 when that path, or a parent, is a file; E041 when it is not writable).
    Nothing is created here."""
    out = Path(outdir)
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise InputError(Errors.E040, path=existing)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(Errors.E041, path=out, reason=f"{existing}: permission denied")
    return out
