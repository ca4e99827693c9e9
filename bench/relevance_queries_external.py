"""An external judged query set: how buyers type, written without reading the engine's code.

The queries come from the herbal trade's own wording (pinyin as people type it, questions as
they are asked on trade forums and chat, buyers' topic words, common English names, pinyin mixed
with characters), not from the engine's dictionary. Each names its expected material by its
canonical name in content/data/materials.json and, where the query asks about one, the
generator's topic (content.demo_text._TOPICS keys, or "product" for priced product articles).
"""

from bench.relevance_queries import ArticleTruth, BenchQuery

EXTERNAL_QUERY_TYPES = ("pinyin-spaced", "question", "buyer-topic", "english", "mixed")
TOPICS = ("cultivation", "processing", "testing", "storage", "standard", "product")

# Buyers' topic words → the generator's topic. Suppliers write 种植/炮制/检测/仓储/药典 in their
# titles and tags; buyers ask with these words instead.
BUYER_TOPIC_OF_WORD = {
    "鉴别": "testing",
    "辨别": "testing",
    "真伪": "testing",
    "真假": "testing",
    "采收": "cultivation",
    "采摘": "cultivation",
    "收获": "cultivation",
    "储存": "storage",
    "贮藏": "storage",
    "仓储": "storage",
    "保存": "storage",
    "行情": "product",
    "多少钱": "product",
    "批发价": "product",
    "加工": "processing",
    "切片": "processing",
    "炮制方法": "processing",
    "质量标准": "standard",
    "药典规定": "standard",
}


def grade_external(query: BenchQuery, article: ArticleTruth) -> int:
    """2: the material matches and, when the query asks about a topic (extra), so does the
    article's generated topic; 1: the material matches only; 0: another material."""
    if article.material != query.material:
        return 0
    if query.extra:
        return 2 if query.extra == article.topic else 1
    return 2


def judged_queries(
    rows: dict[str, list[tuple[str, ...]]], topic_of_word: dict[str, str]
) -> list[BenchQuery]:
    """The rows of each type as queries, in EXTERNAL_QUERY_TYPES order; a buyer-topic row
    (query, material, buyer word) carries the generator topic of its word in ``extra``."""
    queries = []
    for kind in EXTERNAL_QUERY_TYPES:
        kind_rows = rows[kind]
        if kind == "buyer-topic":
            kind_rows = [(q, material, topic_of_word[word]) for q, material, word in kind_rows]
        queries += [BenchQuery(kind, *row) for row in kind_rows]
    return queries


def focus_of(queries: list[BenchQuery]) -> list[str]:
    """The materials ``queries`` ask about, in order; the corpus gives each many articles."""
    return list(dict.fromkeys(query.material for query in queries))


# (query, material): pinyin typed with spaces, capitals, tone marks, ü as v or u.
PINYIN_SPACED = [
    ("Huang Qi", "黄芪"),
    ("huáng qí", "黄芪"),
    ("DANG GUI", "当归"),
    ("dāng guī", "当归"),
    ("gou qi zi", "枸杞子"),
    ("gǒu qǐ zǐ", "枸杞子"),
    ("nv zhen zi", "女贞子"),
    ("nü zhēn zǐ", "女贞子"),
    ("San Qi", "三七"),
    ("REN SHEN", "人参"),
    ("rén shēn", "人参"),
    ("Xi Yang Shen", "西洋参"),
    ("Tian Ma", "天麻"),
    ("tiān má", "天麻"),
    ("Gan Cao", "甘草"),
    ("jin yin hua", "金银花"),
    ("Jīn Yín Huā", "金银花"),
    ("Dang Shen", "党参"),
    ("Bai Zhu", "白术"),
    ("chuān xiōng", "川芎"),
    ("Dan Shen", "丹参"),
    ("FU LING", "茯苓"),
    ("Chen Pi", "陈皮"),
    ("shan yao", "山药"),
    ("Mai Dong", "麦冬"),
    ("Bai Shao", "白芍"),
    ("Wu Wei Zi", "五味子"),
    ("suan zao ren", "酸枣仁"),
    ("Yi Yi Ren", "薏苡仁"),
    ("Huang Lian", "黄连"),
    ("chái hú", "柴胡"),
    ("Ban Lan Gen", "板蓝根"),
    ("huang qin", "黄芩"),
    ("Du Zhong", "杜仲"),
]
# (query, material, topic or "" when it asks about the material as a whole, e.g. its origin).
QUESTION = [
    ("当归怎么辨别真假", "当归", "testing"),
    ("枸杞几月采摘", "枸杞子", "cultivation"),
    ("黄芪哪里产的好", "黄芪", ""),
    ("三七如何储存不生虫", "三七", "storage"),
    ("什么时候种党参", "党参", "cultivation"),
    ("天麻怎么鉴别真假", "天麻", "testing"),
    ("冬虫夏草如何辨别真伪", "冬虫夏草", "testing"),
    ("西洋参怎么保存", "西洋参", "storage"),
    ("人参怎样储存才不发霉", "人参", "storage"),
    ("金银花什么时候采摘最好", "金银花", "cultivation"),
    ("甘草怎么炮制", "甘草", "processing"),
    ("黄芪切片怎么加工", "黄芪", "processing"),
    ("山药怎么种植产量高", "山药", "cultivation"),
    ("白术如何种植", "白术", "cultivation"),
    ("丹参二氧化硫超标怎么办", "丹参", "testing"),
    ("枸杞子农残怎么检测", "枸杞子", "testing"),
    ("陈皮怎么存放", "陈皮", "storage"),
    ("川贝母真假怎么区分", "川贝母", "testing"),
    ("麦冬多少钱一斤", "麦冬", "product"),
    ("三七现在什么价", "三七", "product"),
    ("今年当归价格怎么样", "当归", "product"),
    ("黄连的药典标准是什么", "黄连", "standard"),
    ("五味子含量标准是多少", "五味子", "standard"),
    ("酸枣仁怎么炒", "酸枣仁", "processing"),
    ("菊花什么时候采收", "菊花", "cultivation"),
    ("茯苓怎么防虫", "茯苓", "storage"),
    ("红花怎么分辨好坏", "红花", "testing"),
    ("黄芩哪个产地的好", "黄芩", ""),
    ("鹿茸怎么辨别真假", "鹿茸", "testing"),
    ("枸杞子怎么保存不变黑", "枸杞子", "storage"),
    ("板蓝根的种植技术有哪些", "板蓝根", "cultivation"),
    ("柴胡药典规定含量是多少", "柴胡", "standard"),
    ("附子怎么炮制去毒", "附子", "processing"),
]
# (query, material, topic): the material with a topic word buyers use (BUYER_TOPIC_OF_WORD).
BUYER_TOPIC = [
    ("黄芪 鉴别", "黄芪", "鉴别"),
    ("当归 辨别", "当归", "辨别"),
    ("三七 真伪", "三七", "真伪"),
    ("天麻真假", "天麻", "真假"),
    ("枸杞子 采摘", "枸杞子", "采摘"),
    ("金银花采收", "金银花", "采收"),
    ("山药 收获", "山药", "收获"),
    ("人参 储存", "人参", "储存"),
    ("西洋参 贮藏", "西洋参", "贮藏"),
    ("陈皮 保存", "陈皮", "保存"),
    ("党参 仓储", "党参", "仓储"),
    ("麦冬 行情", "麦冬", "行情"),
    ("三七多少钱", "三七", "多少钱"),
    ("甘草 批发价", "甘草", "批发价"),
    ("菊花行情", "菊花", "行情"),
    ("白芍 加工", "白芍", "加工"),
    ("川芎 切片", "川芎", "切片"),
    ("黄芪 炮制方法", "黄芪", "炮制方法"),
    ("丹参 质量标准", "丹参", "质量标准"),
    ("黄连 药典规定", "黄连", "药典规定"),
    ("白术 采收", "白术", "采收"),
    ("五味子 储存", "五味子", "储存"),
    ("酸枣仁 真伪", "酸枣仁", "真伪"),
    ("杜仲 行情", "杜仲", "行情"),
    ("石斛 鉴别", "石斛", "鉴别"),
    ("附子 炮制方法", "附子", "炮制方法"),
    ("地黄 加工", "地黄", "加工"),
    ("桔梗 收获", "桔梗", "收获"),
    ("连翘 批发价", "连翘", "批发价"),
    ("葛根切片", "葛根", "切片"),
    ("大黄 质量标准", "大黄", "质量标准"),
    ("辨别 冬虫夏草", "冬虫夏草", "辨别"),
]
# (query, material): common English names as buyers abroad and export traders write them.
ENGLISH = [
    ("Astragalus root", "黄芪"),
    ("astragalus", "黄芪"),
    ("goji berry", "枸杞子"),
    ("goji berries", "枸杞子"),
    ("wolfberry", "枸杞子"),
    ("notoginseng", "三七"),
    ("dong quai", "当归"),
    ("Chinese angelica root", "当归"),
    ("ginseng", "人参"),
    ("American ginseng", "西洋参"),
    ("licorice root", "甘草"),
    ("honeysuckle flower", "金银花"),
    ("chrysanthemum", "菊花"),
    ("gastrodia", "天麻"),
    ("red sage root", "丹参"),
    ("poria", "茯苓"),
    ("reishi mushroom", "灵芝"),
    ("cordyceps", "冬虫夏草"),
    ("cinnamon bark", "肉桂"),
    ("jujube", "大枣"),
    ("red dates", "大枣"),
    ("hawthorn berries", "山楂"),
    ("schisandra", "五味子"),
    ("eucommia bark", "杜仲"),
    ("safflower", "红花"),
    ("saffron", "西红花"),
    ("kudzu root", "葛根"),
    ("star anise", "八角茴香"),
    ("Sichuan peppercorns", "花椒"),
    ("dandelion", "蒲公英"),
    ("lotus seeds", "莲子"),
    ("coix seed", "薏苡仁"),
    ("monk fruit", "罗汉果"),
    ("rhubarb root", "大黄"),
    ("codonopsis", "党参"),
    ("Chinese yam", "山药"),
    ("tangerine peel", "陈皮"),
    ("deer antler velvet", "鹿茸"),
    ("turmeric", "姜黄"),
    ("dendrobium", "石斛"),
]
# (query, material, topic or ""): pinyin, or an English word, mixed with characters.
MIXED = [
    ("huangqi 价格", "黄芪", "product"),
    ("当归 slices", "当归", ""),
    ("dang gui 种植", "当归", "cultivation"),
    ("sanqi 多少钱", "三七", "product"),
    ("gouqi 检测", "枸杞子", "testing"),
    ("renshen 储存", "人参", "storage"),
    ("黄芪 huangqi", "黄芪", ""),
    ("tianma 真假", "天麻", "testing"),
    ("jinyinhua 采摘", "金银花", "cultivation"),
    ("Dang Shen 价格", "党参", "product"),
    ("gancao 炮制", "甘草", "processing"),
    ("天麻 price", "天麻", "product"),
    ("xiyangshen 行情", "西洋参", "product"),
    ("chen pi 存放", "陈皮", "storage"),
    ("baizhu 种植", "白术", "cultivation"),
    ("danshen 药典", "丹参", "standard"),
    ("fuling 价格", "茯苓", "product"),
    ("shanyao 种植技术", "山药", "cultivation"),
    ("maidong 批发价", "麦冬", "product"),
    ("chuanxiong 切片", "川芎", "processing"),
    ("juhua 采收", "菊花", "cultivation"),
    ("duzhong 价格", "杜仲", "product"),
    ("huanglian 标准", "黄连", "standard"),
    ("notoginseng 价格", "三七", "product"),
    ("goji 检测报告", "枸杞子", "testing"),
    ("wu wei zi 储存", "五味子", "storage"),
    ("lingzhi 灵芝", "灵芝", ""),
    ("suanzaoren 炒", "酸枣仁", "processing"),
]


def external_queries() -> list[BenchQuery]:
    """Every external query, grouped by type (judged_queries)."""
    rows = {
        "pinyin-spaced": PINYIN_SPACED,
        "question": QUESTION,
        "buyer-topic": BUYER_TOPIC,
        "english": ENGLISH,
        "mixed": MIXED,
    }
    return judged_queries(rows, BUYER_TOPIC_OF_WORD)


def external_focus_materials() -> list[str]:
    """Materials the external queries ask about."""
    return focus_of(external_queries())
