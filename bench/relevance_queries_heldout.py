"""A held-out judged query set: written blind, after the engine's relevance work, as a check.

Its author read neither the engine's code nor its synonym data, and saw no search results while
writing it. The queries follow the trade's own wording, like the external set
(bench/relevance_queries_external.py), but none repeats one of its query strings and most ask
about materials it does not name: pinyin typed with spaces, capitals and tone marks (ü as v),
questions as asked on trade forums and WeChat groups, buyers' topic words, English trade names,
and pinyin or English mixed with characters. Each names its expected material by its canonical
name in content/data/materials.json and, where the query asks about one, the generator's topic
(content.demo_text._TOPICS keys, or "product" for priced product articles).
"""

from bench.relevance_queries import BenchQuery
from bench.relevance_queries_external import (
    EXTERNAL_QUERY_TYPES,
    focus_of,
    grade_external,
    judged_queries,
)

HELDOUT_QUERY_TYPES = EXTERNAL_QUERY_TYPES  # the same five classes, reported side by side

# Buyers' topic words → the generator's topic; mostly other words than the external set's.
BUYER_TOPIC_OF_WORD = {
    "掺假": "testing",
    "伪品": "testing",
    "硫熏": "testing",
    "农残": "testing",
    "挑选": "testing",
    "采挖": "cultivation",
    "几月收": "cultivation",
    "种苗": "cultivation",
    "育苗": "cultivation",
    "亩产": "cultivation",
    "存放": "storage",
    "防潮": "storage",
    "防虫": "storage",
    "切制": "processing",
    "蜜炙": "processing",
    "炒制": "processing",
    "酒制": "processing",
    "姜制": "processing",
    "盐炙": "processing",
    "药典": "standard",
    "国标": "standard",
    "含量要求": "standard",
    "药典标准": "standard",
    "报价": "product",
    "批发": "product",
    "现货": "product",
    "价格走势": "product",
    "多少钱一公斤": "product",
}


# The external set's rule: 2 when the material matches and, when the query asks about a topic
# (extra), so does the article's topic; 1: the material only; 0: another material.
grade_heldout = grade_external


# (query, material): pinyin typed with spaces, capitals, tone marks, ü as v.
PINYIN_SPACED = [
    ("Ba Ji Tian", "巴戟天"),
    ("bā jǐ tiān", "巴戟天"),
    ("Rou Cong Rong", "肉苁蓉"),
    ("ròu cōng róng", "肉苁蓉"),
    ("Shan Zhu Yu", "山茱萸"),
    ("shān zhū yú", "山茱萸"),
    ("NIU XI", "牛膝"),
    ("Yan Hu Suo", "延胡索"),
    ("yán hú suǒ", "延胡索"),
    ("Huang Jing", "黄精"),
    ("huáng jīng", "黄精"),
    ("Zhi Mu", "知母"),
    ("Bai Zhi", "白芷"),
    ("bái zhǐ", "白芷"),
    ("Tu Si Zi", "菟丝子"),
    ("tù sī zǐ", "菟丝子"),
    ("Yu Zhu", "玉竹"),
    ("CANG ZHU", "苍术"),
    ("Fang Feng", "防风"),
    ("fáng fēng", "防风"),
    ("Tai Zi Shen", "太子参"),
    ("nǚ zhēn zǐ", "女贞子"),
    ("Nü Zhen Zi", "女贞子"),
    ("Xu Duan", "续断"),
    ("yuǎn zhì", "远志"),
    ("Yu Xing Cao", "鱼腥草"),
    ("Jue Ming Zi", "决明子"),
    ("jué míng zǐ", "决明子"),
    ("Qin Jiao", "秦艽"),
    ("HOU PO", "厚朴"),
    ("Shi Chang Pu", "石菖蒲"),
    ("ē jiāo", "阿胶"),
    ("Dong Chong Xia Cao", "冬虫夏草"),
]
# (query, material, topic or "" when it asks about the material as a whole, e.g. its origin).
QUESTION = [
    ("山茱萸怎么看有没有掺假", "山茱萸", "testing"),
    ("肉苁蓉几月份采挖", "肉苁蓉", "cultivation"),
    ("延胡索哪里的好", "延胡索", ""),
    ("白芷硫熏怎么看", "白芷", "testing"),
    ("黄精九蒸九晒怎么做", "黄精", "processing"),
    ("金银花有没有农残", "金银花", "testing"),
    ("巴戟天怎么去心", "巴戟天", "processing"),
    ("菟丝子怎么挑", "菟丝子", "testing"),
    ("阿胶怎么辨别真假", "阿胶", "testing"),
    ("山药片放久了生虫怎么办", "山药", "storage"),
    ("当归几月份挖", "当归", "cultivation"),
    ("党参熏硫怎么看出来", "党参", "testing"),
    ("川贝母现在多少钱一公斤", "川贝母", "product"),
    ("西红花怎么看真假", "西红花", "testing"),
    ("防风哪里产的好", "防风", ""),
    ("牛膝几月份收", "牛膝", "cultivation"),
    ("酸枣仁存放多久会变质", "酸枣仁", "storage"),
    ("黄柏药典含量要求多少", "黄柏", "standard"),
    ("知母怎么切片", "知母", "processing"),
    ("厚朴什么时候剥皮", "厚朴", "cultivation"),
    ("蜂蜜怎么保存不发酵", "蜂蜜", "storage"),
    ("龟甲胶怎么看好坏", "龟甲胶", "testing"),
    ("玫瑰花今年什么行情", "玫瑰花", "product"),
    ("栀子怎么炒焦", "栀子", "processing"),
    ("苍术怎么防霉", "苍术", "storage"),
    ("半夏怎么炮制才安全", "半夏", "processing"),
    ("丁香的含量测定药典怎么规定", "丁香", "standard"),
    ("白及种几年能挖", "白及", "cultivation"),
    ("红景天哪个产地的好", "红景天", ""),
    ("罗汉果怎么储存不发霉", "罗汉果", "storage"),
    ("黄芪片怎么看是不是硫熏的", "黄芪", "testing"),
    ("三七主根怎么挑", "三七", "testing"),
    ("桃仁怎么去皮", "桃仁", "processing"),
]
# (query, material, buyer word): the material with a buyer's topic word (BUYER_TOPIC_OF_WORD).
BUYER_TOPIC = [
    ("山茱萸 掺假", "山茱萸", "掺假"),
    ("西红花 伪品", "西红花", "伪品"),
    ("白芷 硫熏", "白芷", "硫熏"),
    ("玫瑰花 农残", "玫瑰花", "农残"),
    ("巴戟天 挑选", "巴戟天", "挑选"),
    ("肉苁蓉 采挖", "肉苁蓉", "采挖"),
    ("延胡索几月收", "延胡索", "几月收"),
    ("黄精 种苗", "黄精", "种苗"),
    ("白及育苗", "白及", "育苗"),
    ("牛膝 亩产", "牛膝", "亩产"),
    ("益母草 几月收", "益母草", "几月收"),
    ("龙眼肉 存放", "龙眼肉", "存放"),
    ("胖大海 防潮", "胖大海", "防潮"),
    ("薏苡仁防虫", "薏苡仁", "防虫"),
    ("蛤蚧 防虫", "蛤蚧", "防虫"),
    ("阿胶存放", "阿胶", "存放"),
    ("知母 切制", "知母", "切制"),
    ("枇杷叶 蜜炙", "枇杷叶", "蜜炙"),
    ("王不留行 炒制", "王不留行", "炒制"),
    ("川牛膝 酒制", "川牛膝", "酒制"),
    ("厚朴 姜制", "厚朴", "姜制"),
    ("黄柏 盐炙", "黄柏", "盐炙"),
    ("防风 药典", "防风", "药典"),
    ("玄参 国标", "玄参", "国标"),
    ("淫羊藿 含量要求", "淫羊藿", "含量要求"),
    ("银杏叶 药典标准", "银杏叶", "药典标准"),
    ("砂仁 报价", "砂仁", "报价"),
    ("蜂蜜 批发", "蜂蜜", "批发"),
    ("乌梅现货", "乌梅", "现货"),
    ("黄芩 价格走势", "黄芩", "价格走势"),
    ("苦参 多少钱一公斤", "苦参", "多少钱一公斤"),
    ("火麻仁 存放", "火麻仁", "存放"),
]
# (query, material): English trade names as export buyers write them.
ENGLISH = [
    ("ginseng root", "人参"),
    ("dried goji berries", "枸杞子"),
    ("licorice root slices", "甘草"),
    ("cassia seed", "决明子"),
    ("ginkgo leaf", "银杏叶"),
    ("forsythia fruit", "连翘"),
    ("gardenia fruit", "栀子"),
    ("cornelian cherry", "山茱萸"),
    ("cistanche", "肉苁蓉"),
    ("morinda root", "巴戟天"),
    ("fragrant solomonseal rhizome", "玉竹"),
    ("corydalis rhizome", "延胡索"),
    ("angelica dahurica", "白芷"),
    ("dodder seed", "菟丝子"),
    ("horny goat weed", "淫羊藿"),
    ("mulberry leaf", "桑叶"),
    ("cinnamon twig", "桂枝"),
    ("magnolia bark", "厚朴"),
    ("phellodendron bark", "黄柏"),
    ("white peony root", "白芍"),
    ("moutan bark", "牡丹皮"),
    ("amomum fruit", "砂仁"),
    ("cloves", "丁香"),
    ("fennel seed", "小茴香"),
    ("black pepper", "胡椒"),
    ("motherwort", "益母草"),
    ("donkey hide gelatin", "阿胶"),
    ("sea buckthorn", "沙棘"),
    ("dried longan", "龙眼肉"),
    ("platycodon root", "桔梗"),
    ("rhodiola root", "红景天"),
    ("bitter apricot kernel", "苦杏仁"),
    ("hemp seed", "火麻仁"),
    ("malva nut", "胖大海"),
    ("frankincense", "乳香"),
]
# (query, material, topic or ""): pinyin, or an English word, mixed with characters.
MIXED = [
    ("shanzhuyu 价格", "山茱萸", "product"),
    ("roucongrong 种植", "肉苁蓉", "cultivation"),
    ("bajitian 炮制", "巴戟天", "processing"),
    ("yanhusuo 醋制", "延胡索", "processing"),
    ("huangjing 九蒸九晒", "黄精", "processing"),
    ("baizhi 硫熏", "白芷", "testing"),
    ("tusizi 批发", "菟丝子", "product"),
    ("ejiao 真假", "阿胶", "testing"),
    ("xihonghua 鉴别", "西红花", "testing"),
    ("niuxi 采挖", "牛膝", "cultivation"),
    ("fangfeng 药典", "防风", "standard"),
    ("juemingzi 炒制", "决明子", "processing"),
    ("Hou Po 姜制", "厚朴", "processing"),
    ("huangbai 含量", "黄柏", "standard"),
    ("zhimu 切片", "知母", "processing"),
    ("shaji 现货", "沙棘", "product"),
    ("yinxingye 检测", "银杏叶", "testing"),
    ("cassia seed 价格", "决明子", "product"),
    ("cistanche 肉苁蓉", "肉苁蓉", ""),
    ("蛤蚧 price", "蛤蚧", "product"),
    ("malva nut 胖大海", "胖大海", ""),
    ("sharen 产地", "砂仁", ""),
    ("yuzhu 储存", "玉竹", "storage"),
    ("longyanrou 存放", "龙眼肉", "storage"),
    ("gou qi 冷库存放", "枸杞子", "storage"),
    ("huang qi 切片", "黄芪", "processing"),
    ("dang shen 熏硫", "党参", "testing"),
    ("ren shen 种植几年", "人参", "cultivation"),
    ("chuanbei 行情", "川贝母", "product"),
    ("xi yang shen 切片", "西洋参", "processing"),
    ("chenpi 年份怎么看", "陈皮", "testing"),
    ("yinyanghuo 药典", "淫羊藿", "standard"),
]


def heldout_queries() -> list[BenchQuery]:
    """Every held-out query, grouped by type (judged_queries)."""
    rows = {
        "pinyin-spaced": PINYIN_SPACED,
        "question": QUESTION,
        "buyer-topic": BUYER_TOPIC,
        "english": ENGLISH,
        "mixed": MIXED,
    }
    return judged_queries(rows, BUYER_TOPIC_OF_WORD)


def heldout_focus_materials() -> list[str]:
    """Materials the held-out queries ask about."""
    return focus_of(heldout_queries())
