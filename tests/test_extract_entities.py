"""Entity extraction per class, on snippets about invented companies (not the sample report)."""
from __future__ import annotations

from pathlib import Path

from extract.amounts import find_amounts, find_dates
from extract_helpers import entity, extract_text, labels

PROFILE = (
    "晨光保险集团股份有限公司（以下简称“晨光保险”或“集团”，英文名称 Dawnlight Insurance Group）成立于2001年。"
    "集团旗下拥有晨光人寿保险股份有限公司（以下简称“晨光人寿”）、晨光财产保险股份有限公司（以下简称“晨光财险”）"
    "和晨光资产管理有限公司等子公司。\n"
)


def test_reporter_aliases_merge_into_one_node(tmp_path: Path) -> None:
    ex = extract_text(tmp_path, PROFILE + "晨光保险与远山银行股份有限公司签署战略合作协议。\n")
    group = entity(ex, "晨光保险集团股份有限公司")
    assert {"晨光保险", "Dawnlight Insurance Group"} <= group.aliases
    assert "集团" not in group.aliases  # a generic word is never a label
    assert ex.report.reporter == group.key


def test_member_companies_are_subsidiaries(tmp_path: Path) -> None:
    ex = extract_text(tmp_path, PROFILE)
    assert labels(ex, "Subsidiary") == {"晨光人寿保险股份有限公司", "晨光财产保险股份有限公司", "晨光资产管理有限公司"}
    assert "晨光人寿" in entity(ex, "晨光人寿保险股份有限公司").aliases


def test_funds_quoted_and_bare_with_sizes(tmp_path: Path) -> None:
    ex = extract_text(tmp_path, PROFILE + "2024年，晨光资产发行“晨光-长江绿色基础设施债权投资计划”，规模30亿元；"
                      "晨光人寿与远山资本共同发起设立远山晨光康养产业股权投资基金，总规模五十亿元。\n")
    funds = labels(ex, "Fund")
    assert funds == {"晨光-长江绿色基础设施债权投资计划", "远山晨光康养产业股权投资基金"}
    assert entity(ex, "远山晨光康养产业股权投资基金").size.value == 5e9
    assert entity(ex, "晨光-长江绿色基础设施债权投资计划").size.value == 3e9


def test_generic_fund_words_are_not_funds(tmp_path: Path) -> None:
    ex = extract_text(tmp_path, PROFILE + "集团设立员工关爱专项基金，并投资多支科技创新类基金，累计捐赠公益基金200万元。\n")
    assert labels(ex, "Fund") == set()


def test_communities_brand_and_served_with_city(tmp_path: Path) -> None:
    ex = extract_text(tmp_path, PROFILE + "晨光家园·苏州湖畔颐养社区于2024年5月正式开业。"
                      "2024年9月，晨光人寿青年志愿者走进南京市鼓楼区宁海路街道敬老院，为长者开展健康讲座。\n")
    operated = entity(ex, "晨光家园·苏州湖畔颐养社区")
    served = entity(ex, "南京市鼓楼区宁海路街道敬老院")
    assert (operated.community_kind, operated.city, operated.opening_date) == ("operated", "苏州", "2024-05")
    assert (served.community_kind, served.city) == ("served", "南京")


def test_phrases_ending_in_community_words_are_not_communities(tmp_path: Path) -> None:
    ex = extract_text(tmp_path, PROFILE + "集团持续提升社区服务品质，精心布置社区环境，拓展新社区预约参观服务。\n")
    assert labels(ex, "Community") == set()


def test_awards_with_quotes_year_and_suffix(tmp_path: Path) -> None:
    ex = extract_text(tmp_path, PROFILE + "晨光人寿荣获“2024年度卓越服务保险公司”称号；晨光财险获评第八届“金盾奖”“年度风控创新奖”。\n")
    assert labels(ex, "Award") == {"2024年度卓越服务保险公司", "第八届“金盾奖”“年度风控创新奖”"}


def test_amounts_normalised_with_qualifiers() -> None:
    got = [(a.value, a.qualifier) for _, _, a in find_amounts("超过160亿元，约7.8亿元，75.3万元，五十亿元，9亿余元")]
    assert got == [(16e9, "over"), (7.8e8, "about"), (753000.0, None), (5e9, None), (9e8, "over")]


def test_dates_to_iso() -> None:
    assert [d for _, _, d in find_dates("2024年8月1日、2023年10月和2022年")] == ["2024-08-01", "2023-10", "2022"]
