"""The relevance benchmark's typed query set and the rule that grades an article for a query."""

from dataclasses import dataclass
from typing import NamedTuple

QUERY_TYPES = (
    "canonical",
    "alias",
    "traditional",
    "pinyin",
    "latin",
    "origin+material",
    "material+topic",
    "distractor",
)
# Topic words of the queries → the generator's topic: a technology article's topic
# (content.demo_text._TOPICS keys) or "product" for product articles (every one carries a quote).
TOPIC_OF_WORD = {
    "种植": "cultivation",
    "栽培": "cultivation",
    "炮制": "processing",
    "检测": "testing",
    "仓储": "storage",
    "养护": "storage",
    "药典": "standard",
    "标准": "standard",
    "价格": "product",
    "报价": "product",
    "现货": "product",
}


class BenchQuery(NamedTuple):
    type: str
    query: str
    material: str  # canonical name of the material the query asks for
    extra: str = ""  # place (origin+material), topic word (material+topic), look-alike (distractor)


@dataclass(frozen=True)
class ArticleTruth:
    """What the generator was asked to write: recorded at generation, never read from results."""

    page_id: int
    material: str
    kind: str  # "product" or "technology"
    topic: str  # "product", or the technology topic: cultivation, processing, testing, ...
    origin: str  # e.g. 甘肃岷县 (one of the material's origins in materials.json)
    title: str


def grade(query: BenchQuery, article: ArticleTruth) -> int:
    """2: the material matches and, for origin/topic queries, so does the place/topic;
    1: the material matches only (origin/topic queries); 0: another material (look-alikes too)."""
    if article.material != query.material:
        return 0
    if query.type == "origin+material":
        return 2 if query.extra in article.origin else 1
    if query.type == "material+topic":
        return 2 if TOPIC_OF_WORD[query.extra] == article.topic else 1
    return 2


def _typed(kind: str, rows: list[tuple[str, ...]]) -> list[BenchQuery]:
    return [BenchQuery(kind, *row) for row in rows]


CANONICAL = [
    (name, name)
    for name in (
        "黄芪",
        "当归",
        "人参",
        "三七",
        "枸杞子",
        "金银花",
        "天麻",
        "甘草",
        "丹参",
        "茯苓",
        "陈皮",
        "西洋参",
        "麦冬",
        "山药",
    )
]
# Aliases as listed in content/data/materials.json (the bench checks each belongs to its material).
ALIAS = [
    ("北芪", "黄芪"),
    ("黄耆", "黄芪"),
    ("田七", "三七"),
    ("花旗参", "西洋参"),
    ("云苓", "茯苓"),
    ("双花", "金银花"),
    ("怀山药", "山药"),
    ("枸杞", "枸杞子"),
    ("秦归", "当归"),
    ("国老", "甘草"),
    ("新会皮", "陈皮"),
    ("明天麻", "天麻"),
    ("紫丹参", "丹参"),
    ("棒槌", "人参"),
    ("川贝", "川贝母"),
    ("麦门冬", "麦冬"),
]
TRADITIONAL = [
    ("黃芪", "黄芪"),
    ("當歸", "当归"),
    ("人參", "人参"),
    ("黨參", "党参"),
    ("黃芩", "黄芩"),
    ("丹參", "丹参"),
    ("西洋參", "西洋参"),
    ("山藥", "山药"),
    ("陳皮", "陈皮"),
    ("金銀花", "金银花"),
    ("蒼朮", "苍术"),
    ("白朮", "白术"),
    ("川貝母", "川贝母"),
    ("麥冬", "麦冬"),
]
PINYIN = [
    ("huangqi", "黄芪"),
    ("danggui", "当归"),
    ("sanqi", "三七"),
    ("renshen", "人参"),
    ("dangshen", "党参"),
    ("gouqizi", "枸杞子"),
    ("jinyinhua", "金银花"),
    ("tianma", "天麻"),
    ("gancao", "甘草"),
    ("chenpi", "陈皮"),
    ("xiyangshen", "西洋参"),
    ("baizhu", "白术"),
    ("chuanbeimu", "川贝母"),
    ("huangqin", "黄芩"),
]
LATIN = [
    ("Astragali Radix", "黄芪"),
    ("Angelicae Sinensis Radix", "当归"),
    ("Notoginseng Radix et Rhizoma", "三七"),
    ("Ginseng Radix et Rhizoma", "人参"),
    ("Lycii Fructus", "枸杞子"),
    ("Codonopsis Radix", "党参"),
    ("Gastrodiae Rhizoma", "天麻"),
    ("Poria", "茯苓"),
    ("Scutellariae Radix", "黄芩"),
    ("Atractylodis Macrocephalae Rhizoma", "白术"),
    ("Atractylodis Rhizoma", "苍术"),
    ("Fritillariae Cirrhosae Bulbus", "川贝母"),
    ("Citri Reticulatae Pericarpium", "陈皮"),
]
# (query, material, place): the place is part of one of the material's origins in materials.json.
ORIGIN = [
    ("岷县 当归", "当归", "岷县"),
    ("渭源 当归", "当归", "渭源"),
    ("岷县当归", "当归", "岷县"),
    ("文山 三七", "三七", "文山"),
    ("文山三七", "三七", "文山"),
    ("中宁 枸杞子", "枸杞子", "中宁"),
    ("柴达木 枸杞子", "枸杞子", "柴达木"),
    ("抚松 人参", "人参", "抚松"),
    ("平邑 金银花", "金银花", "平邑"),
    ("大方 天麻", "天麻", "大方"),
    ("昭通 天麻", "天麻", "昭通"),
    ("新会 陈皮", "陈皮", "新会"),
    ("渭源 党参", "党参", "渭源"),
    ("甘肃 党参", "党参", "甘肃"),
    ("磐安 白术", "白术", "磐安"),
    ("亳州 白芍", "白芍", "亳州"),
    ("温县 山药", "山药", "温县"),
    ("岷县 黄芪", "黄芪", "岷县"),
    ("内蒙古 黄芪", "黄芪", "内蒙古"),
    ("承德 黄芩", "黄芩", "承德"),
]
# (query, material, topic word); every material here has that topic in the generator
# (茯苓 is a fungus: no cultivation articles, so it is asked about prices).
TOPIC = [
    ("黄芪 种植", "黄芪", "种植"),
    ("当归 炮制", "当归", "炮制"),
    ("三七 价格", "三七", "价格"),
    ("枸杞子 检测", "枸杞子", "检测"),
    ("人参 仓储", "人参", "仓储"),
    ("天麻 种植", "天麻", "种植"),
    ("甘草 炮制", "甘草", "炮制"),
    ("金银花 价格", "金银花", "价格"),
    ("丹参 检测", "丹参", "检测"),
    ("白术 炮制", "白术", "炮制"),
    ("陈皮 仓储", "陈皮", "仓储"),
    ("茯苓 价格", "茯苓", "价格"),
    ("党参 药典", "党参", "药典"),
    ("西洋参 报价", "西洋参", "报价"),
    ("山药 种植", "山药", "种植"),
    ("黄芩 标准", "黄芩", "标准"),
]
# (query, material, look-alike whose articles are graded 0 and must stay out of the top 10).
DISTRACTOR = [
    ("黄芩", "黄芩", "黄芪"),
    ("黄芪", "黄芪", "黄芩"),
    ("党参", "党参", "人参"),
    ("人参", "人参", "党参"),
    ("苍术", "苍术", "白术"),
    ("白术", "白术", "苍术"),
    ("川贝母", "川贝母", "川芎"),
    ("川芎", "川芎", "川贝母"),
    ("赤芍", "赤芍", "白芍"),
    ("白芍", "白芍", "赤芍"),
    ("红芪", "红芪", "黄芪"),
    ("浙贝母", "浙贝母", "川贝母"),
    ("南沙参", "南沙参", "北沙参"),
    ("太子参", "太子参", "人参"),
]


def bench_queries() -> list[BenchQuery]:
    """Every query of the set, grouped by type in QUERY_TYPES order."""
    return [
        *_typed("canonical", CANONICAL),
        *_typed("alias", ALIAS),
        *_typed("traditional", TRADITIONAL),
        *_typed("pinyin", PINYIN),
        *_typed("latin", LATIN),
        *_typed("origin+material", ORIGIN),
        *_typed("material+topic", TOPIC),
        *_typed("distractor", DISTRACTOR),
    ]


def focus_materials() -> list[str]:
    """Materials the queries ask about or warn against; the corpus gives each many articles."""
    names = []
    for query in bench_queries():
        names.append(query.material)
        if query.type == "distractor":
            names.append(query.extra)
    return list(dict.fromkeys(names))
