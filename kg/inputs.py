"""What the user named is usable: report files and the output directory, checked before any extraction.

(Whether a file reads as a report, text decoded or PDF opened, is the reading side's to say:
``extract.reader.check_report``; ``kg.reports.check_inputs`` runs both before the first extraction.)

Why up front: a corpus build extracts for minutes; a bad third file, a duplicate report id or an output
directory that cannot be written must stop the build before the first report is extracted, with one error
naming the input, not after the work is done (and never with half the outputs written).
"""
from __future__ import annotations

import glob
import os
from pathlib import Path

from extract.errors import Errors, InputError

REPORT_SUFFIXES = (".txt", ".pdf")


def expand_globs(inputs: list[str | Path]) -> list[str]:
    """Inputs with glob patterns (``*``, ``?``, ``[...]``, ``**``) expanded, sorted, for shells that do not
    expand them (Windows, quoted arguments); an existing path is kept as it is, and a pattern that matches
    nothing is kept so that the input check names it."""
    out: list[str] = []
    for item in map(str, inputs):
        matches = [] if Path(item).exists() or not glob.has_magic(item) else sorted(glob.glob(item, recursive=True))
        out += matches or [item]
    return out


def expand_inputs(inputs: list[str | Path]) -> list[Path]:
    """Report files from files, directories and glob patterns (a directory gives its .txt and .pdf files,
    sorted), each once (the same file named twice, or named and inside a named directory, is one report)."""
    if not inputs:
        raise InputError(Errors.E010)
    out: list[Path] = []
    for item in expand_globs(inputs):
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


def unique_report_ids(ids: dict[Path, str]) -> None:
    """E008 when two files would be the same report (``a/r.txt`` and ``b/r.txt``, ``r.txt`` and
    ``r.gb18030.txt``, ``r.txt`` and ``r.pdf``): the second report's graph would replace the first's."""
    by_id: dict[str, list[Path]] = {}
    for path, rid in ids.items():
        by_id.setdefault(rid, []).append(path)
    clashes = {rid: paths for rid, paths in by_id.items() if len(paths) > 1}
    if clashes:
        named = "; ".join(f"{rid}: {', '.join(str(p) for p in paths)}" for rid, paths in sorted(clashes.items()))
        raise InputError(Errors.E008, ids=named)


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
