"""Read a report and undo what PDF text extraction did, keeping a map back to the original lines.

PDF extraction breaks sentences at the column width, puts blank lines between lines, inserts stray
spaces between Chinese characters and around digits, and flattens tables into one cell per line.
``read_document`` rebuilds text units (paragraphs, headings, table cells) with, for every character of
the cleaned text, the 1-based line of the input file it came from.
"""
from __future__ import annotations

import hashlib
import re
import statistics
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from extract.columns import header_role, header_roles
from extract.errors import Errors, InputError

TERMINAL = "。！？!?；;"
OPENERS = "“‘《「『（(【〔"
CLOSERS = "”’》」』）)】〕"
PAIRS = dict(zip(OPENERS, CLOSERS))
# a space survives cleaning only between two ASCII word characters on both sides ("New York", "TOP 20")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002-\u200b]+")
_PAGE_NUMBER = re.compile(r"^\s*(?:\d{1,3}|-\s*\d{1,3}\s*-|第\s*\d{1,3}\s*页)\s*$")
_INNER_PUNCT = re.compile(r"[，、：；,:]")
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}(?:[、．]|\.(?!\d))|[（(]\d{1,2}[）)]|[①-⑳])")  # "三、" of a heading is no sentence punctuation


@dataclass
class Unit:
    """A paragraph, heading, list item, table cell or table row: cleaned text plus the input line of each
    character. A row (``kind == "row"``) keeps its cells; its text is the cells joined by ``CELL_JOIN``."""

    text: str
    lines: list[int]
    page: int | None = None
    kind: str = "prose"  # prose | heading | item | row | cell
    cells: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()  # a one-line unit's space-separated parts (cells, inside a flattened table)

    @property
    def first_line(self) -> int:
        return self.lines[0] if self.lines else 0

    def line_at(self, offset: int) -> int:
        """The input line of the character at ``offset`` (clamped to the unit)."""
        if not self.lines:
            return 0
        return self.lines[min(max(offset, 0), len(self.lines) - 1)]


@dataclass
class Document:
    """A whole report after ingest."""

    doc_id: str
    source_file: str
    checksum: str
    units: list[Unit] = field(default_factory=list)
    line_count: int = 0


@lru_cache(maxsize=1)
def _radical_table() -> dict[int, str]:
    """Radical code points -> ordinary characters: the Kangxi block by NFKC, the supplement from a table."""
    table = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}
    from extract.lexicon import LEXICON_DIR

    path = LEXICON_DIR / "radicals.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            radical, ideograph = line.split("\t")
            table[ord(radical)] = ideograph
    return table


def normalize_radicals(text: str) -> str:
    """PDF text layers sometimes hold radical look-alikes (⾏, ⻰) for ordinary characters (行, 龙): map them
    back, so that names match what the report prints. Lengths stay the same, so line numbers do too."""
    return text.translate(_radical_table())


def decode(data: bytes, name: str = "input") -> str:
    """Report text from bytes, in the encodings Chinese reports come in; anything else is one clear error.

    Order, and why: a byte-order mark decides (UTF-8, UTF-16 LE/BE); NUL bytes mean UTF-16 without a mark
    when they all fall on one side of the 16-bit units (the high bytes of ASCII characters), else a binary
    file (E006); then UTF-8, which almost never decodes text in another encoding by accident; then GB18030
    or Big5 (CP950), which both decode most double-byte text: when both do, the reading with the larger
    share of its encoding's common characters wins, and on a tie charset-normalizer chooses (GB18030 when
    it cannot tell). Forgiven: a UTF-8 or UTF-16 file cut inside its last
    character (the partial character is dropped, as a file cut by a download or ``head -c`` keeps all the
    rest) and a UTF-8 file with a few damaged bytes (each read as U+FFFD, rather than the whole file read
    as GB18030 garbage)."""
    text = _decode_text(data, name)
    if _looks_binary(text):
        raise InputError(Errors.E006, path=name)
    return normalize_radicals(text)


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # not tab, line breaks, form feed (PDF pages)


def _decode_text(data: bytes, name: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            text = _utf16(body, encoding) if encoding.startswith("utf-16") else _utf8(body)
            if text is None:
                raise InputError(Errors.E007, path=name)
            return text
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise InputError(Errors.E006, path=name)
        return text
    text = _utf8(data)
    if text is not None:
        return text
    text = _gb18030_or_big5(data)
    if text is None:
        raise InputError(Errors.E007, path=name)
    return text


def _utf8(data: bytes) -> str | None:
    """UTF-8, forgiving a character cut at the very end and a few damaged bytes in text that is UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.start >= len(data) - 3:
            try:
                return data[: err.start].decode("utf-8")
            except UnicodeDecodeError:
                pass
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    wide = sum(1 for ch in text if ord(ch) > 0x7F) - damaged
    return text if wide >= 20 * damaged else None


def _utf16(data: bytes, encoding: str) -> str | None:
    """UTF-16 (no mark), forgiving an odd last byte (a file cut inside its last character)."""
    try:
        return data[: len(data) - len(data) % 2].decode(encoding)
    except UnicodeDecodeError:
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark, recognised by its NUL bytes: in report text most are the high
    bytes of ASCII characters (line breaks, digits), so they sit at odd offsets (little-endian) or at even
    ones (big-endian); the other side has only the few of characters like 一 (U+4E00). Binary data has
    NULs on both sides alike, or decodes to unassigned code points."""
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    if min(even, odd) * 4 > max(even, odd):
        return None
    text = _utf16(data, "utf-16-le" if odd > even else "utf-16-be")
    if not text:
        return None
    odd_chars = sum(1 for ch in text if unicodedata.category(ch) in ("Cn", "Co", "Cs"))
    return text if odd_chars <= len(text) // 100 else None


def _gb18030_or_big5(data: bytes) -> str | None:
    """GB18030 (Simplified; GBK is its subset) or Big5 (Traditional, as CP950). Both decode most double-byte
    text without an error, so when both do, the common characters each reading lands on decide (a short
    text can fool charset-normalizer: 养老社区 in GBK is, to it, Big5), and charset-normalizer breaks ties."""
    readings: dict[str, str] = {}
    for encoding in ("gb18030", "cp950"):
        try:
            readings[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if len(readings) < 2:
        return next(iter(readings.values()), None)
    sample = _sample(data)
    gb, big5 = _common_share(sample.decode("gb18030"), "gb18030"), _common_share(sample.decode("cp950"), "cp950")
    if gb != big5:
        return readings["gb18030"] if gb > big5 else readings["cp950"]
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["gb18030", "big5"]).best()
    return readings["cp950"] if best is not None and best.encoding == "big5" else readings["gb18030"]


# the common part of each encoding's double-byte table, by lead byte range: punctuation and symbols, then the
# frequent characters (GB2312 level 1, 3755 Simplified; Big5 level 1, 5401 Traditional). Text read in the
# wrong one of the two lands in the other's rare characters, private-use area, kana or Cyrillic.
_COMMON = {"gb18030": ((0xA1A1, 0xA3FE), (0xB0A1, 0xD7F9)), "cp950": ((0xA140, 0xA3BF), (0xA440, 0xC67E))}


def _common_share(text: str, encoding: str) -> float:
    """The share of a reading's non-ASCII characters that are common characters of ``encoding``."""
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return 0.0
    common = 0
    for ch in wide:
        code = ch.encode(encoding)
        value = int.from_bytes(code, "big") if len(code) == 2 else 0
        common += any(lo <= value <= hi for lo, hi in _COMMON[encoding])
    return common / len(wide)


def _sample(data: bytes, size: int = 1 << 16) -> bytes:
    """The first ``size`` bytes or so, ending at a line break (never inside a double-byte character)."""
    if len(data) <= size:
        return data
    cut = data.rfind(b"\n", 0, size)
    if cut > 0:
        return data[: cut + 1]
    for end in range(size, size - 4, -1):  # one long line: end where both readings end a character
        try:
            data[:end].decode("gb18030")
            data[:end].decode("cp950")
            return data[:end]
        except UnicodeDecodeError:
            continue
    return data


def _looks_binary(text: str) -> bool:
    """Control characters no text file holds (NUL, backspace, escape …), more than one in a thousand."""
    controls = len(_CONTROL.findall(text[:1 << 20]))
    return controls > 0 and (controls * 1000 > min(len(text), 1 << 20) or "\x00" in text)


def clean_line(raw: str) -> str:
    """Drop the spaces PDF extraction put between Chinese characters and around digits."""
    raw = raw.replace("\ufeff", "").strip()

    def keep_or_drop(match: re.Match[str]) -> str:
        left = raw[match.start() - 1] if match.start() > 0 else ""
        right = raw[match.end()] if match.end() < len(raw) else ""
        if left.isascii() and right.isascii() and left and right:
            if (left.isalnum() or left in ".,;:&)") and (right.isalpha() or right == "(") or left.isalpha() and right.isdigit():
                return " "
        return ""

    return _SPACES.sub(keep_or_drop, raw)


def _balance(text: str) -> int:
    """How many quotes/brackets are open at the end of ``text`` (straight quotes ignored)."""
    stack: list[str] = []
    for ch in text:
        if ch == "“" and stack and stack[-1] == "“":
            stack.pop()  # “…“: a PDF typo for “…”
        elif ch in PAIRS:
            stack.append(ch)
        elif ch in CLOSERS and stack:
            stack.pop()
    return len(stack)


QUOTED_SPANS = re.compile(  # quoted names and bracketed asides, whose punctuation is not the sentence's
    r"“[^”]*”|《[^》]*》|（[^）]*）|\([^)]*\)|‘[^’]*’|「[^」]*」")


def _outside_quotes(text: str) -> str:
    return QUOTED_SPANS.sub("", text)


def _splits_word(cur: str, nxt: str) -> bool:
    """Whether the line break falls inside a word, by jieba's segmentation of the text around it."""
    import jieba

    from extract.lexicon import load_jieba_words

    load_jieba_words()
    left, right = cur[-4:], nxt[:4]
    if not (re.match(r"[\u4e00-\u9fff]", left[-1:]) and re.match(r"[\u4e00-\u9fff]", right[:1])):
        return False
    pos = 0
    for token in jieba.cut(left + right, HMM=False):
        if pos < len(left) < pos + len(token):
            return True
        pos += len(token)
    return False


def _joins(cur: str, nxt: str, unit_so_far: str, window_median: float) -> bool:
    """Decide whether line ``nxt`` continues the sentence that ``cur`` broke off.

    Only the current line's open quotes force a join: a stray unmatched quote must not glue a whole
    table together.
    """
    if _balance(cur) > 0:
        return True
    if header_role(nxt) or header_role(cur):
        return False  # a table's column header stands alone
    if nxt[:1] in BULLETS:
        return False  # a bulleted item starts a unit of its own
    if not cur or cur[-1] in "。！？!?":
        return False  # (a line ending in ；goes on: the paragraph has more clauses)
    if cur[-1] in "”》」』" and not _INNER_PUNCT.search(_outside_quotes(cur)):
        # a quoted name ends the line: a table row, unless the next line just finishes the clause
        head = re.split(r"[，,。；“《]", nxt, maxsplit=1)
        if not (len(head) > 1 and 0 < len(head[0]) <= 4):
            return False
    if len(cur) < 0.5 * len(nxt):
        return False  # a heading or label above longer text
    if _ENUMERATOR.match(nxt) and len(nxt) <= 20:
        return False  # "七、未来展望": a numbered heading starts a new unit
    cur_bare, nxt_bare = _outside_quotes(_ENUMERATOR.sub("", cur)), _outside_quotes(nxt)
    if nxt[0] in "“《「『" and not _INNER_PUNCT.search(cur_bare):
        return False  # a new table row starting with a quoted name
    if nxt[-1] in "。！？；" or _INNER_PUNCT.search(nxt_bare):
        return True
    if (len(cur) >= 10 and abs(len(cur) - len(nxt)) <= 1 and abs(len(cur) - window_median) <= 1
            and not _INNER_PUNCT.search(cur_bare) and re.search(r"[的了与和在将为对]", cur_bare)
            and not re.search(r"(?:奖|案例|榜|称号|TOP\d*|机构|公司|集团)$", cur)):
        return True  # a narrow column of prose: lines of the column's width continue each other
    if not _INNER_PUNCT.search(cur_bare):
        # a table cell or a name standing alone, unless the line reads as prose (function words, a
        # quote the next line leaves open) or the break cuts a word in two (中国网财|经主办)
        if re.search(r"[的了]", cur_bare) and len(cur) >= 0.8 * window_median and _balance(nxt) > 0:
            return True
        return _splits_word(cur, nxt)
    return len(cur) >= 0.8 * window_median


BULLETS = "●•▪■◆◇○√✓▶►➢"
CELL_JOIN = "；"  # a row's text for the sentence rules: each cell reads as a clause of its own
_CELL_SEPARATOR = re.compile(r"\t+| {2,}|\s*[|｜]\s*")
_DEFINITION_ROW = re.compile(r"^(?P<short>[^，。；：:\s][^，。；]{0,38}?)\s+指\s+(?P<full>[^。；]{2,80})$")  # 释义: X 指 Y
_BOX_LABEL = re.compile(r"^(?:案例|专栏|专题|聚焦|延伸阅读|链接|责任故事)\s*[0-9一二三四五六七八九十]*\s*[|｜]")  # 案例｜title: no row


def split_cells(raw: str) -> list[str] | None:
    """The cells of a table row that the text marks as one (tabs, ``|`` or runs of spaces between cells)."""
    stripped = raw.strip().strip("|｜").strip()
    means = _DEFINITION_ROW.match(stripped)
    if means:
        return [clean_line(means.group("short")), "指", clean_line(means.group("full"))]
    if not _CELL_SEPARATOR.search(stripped) or _BOX_LABEL.match(stripped):
        return None
    cells = [clean_line(c) for c in _CELL_SEPARATOR.split(stripped)]
    cells = [c for c in cells if c]
    return cells if len(cells) >= 2 else None


def _header_cells(raw: str) -> list[str] | None:
    """A header row printed with single spaces between its cells (PDF text): every word a short label
    without digits, at least two of them known column headers (业务板块 子公司名称 主营业务 持股比例)."""
    parts = raw.split()
    if len(parts) < 2 or any(len(p) > 8 or re.search(r"\d|[，。；、]", p) for p in parts):
        return None
    known = [p for p in parts if header_role(p) not in (None, "index", "other")]
    unknown = [p for p in parts if not header_role(p)]
    if any(word in p for p in unknown for word in header_roles() if len(word) >= 2):
        return None  # 奖项获奖对象: headers run together, the columns are not what they seem
    return parts if len(known) >= 2 or (len(known) == 1 and all(header_role(p) for p in parts)) else None


def _running_lines(lines: list[str]) -> set[int]:
    """Line numbers (0-based) of running headers and footers: a short line repeated next to page numbers."""
    near_page: dict[str, list[int]] = {}
    numbers = [i for i, ln in enumerate(lines) if _PAGE_NUMBER.match(ln.replace("\f", "")) or "\f" in ln]
    marks = set(numbers)
    for i, raw in enumerate(lines):
        text = raw.replace("\f", "").strip()
        if 2 <= len(text) <= 40 and not _PAGE_NUMBER.match(text) and any(j in marks for j in range(i - 2, i + 3)):
            near_page.setdefault(text, []).append(i)
    return {i for text, where in near_page.items() if len(where) >= 3 for i in where}


_NUMBER_SPACES = re.compile(
    r"(?<=\d)\s+(?=(?:[年月日%％]|亿|万|元|港元|美元|个|家|项|名|届))|(?<=[年月])\s+(?=\d{1,2}\s*[月日])")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9&.\-]*")
_YEAR_LEAD = re.compile(r"(?:19|20)\d{2}(?:年度|年)")


def spaced_cells(raw: str, columns: int) -> list[str]:
    """A table row that PDF text prints with single spaces between cells, as ``columns`` cells where the text
    allows: spaces inside a number with its unit (2023 年 3 月, 12 亿元), around a Latin word (ESG 金牛奖) or
    after a leading year (2023 年度 金牛奖) are no cell breaks when there are more parts than columns."""
    parts = _NUMBER_SPACES.sub("", raw).split()
    # a Latin word belongs to the text after it, or to the text before it; 2023年度 | 金牛奖: a year leads the name
    _glue(parts, columns, lambda a, b: bool(_LATIN.fullmatch(a)) and not _LATIN.fullmatch(b), " ")
    _glue(parts, columns, lambda a, b: bool(_LATIN.match(b) and re.search(r"[\u4e00-\u9fff]$", a)), " ")
    _glue(parts, columns, lambda a, b: bool(_YEAR_LEAD.fullmatch(a)) and not re.match(r"\d", b), "")
    return [clean_line(p) for p in parts]


def _glue(parts: list[str], columns: int, joins: Callable[[str, str], bool], sep: str) -> None:
    """Join neighbouring parts that ``joins`` says belong together, left to right, while there are more parts
    than columns (in place)."""
    i = 0
    while len(parts) > columns and i < len(parts) - 1:
        if joins(parts[i], parts[i + 1]):
            parts[i:i + 2] = [parts[i] + sep + parts[i + 1]]
        else:
            i += 1


def segment_lines(lines: list[str]) -> list[Unit]:
    """Join broken lines into units; every character keeps its input line number. Table rows the text marks
    (cell separators, or a header row of known column names) stay units of their own, with their cells."""
    # (line number, cleaned text, page, cells, line of each character or None for "all on line number")
    items: list[tuple[int, str, int | None, tuple[str, ...], list[int] | None]] = []
    after_number: set[int] = set()  # items that follow a dropped number line (a page number or a 序号 cell)
    page = 1
    has_pages = any("\f" in ln for ln in lines)
    running = _running_lines(lines)
    spaced_columns = 0  # inside a table whose cells are separated by single spaces: its column count
    long_column: int | None = None  # that table's column of long text (award, project…), which may wrap
    wraps = 0  # lines in a row of such a table that were no row
    lower_half_of: int | None = None  # item index of a row whose long cell goes on on the next line
    parts_of: dict[int, tuple[str, ...]] = {}
    for number, raw in enumerate(lines, start=1):
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        if _PAGE_NUMBER.match(raw):
            after_number.add(len(items))
            continue
        if number - 1 in running:
            continue
        pg = page if has_pages else None
        cells = split_cells(raw)
        row_lines: list[int] | None = None
        if cells is None:
            header = _header_cells(raw)
            candidate = spaced_cells(raw, spaced_columns) if spaced_columns and not header else []
            if header:
                cells, spaced_columns, wraps = header, len(header), 0
                roles = [header_role(h) for h in header]
                long_column = next((k for k, r in enumerate(roles) if r in ("award", "project", "full")), None)
                lower_half_of = None
            elif spaced_columns and len(candidate) == spaced_columns:
                cells, wraps, lower_half_of = candidate, 0, None
            elif (spaced_columns and long_column is not None and len(candidate) == spaced_columns - 1
                  and not re.search(r"[。；]", raw) and wraps and items and not items[-1][3]
                  and len(items[-1][1]) <= 30):
                # a vertically centred row: its long cell wraps onto the lines above and below
                upper = items.pop()
                cells = candidate[:long_column] + [upper[1]] + candidate[long_column:]
                text = CELL_JOIN.join(cells)
                row_lines = []
                for k, cell in enumerate(cells):
                    row_lines += [upper[0] if k == long_column else number] * len(cell)
                    if k < len(cells) - 1:
                        row_lines.append(number)
                items.append((number, text, pg, tuple(cells), row_lines))
                lower_half_of, wraps = len(items) - 1, 0
                continue
            elif spaced_columns and lower_half_of is not None and len(raw.split()) == 1 and len(raw.strip()) <= 30:
                # the lower half of that long cell
                n0, text0, pg0, cells0, lines0 = items[lower_half_of]
                cells1 = list(cells0)
                tail = clean_line(raw)
                cells1[long_column] += tail
                text1 = CELL_JOIN.join(cells1)
                pos = len(CELL_JOIN.join(cells0[: long_column + 1]))
                lines1 = (lines0 or [n0] * len(text0))
                lines1 = lines1[:pos] + [number] * len(tail) + lines1[pos:]
                items[lower_half_of] = (n0, text1, pg0, tuple(cells1), lines1)
                lower_half_of = None
                continue
            elif (spaced_columns and 2 <= len(candidate) and wraps < 3 and len(raw) <= 90
                  and not re.search(r"[。；]", raw)):
                # a row short of a cell (a cell spanning rows was printed once, on another row): its cells
                # are read by what they hold (extract.layout), not by position
                cells, wraps, lower_half_of = candidate, 0, None
            elif spaced_columns and len(raw.split()) < spaced_columns and wraps < 3 and not re.search(r"[。；]", raw):
                wraps += 1  # a wrapped cell's other lines, above or below its row: the table goes on
                lower_half_of = None
            else:
                spaced_columns, long_column, lower_half_of = 0, None, None
        text = CELL_JOIN.join(cells) if cells else clean_line(raw)
        if text:
            items.append((number, text, pg, tuple(cells or ()), row_lines))
            parts_of[len(items) - 1] = tuple(clean_line(p) for p in raw.split()) if not cells and len(raw.split()) >= 2 else ()
    lengths = [len(t) for _, t, _, _, _ in items]
    units: list[Unit] = []
    current: Unit | None = None
    for i, (number, text, pg, cells, char_lines) in enumerate(items):
        if cells:
            if current is not None:
                units.append(current)
                current = None
            units.append(Unit(text, char_lines or [number] * len(text), pg, "row", cells))
            continue
        if current is None:
            current = Unit(text, [number] * len(text), pg, parts=parts_of.get(i, ()))
        else:
            current.text += text
            current.lines.extend([number] * len(text))
            current.parts = ()
        if i + 1 < len(items) and not items[i + 1][3]:
            window = lengths[max(0, i - 3): i + 4]
            nxt = items[i + 1][1]
            if i + 1 in after_number:
                # across a number line only prose goes on (a sentence cut by a page break), never table cells
                if _balance(text) > 0 or (_INNER_PUNCT.search(_outside_quotes(text)) and text[-1] not in "。！？!?"
                                          and _joins(text, nxt, current.text, statistics.median(window))):
                    continue
            elif _joins(text, nxt, current.text, statistics.median(window)):
                continue
        units.append(current)
        current = None
    if current is not None:
        units.append(current)
    units = [part for unit in units for part in _split_long(unit)]
    for unit in units:
        if unit.kind == "prose":
            unit.kind = _kind_of(unit.text)
    return units


MAX_UNIT_CHARS = 5000  # real paragraphs stay far below (the longest in the test reports: under 1000)
_SENTENCE_END = re.compile(r"[。！？!?；;]")


def _split_long(unit: Unit, limit: int = MAX_UNIT_CHARS) -> list[Unit]:
    """A unit longer than ``limit`` (a report printed as one line, a text without line breaks) as pieces
    that end at a sentence end where one falls in the last half of the piece: every later step handles
    text unit by unit, and spaCy refuses a text of a million characters."""
    if len(unit.text) <= limit:
        return [unit]
    pieces: list[Unit] = []
    start = 0
    while start < len(unit.text):
        end = min(start + limit, len(unit.text))
        if end < len(unit.text):
            cut = [m.end() for m in _SENTENCE_END.finditer(unit.text, start + limit // 2, end)]
            end = cut[-1] if cut else end
        pieces.append(Unit(unit.text[start:end], unit.lines[start:end], unit.page))
        start = end
    return pieces


def _kind_of(text: str) -> str:
    """A numbered short line is a heading; another short line without sentence punctuation is a cell (a
    heading or a flattened table cell: ``extract.layout`` tells them apart); a numbered sentence is a list
    item; the rest is prose."""
    numbered = bool(_ENUMERATOR.match(text))
    bare = _ENUMERATOR.sub("", text)
    if len(bare) <= 24 and not re.search(r"[，。；！？,;]", bare):
        return "heading" if numbered else "cell"
    return "item" if numbered else "prose"


def doc_id_for(path: Path) -> str:
    """A stable report id from the file name: ``dajia-2024-csr.gb18030.txt`` -> ``dajia-2024-csr``."""
    name = path.name
    for suffix in (".txt", ".gb18030", ".utf8", ".utf-8"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or "report"


def split_lines(text: str) -> list[str]:
    """The text's lines as an editor numbers them: broken at \\n, \\r\\n and \\r only (``str.splitlines``
    also breaks at form feeds, which mark pages here and must stay inside their line)."""
    lines = re.split(r"\r\n|\r|\n", text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def document_from_text(text: str, doc_id: str = "snippet") -> Document:
    """A Document from text already in memory (tests, notebooks, callers that hold the text)."""
    text = normalize_radicals(text)
    lines = split_lines(text)
    return Document(doc_id=doc_id, source_file=f"{doc_id}.txt",
                    checksum=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    units=segment_lines(lines), line_count=len(lines))


def read_bytes(path: str | Path) -> bytes:
    """A report file's bytes, or one clear error (missing, a directory, unreadable)."""
    p = Path(path)
    if not p.exists():
        raise InputError(Errors.E001, path=p)
    if p.is_dir():
        raise InputError(Errors.E003, path=p)
    try:
        return p.read_bytes()
    except OSError as err:
        raise InputError(Errors.E004, path=p, reason=err.strerror) from err


def report_text(path: Path, data: bytes) -> str:
    """A text report's bytes decoded, or one clear error (undecodable, empty, only white space)."""
    text = decode(data, str(path))
    if not text.strip():
        raise InputError(Errors.E009 if text else Errors.E005, path=path)
    return text


def read_document(path: str | Path, data: bytes | None = None) -> Document:
    """Read, decode and segment one report text file (``data``: its bytes, when already read)."""
    p = Path(path)
    data = read_bytes(p) if data is None else data
    lines = split_lines(report_text(p, data))
    return Document(
        doc_id=doc_id_for(p),
        source_file=p.name,
        checksum=hashlib.sha256(data).hexdigest(),
        units=segment_lines(lines),
        line_count=len(lines),
    )
