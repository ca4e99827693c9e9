"""The analysis pipeline: normalisation, segmentation, aliases, traditional, pinyin, Latin."""

from types import SimpleNamespace

import pytest

from content.materials import read_topic_synonyms
from search.analysis import Analyzer, Vocabulary, normalize, to_pinyin
from tests.search.conftest import MATERIAL_ROWS, SHIPPED_TOPICS

MATERIALS = {
    name: SimpleNamespace(
        name=name, traditional=trad, pinyin=py, latin=latin, aliases=aliases, origins=origins
    )
    for name, trad, py, latin, aliases, origins in MATERIAL_ROWS
}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    """One analyzer for the module: building jieba's dictionary takes most of a second."""
    return Analyzer(Vocabulary.from_materials(MATERIALS.values(), read_topic_synonyms()))


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("黃芪", "黄芪"),
        ("ＨＵＡＮＧＱＩ　２０２６", "huangqi 2026"),
        ("當歸  片", "当归 片"),
        ("Astragali Radix", "astragali radix"),
    ],
    ids=["traditional", "full-width", "traditional-spaces", "latin-case"],
)
def test_normalize(raw, normal):
    assert normalize(raw) == normal


def test_pinyin_full_and_initials():
    assert to_pinyin("黄芪") == ("huangqi", "hq")
    assert to_pinyin("西洋参") == ("xiyangshen", "xys")


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ("北芪 种植", [["北芪", "黄芪"], SHIPPED_TOPICS["种植"]]),
        ("黃芪", [["黄芪"]]),
        ("huangqi", [["huangqi", "黄芪"]]),
        ("Astragali Radix", [["黄芪"]]),
        ("Notoginseng Radix et Rhizoma", [["三七"]]),
        ("Ginseng Radix et Rhizoma", [["人参"]]),
        ("岷县当归 统货", [["岷县"], ["当归"], ["统货"]]),
        ("田七 价格", [["田七", "三七"], SHIPPED_TOPICS["价格"]]),
        ("花旗参", [["花旗参", "西洋参"]]),
        ("西洋参", [["西洋参"]]),
        ("0.5% 2-3cm", [["0.5%"], ["2-3cm"]]),
    ],
    ids=[
        "alias+synonym",
        "traditional",
        "pinyin",
        "latin",
        "latin-longest",
        "latin-inner",
        "origin-compound",
        "alias-price",
        "alias-compound",
        "no-fragments",
        "spec-values",
    ],
)
def test_query_groups(analyzer, query, groups):
    assert analyzer.query_groups(query) == groups


@pytest.mark.parametrize(
    ("a", "b"),
    [("黄芪", "黄芩"), ("人参", "西洋参"), ("人参", "党参")],
    ids=["huangqi-huangqin", "renshen-xiyangshen", "renshen-dangshen"],
)
def test_distractors_share_no_token(analyzer, a, b):
    tokens_a = {t for g in analyzer.query_groups(a) for t in g}
    tokens_b = set(analyzer.index_text(b).split())

    assert tokens_a.isdisjoint(tokens_b)


def test_index_text_expands_aliases_to_canonical(analyzer):
    tokens = analyzer.index_text("北芪新货到库，田七同步供应").split()

    assert tokens[:2] == ["北芪", "黄芪"]
    assert "三七" in tokens
    assert {"新货", "到库", "同步", "供应"} <= set(tokens)


def test_material_text_has_every_name(analyzer):
    text = analyzer.material_text(MATERIALS["黄芪"]).split()

    assert {"黄芪", "北芪", "绵芪", "huangqi", "hq", "astragali", "radix"} <= set(text)


def test_place_names_segment_whole(analyzer):
    assert "岷县" in analyzer.tokens("甘肃岷县当归")
    assert "内蒙古" in analyzer.tokens("内蒙古黄芪")


@pytest.mark.parametrize("query", ["", "   ", "的", "🌿🌿", '" * ( ) NEAR OR', "a" * 2000])
def test_hostile_or_empty_queries_do_not_raise(analyzer, query):
    groups = analyzer.query_groups(query)

    assert all(isinstance(token, str) and token for group in groups for token in group)
