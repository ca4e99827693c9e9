"""The one analysis pipeline: normalise, segment, expand aliases and topic synonyms, pinyin,
Latin and English names; queries also lose their question words.

Index time and query time both call it, and every engine receives its output, so the embedded
engine and Elasticsearch rank the same tokens. The vocabulary comes from the Material
dictionary and the topic synonym groups; ``get_analyzer()`` rebuilds it when either changes.
"""

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import opencc
import rjieba
from django.core.cache import cache
from django.db import transaction
from pypinyin import lazy_pinyin

_T2S = opencc.OpenCC("t2s")
_t2s_state: dict[str, frozenset[str]] = {}
VOCABULARY_VERSION_KEY = "search:vocabulary-version"
USER_WORD_FREQ = 200000  # material names and places win over the general dictionary's cuts

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
# Question words and filler of a buyer's question (当归怎么辨别真假, 黄芪多少钱一斤): dropped from
# a query, never from the index, so the material and topic words of the question decide. The
# price intent of 多少钱 is a topic synonym of 价格, not filler.
QUESTION_WORDS = frozenset(
    [
        "怎么",
        "怎么样",
        "怎样",
        "怎么办",
        "如何",
        "什么",
        "什么样",
        "时候",
        "什么时候",
        "何时",
        "几时",
        "几月",
        "几月份",
        "哪里",
        "哪儿",
        "哪个",
        "哪些",
        "哪种",
        "哪家",
        "为什么",
        "为何",
        "是否",
        "能否",
        "好不好",
        "好吗",
        "行不行",
        "有没有",
        "请问",
        "一下",
        "多少",
        "最好",
        "一斤",
        "每斤",
        "一公斤",
        "每公斤",
        "how",
        "what",
        "when",
        "where",
    ]
)
TOPIC_WORD_FREQ = 20000  # topic words segment whole (多少钱, not 多少 + 钱); materials use more
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


# Pinyin with tone marks: nǚ, lǜ and lüe are written nv, lv, lve without them (pypinyin's form).
PINYIN_U_UMLAUT = re.compile(r"(?<=[nl])[üǖǘǚǜ]")
ACCENTED = re.compile(r"[\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff]")  # checked before any work
# Runs of ASCII letters a pinyin syllable sequence could be joined from ("huang qi").
SPACED_WORDS_MAX = 4  # the longest material name has four syllables (冬虫夏草)
# Entries the analysis caches keep before starting afresh. A corpus's vocabulary is a few
# tens of thousands of words (about 150 bytes an entry); runs of characters are longer (about
# 650 bytes with their words), so fewer of them: about 10 MB for each cache at most.
PINYIN_CACHE_SIZE = 65536
TOKEN_CACHE_SIZE = 65536
RUN_CACHE_SIZE = 16384


def normalize(text: str) -> str:
    """Full-width → half-width, traditional → simplified, lower case, tone marks and accents off
    Latin letters (``huáng qí`` → ``huang qi``), squeezed spaces."""
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):  # a quick check, most text already is
        text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text).lower()
    if ACCENTED.search(text):
        text = _strip_marks(text)
    return " ".join(text.split())


def to_simplified(text: str) -> str:
    """OpenCC's traditional → simplified conversion, skipped when it cannot change ``text``.

    The pure-Python converter costs most of the analysis time of simplified text, which it
    leaves as it is. A dictionary entry can only change text that contains a character of its
    key missing from its replacement, so text without any such character is returned as is:
    the result is always OpenCC's (tests/search/test_segmenter.py compares them)."""
    return text if _convertible().isdisjoint(text) else _T2S.convert(text)


def _convertible() -> frozenset[str]:
    """Every character some changing t2s entry needs (about 4,100). A set, not a regex
    character class: testing a text against it is six times faster."""
    if "characters" not in _t2s_state:
        _T2S.convert("")  # loads the dictionaries
        needed: set[str] = set()
        for group in _T2S._dict_chain_data:
            for _, _, entries in group:
                for key, value in entries.items():
                    if key != value:
                        needed |= (set(key) - set(value)) or set(key)
        _t2s_state["characters"] = frozenset(needed)
    return _t2s_state["characters"]


def _strip_marks(text: str) -> str:
    """Drop the combining marks that follow an ASCII letter; marks on other scripts stay."""
    decomposed = unicodedata.normalize("NFD", PINYIN_U_UMLAUT.sub("v", text))
    kept = [
        char
        for i, char in enumerate(decomposed)
        if not (unicodedata.combining(char) and i and decomposed[i - 1].isascii())
    ]
    return unicodedata.normalize("NFC", "".join(kept))


@lru_cache(maxsize=PINYIN_CACHE_SIZE)
def to_pinyin(text: str) -> tuple[str, str]:
    """``"黄芪"`` → ``("huangqi", "hq")``: full pinyin without tones, and initials.

    Remembered: pypinyin took a quarter of an index build, asked again and again for the same
    words (each title word, each material name, each suggestion)."""
    syllables = [s for s in lazy_pinyin(text) if s.isascii() and s.isalpha()]
    return "".join(syllables), "".join(s[0] for s in syllables)


@dataclass
class Vocabulary:
    """What the pipeline knows of the trade: every material name, pinyin, Latin and English
    name, place."""

    canonical: dict[str, str] = field(default_factory=dict)  # any name → canonical name
    pinyin: dict[str, str] = field(default_factory=dict)  # full pinyin or initials → canonical
    latin: dict[str, str] = field(default_factory=dict)  # normalised Latin name → canonical
    english: dict[str, str] = field(default_factory=dict)  # normalised English name → canonical
    places: set[str] = field(default_factory=set)
    full_pinyin: set[str] = field(default_factory=set)  # "huangqi", which "huang qi" joins to
    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 辨别 → (鉴别, 辨别, 真伪…)

    @classmethod
    def from_materials(
        cls, materials: Iterable, topic_groups: Iterable[Iterable[str]] = ()
    ) -> "Vocabulary":
        """``topic_groups``: each group's words, canonical word first (TopicSynonymGroup.words)."""
        vocab = cls._from_materials_only(materials)
        vocab.add_topic_groups(topic_groups)
        return vocab

    @classmethod
    def _from_materials_only(cls, materials: Iterable) -> "Vocabulary":
        vocab, initials_seen = cls(), {}
        materials = list(materials)
        for material in materials:  # canonical names first: they win over aliases
            vocab.canonical[normalize(material.name)] = material.name
        for material in materials:
            for name in (material.traditional, *material.aliases):
                vocab.canonical.setdefault(normalize(name), material.name) if name else None
            initials = vocab._add_pinyin(material)
            initials_seen.setdefault(initials, set()).add(material.name)
            if material.latin:
                vocab.latin[normalize(material.latin)] = material.name
            for name in getattr(material, "english", None) or ():
                vocab.english.setdefault(normalize(name), material.name)
            vocab.places.update(_place_words(material.origins))
        vocab._add_u_spellings()
        for initials, names in initials_seen.items():
            if len(initials) >= 2 and len(names) == 1:  # ambiguous initials expand to nothing
                vocab.pinyin.setdefault(initials, next(iter(names)))
        return vocab

    def _add_pinyin(self, material) -> str:
        """Map the material's full pinyin to it and return its initials. The dictionary's own
        pinyin reads polyphones right (川芎 chuanxiong, 拳参 quanshen), pypinyin's is kept too."""
        full, initials = to_pinyin(material.name)
        for spelling in dict.fromkeys([full, getattr(material, "pinyin", "") or full]):
            self.pinyin.setdefault(spelling, material.name)
            self.full_pinyin.add(spelling)
        return initials

    def _add_u_spellings(self) -> None:
        """After every exact spelling, so those win: ``nuzhenzi`` for ``nvzhenzi``."""
        for full, name in list(self.pinyin.items()):
            for spelling in pinyin_spellings(full)[1:]:
                self.pinyin.setdefault(spelling, name)
                self.full_pinyin.add(spelling)

    def add_topic_groups(self, topic_groups: Iterable[Iterable[str]]) -> None:
        """Each word of a group → the group; a word's full pinyin → the word, unless a material
        has that pinyin (``jiage`` is 价格; materials keep theirs)."""
        for words in topic_groups:
            group = tuple(dict.fromkeys(normalize(w) for w in words if normalize(w)))
            for word in group:
                self.topics.setdefault(word, group)
                full = to_pinyin(word)[0] if len(word) > 1 else ""  # zhong is not 种
                if full and CJK_RUN.fullmatch(word) and full not in self.pinyin:
                    self.pinyin[full] = word
                    self.full_pinyin.add(full)


def pinyin_spellings(full: str) -> list[str]:
    """How a buyer may type a pinyin: as pypinyin writes it (``nvzhenzi``), and with u for ü
    (``nuzhenzi``), as keyboards without ü make people write it."""
    return list(dict.fromkeys([full, full.replace("v", "u")]))


def _place_words(origins: Iterable[str]) -> set[str]:
    words = set()
    for origin in origins:
        origin = normalize(origin)
        words.add(origin)
        for province in PROVINCES:
            if origin.startswith(province) and len(origin) > len(province) + 1:
                words.update({province, origin[len(province) :]})
    return {w for w in words if len(w) >= 2}


_segmenter_state: dict[str, rjieba.Jieba] = {}


def _shared_segmenter() -> rjieba.Jieba:
    """One segmenter per process: jieba-rs (``rjieba``), the Rust port of jieba with the same
    dictionary, HMM and search-mode cut, about ten times faster. Loading its dictionary costs
    half a second, so a dictionary edit adds words to it instead of building a new one (a
    removed alias stays a known word, which only keeps it in one piece).

    Its tokens are Python jieba's on every run of characters from U+4E00-U+9FD5; jieba also
    splits off each character of CJK Extension A (U+3400-U+4DBF) and U+9FD6-U+9FFF, which
    jieba-rs keeps in words, so the alias 芎䓖 (川芎) is one word here and two lone characters
    there (tests/search/test_segmenter.py)."""
    if "segmenter" not in _segmenter_state:
        _segmenter_state["segmenter"] = rjieba.Jieba()
    return _segmenter_state["segmenter"]


class Analyzer:
    """Tokens for indexing and token groups for querying, from one vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._segmenter = _shared_segmenter()
        for word in (*vocabulary.canonical, *vocabulary.places):
            if CJK_RUN.fullmatch(word):
                self._segmenter.add_word(word, USER_WORD_FREQ, None)
        user_words = {*vocabulary.canonical, *vocabulary.places}
        _teach_topic_words(self._segmenter, (t for t in vocabulary.topics if t not in user_words))
        self._name_of = {**vocabulary.english, **vocabulary.latin}  # Latin wins a tie
        self._names = _names_pattern(self._name_of)
        # Per-analyzer memory of what the vocabulary and segmenter fixed: a run's words and a
        # token's expansions. A new vocabulary builds a new analyzer, so nothing goes stale.
        self._run_words: dict[str, tuple[str, ...]] = {}
        self._expanded: dict[str, str] = {}

    def tokens(self, text: str) -> list[str]:
        """Words of ``text`` in order: segmented Chinese (with sub-words), ASCII words whole."""
        out: list[str] = []
        # SPLIT captures the CJK runs, so they are the odd parts and nothing else is.
        for number, part in enumerate(SPLIT.split(normalize(text))):
            if number % 2:
                words = self._run_words.get(part)
                out.extend(self._segment(part) if words is None else words)
            elif part:
                out.extend(w for w in ASCII_WORD.findall(part) if w not in STOPWORDS)
        return out

    def _segment(self, run: str) -> tuple[str, ...]:
        """The kept words of one CJK run (sub-words included), remembered."""
        if len(self._run_words) >= RUN_CACHE_SIZE:
            self._run_words.clear()
        cut = self._without_other_materials_inside(self._segmenter.cut_for_search(run, True))
        words = tuple(w for w in cut if len(w) >= 2 and w not in STOPWORDS)
        self._run_words[run] = words
        return words

    def _without_other_materials_inside(self, cut: list[str]) -> list[str]:
        """The search-mode cut less the pieces of a material name that name another material:
        菊花 inside 野菊花, 红花 inside 西红花, 黄连 inside 胡黄连 are other drugs, and an
        article about one must not answer a search for the other. Pieces naming the same
        material (杞子 inside 枸杞子) and every word standing on its own stay.

        jieba emits a long word's dictionary pieces (its two-, then three-character ones, each
        once) just before the word, so the pieces are the distinct substrings right before it;
        a substring seen twice there is a word of its own that came earlier (红花西红花).
        """
        canonical = self.vocabulary.canonical
        dropped: set[int] = set()
        for i, word in enumerate(cut):
            material = canonical.get(word) if len(word) > 2 else None
            if material is None:
                continue
            seen, j = set(), i - 1
            while j >= 0 and len(cut[j]) < len(word) and cut[j] in word and cut[j] not in seen:
                seen.add(cut[j])
                if canonical.get(cut[j], material) != material:
                    dropped.add(j)
                j -= 1
        return [w for i, w in enumerate(cut) if i not in dropped] if dropped else cut

    def expansions(self, token: str) -> list[str]:
        """The token, the canonical material or topic word it names, if any (北芪 → 北芪, 黄芪;
        辨别 → 辨别, 鉴别; jiage → jiage, 价格)."""
        named = self.vocabulary.canonical.get(token) or self.vocabulary.pinyin.get(token)
        out = [token, named] if named and named != token else [token]
        topic = self.vocabulary.topics.get(named or token)
        return [*out, topic[0]] if topic and topic[0] not in out else out

    def index_text(self, text: str) -> str:
        """Space-separated tokens of ``text`` with alias expansion, for an index field."""
        expanded = self._expanded
        return " ".join([expanded.get(t) or self._expand(t) for t in self.tokens(text)])

    def _expand(self, token: str) -> str:
        """``expansions(token)`` joined, remembered."""
        if len(self._expanded) >= TOKEN_CACHE_SIZE:
            self._expanded.clear()
        joined = self._expanded[token] = " ".join(self.expansions(token))
        return joined

    def pinyin_text(self, text: str) -> str:
        """Full pinyin of each Chinese word of ``text`` (titles: ``zhongzhi`` finds 种植)."""
        spelled = (to_pinyin(w)[0] for w in self.tokens(text) if CJK_RUN.fullmatch(w))
        return " ".join(dict.fromkeys(s for s in spelled if s))

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
        """Each word of the query as a group of alternatives; a Latin or English name is one
        group, and pinyin typed syllable by syllable (``huang qi``) is read as one word."""
        text, groups = normalize(query), []
        for match in self._names.finditer(text):
            group = [self._name_of[match.group(1)]]
            if group not in groups:
                groups.append(group)
        text = self._join_pinyin(_apart_from_pinyin(self._names.sub(" ", text)))
        for token in _without_question_words(self._query_tokens(text)):
            group = self.expansions(token)
            topic = self.vocabulary.topics.get(group[-1], ())
            if topic and any(set(topic) <= set(g) for g in groups):
                continue  # 辨别真假: one topic, one group
            group = list(dict.fromkeys([*group, *topic]))
            if group not in groups:
                groups.append(group)
        return self._drop_overlaps(groups)

    def _query_tokens(self, text: str) -> list[str]:
        """``tokens(text)`` and, after each run's words, the one-character words of that run a
        topic group holds (什么时候种党参: 种 → 种植; 酸枣仁怎么炒: 炒 → 炮制). The index keeps
        no one-character word; these find the group's longer words there."""
        topics = self.vocabulary.topics
        out: list[str] = []
        for number, part in enumerate(SPLIT.split(text)):
            if not number % 2:
                out.extend(self.tokens(part))
                continue
            cut = self._segmenter.cut_for_search(part, True)
            singles = [w for w in cut if len(w) == 1 and w in topics]
            out.extend(self.tokens(part))
            out.extend(singles)
        return out

    def is_known(self, group: list[str]) -> bool:
        """Whether a query group names something the vocabulary knows: a material (by any
        name, pinyin, Latin or English name), a place or a topic word. A group that does not
        (方法, 好坏, 2-3mm) may be left out when too few articles match every word."""
        vocabulary = self.vocabulary
        return any(
            self._is_known(token) or token in vocabulary.pinyin or token in self._name_of
            for token in group
        )

    def names_material(self, group: list[str]) -> bool:
        """Whether a query group names a material: by any name, and by its pinyin, Latin or
        English name too, since those groups carry the canonical name."""
        return any(token in self.vocabulary.canonical for token in group)

    def _join_pinyin(self, text: str) -> str:
        """``huang qi zhong zhi`` → ``huangqi zhong zhi``: consecutive words that spell a
        material's full pinyin become that one word (longest run first); tone numbers are
        dropped from what joins (``huang2 qi2``, ``huang2qi2``)."""
        words = text.split()
        plain = [_without_tone_digits(w) for w in words]
        out, i = [], 0
        while i < len(words):
            for j in range(min(len(words), i + SPACED_WORDS_MAX), i, -1):
                joined = "".join(plain[i:j])
                spelled = j > i + 1 or plain[i] != words[i]
                if spelled and joined in self.vocabulary.full_pinyin and joined.isalpha():
                    out.append(joined)
                    i = j
                    break
            else:
                out.append(words[i])
                i += 1
        return " ".join(out)

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
        vocabulary = self.vocabulary
        return (
            word in vocabulary.canonical or word in vocabulary.places or word in vocabulary.topics
        )


TONE_DIGIT = re.compile(r"(?<=[a-z])[1-5](?=[a-z]|$)")  # huang2qi2: tone numbers
PINYIN_APOSTROPHE = re.compile(r"(?<=[a-z])['’](?=[a-z])")  # xi'an, xi’yang’shen
CJK_NEXT_TO_ASCII = re.compile(r"(?<=[a-z0-9])(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])(?=[a-z0-9])")


def _apart_from_pinyin(text: str) -> str:
    """``huang qi价格`` → ``huang qi 价格``, ``xi'yang'shen`` → ``xi yang shen``: pinyin typed
    against Chinese or with syllable apostrophes still joins into one name."""
    return CJK_NEXT_TO_ASCII.sub(" ", PINYIN_APOSTROPHE.sub(" ", text))


def _without_tone_digits(word: str) -> str:
    """``huang2`` → ``huang``, ``qi2`` → ``qi``; words with digits elsewhere (so2, 2-3cm,
    iso9001) are left alone."""
    if not word.isascii() or not word[:1].isalpha():
        return word
    stripped = TONE_DIGIT.sub("", word)
    return stripped if stripped.isalpha() else word


def _without_question_words(tokens: list[str]) -> list[str]:
    """The tokens less question words and filler, unless nothing else is left."""
    kept = [t for t in tokens if t not in QUESTION_WORDS]
    return kept or tokens


def _teach_topic_words(segmenter: rjieba.Jieba, topics: Iterable[str]) -> None:
    """Topic words segment whole (多少钱, not 多少 + 钱). jieba-rs cannot tell a word's current
    frequency, so the caller leaves out the material and place words added at a higher one."""
    for word in topics:
        if CJK_RUN.fullmatch(word) and len(word) >= 2:
            segmenter.add_word(word, TOPIC_WORD_FREQ, None)


def _names_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """Whole-word Latin and English names, longest first, so "notoginseng radix et rhizoma"
    (三七) is never read as the "ginseng radix et rhizoma" (人参) inside it, nor "american
    ginseng" (西洋参) as "ginseng"; a trailing plural s is allowed (goji berries aside)."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if n)
    if not alternatives:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile(rf"(?<![a-z0-9])({alternatives})s?(?![a-z0-9])")


_lock = threading.Lock()
_state: dict[str, object] = {"version": None, "analyzer": None}


def get_analyzer() -> Analyzer:
    """The process's analyzer, rebuilt when the Material dictionary or a topic synonym group
    has changed."""
    version = cache.get(VOCABULARY_VERSION_KEY, 0)
    with _lock:
        if _state["analyzer"] is None or _state["version"] != version:
            from content.models import Material, TopicSynonymGroup

            groups = [group.words for group in TopicSynonymGroup.objects.all()]
            vocabulary = Vocabulary.from_materials(Material.objects.all(), groups)
            _state["analyzer"] = Analyzer(vocabulary)
            _state["version"] = version
        return _state["analyzer"]  # type: ignore[return-value]


def vocabulary_changed(**_kwargs) -> None:
    """Connected to Material and TopicSynonymGroup saves and deletes: every process rebuilds
    its analyzer once the change commits (not before, or a process could rebuild from the old
    dictionary)."""
    transaction.on_commit(_bump_vocabulary)


def _bump_vocabulary() -> None:
    try:
        cache.incr(VOCABULARY_VERSION_KEY)
    except ValueError:
        cache.set(VOCABULARY_VERSION_KEY, 1, timeout=None)
