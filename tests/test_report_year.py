"""The year a report covers, from its cover title, its stated period or its file name."""
from __future__ import annotations

from extract.ingest import document_from_text
from extract.report_year import report_year


def _year(text: str, name: str = "report") -> int | None:
    doc = document_from_text(text, name)
    return report_year(doc)


def test_the_title_on_the_cover() -> None:
    assert _year("青禾电力股份有限公司\n2023年度环境、社会及治理（ESG）报告\n目录\n") == 2023
    assert _year("青禾电力股份有限公司\n2022\n社会责任报告\n") == 2022  # the year on a line of its own
    assert _year("QINGHE POWER CO., LTD.\n2021 CORPORATE SOCIAL RESPONSIBILITY REPORT\n") == 2021


def test_the_stated_period_when_the_cover_has_no_year() -> None:
    text = "青禾电力股份有限公司\n可持续发展报告\n关于本报告\n时间范围：2024年1月1日至2024年12月31日。\n"
    assert _year(text) == 2024


def test_the_file_name_last_and_none_when_nothing_says() -> None:
    assert _year("青禾电力股份有限公司\n社会责任报告\n", "qinghe-2020-csr") == 2020
    assert _year("青禾电力股份有限公司\n社会责任报告\n", "qinghe-csr") is None


def test_a_year_in_the_body_is_not_the_report_year() -> None:
    body = "青禾电力股份有限公司\n社会责任报告\n" + "本公司持续投入。\n" * 50 + "2019年设立基金。\n"
    assert _year(body, "qinghe") is None
