"""The bad-input matrix of ``csrkg build`` (docs/BAD_INPUT.md is this file as a table).

Each input ends in one of two ways: the right graph, or exactly one line on stderr, ``csrkg: error: [Exxx] …``,
with the catalogue's exit code; never a traceback, never a partial output (no graph.ttl, graph.html,
merges.tsv or temporary file left when the build fails), and inputs checked before any extraction starts.
The report snippets are written for these tests.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from extract.ingest import decode
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_NAMES = {"graph.ttl", "graph.html", "merges.tsv"}

# a small report in Simplified Chinese: an alias, a partner, an award and its issuer
REPORT = (
    "长风保险集团2024年社会责任报告\n"
    "长风保险集团股份有限公司（以下简称“长风保险”）与华东师范大学签署战略合作协议，共建养老金融研究中心。\n"
    "2024年，长风保险荣获新潮财经颁发的“年度责任企业”奖项。\n"
    "长风保险向青松社区捐赠图书一万册，并设立长风公益基金，规模5亿元。\n"
)
# the same kind of report in Traditional Chinese (Big5 can hold it)
REPORT_TRAD = (
    "長風保險集團2024年永續發展報告\n"
    "長風保險集團股份有限公司（以下簡稱「長風保險」）與臺灣師範大學簽署戰略合作協議，共建養老金融研究中心。\n"
    "2024年，長風保險榮獲新潮財經頒發的「年度責任企業」獎項。\n"
    "長風保險向青松社區捐贈圖書一萬冊，並設立長風公益基金，規模5億元。\n"
)


# --- helpers ----------------------------------------------------------------------------------------------


def build(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run ``csrkg build`` in process: (exit code, stderr)."""
    capsys.readouterr()
    code = main(["build", *args, "-q"])
    return code, capsys.readouterr().err


def assert_fails(code: int, err: str, expected: str, exit_code: int = 2) -> None:
    """One line on stderr with the code, the right exit code, no traceback."""
    assert code == exit_code, err
    assert err.startswith(f"csrkg: error: [{expected}] "), err
    assert err.count("\n") == 1 and "Traceback" not in err, err


def assert_no_output(out: Path) -> None:
    """The failed build left no output file and no temporary file (nor the directory it would have made)."""
    if out.exists():
        left = {p.name for p in out.iterdir()}
        assert not left & OUTPUT_NAMES and not [n for n in left if n.endswith(".tmp")], left


def turtle_facts(out: Path) -> list[str]:
    """graph.ttl without the lines that name the input file (its name and checksum differ by encoding)."""
    text = (out / "graph.ttl").read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if "csr:sourceFile" not in ln and "csr:checksum" not in ln]


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def png_bytes() -> bytes:
    """A real 1x1 PNG image."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + bytes(40)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The graphs of the two snippets read from UTF-8, the reference for every other encoding."""
    base = tmp_path_factory.mktemp("reference")
    out = {}
    for name, text in (("simplified", REPORT), ("traditional", REPORT_TRAD)):
        report = write(base / name / "report.txt", text.encode("utf-8"))
        assert main(["build", str(report), "-o", str(base / name / "out"), "-q", "--no-html"]) == 0
        out[name] = turtle_facts(base / name / "out")
    return out


def test_the_reference_graphs_hold_the_facts(reference: dict[str, list[str]]) -> None:
    """(So that comparing with them means something: the snippets give entities and relations.)"""
    simplified = "\n".join(reference["simplified"])
    for word in ("长风保险集团股份有限公司", "华东师范大学", "年度责任企业", "csr:partnerOf", "csr:receivedAward"):
        assert word in simplified
    assert "長風保險集團股份有限公司" in "\n".join(reference["traditional"])


# --- missing, empty, binary, undecodable ---------------------------------------------------------------------


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (input path, expected error code)."""
    (tmp_path / "no-reports").mkdir(exist_ok=True)
    write(tmp_path / "no-reports" / "notes.md", "说明文字\n".encode("utf-8"))
    gb = REPORT.encode("gb18030")
    return {
        "missing file": (tmp_path / "missing.txt", "E001"),
        "directory with no reports": (tmp_path / "no-reports", "E002"),
        "empty file": (write(tmp_path / "empty.txt", b""), "E005"),
        "BOM only": (write(tmp_path / "bom.txt", b"\xef\xbb\xbf"), "E005"),
        "white space only": (write(tmp_path / "blank.txt", " \n\t\n\u3000\u3000\r\n".encode("utf-8")), "E009"),
        "random bytes": (write(tmp_path / "random.txt", random.Random(11).randbytes(8192)), "E006"),
        "PNG image": (write(tmp_path / "image.txt", png_bytes()), "E006"),
        "PNG header only": (write(tmp_path / "header.txt", b"\x89PNG\r\n\x1a\n"), "E006"),
        "ELF header": (write(tmp_path / "program.txt", ELF), "E006"),
        "no known encoding": (write(tmp_path / "mixed.txt", gb[:40] + b"\x80\xff\xfe\x80" + gb[40:]), "E007"),
        "text named .pdf": (write(tmp_path / "notes.pdf", REPORT.encode("utf-8")), "E020"),
    }


CASES = ["missing file", "directory with no reports", "empty file", "BOM only", "white space only", "random bytes",
         "PNG image", "PNG header only", "ELF header", "no known encoding", "text named .pdf"]


@pytest.mark.parametrize("case", CASES)
def test_a_bad_input_is_one_line_with_its_code(case: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path, expected = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    code, err = build(capsys, str(path), "-o", str(out))
    assert_fails(code, err, expected)
    assert str(path) in err
    assert not out.exists()


def test_a_bad_input_in_a_subprocess_prints_no_traceback(tmp_path: Path) -> None:
    """The real ``python -m kg``: binary data and a missing file, one line each, exit code 2."""
    for path, expected in (_bad_inputs(tmp_path)["ELF header"], _bad_inputs(tmp_path)["missing file"]):
        proc = subprocess.run([sys.executable, "-m", "kg", "build", str(path), "-o", str(tmp_path / "out")],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert proc.returncode == 2
        assert proc.stderr.startswith(f"csrkg: error: [{expected}] ") and proc.stderr.count("\n") == 1, proc.stderr
        assert not (tmp_path / "out").exists()


def _blank_page_pdf(path: Path) -> Path:
    """A PDF whose one page has no text layer: reading it at extraction stops with E027 (no --ocr)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _encrypted_pdf(path: Path) -> Path:
    """A password-protected PDF (E021 without --password)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("口令2024")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


@pytest.mark.parametrize("third,expected", [("c-broken.txt", "E006"), ("c-locked.pdf", "E021")])
def test_a_bad_third_file_fails_before_the_first_is_extracted(third: str, expected: str, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The first input would fail only when extracted (a PDF without text: E027); the third is binary, or a
    PDF that needs a password. Getting the third's error proves no extraction started; nothing was written."""
    first = _blank_page_pdf(tmp_path / "a-scanned.pdf")
    second = write(tmp_path / "b-report.txt", REPORT.encode("utf-8"))
    bad = _encrypted_pdf(tmp_path / third) if third.endswith(".pdf") else write(tmp_path / third, ELF)
    out = tmp_path / "out"
    code, err = build(capsys, str(first), str(second), str(bad), "-o", str(out))
    assert_fails(code, err, expected)
    assert third in err
    assert not out.exists()
    code, err = build(capsys, str(first), "-o", str(out))  # (and the first does fail when extracted)
    assert_fails(code, err, "E027")


# --- encodings --------------------------------------------------------------------------------------------


ENCODED = {
    "GB18030": lambda t: t.encode("gb18030"),
    "GBK": lambda t: t.encode("gbk"),
    "UTF-8 with BOM": lambda t: t.encode("utf-8-sig"),
    "UTF-16 LE with BOM": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    "UTF-16 BE with BOM": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "UTF-16 LE without BOM": lambda t: t.encode("utf-16-le"),
    "UTF-16 BE without BOM": lambda t: t.encode("utf-16-be"),
    "CRLF line breaks": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
}


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_an_encoded_report_gives_the_same_graph(encoding: str, tmp_path: Path, reference: dict[str, list[str]],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    report = write(tmp_path / "report.txt", ENCODED[encoding](REPORT))
    code, err = build(capsys, str(report), "-o", str(tmp_path / "out"), "--no-html")
    assert code == 0, err
    assert turtle_facts(tmp_path / "out") == reference["simplified"]


@pytest.mark.parametrize("encoding", ["big5", "cp950", "gb18030", "utf-16"])
def test_a_traditional_report_gives_the_same_graph(encoding: str, tmp_path: Path, reference: dict[str, list[str]],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Big5 is read as Big5, and Traditional text in GB18030 as GB18030 (both decode either byte string)."""
    report = write(tmp_path / "report.txt", REPORT_TRAD.encode(encoding))
    code, err = build(capsys, str(report), "-o", str(tmp_path / "out"), "--no-html")
    assert code == 0, err
    assert turtle_facts(tmp_path / "out") == reference["traditional"]


# short texts whose bytes are valid GBK and valid Big5 alike (養老社區/养老社区: 8 bytes each)
SIMPLIFIED_LINES = ["养老社区", "社区服务站", "董事会负责审议报告。", "长风保险发布可持续发展报告。",
                    "本公司董事会负责审议环境、社会及管治报告。", "一、关于我们\n长风保险成立于1998年，总部位于上海。\n"]
TRADITIONAL_LINES = ["養老社區", "社區服務站", "董事會負責審議報告。", "長風保險發布永續發展報告。",
                     "本公司董事會負責審議環境、社會及管治報告。", "一、關於我們\n長風保險成立於1998年，總部位於臺北。\n"]


@pytest.mark.parametrize("k", range(len(SIMPLIFIED_LINES)))
def test_gb_and_big5_are_told_apart_on_short_texts(k: int) -> None:
    """The hard case, on short texts where there is little to go on: each byte string decodes in both
    encodings, so decode errors cannot choose, and the right reading wins (charset-normalizer alone reads
    养老社区 in GBK as Big5)."""
    simplified, traditional = SIMPLIFIED_LINES[k], TRADITIONAL_LINES[k]
    for data in (simplified.encode("gbk"), simplified.encode("gb18030")):
        assert data.decode("cp950") != simplified
        assert decode(data) == simplified
    big5 = traditional.encode("big5")
    assert big5.decode("gb18030") != traditional
    assert decode(big5) == traditional


def test_truncated_utf8_drops_the_cut_character(tmp_path: Path, reference: dict[str, list[str]],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Decided: a file cut inside its last character (a download, ``head -c``) is read without that
    character rather than refused; the rest is the same report."""
    data = (REPORT + "长风保险").encode("utf-8")[:-1]  # 险 (3 bytes) cut after 2
    assert data.decode("utf-8", errors="replace").endswith("\ufffd")
    report = write(tmp_path / "report.txt", data)
    code, err = build(capsys, str(report), "-o", str(tmp_path / "out"), "--no-html")
    assert code == 0, err
    assert decode(data).endswith("长风保")
    ttl = "\n".join(turtle_facts(tmp_path / "out"))
    for word in ("长风保险集团股份有限公司", "华东师范大学", "年度责任企业"):
        assert word in ttl


def test_a_few_damaged_bytes_in_utf8_are_replaced_not_read_as_gb18030() -> None:
    damaged = REPORT[:20].encode("utf-8") + b"\xff" + REPORT[20:].encode("utf-8")
    text = decode(damaged)
    assert text.count("\ufffd") == 1 and text.replace("\ufffd", "") == REPORT


# --- size and names ---------------------------------------------------------------------------------------


def _one_line_report(path: Path, size: int) -> Path:
    """``size`` bytes of report text on one line (no line break at all)."""
    line = REPORT.replace("\n", "").encode("utf-8")
    path.write_bytes(line * (size // len(line)))
    return path


def test_a_long_single_line_report_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """500 kB on one line: this took minutes before (spaCy's sentence setter and two per-sentence scans of
    the whole unit were quadratic); now units are cut at sentence ends and the build is linear."""
    report = _one_line_report(tmp_path / "long.txt", 500_000)
    started = time.perf_counter()
    code, err = build(capsys, str(report), "-o", str(tmp_path / "out"), "--no-html")
    assert code == 0, err
    assert time.perf_counter() - started < 120
    ttl = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "华东师范大学" in ttl and "csr:partnerOf" in ttl


@pytest.mark.slow
def test_a_20_mb_single_line_report_builds(tmp_path: Path) -> None:
    """20 MB on one line, in a subprocess to measure its memory: builds, in bounded memory."""
    report = _one_line_report(tmp_path / "huge.txt", 20_000_000)
    proc = subprocess.run(
        [sys.executable, "-c", "import resource, sys; from kg.cli import main; code = main(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(code)",
         "build", str(report), "-o", str(tmp_path / "out"), "-q", "--no-html"],
        capture_output=True, text=True, timeout=3600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.split()[-1]) < 4 * 1024 * 1024  # kB: under 4 GB
    assert "华东师范大学" in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")


def test_paths_with_spaces_and_chinese_characters(tmp_path: Path, reference: dict[str, list[str]]) -> None:
    """Input and output directory named with spaces and Chinese characters, through the real ``python -m kg``."""
    report = write(tmp_path / "年度 报告" / "长风 2024.txt", REPORT.encode("utf-8"))
    out = tmp_path / "输出 目录" / "第 1 次"
    proc = subprocess.run([sys.executable, "-m", "kg", "build", str(report), "-o", str(out), "-q"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in out.iterdir()} == OUTPUT_NAMES
    assert "长风 2024.txt" in (out / "graph.ttl").read_text(encoding="utf-8")


# --- outputs ----------------------------------------------------------------------------------------------


def test_output_under_a_regular_file_is_e040(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Fails for root too (permissions do not matter): a path under a file can never be a directory."""
    report = write(tmp_path / "report.txt", REPORT.encode("utf-8"))
    blocker = write(tmp_path / "afile", b"x")
    for out in (blocker, blocker / "out", blocker / "deeper" / "out"):
        code, err = build(capsys, str(report), "-o", str(out))
        assert_fails(code, err, "E040")
        assert str(blocker) in err
    assert blocker.read_bytes() == b"x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_an_unwritable_output_directory_is_e041(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = write(tmp_path / "report.txt", REPORT.encode("utf-8"))
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        code, err = build(capsys, str(report), "-o", str(parent / "out"))
        assert_fails(code, err, "E041")
        assert not (parent / "out").exists()
    finally:
        parent.chmod(0o700)


def test_an_output_directory_the_system_refuses_is_e041(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Fails for root too: sysfs lets nobody make a directory. The error comes when writing (the directory
    check cannot know), and still nothing is left behind."""
    out = Path("/sys") / f"csrkg-test-{os.getpid()}"
    try:
        out.mkdir()
    except OSError:
        pass
    else:
        out.rmdir()
        pytest.skip("this system lets us write in /sys")
    report = write(tmp_path / "report.txt", REPORT.encode("utf-8"))
    code, err = build(capsys, str(report), "-o", str(out / "sub"))
    assert_fails(code, err, "E041")
    assert not out.exists()


def test_an_earlier_build_is_overwritten_cleanly(tmp_path: Path, reference: dict[str, list[str]],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Decided: a rebuild replaces graph.ttl and merges.tsv; with --no-html it removes the earlier
    graph.html, which would show the earlier graph."""
    out = tmp_path / "out"
    first = write(tmp_path / "one" / "report.txt", REPORT_TRAD.encode("utf-8"))
    code, err = build(capsys, str(first), "-o", str(out))
    assert code == 0, err
    assert {p.name for p in out.iterdir()} == OUTPUT_NAMES
    second = write(tmp_path / "two" / "report.txt", REPORT.encode("utf-8"))
    code, err = build(capsys, str(second), "-o", str(out), "--no-html")
    assert code == 0, err
    assert {p.name for p in out.iterdir()} == {"graph.ttl", "merges.tsv"}
    assert turtle_facts(out) == reference["simplified"]


def test_a_failed_rebuild_keeps_the_earlier_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    report = write(tmp_path / "report.txt", REPORT.encode("utf-8"))
    assert build(capsys, str(report), "-o", str(out))[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, err = build(capsys, str(report), str(write(tmp_path / "bad.txt", ELF)), "-o", str(out))
    assert_fails(code, err, "E006")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# --- several inputs ---------------------------------------------------------------------------------------


def test_the_same_file_twice_is_one_report(tmp_path: Path, reference: dict[str, list[str]],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    report = write(tmp_path / "in" / "report.txt", REPORT.encode("utf-8"))
    code, err = build(capsys, str(report), str(tmp_path / "in" / ".." / "in" / "report.txt"), str(tmp_path / "in"),
                      "-o", str(tmp_path / "out"), "--no-html")
    assert code == 0, err
    assert turtle_facts(tmp_path / "out") == reference["simplified"]


@pytest.mark.parametrize("names", [("a/report.txt", "b/report.txt"), ("report.txt", "report.gb18030.txt"),
                                   ("report.pdf.txt", "report.txt")], ids=["two dirs", "encoding suffix", "pdf"])
def test_two_files_with_the_same_report_id_are_e008(names: tuple[str, str], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Checked from the file names, before extraction: the second report would replace the first's graph."""
    paths = []
    for name in names:
        if name == "report.pdf.txt":
            continue
        paths.append(write(tmp_path / name, REPORT.encode("gb18030" if "gb18030" in name else "utf-8")))
    if len(paths) == 1:  # a PDF named report.pdf and a text report.txt: both are report "report"
        paths.append(_blank_page_pdf(tmp_path / "report.pdf"))
    code, err = build(capsys, *map(str, paths), "-o", str(tmp_path / "out"))
    assert_fails(code, err, "E008")
    assert not (tmp_path / "out").exists()


def test_a_txt_that_is_a_pdf_reads_as_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(str(ROOT / "tests" / "data" / "pdf" / "shennan-circuits-2021-sustainability.pdf")),
                  pages=(2, 6))
    report = tmp_path / "shennan.txt"
    with report.open("wb") as handle:
        writer.write(handle)
    code, err = build(capsys, str(report), "-o", str(tmp_path / "out"), "--no-html")
    assert code == 0, err
    ttl = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "csr:page" in ttl and "深南电路" in ttl  # facts with the pages they were printed on


# --- gold and query files ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("graph")
    report = write(base / "report.txt", REPORT.encode("utf-8"))
    assert main(["build", str(report), "-o", str(base / "out"), "-q", "--no-html"]) == 0
    return base / "out" / "graph.ttl"


@pytest.mark.parametrize("content,expected", [
    ('{"entities": [', "E054"),
    ("not json at all", "E054"),
    ('{"entities": [{"name": "长风保险"}], "relations": []}'.encode("gb18030"), "E053"),
    ('{"entities": [], "relations": [{"s": "长风保险"}]}', "E055"),
    ('["长风保险"]', "E055"),
], ids=["cut JSON", "not JSON", "GB18030 bytes", "relation without p and o", "a list"])
def test_a_malformed_gold_file_is_one_line(content: str | bytes, expected: str, built_graph: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "report.gold.json"
    gold.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    capsys.readouterr()
    code = main(["evaluate", str(built_graph), "--gold", str(gold)])
    assert_fails(code, capsys.readouterr().err, expected)


@pytest.mark.parametrize("content,expected", [
    (b"SELECT ?s WHERE { ?s ?p }", "E058"),
    ("# 标题：合作伙伴\nSELECT ?s WHERE { ?s ?p ?o }".encode("gb18030"), "E057"),
    (b"\xff\xfeS\x00E\x00L\x00", "E057"),
], ids=["syntax error", "GB18030 comment", "UTF-16"])
def test_a_malformed_query_file_is_one_line(content: bytes, expected: str, built_graph: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "bad.rq"
    query.write_bytes(content)
    capsys.readouterr()
    code = main(["query", str(built_graph), str(query)])
    assert_fails(code, capsys.readouterr().err, expected)


# --- the safety net ---------------------------------------------------------------------------------------


def test_a_bug_is_one_line_with_exit_70(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug cannot be made on purpose, so this one test plants one (the only monkeypatch here): the
    minting step fails as a bug would. One line, exit 70, and the traceback only with CSRKG_DEBUG=1."""
    import kg.minting

    def broken(graph: object, extraction: object) -> None:
        raise KeyError("csr:nothing")

    monkeypatch.setattr(kg.minting, "add_extraction", broken)
    monkeypatch.delenv("CSRKG_DEBUG", raising=False)
    report = write(tmp_path / "report.txt", REPORT.encode("utf-8"))
    code, err = build(capsys, str(report), "-o", str(tmp_path / "out"))
    assert code == 70
    assert err.startswith("csrkg: internal error: KeyError: 'csr:nothing' (please report; rerun with CSRKG_DEBUG=1")
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()
    monkeypatch.setenv("CSRKG_DEBUG", "1")
    with pytest.raises(KeyError):
        main(["build", str(report), "-o", str(tmp_path / "out"), "-q"])
