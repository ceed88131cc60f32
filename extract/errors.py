"""Every user-facing error, with a stable code: the one table of what can go wrong and what the CLI returns.

Why codes: scripts that drive ``csrkg`` over hundreds of reports branch on *what* failed, and tests assert
on it, without depending on the wording, which may improve. The idea is spaCy's ``ErrorsWithCodes``: the
message templates live in one class, each under its code; an error prints as ``[E001] message``.

This module is at the bottom of the import graph (it imports nothing of the project), so the extraction
side (``extract``) and the graph side (``kg``) raise the same errors without importing each other.

Exit codes: 2 = the input or the command line is wrong (fix the call); 3 = the environment is wrong (a
missing program, a locked or unreadable store, a port in use); 4 = a corpus build where some reports
failed and the others were built (see ``csrkg build``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXIT_INPUT = 2
EXIT_ENVIRONMENT = 3
EXIT_PARTIAL = 4


@dataclass(frozen=True)
class ErrorCode:
    """One kind of error: its code, message template (``str.format`` fields) and the CLI's exit code."""

    code: str
    template: str
    exit_code: int = EXIT_INPUT

    def format(self, **fields: Any) -> str:
        """The message with its code in front: ``[E001] report.txt: no such file``."""
        return f"[{self.code}] {self.template.format(**fields)}"


class Errors:
    """The catalogue. Codes are never reused or renumbered; a retired code stays listed as retired."""

    # report inputs (checked before any extraction starts)
    E001 = ErrorCode("E001", "{path}: no such file")
    E002 = ErrorCode("E002", "{path}: a directory with no report files (.txt, .pdf)")
    E003 = ErrorCode("E003", "{path}: is a directory, expected a file")
    E004 = ErrorCode("E004", "{path}: cannot read ({reason})")
    E005 = ErrorCode("E005", "{path}: the file is empty")
    E006 = ErrorCode("E006", "{path}: looks like a binary file, not report text")
    E007 = ErrorCode("E007", "{path}: cannot decode as text (tried UTF-8, UTF-16, GB18030, Big5)")
    E008 = ErrorCode("E008", "two inputs have the same report id ({ids}): rename one file")
    E009 = ErrorCode("E009", "{path}: the file holds only white space")
    E010 = ErrorCode("E010", "no report files given")
    # PDF
    E020 = ErrorCode("E020", "{path}: named .pdf but is not a PDF")
    E021 = ErrorCode("E021", "{path}: the PDF is password-protected (give --password)")
    E022 = ErrorCode("E022", "{path}: the PDF password is wrong")
    E023 = ErrorCode("E023", "{path}: cannot decrypt the PDF ({reason})")
    E024 = ErrorCode("E024", "{path}: not a readable PDF ({reason})")
    E025 = ErrorCode("E025", "{path}: the PDF has no pages")
    E026 = ErrorCode("E026", "{path}: cannot read page {page} ({reason})")
    E027 = ErrorCode("E027", "{path}: the PDF has no text layer (a scanned document): run with --ocr")
    E028 = ErrorCode("E028", "--ocr needs Tesseract (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)",
                     EXIT_ENVIRONMENT)
    E029 = ErrorCode("E029", "OCR failed on page {page}: {reason}", EXIT_ENVIRONMENT)
    # outputs
    E040 = ErrorCode("E040", "{path}: exists and is not a directory")
    E041 = ErrorCode("E041", "{path}: cannot write the output ({reason})")
    # graph, gold and query files
    E050 = ErrorCode("E050", "{path}: no such {what} file")
    E051 = ErrorCode("E051", "unknown RDF file type '{suffix}' of {path} (known: {known})")
    E052 = ErrorCode("E052", "{path}: cannot parse as {fmt}: {reason}")
    E053 = ErrorCode("E053", "{path}: cannot read the gold file ({reason})")
    E054 = ErrorCode("E054", "{path}: the gold file is not valid JSON: {reason}")
    E055 = ErrorCode("E055", "invalid gold annotation: {reason}")
    E056 = ErrorCode("E056", "no query file or library query named '{name}'{hint}")
    E057 = ErrorCode("E057", "cannot read the query {path}: {reason}")
    E058 = ErrorCode("E058", "SPARQL syntax error: {reason}")
    E059 = ErrorCode("E059", "SPARQL query failed: {reason}")
    E060 = ErrorCode("E060", "{what} needs a CONSTRUCT or DESCRIBE query")
    E061 = ErrorCode("E061", "unknown {what} format '{fmt}' (one of {known})")
    E062 = ErrorCode("E062", "refused: {reason} (queries run on local data only)")
    # stores
    E070 = ErrorCode("E070", "no store at {path}")
    E071 = ErrorCode("E071", "{path}: exists and is not a store directory")
    E072 = ErrorCode("E072", "cannot open the store {path}: {reason}", EXIT_ENVIRONMENT)
    E073 = ErrorCode("E073", "the store is closed", EXIT_ENVIRONMENT)
    E074 = ErrorCode("E074", "the store {path} is open read-only", EXIT_ENVIRONMENT)
    E075 = ErrorCode("E075", "no report '{report}' in the store {path} (see: csrkg query --store DIR reports)")
    E076 = ErrorCode("E076", "'{report}' names several reports: {hits}; give the report IRI")
    E077 = ErrorCode("E077", "the graph has no csr:Report node, so it cannot be stored (was it built by csrkg build?)")
    E078 = ErrorCode("E078", "cannot store RDF term of type {kind}: {term}")
    # command-line options
    E090 = ErrorCode("E090", "{option} must be {expected}, got {value}")
    E091 = ErrorCode("E091", "{command} needs {needs}; got: {got}")
    # serving
    E100 = ErrorCode("E100", "cannot listen on {host}:{port}: {reason}", EXIT_ENVIRONMENT)
    E101 = ErrorCode("E101", "cannot open the data to serve: {reason}", EXIT_ENVIRONMENT)
    # corpus builds
    E110 = ErrorCode("E110", "{failed} of {total} reports failed (the others were built)", EXIT_PARTIAL)
    E111 = ErrorCode("E111", "cannot reach the Dask scheduler {address}: {reason}", EXIT_ENVIRONMENT)
    E112 = ErrorCode("E112", "--executor dask needs dask.distributed (pip install 'csr-kg[dask]')", EXIT_ENVIRONMENT)
    # report filters (stats and view over a corpus)
    E113 = ErrorCode("E113", "{option} {value} matches no report (known: {known})")
    E114 = ErrorCode("E114", "no report passes all the filters {filters}")


def all_codes() -> list[ErrorCode]:
    """The catalogue in code order (the README's table is checked against it)."""
    return sorted((v for v in vars(Errors).values() if isinstance(v, ErrorCode)), key=lambda e: e.code)


class CsrKgError(Exception):
    """A problem with the user's input or environment, not a bug: the CLI prints it as one line on stderr
    and exits with ``exit_code``. ``code`` is the stable part to branch and test on."""

    def __init__(self, error: ErrorCode, **fields: Any) -> None:
        super().__init__(error.format(**fields))
        self.error = error
        self.code = error.code
        self.exit_code = error.exit_code
        self.fields = fields

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by code and fields (the default pickles only the message, which ``__init__`` cannot take):
        errors raised in worker processes of a parallel build reach the parent intact."""
        return (_rebuild_error, (type(self), self.error, self.fields))


def _rebuild_error(cls: type[CsrKgError], error: ErrorCode, fields: dict[str, Any]) -> CsrKgError:
    return cls(error, **fields)


class InputError(CsrKgError):
    """A missing, unreadable or undecodable input, a malformed query or gold file, or a bad option."""


def one_line(text: str) -> str:
    """A message (often a library's multi-line one) as one line: errors are one line on stderr."""
    return " ".join(str(text).split())
