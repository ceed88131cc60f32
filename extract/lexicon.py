"""Generic lexicons: organisation suffixes, place names, cue words. Nothing here names a particular report's
entities; everything is a word class that any Chinese CSR report uses."""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

# The lexicon files ship as package data. pip installs a wheel unpacked, so the package's resource root is a
# directory on disk: a Path, which the readers and jieba's dictionary loader need.
LEXICON_DIR = Path(str(files("extract"))) / "lexicons"

# Suffixes of business enterprises (csr:Company), longest first where they overlap.
COMPANY_SUFFIXES = (
    "（集团）股份有限公司", "(集团)股份有限公司", "（集团）有限责任公司", "（集团）有限公司", "(集团)有限公司",
    "集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司",
    "控股集团", "集团公司", "保险集团", "集团", "公司", "银行", "控股", "资本", "证券", "信托", "人寿", "财险",
    "寿险", "产险", "农险", "健康险", "养老险", "资管", "投资", "创投", "科技", "光电", "能源", "电力", "汽车", "实业", "置业",
    "地产", "医药", "金控", "租赁", "期货", "基金管理", "保险", "保险社", "相互保险社",
)
# Suffixes of other organisations: media, associations, schools, public bodies (csr:Organization only).
OTHER_ORG_SUFFIXES = (
    "基金会", "慈善总会", "总会", "协会", "学会", "商会", "联合会", "促进会", "研究院", "研究所", "研究中心",
    "学系", "学院", "大学", "中学", "小学", "附小", "医院", "委员会", "组委会", "卫视", "电视台", "广播电视台",
    "日报", "晚报", "时报", "周刊", "杂志", "新闻网", "财经网", "网", "财经", "新闻", "报道", "报", "交易所", "实验室",
    "公会", "同业公会", "研究会", "民政厅", "民政局", "科学院", "医学院", "农业科学院", "老年学会",
    "红十字会", "团委", "妇联", "政府", "人民银行",
    "合作社", "专业合作社", "报社", "日报社", "杂志社", "出版社", "通讯社", "总工会", "工会", "省委", "市委", "县委", "党委", "团中央", "团省委", "国资委", "商务厅", "财政厅", "科技厅",
    "工信厅", "人社厅", "发改委", "经信委", "生态环境部", "工业和信息化部", "农业农村部", "民政部", "商务部",
)
# Words that end a name when scanning left from a suffix (relation cues, function words, descriptors).
LEFT_BOUNDARIES = (
    "以及", "还有", "另有", "也有", "携手", "联合", "联手", "共同", "包括", "下设", "旗下", "设有", "拥有", "控股", "参股", "合作方为",
    "分别为", "作为", "通过", "成为", "获得", "荣获", "获评", "荣膺", "入选", "授予", "走进", "深入", "发起", "参与",
    "入股", "增资", "担任", "推动", "推进", "服务", "支持了", "同年", "当年", "今年", "年内",
    "设立", "认缴", "出资", "投资", "收购", "持有", "签署", "举办", "主办", "承办", "协办", "指导", "支持",
    "巨头", "龙头", "领军", "企业", "机构", "伙伴", "平台", "媒体", "单位", "股东", "其中", "以下简称", "简称", "本报告以", "报告以", "报告期内",
    "与", "和", "同", "及", "由", "向", "被", "在", "为", "对", "是", "即", "并", "将", "已", "于", "等", "其",
    "该", "的", "了", "从", "至", "以", "把", "给", "跟", "暨", "或", "之", "中", "首", "家", "所", "个", "各",
)
NAME_CHARS = r"\u4e00-\u9fffA-Za-z0-9（）()·&\-"

FUND_SUFFIXES = (
    "私募股权投资基金", "股权投资基金", "产业投资基金", "创业投资基金", "投资基金", "产业基金", "基金",
    "资产支持计划", "债权投资计划", "股权投资计划", "资产支持专项计划", "信托计划", "资管计划", "资产管理计划",
    "资产支持证券", "资产支持票据", "证券投资基金", "基金合伙企业（有限合伙）", "投资合伙企业（有限合伙）",
    "基金（有限合伙）",
)
# Funds that are not named investment vehicles (generic words).
GENERIC_FUNDS = (
    "养老基金", "社保基金", "基金", "投资基金", "产业基金", "公益基金", "慈善基金", "专项基金", "保障基金",
    "科技创新类基金", "科创基金", "私募基金", "公募基金", "子基金", "母基金", "年金基金", "救助基金",
)
COMMUNITY_SUFFIXES = (
    "疗养社区", "养老社区", "康养社区", "医养社区", "颐养社区", "社区综合体",
    "照护中心", "护理中心", "康复中心", "康养中心", "颐养中心", "养老服务中心",
    "为老服务中心", "综合养老服务中心", "日间照料中心", "老年服务中心", "养老中心", "护理院", "养老院",
    "敬老院", "福利院", "颐康之家", "长者之家", "居委会", "社区", "之家", "颐养院", "康养院",
    "老年公寓", "养老公寓", "长者公寓", "颐养公寓", "医养中心", "医养结合中心", "养老服务驿站", "养老驿站",
    "幸福院", "光荣院", "康养基地", "养老基地", "疗养院", "颐康中心", "长者服务中心", "养老服务综合体",
)
GENERIC_COMMUNITIES = (
    "社区", "养老社区", "医养社区", "疗养社区", "康养社区", "照护中心", "养老院", "敬老院", "居委会", "之家", "养老服务中心", "街道社区",
    "老旧社区", "周边社区", "当地社区", "农村社区", "城市社区", "所在社区", "各社区", "基层社区",
)
AWARD_WORDS = ("奖", "榜", "称号", "表扬", "案例", "典范", "示范", "标杆", "TOP", "Top", "推介", "品牌", "先进",
               "优秀", "最佳", "十佳", "百强", "金牌", "杰出", "卓越", "年度", "报告",
               # honours and qualifications that public bodies confer (SOE honours lists, manufacturers)
               "A级", "AAA", "5A", "500强", "绿色工厂", "绿色矿山", "绿色供应链", "小巨人", "单项冠军", "文明单位",
               "先锋号", "文明号", "奖状", "红旗", "模范", "标兵", "先进集体", "技术中心", "示范企业", "优胜单位")
STRONG_AWARD_WORDS = ("奖", "榜", "TOP", "Top", "称号", "表扬", "案例库", "示范点", "示范基地", "奖状", "文明单位",
                      "先锋号", "文明号", "先进集体", "先进基层党组织", "500强", "小巨人", "绿色工厂")
AWARD_SECTION_WORDS = ("奖项", "荣誉", "获奖", "认可", "Awards", "awards")


@lru_cache(maxsize=None)
def places() -> tuple[str, ...]:
    """Province and city names, longest first."""
    text = (LEXICON_DIR / "places.txt").read_text(encoding="utf-8")
    names = {ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")}
    return tuple(sorted(names, key=lambda s: (-len(s), s)))


@lru_cache(maxsize=None)
def districts() -> dict[str, str]:
    """Well-known districts and areas -> their city."""
    text = (LEXICON_DIR / "districts.tsv").read_text(encoding="utf-8")
    rows = (ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    return {r[0].strip(): r[1].strip() for r in rows if len(r) == 2}


def city_in(text: str) -> str | None:
    """The first city (or district's city) named in ``text``; provinces do not count as cities."""
    best: tuple[int, str] | None = None
    for name in places():
        i = text.find(name)
        if i >= 0 and name not in PROVINCES and (best is None or i < best[0]):
            best = (i, name)
    for name, city in districts().items():
        i = text.find(name)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, city)
    return best[1] if best else None


PROVINCES = frozenset({
    "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南",
    "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆",
})


@lru_cache(maxsize=None)
def load_jieba_words() -> bool:
    """Add the domain words of ``lexicons/jieba_words.txt`` to jieba's dictionary (once per process)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    for line in (LEXICON_DIR / "jieba_words.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            jieba.add_word(line.strip())
    return True
