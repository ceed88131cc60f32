"""The error catalogue: stable codes, each listed in the README with its exit code, each printed by the CLI."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract.errors import EXIT_ENVIRONMENT, EXIT_INPUT, EXIT_PARTIAL, CsrKgError, Errors, InputError, all_codes
from kg.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def test_codes_are_unique_and_named_after_their_attribute() -> None:
    codes = all_codes()
    assert len({e.code for e in codes}) == len(codes)
    for name, value in vars(Errors).items():
        if name.startswith("E"):
            assert value.code == name
    assert {e.exit_code for e in codes} <= {EXIT_INPUT, EXIT_ENVIRONMENT, EXIT_PARTIAL}


def test_the_readme_lists_every_code_with_its_exit_code() -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- error-codes:")[1].split("<!-- /error-codes -->")[0]
    listed = dict(re.findall(r"^\| (E\d{3}) \| (\d) \|", block, flags=re.M))
    assert listed == {e.code: str(e.exit_code) for e in all_codes()}


def test_an_error_carries_its_code_and_prints_it_first() -> None:
    err = InputError(Errors.E001, path="a.txt")
    assert (err.code, err.exit_code, str(err)) == ("E001", 2, "[E001] a.txt: no such file")
    assert CsrKgError(Errors.E028).exit_code == EXIT_ENVIRONMENT


def test_the_cli_prints_one_line_with_the_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("csrkg: error: [E001] ") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
