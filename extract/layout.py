"""Tables in a report's units: a header of known column names gives each column a role, the units after it
give the rows.

Reports print three kinds of table text, all read here into the same ``Table``:

- rows the text marks (cells between tabs, ``|`` or runs of spaces; or single spaces after a header row of
  known column names, as PDF text gives them): one unit a row, its cells kept by ``extract.ingest``;
- flattened row by row: one short line a cell, the cells of a row one after another;
- flattened column by column: all cells of the first column, then all of the second (a two-column table of
  names and holdings, say), recognised by the second half of the cells all looking like the second column.

Column roles come from ``lexicons/table_headers.tsv`` (data, not code). What a table means (members,
definitions, awards) is decided in ``extract.tables``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from extract import cues
from extract.columns import header_role
from extract.ingest import Unit

PERCENT = re.compile(r"^(?:约|逾)?\d{1,3}(?:\.\d+)?\s*[%％]$")
YEAR = re.compile(r"^(?:19|20)\d{2}(?:年|\.|-|/|$)")
# roles that do not by themselves make a row of short labels a table header
WEAK_ROLES = frozenset({"index", "other", "project"})


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    line: int
    page: int | None = None


@dataclass
class Table:
    """A table: the role of each column and its rows (cells in column order)."""

    roles: tuple[str, ...]
    rows: list[TableRow] = field(default_factory=list)
    line: int = 0  # the header's line
    caption: str = ""  # the heading just before the table
    flattened: bool = False
    # lone cells printed between rows: (number of rows before it, text). A cell spanning several rows is
    # printed once, at their middle, on a line of its own
    loose: list[tuple[int, str]] = field(default_factory=list)

    def column(self, role: str) -> int | None:
        return self.roles.index(role) if role in self.roles else None


def _roles_of(cells: tuple[str, ...] | list[str]) -> tuple[str, ...] | None:
    roles = [header_role(c) for c in cells]
    known = [r for r in roles if r and r not in WEAK_ROLES]
    if len(known) >= 2 or (len(known) == 1 and len(roles) >= 2 and all(roles)):
        return tuple(r or "other" for r in roles)
    return None


def _caption(units: list[Unit], i: int) -> str:
    for unit in reversed(units[max(0, i - 3): i]):
        if unit.kind in ("heading", "cell") and len(unit.text) <= 30:
            return unit.text
    return ""


def _marked_table(units: list[Unit], i: int, roles: tuple[str, ...]) -> tuple[Table, int]:
    table = Table(roles, line=units[i].first_line, caption=_caption(units, i))
    j = i + 1
    while j < len(units) and not (units[j].kind == "row" and _roles_of(units[j].cells)):
        if units[j].kind != "row":
            # a wrapped cell's other lines sit between rows; anything longer ends the table
            if len(units[j].text) > 30 or re.search(r"[。；]", units[j].text) or not any(
                    u.kind == "row" for u in units[j + 1: j + 4]):
                break
            table.loose.append((len(table.rows), units[j].text))
            j += 1
            continue
        cells = units[j].cells
        if roles[0] == "index" and len(cells) == len(roles) - 1:
            cells = ("",) + cells  # a row without its 序号 cell
        if len(cells) == len(roles) or len(cells) >= 2:
            # rows with another cell count (a spanning cell printed on one row only) are read by content
            table.rows.append(TableRow(cells, units[j].first_line, units[j].page))
        j += 1
    return table, j


def _flat_header(units: list[Unit], i: int) -> tuple[str, ...] | None:
    """Known column headers on consecutive short units starting at ``i`` (at least two)."""
    roles = []
    for unit in units[i: i + 6]:
        role = header_role(unit.text) if unit.kind in ("cell", "heading") else None
        if not role:
            break
        roles.append(role)
    return tuple(roles) if len([r for r in roles if r not in WEAK_ROLES]) >= 2 else None


def _looks_like(role: str, text: str) -> bool:
    if role == "share":
        return bool(PERCENT.match(text))
    if role == "date":
        return bool(YEAR.match(text))
    return not PERCENT.match(text)


def _cell_like(unit: Unit, roles: tuple[str, ...]) -> bool:
    """A unit that can be a cell of a flattened table: short, or (in a definitions table, whose first row
    lists the report's self-references 禾域、本集团、我们) a list without sentence punctuation."""
    if unit.kind == "cell":
        return True
    return "short" in roles and len(unit.text) <= 48 and not re.search(r"[。；！？]", unit.text)


def _definition_rows(cells: list[Unit]) -> list[TableRow]:
    """Rows of a flattened short-name | full-name table, paired by content: a full name ends with an
    organisation suffix and follows its short names; a self-reference list glued to its full name is split."""
    from extract.names import org_suffix

    rows = []
    pending: Unit | None = None
    for cell in cells:
        text = cell.text
        glued = re.match(rf"^(?P<short>(?:[^、，]{{1,12}}、)+(?:{cues.alternation('self', 'group', 'company')}))(?P<full>.{{4,}})$", text)
        if glued:
            rows.append(TableRow((glued.group("short"), glued.group("full")), cell.first_line, cell.page))
            pending = None
        elif pending is not None and (org_suffix(text) or org_suffix(re.sub(r"及其.*$", "", text))) and len(text) > len(pending.text):
            rows.append(TableRow((pending.text, text), pending.first_line, pending.page))
            pending = None
        else:
            pending = cell
    return rows


def _flattened_table(units: list[Unit], i: int, roles: tuple[str, ...], header_units: int) -> tuple[Table, int]:
    """The cells after a header (at ``i``, ``header_units`` units long), one short unit each."""
    table = Table(tuple(r for r in roles if r != "index"), line=units[i].first_line,
                  caption=_caption(units, i), flattened=True)
    j = i + header_units
    cells: list[Unit] = []
    while j < len(units) and _cell_like(units[j], table.roles) and not _flat_header(units, j):
        if not re.fullmatch(r"\d{1,3}", units[j].text):  # a 序号 cell
            cells.append(units[j])
        j += 1
    n = len(table.roles)
    if n == 0 or len(cells) < n:
        return table, j
    if set(table.roles) >= {"short", "full"}:
        table.rows = _definition_rows(cells)
        return table, j
    texts = [c.text for c in cells]
    if len(texts) % n == 0 and "share" in table.roles:
        # column by column: the block of the share column holds every percentage, the others none
        size = len(texts) // n
        blocks = [texts[k * size:(k + 1) * size] for k in range(n)]
        col = table.roles.index("share")
        if all(PERCENT.match(t) for t in blocks[col]) and not any(
                PERCENT.match(t) for k, b in enumerate(blocks) if k != col for t in b):
            for r in range(size):
                table.rows.append(TableRow(tuple(b[r] for b in blocks), cells[r].first_line, cells[r].page))
            return table, j
    for k in range(0, len(cells) - len(cells) % n, n):
        group = cells[k:k + n]
        row = tuple(c.text for c in group)
        if all(_looks_like(role, text) for role, text in zip(table.roles, row)):
            table.rows.append(TableRow(row, group[0].first_line, group[0].page))
    return table, j


def _column_blocks(units: list[Unit], i: int) -> tuple[Table, int] | None:
    """Columns flattened one after another, each under its own header (子公司, names…, 持股比例, 100%…):
    at least two blocks of equally many cells."""
    roles: list[str] = []
    blocks: list[list[Unit]] = []
    j = i
    while j < len(units) and units[j].kind in ("cell", "heading") and header_role(units[j].text):
        roles.append(header_role(units[j].text) or "other")
        block = []
        j += 1
        while j < len(units) and units[j].kind == "cell" and not header_role(units[j].text):
            block.append(units[j])
            j += 1
        blocks.append(block)
    if len(blocks) < 2 or len({len(b) for b in blocks}) != 1 or not blocks[0]:
        return None
    table = Table(tuple(roles), line=units[i].first_line, caption=_caption(units, i), flattened=True)
    for r in range(len(blocks[0])):
        row = tuple(b[r].text for b in blocks)
        if all(_looks_like(role, text) for role, text in zip(roles, row)):
            table.rows.append(TableRow(row, blocks[0][r].first_line, blocks[0][r].page))
    return table, j


def find_tables(units: list[Unit]) -> list[Table]:
    """Every table with a recognised header row, marked or flattened."""
    tables = []
    i = 0
    while i < len(units):
        unit = units[i]
        roles = _roles_of(unit.cells) if unit.kind == "row" else None
        if roles:
            if i + 1 < len(units) and units[i + 1].kind == "cell" and not any(u.kind == "row" for u in units[i + 1: i + 4]):
                table, i = _flattened_table(units, i, roles, 1)  # a marked header over flattened cells
            else:
                table, i = _marked_table(units, i, roles)
            tables.append(table)
            continue
        if unit.kind == "row" and len(unit.cells) == 3 and unit.cells[1] == "指":
            # 释义 without a header: X 指 Y, one definition a line
            table = Table(("short", "other", "full"), line=unit.first_line, caption=_caption(units, i))
            while i < len(units) and (units[i].kind == "row" and len(units[i].cells) == 3 and units[i].cells[1] == "指"
                                      or units[i].kind == "cell" and table.rows):
                if units[i].kind == "row":
                    table.rows.append(TableRow(units[i].cells, units[i].first_line, units[i].page))
                else:  # a wrapped full name: its tail on the next line
                    last = table.rows[-1]
                    table.rows[-1] = TableRow((last.cells[0], last.cells[1], last.cells[2] + units[i].text), last.line, last.page)
                i += 1
            tables.append(table)
            continue
        blocks = _column_blocks(units, i) if unit.kind in ("cell", "heading") and header_role(unit.text) else None
        if blocks:
            table, i = blocks
            tables.append(table)
            continue
        flat = _flat_header(units, i)
        if flat and {"award", "recipient", "issuer"} <= set(flat):
            i += len(flat)  # flattened award tables with recipient and issuer columns: extract.tables reads
            continue        # them by cell kind, since extraction scrambles their order
        if flat:
            table, i = _flattened_table(units, i, flat, len(flat))
            tables.append(table)
            continue
        i += 1
    return tables
