"""Queries as buyers type them: pinyin in any case, with tone marks, numbers or ü written u,
mixed with Chinese; questions around a material; topic synonym groups edited in the admin."""

import json
from types import SimpleNamespace

import pytest
from django.urls import reverse

from content.materials import DATA_FILE, read_topic_synonyms
from content.models import TopicSynonymGroup
from search.analysis import Analyzer, Vocabulary
from search.documents import build_document
from search.queries import SearchRequest, search_articles
from tests.search.conftest import SHIPPED_TOPICS

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))


def asked(word: str, canonical: str) -> list[str]:
    """The query group of ``word``: the word, its group's canonical word, the group."""
    return list(dict.fromkeys([word, canonical, *SHIPPED_TOPICS[canonical]]))


PRICE = SHIPPED_TOPICS["价格"]
TELL_APART = asked("辨别", "鉴别")
HARVEST = SHIPPED_TOPICS["采收"]
STORE = SHIPPED_TOPICS["储存"]


@pytest.fixture(scope="module")
def shipped() -> Analyzer:
    """An analyzer over the shipped dictionary and topic synonym groups."""
    materials = [SimpleNamespace(**entry) for entry in DATA]
    return Analyzer(Vocabulary.from_materials(materials, read_topic_synonyms()))


def found(q: str) -> list[str]:
    return [r.title for r in search_articles(SearchRequest(q=q), log=False).results]


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ("HUANGQI", [["huangqi", "黄芪"]]),
        ("HuangQi 价格", [["huangqi", "黄芪"], PRICE]),
        ("huangqi价格", [["huangqi", "黄芪"], PRICE]),
        ("huáng qí价格", [["huangqi", "黄芪"], PRICE]),
        ("价格huang qi", [PRICE, ["huangqi", "黄芪"]]),
        ("huang2 qi2", [["huangqi", "黄芪"]]),
        ("huang2qi2", [["huangqi", "黄芪"]]),
        ("nu zhen zi", [["nuzhenzi", "女贞子"]]),
        ("nüzhenzi", [["nvzhenzi", "女贞子"]]),
        ("NV ZHEN ZI", [["nvzhenzi", "女贞子"]]),
        ("xi'yang'shen", [["xiyangshen", "西洋参"]]),
        ("当归 jiage", [["当归"], ["jiage", *PRICE]]),
        ("dang gui 价格", [["danggui", "当归"], PRICE]),
        ("so2 0.5%", [asked("so2", "二氧化硫"), ["0.5%"]]),
    ],
    ids=[
        "capitals",
        "camel-case-and-chinese",
        "joined-to-chinese",
        "tone-marks-joined-to-chinese",
        "chinese-first",
        "tone-numbers-spaced",
        "tone-numbers-joined",
        "u-for-u-umlaut",
        "u-umlaut-joined",
        "v-capitals",
        "apostrophes",
        "topic-word-in-pinyin",
        "spaced-then-chinese",
        "spec-values-keep-their-digits",
    ],
)
def test_pinyin_is_normalised(shipped, query, groups):
    assert shipped.query_groups(query) == groups


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ("当归怎么辨别真假", [["当归"], TELL_APART]),
        ("枸杞几月采摘", [["枸杞", "枸杞子"], asked("采摘", "采收")]),
        ("黄芪哪里产的好", [["黄芪"]]),
        ("黄芪多少钱一斤", [["黄芪"], asked("多少钱", "价格")]),
        ("什么时候采收黄芪", [HARVEST, ["黄芪"]]),
        ("如何储存枸杞", [STORE, ["枸杞", "枸杞子"]]),
        ("党参怎么样", [["党参"]]),
        ("当归的价格是多少", [["当归"], PRICE]),
        ("怎么", [["怎么"]]),
    ],
    ids=[
        "how-to-tell-true-from-false",
        "which-month-to-pick",
        "where-grown-best",
        "how-much-a-jin",
        "when-to-harvest",
        "how-to-store",
        "how-is-it",
        "what-is-the-price",
        "only-a-question-word",
    ],
)
def test_questions_keep_material_and_topic(shipped, query, groups):
    assert shipped.query_groups(query) == groups


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ("什么时候种党参", [["党参"], asked("种", "种植")]),
        ("酸枣仁怎么炒", [["酸枣仁"], asked("炒", "炮制")]),
        ("三七现在什么价", [["三七"], ["现在"], asked("价", "价格")]),
    ],
    ids=["sow", "stir-fry", "price"],
)
def test_one_character_topic_words_count_in_a_query(shipped, query, groups):
    assert shipped.query_groups(query) == groups


def test_one_character_topic_words_stay_out_of_the_index_and_of_pinyin(shipped):
    assert shipped.tokens("种党参") == ["党参"]
    assert shipped.query_groups("zhong") == [["zhong"]]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("湖北野菊花抽检", ["湖北", "野菊", "野菊花", "抽检"]),
        ("西红花和红花", ["西红花", "红花"]),
        ("红花西红花", ["红花", "西红花"]),
        ("胡黄连", ["胡黄连"]),
        ("土茯苓", ["土茯苓"]),
        ("枸杞子", ["枸杞", "杞子", "枸杞子"]),
    ],
    ids=[
        "wild-chrysanthemum",
        "saffron-then-safflower",
        "safflower-then-saffron",
        "picrorhiza",
        "smilax",
        "same-material-pieces-stay",
    ],
)
def test_a_material_inside_another_materials_name_is_not_indexed(shipped, text, tokens):
    assert shipped.tokens(text) == tokens


def test_synonyms_expand_to_the_canonical_word_at_index_time(shipped):
    assert shipped.index_text("当归真伪辨别与贮藏") == "当归 真伪 鉴别 辨别 鉴别 贮藏 储存"


def test_index_document_carries_canonical_topic_words(corpus):
    page = corpus["西洋参进口与国产对比"]  # body: 花旗参的质量检测方法

    document = build_document(page)

    assert "检测" in document.body_tokens.split()
    assert "检验" not in document.body_tokens.split()


def test_query_synonym_finds_an_article_with_another_word_of_the_group(corpus):
    assert found("西洋参 化验") == ["西洋参进口与国产对比"]
    assert found("黄芩 采挖") == ["黄芩采收与炮制"]


def test_shipped_groups_are_in_a_fresh_database(db):
    groups = {g.canonical: g.words for g in TopicSynonymGroup.objects.all()}

    assert groups == {words[0]: words for words in read_topic_synonyms()}


def test_synonym_group_added_in_the_admin_is_live_at_once(
    admin_client, corpus, django_capture_on_commit_callbacks
):
    assert found("土质") == []
    url = reverse("wagtailsnippets_content_topicsynonymgroup:add")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"canonical": "土壤", "synonyms": "土质\n地力"})

    assert response.status_code == 302
    assert TopicSynonymGroup.objects.get(canonical="土壤").synonyms == ["土质", "地力"]
    assert found("土质") == ["蒙古黄芪仿野生种植技术要点"]


def test_synonym_group_edited_in_the_admin_is_live_at_once(
    admin_client, corpus, django_capture_on_commit_callbacks
):
    group = TopicSynonymGroup.objects.get(canonical="检测")
    assert found("检定") == []
    url = reverse("wagtailsnippets_content_topicsynonymgroup:edit", args=[group.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"canonical": "检测", "synonyms": "检验\n化验\n检定"})

    assert response.status_code == 302
    assert found("检定") == ["西洋参进口与国产对比"]


def test_synonym_group_deleted_in_the_admin_stops_expanding(
    admin_client, corpus, django_capture_on_commit_callbacks
):
    group = TopicSynonymGroup.objects.get(canonical="检测")
    assert found("化验") == ["西洋参进口与国产对比"]
    url = reverse("wagtailsnippets_content_topicsynonymgroup:delete", args=[group.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)

    assert response.status_code == 302
    assert found("化验") == []


def test_admin_refuses_a_word_already_in_another_group(admin_client, db):
    url = reverse("wagtailsnippets_content_topicsynonymgroup:add")

    response = admin_client.post(url, {"canonical": "真伪鉴定", "synonyms": "真假\n伪品"})

    assert response.status_code == 200
    [message] = response.context["form"].errors["synonyms"]
    assert ("“真假”" in message, "鉴别" in message) == (True, True)
    assert not TopicSynonymGroup.objects.filter(canonical="真伪鉴定").exists()
    assert TopicSynonymGroup.objects.get(canonical="鉴别").words == SHIPPED_TOPICS["鉴别"]
