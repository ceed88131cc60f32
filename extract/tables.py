"""Flattened award tables: after a header of award / recipient / issuer columns, PDF extraction leaves one
cell per line. This module reads them back into (award, recipient, issuer) facts.

Cells are classified, not counted, because extraction scrambles column order: a cell naming the
reporting group, a member company or a community is a recipient; another organisation name is an
issuer; anything else is (part of) an award name. Each award takes the recipient and issuer cells that
follow it up to the next award, and only when that is unambiguous (one recipient, at most one issuer).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extract import lexicon as lx
from extract import names as nm
from extract.gazetteer import Gazetteer
from extract.ingest import BULLETS, Unit
from extract.layout import Table
from extract.records import REPORTER, Evidence, Fact

HEADER = re.compile(
    r"(?:奖项名称|荣誉名称|奖项|荣誉|获奖名称)|(?:获奖单位|获奖主体|获奖对象|获奖机构|获奖公司|获奖企业)|(?:颁奖机构|颁发机构|评选机构|颁奖单位|主办单位|授予机构|颁发单位)"
)
AWARD_HEAD = re.compile(r"奖项|荣誉|获奖名称|奖励名称")
RECIPIENT_HEAD = re.compile(r"获奖单位|获奖主体|获奖对象|获奖机构|获奖公司|获奖企业")
ISSUER_HEAD = re.compile(r"颁奖机构|颁发机构|评选机构|颁奖单位|主办单位|授予机构|颁发单位")


@dataclass
class Cell:
    text: str
    line: int
    kind: str  # award | recipient | issuer
    name: str


def _is_header(units: list[Unit], i: int) -> int:
    """If a table header starts at unit ``i``, the number of units it spans, else 0."""
    joined = ""
    for span in range(1, 4):
        if i + span > len(units):
            break
        joined += units[i + span - 1].text
        if len(joined) > 60:
            break
        if RECIPIENT_HEAD.search(joined) and ISSUER_HEAD.search(joined):
            return span
    return 0


def _classify(text: str, gaz: Gazetteer, recipients: set[str]) -> tuple[str, str]:
    """(kind, name) of one cell."""
    name = text.strip()
    bare = name.strip("《》")
    found = gaz.find(name)
    whole = [f for f in found if f[0] == 0 and f[1] == len(name)]
    if whole:
        label, known = whole[0][3], whole[0][2]
        if known in recipients or label == "COMMUNITY":
            return "recipient", known
        if label == "ORG":
            return "issuer", known
    if re.search(r"[·•・]", name) and not nm.looks_like_award(name) or bare in recipients:
        return "recipient", bare
    quoted_award = re.search(r"“[^”]*(?:奖|榜|案例)”", name) or re.search(r"卓越|最佳|十佳|优秀|杰出|示范|先进", bare)
    unyeared = re.sub(r"^(?:19|20)\d{2}(?:年度|年)?", "", bare)
    if nm.looks_like_award(nm.tidy_award(name)) and (not nm.org_suffix(bare) or nm.GENERIC_ORG_PREFIX.match(unyeared) or quoted_award):
        return "award", nm.tidy_award(name)
    if len(bare) <= 20 and (nm.org_suffix(bare) or not nm.looks_like_award(bare)):
        return "issuer", bare
    return "award", nm.tidy_award(name)


def table_facts(units: list[Unit], gaz: Gazetteer, recipients: set[str]) -> list[Fact]:
    """receivedAward / awardedBy facts from every flattened award table of the report."""
    facts: list[Fact] = []
    i = 0
    while i < len(units):
        span = _is_header(units, i)
        if not span:
            i += 1
            continue
        cells: list[Cell] = []
        j = i + span
        while j < len(units) and len(units[j].text) <= 45 and not re.search(r"[。；]", units[j].text):
            for text in _unit_cells(units[j], gaz, recipients):
                if re.fullmatch(r"[-–—\s\d]+|.*(?:社会责任报告|可持续发展报告|ESG报告)\s*\d*", text):
                    continue
                kind, name = _classify(text, gaz, recipients)
                if cells and kind != "recipient" and cells[-1].kind != "recipient" and _continues(cells[-1], text):
                    prev = cells[-1]
                    merged = prev.text + text
                    cells[-1] = Cell(merged, prev.line, "award", nm.tidy_award(merged))
                else:
                    cells.append(Cell(text, units[j].first_line, kind, name))
            j += 1
        header = "".join(u.text for u in units[i:i + span])
        columns = sum(bool(h.search(header)) for h in (AWARD_HEAD, RECIPIENT_HEAD, ISSUER_HEAD))
        order = _column_order(header)
        if order.index("award") == 0:
            rows = _rows(cells)
        elif order == ["recipient", "award", "issuer"]:
            rows = _recipient_award_issuer_rows(cells)
        else:
            rows = _rows_in_order(cells, order)
        facts.extend(_rows_by_columns(cells, columns) or rows)
        i = j
    return facts


def _unit_cells(unit: Unit, gaz: Gazetteer, recipients: set[str]) -> list[str]:
    """The cells of one line of a flattened table: the line, or its space-separated parts when they are
    cells of different kinds (a vertically centred row puts a recipient and an issuer on one line), or
    when the line is a whole row that starts with its 序号."""
    parts = [p for p in unit.parts if p]
    if len(parts) >= 3 and re.fullmatch(r"\d{1,3}", parts[0]):
        cells: list[str] = []
        for part in parts[1:]:  # 2024 | 人民企业…案例: a year printed apart belongs to the name after it
            if cells and re.fullmatch(r"(?:19|20)\d{2}(?:年度|年)?", cells[-1]):
                cells[-1] += part
            else:
                cells.append(part)
        return cells
    if len(parts) >= 2 and all(len(p) >= 2 for p in parts):
        kinds = [_classify(p, gaz, recipients)[0] for p in parts]
        if len(set(kinds)) == len(kinds) and all(_strong_cell(p, k, recipients) for p, k in zip(parts, kinds)):
            return parts
    return [unit.text]


def _strong_cell(text: str, kind: str, recipients: set[str]) -> bool:
    bare = text.strip("《》")
    if kind == "recipient":
        return bare in recipients or bool(re.search(r"[·•・]", bare))
    if kind == "issuer":
        return bool(nm.org_suffix(bare)) or text.startswith("《")
    return nm.strong_award(bare) or nm.looks_like_award(bare)


def _column_order(header: str) -> list[str]:
    """The kinds of the header's columns in their printed order (award, recipient, issuer)."""
    found = []
    for kind, regex in (("award", AWARD_HEAD), ("recipient", RECIPIENT_HEAD), ("issuer", ISSUER_HEAD)):
        m = regex.search(header)
        found.append((m.start() if m else 10_000, kind))
    return [kind for _, kind in sorted(found)]


def _recipient_award_issuer_rows(cells: list[Cell]) -> list[Fact]:
    """Rows of a 获奖单位 | 奖项 | 颁发机构 table, cell by cell. A recipient starts a row; the first cell after
    it is the award even when it reads like an organisation (金牛银行理财公司); an award fragment met after a
    complete row is the upper half of the next row's award, whose short cells sit in the middle (a
    vertically centred row) and whose lower half follows them."""
    rows: list[dict[str, Cell]] = []
    prefix: Cell | None = None
    for cell in cells:
        row = rows[-1] if rows else None
        if cell.kind == "recipient":
            rows.append({"recipient": cell})
            if prefix is not None:
                rows[-1]["award"] = prefix
                prefix = None
            continue
        if row is None:
            continue
        complete = "award" in row and "issuer" in row
        if cell.kind == "award":
            if complete:
                prefix = cell
            elif "award" in row:
                merged = row["award"].text + cell.text
                row["award"] = Cell(merged, row["award"].line, "award", nm.tidy_award(merged))
            else:
                row["award"] = cell
        elif cell.kind == "issuer":
            if "award" not in row:
                row["award"] = Cell(cell.text, cell.line, "award", nm.tidy_award(cell.text))
            elif "issuer" not in row:
                row["issuer"] = cell
    facts = []
    for row in rows:
        if "award" in row:
            facts.extend(_emit(row["award"], [row["recipient"]] + ([row["issuer"]] if "issuer" in row else [])))
    return facts


def _rows_in_order(cells: list[Cell], order: list[str]) -> list[Fact]:
    """Rows by the header's column order: cells of columns printed before the award column belong to the
    next award, cells printed after it to the award before them."""
    before = set(order[: order.index("award")])
    rows: list[list[Cell]] = []
    pending: list[Cell] = []
    for cell in cells:
        if cell.kind == "award":
            rows.append([cell, *pending])
            pending = []
        elif cell.kind in before or not rows:
            pending.append(cell)
        else:
            rows[-1].append(cell)
    facts = []
    for row in rows:
        facts.extend(_emit(row[0], row[1:]))
    return facts


def _continues(prev: Cell, text: str) -> bool:
    """A long award name wrapped over two cells: the first part is not a complete name."""
    return (prev.kind in ("award", "issuer") and not re.search(r"(?:奖|案例|榜|称号|机构|企业|品牌|公司|单位|标杆|典范|示范|TOP\d*|\d+强|”)$", prev.text)
            and not nm.org_suffix(prev.text.strip("《》")) and len(prev.text + text) <= 40
            and len(text) <= 12 and not re.search(r"[、：:，,。]", text)
            and not re.match(r"(?:19|20)\d{2}|第|年度|“", text)
            and not re.search(r"[会院局所报网社台部厅委办]$", prev.text))


def _rows_by_columns(cells: list[Cell], columns: int) -> list[Fact] | None:
    """Rows as consecutive groups of ``columns`` cells, when every group holds exactly one award (the
    order inside a row may be scrambled); None when the cells do not fall into such rows."""
    if columns < 2 or len(cells) < columns:
        return None
    usable = len(cells) - len(cells) % columns
    leftover = cells[usable:]
    if any(c.kind == "award" for c in leftover) and len(leftover) != columns - 1:
        return None  # leftover cells hold an award: the rows are not of header size
    rows = [cells[k:k + columns] for k in range(0, usable, columns)]
    if leftover and any(c.kind == "award" for c in leftover):
        rows.append(leftover)  # a last row with an empty cell
    if not all(sum(c.kind == "award" for c in row) == 1 and sum(c.kind == "recipient" for c in row) <= 1 for row in rows):
        return None
    facts = []
    for row in rows:
        award = next(c for c in row if c.kind == "award")
        rest = [c for c in row if c is not award]
        facts.extend(_emit(award, rest))
    return facts


def _emit(award: Cell, window: list[Cell]) -> list[Fact]:
    recipients = [c for c in window if c.kind == "recipient"]
    issuers = [c for c in window if c.kind == "issuer"]
    if not nm.looks_like_award(award.name) or len(recipients) != 1 or len(issuers) > 1:
        return []
    evidence = Evidence(" ".join(c.text for c in [award, *window]), award.line)
    r = recipients[0]
    facts = [Fact(r.name, "receivedAward", award.name, evidence, _recipient_label(r.name), "AWARD",
                  rule="award.table-cells")]
    facts += [Fact(award.name, "awardedBy", i.name, evidence, "AWARD", "ORG", rule="award.table-cells") for i in issuers]
    return facts


def _recipient_label(name: str) -> str:
    """A recipient cell names a community (brand·name, or a community suffix) or an organisation."""
    return "COMMUNITY" if re.search(r"[·•・]", name) or name.endswith(lx.COMMUNITY_SUFFIXES) else "ORG"


def _rows(cells: list[Cell]) -> list[Fact]:
    facts = []
    awards = [k for k, c in enumerate(cells) if c.kind == "award"]
    for n, k in enumerate(awards):
        end = awards[n + 1] if n + 1 < len(awards) else len(cells)
        facts.extend(_emit(cells[k], cells[k + 1: end]))
    return facts


__all__ = ["table_facts", "REPORTER"]


# --- tables with a recognised header (extract.layout) -------------------------------------------------------

@dataclass
class TableReading:
    """What the report's tables state: short-name definitions, member companies, and facts."""

    definitions: list[tuple[str, str]]  # (short name, full name)
    members: list[str]
    facts: list[Fact]


_PERCENT_CELL = re.compile(r"^(?:约|逾)?\d{1,3}(?:\.\d+)?\s*[%％]")


def _member_cell(cells: tuple[str, ...], col: int, width: int) -> str | None:
    """The member's name in a row: its column when the row has every cell, else the first cell that reads as
    a company name (a spanning cell printed on another row shifts the others)."""
    if len(cells) == width:
        return cells[col].strip()
    named = [c.strip() for c in cells if nm.org_suffix(c.strip()) and len(c.strip()) <= 40]
    return named[0] if named else None


def _member_table(table: Table) -> bool:
    """A table of member companies: a member column with a holdings column, or a caption about members."""
    if table.column("member") is None:
        return False
    return table.column("share") is not None or bool(re.search(r"子公司|成员|下属|控股|附属|并表", table.caption))


def read_tables(tables: list[Table]) -> TableReading:
    """Definitions, members and award facts from header-recognised tables, one rule per table kind."""
    reading = TableReading([], [], [])
    for table in tables:
        short, full = table.column("short"), table.column("full")
        if short is not None and full is not None:
            for row in (r for r in table.rows if len(r.cells) == len(table.roles)):
                note = re.search(r"[，,；;（(]\s*(?:为|系|是)?(?:本|我)?(?:公司|集团|本行)?的?(?P<kind>全资|控股|直接|间接)?(?:子公司|成员公司)[）)]?$", row.cells[full])
                f = row.cells[full][: note.start()] if note else row.cells[full]
                f = re.sub(r"(?:及其(?:附属|下属|控股|子)公司.*|（合并）)$", "", f.strip("“”\""))
                if re.search(r"[及和](?:纳入|其|各|下属|控股|所属)|范围|纳入|合并报表|^本|^我|子公司$|成员单位|分支机构", f):
                    continue  # 本集团 指 本行及纳入合并报表范围的控股子公司: a scope, not a name
                if note and nm.org_suffix(f):
                    # 释义: 恒拓齿轮 | 常州恒拓精密齿轮有限公司，公司全资子公司
                    reading.members.append(f)
                    evidence = Evidence(" ".join(row.cells), row.line, row.page)
                    reading.facts.append(Fact(f, "subsidiaryOf", REPORTER, evidence, rule="sub.definition-note"))
                for s in re.split(r"[、，,/]|或", row.cells[short]):
                    s = s.strip("“”\" ")
                    if re.fullmatch(r"(?:控股股东|第一大股东|大股东|主要股东)", s) and nm.org_suffix(f):
                        # 释义: 控股股东 指 X: X holds shares in the reporting organisation
                        evidence = Evidence(" ".join(row.cells), row.line, row.page)
                        reading.facts.append(Fact(f, "shareholderOf", REPORTER, evidence, rule="share.defined-shareholder"))
                        continue
                    if 2 <= len(s) <= 20 and nm.org_suffix(f) and s != f:
                        reading.definitions.append((s, f))
        if _member_table(table):
            col = table.column("member")
            for row in table.rows:
                name = _member_cell(row.cells, col, len(table.roles))
                if name is None:
                    continue
                if 2 <= len(name) <= 40 and not re.search(r"合计|小计|总计|^其他", name):
                    reading.members.append(name)
                    evidence = Evidence(" ".join(row.cells), row.line, row.page)
                    reading.facts.append(Fact(name, "subsidiaryOf", REPORTER, evidence, rule="sub.member-table"))
                    share = table.column("share")
                    if share is not None and any(_PERCENT_CELL.match(c) for c in row.cells):
                        reading.facts.append(Fact(REPORTER, "shareholderOf", name, evidence, rule="share.member-table"))
        award = table.column("award")
        if award is not None:
            reading.facts.extend(_award_rows(table, award))
    return reading


def _award_row_cells(cells: tuple[str, ...], table: Table) -> dict[str, str] | None:
    """The row's cells by role: by column when the row has every cell, else by what each cell holds (a cell
    spanning rows, printed once, shifts the others): a year is the date, the cell that reads as an award is
    the award, an organisation before it the recipient, one after it the issuer."""
    if len(cells) == len(table.roles):
        return {role: cell for role, cell in zip(table.roles, cells)}
    out: dict[str, str] = {}
    rest = list(cells)
    while rest and re.fullmatch(r"(?:19|20)\d{2}(?:[年.\-/]\d{0,2}月?)?|\d{1,3}", rest[0]):
        out["date"] = rest.pop(0)  # a year (or a 序号) leads the row: never the recipient
    awards = [k for k, c in enumerate(rest) if nm.looks_like_award(nm.tidy_award(c))]
    if not awards:
        return None
    k = awards[0]
    out["award"] = rest[k]
    before, after = rest[:k], rest[k + 1:]
    if "recipient" in table.roles and before:
        out["recipient"] = before[-1]
    if "issuer" in table.roles and after:
        out["issuer"] = after[0]
    return out


def _spanning_recipients(table: Table, row_cells: list[dict[str, str] | None]) -> dict[int, str]:
    """Row index -> recipient, for runs of rows without a recipient cell around a lone recipient cell printed
    between them (a cell spanning the run, printed once at its middle)."""
    out: dict[int, str] = {}
    own = [bool((cells or {}).get("recipient")) for cells in row_cells]
    k = 0
    while k < len(table.rows):
        if own[k]:
            k += 1
            continue
        end = k
        while end < len(table.rows) and not own[end]:
            end += 1
        names = [text for pos, text in table.loose if k <= pos <= end and nm.org_suffix(text.strip("《》"))
                 and not nm.looks_like_award(text)]
        if len(names) == 1:
            for r in range(k, end):
                out[r] = names[0]
        k = end
    return out


def _award_rows(table: Table, award_col: int) -> list[Fact]:
    """One award a row: its recipient (the reporting group when the table has no recipient column; the row
    above's when a spanning recipient cell was printed there) and its issuers, each a fact of its own."""
    facts = []
    last_recipient: str | None = None
    row_cells = [_award_row_cells(row.cells, table) for row in table.rows]
    spanning = _spanning_recipients(table, row_cells)
    for index, (row, cells) in enumerate(zip(table.rows, row_cells)):
        if cells is None:
            continue
        name = nm.tidy_award(cells["award"])
        if len(name) < 3 or not (nm.looks_like_award(name) or len(name) <= 40):
            continue
        evidence = Evidence(" ".join(row.cells), row.line, row.page)
        date = None
        year = re.match(r"((?:19|20)\d{2})(?:[年.\-/](\d{1,2}))?", cells.get("date", ""))
        if year:
            date = f"{year.group(1)}-{int(year.group(2)):02d}" if year.group(2) else year.group(1)
        recipients = [REPORTER]
        if "recipient" in table.roles:
            cell = cells.get("recipient") or spanning.get(index) or last_recipient
            if not cell:
                continue
            last_recipient = cell
            recipients = [r.strip("《》“”") for r in re.split(r"[、，,/]", cell) if r.strip()] or [REPORTER]
        for recipient in recipients:
            facts.append(Fact(recipient, "receivedAward", name, evidence, _recipient_label(recipient), "AWARD",
                              date=date, rule="award.table-row"))
        for issuer in nm.issuer_names(cells.get("issuer", "")):
            facts.append(Fact(name, "awardedBy", issuer, evidence, "AWARD", "ORG", date=date, rule="award.table-row"))
    return facts


# --- honours lists: one award a line ------------------------------------------------------------------------

HONOUR_ITEM = re.compile(
    r"^[●•▪■◆◇○√✓\-－·]?\s*(?:(?P<who>[^：:（(“”《》，。]{2,20})[：:])?\s*"
    r"(?P<award>[^：:（()）]{3,50}?)[（(](?P<issuer>[^）)]{2,40})[）)][。；]?$"
)


HONOURS_HEADING = re.compile(r"荣誉|奖项|获奖|表彰|殊荣|认可")
_BULLET_ITEM = re.compile(rf"^[{BULLETS}]\s*(?:(?P<who>[^：:（(“”《》，。]{{2,20}})[：:])?\s*(?P<body>[^。；，]{{3,60}}?)(?:[，。；].*)?$")
_AWARD_VERBS = re.compile(r"荣获|获评|荣膺|入选|获得|获颁|评为|授予|荣登|蝉联|当选|获")


def _bullet_award(body: str) -> tuple[str, list[str]] | None:
    """An honours-list line without brackets: ``X发布的Y`` / ``X2023年度Y`` (issuer leading the award) / ``Y``."""
    given = re.match(r"^(?P<org>[^“”《》，。]{2,40}?)(?:联合|共同)?(?:发布|颁发|授予|评选|评定|认定|主办)的(?P<rest>.{3,})$", body)
    if given:
        return nm.tidy_award(given.group("rest")), nm.issuer_names(given.group("org"))
    lead = re.match(r"^(?P<org>[\u4e00-\u9fff]{3,20}?)(?=(?:19|20)\d{2})(?P<rest>.{4,})$", body)
    if lead and nm.org_suffix(lead.group("org")):
        return nm.tidy_award(lead.group("rest")), [lead.group("org")]
    return nm.tidy_award(body), []


def honour_items(units: list[Unit], recipients: set[str]) -> list[Fact]:
    """``● 江苏公司：全国文明单位（中央精神文明建设指导委员会）``: recipient (the reporting group when no one
    is named), award and issuer of one line of an honours list. Under an honours heading a bulleted line
    without an award verb is an award too (``● 2023中国企业500强``)."""
    facts = []
    in_honours = False
    for unit in units:
        text = unit.text.strip()
        if unit.kind in ("heading", "cell") and len(text) <= 20 and text[:1] not in BULLETS:
            in_honours = bool(HONOURS_HEADING.search(text)) or (in_honours and unit.kind == "cell")
        m = HONOUR_ITEM.match(text)
        if not m:
            bullet = _BULLET_ITEM.match(text) if in_honours else None
            if bullet and not _AWARD_VERBS.search(bullet.group("body")):
                found = _bullet_award(bullet.group("body"))
                if found and nm.looks_like_award(found[0]) and len(found[0]) >= 4:
                    award, issuers = found
                    evidence = Evidence(text, unit.first_line, unit.page)
                    who = (bullet.group("who") or "").strip()
                    facts.append(Fact(who or REPORTER, "receivedAward", award, evidence, "ORG", "AWARD",
                                      rule="award.honours-bullet"))
                    facts += [Fact(award, "awardedBy", i, evidence, "AWARD", "ORG", rule="award.honours-bullet")
                              for i in issuers]
            continue
        award = nm.tidy_award(m.group("award"))
        issuers = nm.issuer_names(m.group("issuer"))
        if not nm.looks_like_award(award) or not issuers or not all(nm.org_suffix(i) or len(i) <= 12 for i in issuers):
            continue
        if re.search(r"(?:社会责任|可持续发展|ESG|环境、社会及管?治理?)报告|^(?:优秀|典型|年度)案例$", award):
            continue  # the report's own title (节选)
        if re.search(r"\d{4}年|万元|亿元|%|同比|节选|摘编|摘要", m.group("issuer")):
            continue  # (2023年) or figures in brackets: no issuer
        who = (m.group("who") or "").strip()
        evidence = Evidence(unit.text, unit.first_line, unit.page)
        recipient = who if who else REPORTER
        facts.append(Fact(recipient, "receivedAward", award, evidence, "ORG", "AWARD", rule="award.honours-item"))
        facts += [Fact(award, "awardedBy", i, evidence, "AWARD", "ORG", rule="award.honours-item") for i in issuers]
    return facts
