"""Ingest: decoding, undoing PDF line breaks and stray spaces, and the map back to input lines."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract.ingest import clean_line, read_document, segment_lines
from extract.errors import InputError


def _units(text: str) -> list[str]:
    return [u.text for u in segment_lines(text.splitlines())]


def test_stray_spaces_removed_between_chinese_and_digits() -> None:
    assert clean_line(" 2024 年 3 月，某某 保险 发行 50 亿元 ") == "2024年3月，某某保险发行50亿元"


def test_spaces_kept_inside_latin_names() -> None:
    assert clean_line("英文名称 Sunrise Life Insurance Co., Ltd.") == "英文名称Sunrise Life Insurance Co., Ltd."
    assert clean_line("保险业 IT 基础能力") == "保险业IT基础能力"


def test_broken_sentence_is_joined_and_blank_lines_dropped() -> None:
    text = "晨光保险集团在2024年与远山银行签署战略合作协议，双方将\n\n在养老金融领域开展合作。\n\n"
    assert _units(text) == ["晨光保险集团在2024年与远山银行签署战略合作协议，双方将在养老金融领域开展合作。"]


def test_headings_and_table_cells_stay_units() -> None:
    text = "三、荣誉与认可\n\n年度卓越保险公司\n\n晨光人寿\n\n新潮财经\n\n2024年，晨光人寿荣获“年度服务之星”称号，该奖项由\n\n新潮财经颁发。\n"
    units = _units(text)
    assert units[:4] == ["三、荣誉与认可", "年度卓越保险公司", "晨光人寿", "新潮财经"]
    assert units[4].endswith("由新潮财经颁发。")


def test_open_quote_forces_join() -> None:
    units = _units("晨光资产荣获“2024年度最佳保险资\n\n管机构”奖项。\n")
    assert units == ["晨光资产荣获“2024年度最佳保险资管机构”奖项。"]


def test_every_character_maps_to_its_input_line() -> None:
    units = segment_lines(["第一行写到这里，接着", "", "第二行继续写完。", "", "新段落。"])
    first = units[0]
    assert first.text == "第一行写到这里，接着第二行继续写完。"
    assert first.line_at(0) == 1 and first.line_at(len("第一行写到这里，接着")) == 3
    assert units[1].first_line == 5


def test_page_numbers_are_dropped() -> None:
    assert _units("晨光健康持续推进服务升级，\n\n12\n\n全年服务客户超百万人次。\n") == ["晨光健康持续推进服务升级，全年服务客户超百万人次。"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_reads_utf8_and_gb18030(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes("晨光保险集团（以下简称“晨光”）发布社会责任报告。\n".encode(encoding))
    doc = read_document(path)
    assert doc.units[0].text.startswith("晨光保险集团")
    assert doc.doc_id == "r"


def test_undecodable_input_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\xff\xfe\x00\x00binary\x00junk")
    with pytest.raises(InputError, match=r"\[E00[67]\]"):
        read_document(path)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\[E001\]"):
        read_document(tmp_path / "nope.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E009\]"):
        read_document(empty)
