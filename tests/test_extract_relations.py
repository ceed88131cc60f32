"""Relation extraction per cue, on snippets about invented companies (not the sample report)."""
from __future__ import annotations

from pathlib import Path

from extract_helpers import extract_text, triples

GROUP = "晨光保险集团股份有限公司"
PROFILE = (
    f"{GROUP}（以下简称“晨光保险”或“集团”）成立于2001年，由远山能源集团有限公司、东海投资有限公司共同出资设立。"
    "集团下设晨光人寿、晨光财险、晨光养老等成员公司。\n"
)


def test_member_list_gives_subsidiary_of(tmp_path: Path) -> None:
    ex = extract_text(tmp_path, PROFILE)
    assert triples(ex, "subsidiaryOf") == {(m, GROUP) for m in ("晨光人寿", "晨光财险", "晨光养老")}


def test_founders_are_shareholders(tmp_path: Path) -> None:
    ex = extract_text(tmp_path, PROFILE)
    assert triples(ex, "shareholderOf") == {("远山能源集团有限公司", GROUP), ("东海投资有限公司", GROUP)}


def test_holding_shares_and_shareholder_lists(tmp_path: Path) -> None:
    ex = extract_text(tmp_path, PROFILE + "集团持有北辰银行股份有限公司约8.5%的股份；南岭控股有限公司、西湖资本有限公司等为公司主要股东。\n")
    got = triples(ex, "shareholderOf")
    assert (GROUP, "北辰银行股份有限公司") in got
    assert {("南岭控股有限公司", GROUP), ("西湖资本有限公司", GROUP)} <= got


def test_partner_cues_and_clause_subjects(tmp_path: Path) -> None:
    text = PROFILE + (
        "2024年3月，晨光人寿与北辰银行股份有限公司签署战略合作协议。"
        "晨光财险携手青禾科技有限公司推出农险服务平台；集团联合中国慈爱基金会发起“银发守护”公益项目。\n"
    )
    got = triples(ex := extract_text(tmp_path, text), "partnerOf")
    pairs = {frozenset(p) for p in got}
    assert frozenset({"晨光人寿", "北辰银行股份有限公司"}) in pairs
    assert frozenset({"晨光财险", "青禾科技有限公司"}) in pairs
    assert frozenset({GROUP, "中国慈爱基金会"}) in pairs
    assert all(GROUP not in p or "北辰银行股份有限公司" not in p for p in pairs)  # the actor is the member
    assert ex.facts


def test_sponsor_and_investor_of_a_fund_with_amounts(tmp_path: Path) -> None:
    text = PROFILE + "2024年，晨光人寿与远山资本共同发起设立青禾康养股权投资基金，总规模40亿元，晨光人寿认缴出资15亿元。\n"
    ex = extract_text(tmp_path, text)
    assert triples(ex, "sponsorOf") == {("晨光人寿", "青禾康养股权投资基金"), ("远山资本", "青禾康养股权投资基金")}
    invest = [f for f in ex.facts if f.predicate == "investsIn"]
    assert [(f.amount.value if f.amount else None) for f in invest] == [1.5e9]


def test_operates_and_serves(tmp_path: Path) -> None:
    text = PROFILE + ("晨光养老运营的晨光家园·杭州西溪颐养社区于2023年开业。"
                      "2024年10月，我们走进成都市武侯区玉林街道敬老院开展重阳关爱活动。\n")
    ex = extract_text(tmp_path, text)
    assert triples(ex, "operates") == {("晨光养老", "晨光家园·杭州西溪颐养社区")}
    assert triples(ex, "serves") == {(GROUP, "成都市武侯区玉林街道敬老院")}


def test_awards_recipients_and_issuers(tmp_path: Path) -> None:
    text = PROFILE + ("2024年11月，在《金融周报》主办的“2024保险业高质量发展论坛”上，晨光人寿荣获“年度服务创新奖”；"
                      "晨光财险被新潮财经评为“2024年度最佳农险公司”。“晨光安康终身护理保险”入选“2024十佳养老保险产品”。\n")
    ex = extract_text(tmp_path, text)
    assert triples(ex, "receivedAward") == {
        ("晨光人寿", "年度服务创新奖"), ("晨光财险", "2024年度最佳农险公司"), (GROUP, "2024十佳养老保险产品"),
    }
    assert ("2024年度最佳农险公司", "新潮财经") in triples(ex, "awardedBy")
    assert ("年度服务创新奖", "金融周报") in triples(ex, "awardedBy")


def test_flattened_award_table(tmp_path: Path) -> None:
    table = "\n".join(["附表：部分荣誉", "奖项名称", "获奖单位", "颁奖机构",
                       "年度卓越寿险公司", "晨光人寿", "新潮财经",
                       "晨光财险", "金融周报", "2024农险服务标杆",
                       "七、未来展望"]) + "\n"
    ex = extract_text(tmp_path, PROFILE + table)
    got = triples(ex, "receivedAward")
    assert {("晨光人寿", "年度卓越寿险公司"), ("晨光财险", "2024农险服务标杆")} <= got
    assert {("年度卓越寿险公司", "新潮财经"), ("2024农险服务标杆", "金融周报")} <= triples(ex, "awardedBy")


def test_no_self_partnership_and_no_pronoun_nodes(tmp_path: Path) -> None:
    ex = extract_text(tmp_path, PROFILE + "我们与集团各成员公司共同推进绿色运营。公司与我们携手前行。\n")
    assert triples(ex, "partnerOf") == set()
    assert not any(e.label in ("我们", "集团", "公司") for e in ex.entities)


def test_single_member_named_as_subsidiary(tmp_path: Path) -> None:
    text = PROFILE + "晨光健康科技有限公司是集团旗下的全资子公司；集团旗下晨光资本管理有限公司发起设立北岸科创股权投资基金。\n"
    got = triples(extract_text(tmp_path, text), "subsidiaryOf")
    assert {("晨光健康科技有限公司", GROUP), ("晨光资本管理有限公司", GROUP)} <= got
