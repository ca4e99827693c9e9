"""The one analysis pipeline: normalise, segment, expand aliases, pinyin and Latin names.

Index time and query time both call it, and every engine receives its output, so the embedded
engine and Elasticsearch rank the same tokens. The vocabulary comes from the Material
dictionary; ``get_analyzer()`` rebuilds it when the dictionary changes.
"""

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import jieba
import opencc
from django.core.cache import cache
from django.db import transaction
from pypinyin import lazy_pinyin

jieba.setLogLevel(60)
_T2S = opencc.OpenCC("t2s")
VOCABULARY_VERSION_KEY = "search:vocabulary-version"

# Runs of CJK ideographs, and ASCII words kept whole with their spec punctuation:
# 0.5%, 2-3cm, 40头 (split into 40 + 头), iso9001, sc.
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
ASCII_WORD = re.compile(r"[a-z0-9]+(?:[.\-/~][a-z0-9]+)*%?")
SPLIT = re.compile(r"([\u3400-\u9fff]+)")
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "是",
        "在",
        "等",
        "对",
        "为",
        "有",
        "也",
        "就",
        "都",
        "而",
        "或",
        "之",
        "其",
        "并",
        "将",
        "把",
        "被",
        "从",
        "以",
        "于",
        "中",
        "上",
        "下",
        "这",
        "那",
        "我们",
        "您",
        "你",
        "他们",
        "可以",
        "以及",
        "一个",
        "进行",
        "一些",
        "通过",
        "没有",
        "如果",
        "但是",
        "因为",
        "所以",
        "the",
        "and",
        "of",
        "for",
    ]
)
# Trade words buyers use interchangeably; a query for one also finds the others.
TRADE_SYNONYMS = {
    "价格": ("报价", "行情"),
    "报价": ("价格",),
    "行情": ("价格", "报价"),
    "价钱": ("价格", "报价"),
    "种植": ("栽培",),
    "栽培": ("种植",),
    "炮制": ("加工",),
    "检测": ("检验",),
    "检验": ("检测",),
    "储存": ("仓储", "养护"),
    "仓储": ("储存", "养护"),
    "规格": ("等级",),
    "等级": ("规格",),
}
PROVINCES = [
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "台湾",
    "香港",
    "澳门",
]


def normalize(text: str) -> str:
    """Full-width → half-width, traditional → simplified, lower case, squeezed spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    return " ".join(_T2S.convert(text).lower().split())


def to_pinyin(text: str) -> tuple[str, str]:
    """``"黄芪"`` → ``("huangqi", "hq")``: full pinyin without tones, and initials."""
    syllables = [s for s in lazy_pinyin(text) if s.isascii() and s.isalpha()]
    return "".join(syllables), "".join(s[0] for s in syllables)


@dataclass
class Vocabulary:
    """What the pipeline knows of the trade: every material name, pinyin, Latin name, place."""

    canonical: dict[str, str] = field(default_factory=dict)  # any name → canonical name
    pinyin: dict[str, str] = field(default_factory=dict)  # full pinyin or initials → canonical
    latin: dict[str, str] = field(default_factory=dict)  # normalised Latin name → canonical
    places: set[str] = field(default_factory=set)

    @classmethod
    def from_materials(cls, materials: Iterable) -> "Vocabulary":
        vocab, initials_seen = cls(), {}
        materials = list(materials)
        for material in materials:  # canonical names first: they win over aliases
            vocab.canonical[normalize(material.name)] = material.name
        for material in materials:
            for name in (material.traditional, *material.aliases):
                vocab.canonical.setdefault(normalize(name), material.name) if name else None
            full, initials = to_pinyin(material.name)
            vocab.pinyin.setdefault(full, material.name)
            initials_seen.setdefault(initials, set()).add(material.name)
            if material.latin:
                vocab.latin[normalize(material.latin)] = material.name
            vocab.places.update(_place_words(material.origins))
        for initials, names in initials_seen.items():
            if len(initials) >= 2 and len(names) == 1:  # ambiguous initials expand to nothing
                vocab.pinyin.setdefault(initials, next(iter(names)))
        return vocab


def _place_words(origins: Iterable[str]) -> set[str]:
    words = set()
    for origin in origins:
        origin = normalize(origin)
        words.add(origin)
        for province in PROVINCES:
            if origin.startswith(province) and len(origin) > len(province) + 1:
                words.update({province, origin[len(province) :]})
    return {w for w in words if len(w) >= 2}


_segmenter_state: dict[str, jieba.Tokenizer] = {}


def _shared_segmenter() -> jieba.Tokenizer:
    """One jieba tokenizer per process: loading its dictionary costs most of a second, so a
    dictionary edit adds words to it instead of building a new one (a removed alias stays a
    known word, which only keeps it in one piece)."""
    if "tokenizer" not in _segmenter_state:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        _segmenter_state["tokenizer"] = tokenizer
    return _segmenter_state["tokenizer"]


class Analyzer:
    """Tokens for indexing and token groups for querying, from one vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._segmenter = _shared_segmenter()
        for word in (*vocabulary.canonical, *vocabulary.places):
            if CJK_RUN.fullmatch(word):
                self._segmenter.add_word(word, freq=200000)

    def tokens(self, text: str) -> list[str]:
        """Words of ``text`` in order: segmented Chinese (with sub-words), ASCII words whole."""
        out: list[str] = []
        for part in SPLIT.split(normalize(text)):
            if not part:
                continue
            if CJK_RUN.fullmatch(part):
                out.extend(
                    w
                    for w in self._segmenter.cut_for_search(part, HMM=True)
                    if len(w) >= 2 and w not in STOPWORDS
                )
            else:
                out.extend(w for w in ASCII_WORD.findall(part) if w not in STOPWORDS)
        return out

    def expansions(self, token: str) -> list[str]:
        """The token and the canonical material it names, if any (北芪 → 北芪, 黄芪)."""
        canonical = self.vocabulary.canonical.get(token) or self.vocabulary.pinyin.get(token)
        return [token, canonical] if canonical and canonical != token else [token]

    def index_text(self, text: str) -> str:
        """Space-separated tokens of ``text`` with alias expansion, for an index field."""
        return " ".join(t for token in self.tokens(text) for t in self.expansions(token))

    def pinyin_text(self, text: str) -> str:
        """Full pinyin of each Chinese word of ``text`` (titles: ``zhongzhi`` finds 种植)."""
        words = [w for w in self.tokens(text) if CJK_RUN.fullmatch(w)]
        return " ".join(dict.fromkeys(to_pinyin(w)[0] for w in words if to_pinyin(w)[0]))

    def material_text(self, material) -> str:
        """Every name of a material: canonical, traditional, aliases, pinyin, initials, Latin."""
        full, initials = to_pinyin(material.name)
        # Names stay whole: the alias 新会皮 must not make every 陈皮 article match "新会".
        names = [
            normalize(n).replace(" ", "")
            for n in (material.name, material.traditional, *material.aliases)
            if n
        ]
        latin = self.tokens(material.latin) if material.latin else []
        return " ".join(dict.fromkeys([*names, *latin, full, initials]))

    def query_groups(self, query: str) -> list[list[str]]:
        """Each word of the query as a group of alternatives; a Latin name is one group."""
        text, groups = normalize(query), []
        # Longest names first, whole words only: "notoginseng radix et rhizoma" (三七) must not
        # be read as the "ginseng radix et rhizoma" (人参) inside it.
        for latin in sorted(self.vocabulary.latin, key=len, reverse=True):
            pattern = rf"(?<![a-z]){re.escape(latin)}(?![a-z])"
            if re.search(pattern, text):
                groups.append([self.vocabulary.latin[latin]])
                text = re.sub(pattern, " ", text)
        for token in self.tokens(text):
            group = self.expansions(token) + list(TRADE_SYNONYMS.get(token, ()))
            if group not in groups:
                groups.append(group)
        return self._drop_overlaps(groups)

    def _drop_overlaps(self, groups: list[list[str]]) -> list[list[str]]:
        """Keep one reading of each stretch of the query.

        cut_for_search yields 西洋参 with 西洋 and 洋参, and 蒙古黄芪 with 黄芪. A known word
        (a material or place) is kept whole and its pieces dropped, so 花旗参 still expands to
        西洋参; an unknown compound is dropped for its pieces, which the index has too.
        """
        known = {g[0] for g in groups if self._is_known(g[0])}
        kept = []
        for group in groups:
            word = group[0]
            inside_known = any(word != k and word in k for k in known)
            unknown_compound = not self._is_known(word) and any(
                other != word and other in word for other in (g[0] for g in groups)
            )
            if not inside_known and not unknown_compound:
                kept.append(group)
        return kept or groups

    def _is_known(self, word: str) -> bool:
        return word in self.vocabulary.canonical or word in self.vocabulary.places


_lock = threading.Lock()
_state: dict[str, object] = {"version": None, "analyzer": None}


def get_analyzer() -> Analyzer:
    """The process's analyzer, rebuilt when the Material dictionary has changed."""
    version = cache.get(VOCABULARY_VERSION_KEY, 0)
    with _lock:
        if _state["analyzer"] is None or _state["version"] != version:
            from content.models import Material

            _state["analyzer"] = Analyzer(Vocabulary.from_materials(Material.objects.all()))
            _state["version"] = version
        return _state["analyzer"]  # type: ignore[return-value]


def vocabulary_changed(**_kwargs) -> None:
    """Connected to Material saves and deletes: every process rebuilds its analyzer once the
    change commits (not before, or a process could rebuild from the old dictionary)."""
    transaction.on_commit(_bump_vocabulary)


def _bump_vocabulary() -> None:
    try:
        cache.incr(VOCABULARY_VERSION_KEY)
    except ValueError:
        cache.set(VOCABULARY_VERSION_KEY, 1, timeout=None)
