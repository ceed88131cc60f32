"""Example tables for the extraction rules: snippet -> the fact it states, read by the named rule.

Every rule id the extractor uses (``rule="…"`` in extract/*.py) has at least one row here
(``test_every_rule_has_an_example``); every change to a rule adds or changes a row. The snippets are
invented (星河…, 青松…, 远山… are made-up names) and short, so the whole table runs in a few seconds
without building a report.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract.extractor import extract_document
from extract.ingest import document_from_text

GROUP = "星河控股集团股份有限公司"
INTRO = f"{GROUP}（以下简称“星河控股”或“集团”）是一家综合性金融服务集团。\n"
EXTRACT_DIR = Path(__file__).resolve().parents[2] / "extract"

# (rule id, snippet, (subject, predicate, object)); the snippet follows INTRO unless it starts with "!"
EXAMPLES: list[tuple[str, str, tuple[str, str, str]]] = [
    # --- members ------------------------------------------------------------------------------------------
    ("sub.member-list", "集团下设星河人寿保险股份有限公司、星河财产保险股份有限公司等成员公司。",
     ("星河人寿保险股份有限公司", "subsidiaryOf", GROUP)),
    ("sub.is-subsidiary-of", "星河养老保险股份有限公司是集团旗下的全资子公司，专注于养老金管理。",
     ("星河养老保险股份有限公司", "subsidiaryOf", GROUP)),
    ("sub.named-member", "集团旗下星河资产管理有限公司管理资产规模超过5000亿元。",
     ("星河资产管理有限公司", "subsidiaryOf", GROUP)),
    ("sub.described-members", "星河银行股份有限公司（以下简称“星河银行”）经营稳健。星河银行、星河证券均为公司控股子公司。",
     ("星河银行股份有限公司", "subsidiaryOf", GROUP)),
    ("sub.numbered-member-list", "集团主要成员公司如下：\n1. 星河健康保险股份有限公司\n2. 星河再保险股份有限公司\n",
     ("星河健康保险股份有限公司", "subsidiaryOf", GROUP)),
    ("sub.controls-list", "集团控股星河信托有限责任公司、星河期货有限公司。",
     ("星河信托有限责任公司", "subsidiaryOf", GROUP)),
    ("share.controls-list", "集团控股星河信托有限责任公司、星河期货有限公司。",
     (GROUP, "shareholderOf", "星河信托有限责任公司")),
    ("sub.member-table", "子公司\t持股比例\n星河租赁有限公司\t100%\n星河理财有限责任公司\t51%\n",
     ("星河租赁有限公司", "subsidiaryOf", GROUP)),
    ("share.member-table", "子公司\t持股比例\n星河租赁有限公司\t100%\n星河理财有限责任公司\t51%\n",
     (GROUP, "shareholderOf", "星河理财有限责任公司")),
    ("sub.definition-note", "称谓\t全称\n星河科技\t星河数字科技有限公司，公司全资子公司\n",
     ("星河数字科技有限公司", "subsidiaryOf", GROUP)),
    ("sub.defined-with-group-name", "称谓\t全称\n江苏公司\t星河控股江苏有限公司\n",
     ("星河控股江苏有限公司", "subsidiaryOf", GROUP)),
    ("sub.place-and-group-name",
     "!星河电路股份有限公司（以下简称“公司”）2024年可持续发展报告。无锡星河电路持续推进节能改造。\n",
     ("无锡星河电路", "subsidiaryOf", "星河电路股份有限公司")),
    # --- shareholdings ------------------------------------------------------------------------------------
    ("share.founded-or-held-by", "星河控股由远山控股集团有限公司、东海投资有限公司共同出资设立。",
     ("远山控股集团有限公司", "shareholderOf", GROUP)),
    ("share.shareholder-list", "远山控股集团有限公司、东海投资有限公司等为公司主要股东。",
     ("东海投资有限公司", "shareholderOf", GROUP)),
    ("share.holds-percent", "集团持有青松银行股份有限公司8.5%的股份。",
     (GROUP, "shareholderOf", "青松银行股份有限公司")),
    ("share.holds-reporter-shares", "远山控股集团有限公司持有公司35%股份。",
     ("远山控股集团有限公司", "shareholderOf", GROUP)),
    ("share.is-shareholder", "集团是青松银行股份有限公司的第一大股东。",
     (GROUP, "shareholderOf", "青松银行股份有限公司")),
    ("share.stake-taken", "集团参股青松保险股份有限公司，深化保险与银行协同。",
     (GROUP, "shareholderOf", "青松保险股份有限公司")),
    ("share.became-shareholder", "集团参与青松能源有限公司增资扩股，成为其第二大股东。",
     (GROUP, "shareholderOf", "青松能源有限公司")),
    ("share.co-founded-company", "集团与远山资本有限公司共同出资设立星河数智科技有限公司。",
     ("远山资本有限公司", "shareholderOf", "星河数智科技有限公司")),
    ("share.defined-shareholder", "释义\n控股股东 指 远山控股集团有限公司\n星河银行 指 星河银行股份有限公司\n",
     ("远山控股集团有限公司", "shareholderOf", GROUP)),
    # --- partners -----------------------------------------------------------------------------------------
    ("partner.joint-action", "2024年3月，集团与北京师范大学签署战略合作协议。",
     (GROUP, "partnerOf", "北京师范大学")),
    # --- funds --------------------------------------------------------------------------------------------
    ("fund.set-up", "集团与远山资本有限公司共同发起设立星河绿色产业投资基金，规模20亿元。",
     (GROUP, "sponsorOf", "星河绿色产业投资基金")),
    ("fund.co-founded", "集团与远山资本有限公司共同发起设立星河绿色产业投资基金，规模20亿元。",
     ("远山资本有限公司", "sponsorOf", "星河绿色产业投资基金")),
    ("fund.invested", "集团认缴出资5亿元投资青松新能源产业投资基金。",
     (GROUP, "investsIn", "青松新能源产业投资基金")),
    ("fund.invested-after-name", "集团参与青松科创产业投资基金，合计出资约3亿元。",
     (GROUP, "investsIn", "青松科创产业投资基金")),
    ("fund.invested-in-named-fund", "远山资本有限公司发起设立青松医疗产业投资基金。集团已向该基金出资3亿元。",
     (GROUP, "investsIn", "青松医疗产业投资基金")),
    ("fund.set-up-by", "青松城市更新产业投资基金总规模50亿元。该基金由远山资本有限公司发起设立。",
     ("远山资本有限公司", "sponsorOf", "青松城市更新产业投资基金")),
    ("fund.sponsor-named-before", "由星河资产管理有限公司发起设立的星河城市更新债权投资计划规模30亿元。",
     ("星河资产管理有限公司", "sponsorOf", "星河城市更新债权投资计划")),
    ("invest.capital-into-company", "集团向青松能源有限公司增资10亿元。",
     (GROUP, "investsIn", "青松能源有限公司")),
    ("invest.stake-in-company", "集团战略投资青松能源有限公司，布局新能源赛道。",
     (GROUP, "investsIn", "青松能源有限公司")),
    # --- communities --------------------------------------------------------------------------------------
    ("community.operates", "集团旗下星河颐园·杭州西溪社区正式开业运营。",
     (GROUP, "operates", "星河颐园·杭州西溪社区")),
    ("community.activity-at", "集团志愿者走进杭州市西湖区翠苑街道文欣社区开展防诈骗宣传。",
     (GROUP, "serves", "杭州市西湖区翠苑街道文欣社区")),
    ("community.activity-at", "集团持续结对帮扶云南省昭通市彝良县洛旺乡中心村，捐建村卫生室。",
     (GROUP, "serves", "云南省昭通市彝良县洛旺乡中心村")),
    # --- awards -------------------------------------------------------------------------------------------
    ("award.cue", "2024年，星河控股荣获“年度最佳普惠金融奖”。",
     (GROUP, "receivedAward", "年度最佳普惠金融奖")),
    ("award.issuer-in-sentence", "星河控股被中国银行业协会评为“年度社会责任最佳案例”。",
     ("年度社会责任最佳案例", "awardedBy", "中国银行业协会")),
    ("award.issuer-in-sentence", "星河控股获得青松日报社颁发的“年度卓越保险集团”称号。",
     ("年度卓越保险集团", "awardedBy", "青松日报社")),
    ("award.issuer-in-name", "集团与中国保险学会联合举办论坛。星河控股荣获“中国保险学会年度创新奖”。",
     ("中国保险学会年度创新奖", "awardedBy", "中国保险学会")),
    ("award.table-cells", "2024年主要获奖情况\n获奖单位\n奖项\n颁发机构\n星河控股\n年度卓越保险集团\n青松日报社\n",
     (GROUP, "receivedAward", "年度卓越保险集团")),
    ("award.table-row", "获奖单位\t奖项\t颁发机构\n星河控股\t年度卓越保险集团\t青松日报社\n",
     ("年度卓越保险集团", "awardedBy", "青松日报社")),
    ("award.honours-item", "荣誉与奖项\n● 星河控股：全国五一劳动奖状（中华全国总工会）\n",
     ("全国五一劳动奖状", "awardedBy", "中华全国总工会")),
    ("award.honours-bullet", "荣誉与奖项\n● 中国企业联合会发布的2024中国服务业企业500强\n",
     (GROUP, "receivedAward", "2024中国服务业企业500强")),
]


def _facts(snippet: str) -> set[tuple[str, str, str, str]]:
    text = snippet[1:] if snippet.startswith("!") else INTRO + snippet
    ex = extract_document(document_from_text(text + "\n"))
    label = {e.key: e.label for e in ex.entities}
    return {(label[f.subject], f.predicate, label[f.object], f.rule) for f in ex.facts}


@pytest.mark.parametrize("rule, snippet, fact", EXAMPLES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(EXAMPLES)])
def test_rule_reads_its_example(rule: str, snippet: str, fact: tuple[str, str, str]) -> None:
    found = _facts(snippet)
    s, p, o = fact
    wanted = {(s, p, o, rule)} | ({(o, p, s, rule)} if p == "partnerOf" else set())  # partnerOf is symmetric
    assert wanted & found, sorted(found)


def test_every_rule_has_an_example() -> None:
    used = set()
    for path in EXTRACT_DIR.glob("*.py"):
        used |= set(re.findall(r'rule="([a-z]+\.[a-z0-9-]+)"', path.read_text(encoding="utf-8")))
    assert used, "no rule ids found in extract/"
    assert used - {rule for rule, _, _ in EXAMPLES} == set()
