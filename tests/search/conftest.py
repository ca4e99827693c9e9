"""Search fixtures: a small corpus of live, indexed articles with known materials."""

import datetime as dt

import pytest
from wagtail.rich_text import RichText

from content.materials import read_topic_synonyms
from search.analysis import vocabulary_changed
from search.indexing import index_pages
from tests.factories import ArticlePageFactory, MaterialFactory

CORPUS = [
    # (title, kind, material, origin, body)
    ("蒙古黄芪仿野生种植技术要点", "technology", "黄芪", "内蒙古", "北芪需要排水良好的沙质土壤。"),
    ("岷县黄芪统货新货上市", "product", "黄芪", "甘肃岷县", "黄芪甲苷含量 0.5% 以上，切片 2-3cm。"),
    ("黄芩采收与炮制", "technology", "黄芩", "山西", "黄芩酒炙工艺要点。"),
    ("岷县当归统货报价", "product", "当归", "甘肃岷县", "当归统货价格稳定。"),
    ("文山三七春七价格行情", "product", "三七", "云南文山", "三七（田七）春七报价上涨。"),
    ("西洋参进口与国产对比", "technology", "西洋参", "吉林", "花旗参的质量检测方法。"),
]


# The shipped topic synonym groups by canonical word: what a query word of a group expands to.
SHIPPED_TOPICS = {words[0]: words for words in read_topic_synonyms()}
MATERIAL_ROWS = [
    ("黄芪", "黃芪", "huangqi", "Astragali Radix", ["北芪", "绵芪"], ["甘肃岷县", "内蒙古"]),
    ("黄芩", "黃芩", "huangqin", "Scutellariae Radix", ["条芩"], ["山西"]),
    ("当归", "當歸", "danggui", "Angelicae Sinensis Radix", ["岷归"], ["甘肃岷县"]),
    ("三七", "三七", "sanqi", "Notoginseng Radix et Rhizoma", ["田七"], ["云南文山"]),
    ("西洋参", "西洋參", "xiyangshen", "Panacis Quinquefolii Radix", ["花旗参"], ["吉林"]),
    ("人参", "人參", "renshen", "Ginseng Radix et Rhizoma", ["园参"], ["吉林"]),
    ("党参", "黨參", "dangshen", "Codonopsis Radix", ["潞党参"], ["山西"]),
]
# English names as in materials.json, for the materials buyers ask about in English.
ENGLISH = {
    "黄芪": ["Astragalus root", "Astragalus", "Milkvetch root"],
    "当归": ["Angelica root", "Chinese angelica", "Angelica", "Dong quai"],
    "三七": ["Notoginseng", "Pseudo-ginseng"],
    "西洋参": ["American ginseng"],
    "人参": ["Ginseng", "Asian ginseng"],
}


@pytest.fixture
def search_materials(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return _create_materials()


def _create_materials() -> dict:
    materials = {
        name: MaterialFactory(
            name=name,
            traditional=trad,
            pinyin=py,
            latin=latin,
            english=ENGLISH.get(name, []),
            aliases=aliases,
            origins=origins,
        )
        for name, trad, py, latin, aliases, origins in MATERIAL_ROWS
    }
    vocabulary_changed()  # runs on commit, which the fixture above simulates
    return materials


@pytest.fixture
def corpus(supplier_a, search_materials) -> dict[str, object]:
    """Six live articles, indexed; returns them by title."""
    pages = {}
    for n, (title, kind, material, origin, body) in enumerate(CORPUS):
        page = ArticlePageFactory(
            parent=supplier_a.page,
            title=title,
            kind=kind,
            origin=origin,
            summary=f"{title}。",
            publish_date=dt.date(2026, 1 + n, 1),
            body=[("paragraph", RichText(f"<p>{body}</p>"))],
        )
        page.materials = [search_materials[material]]
        page.save_revision().publish()
        pages[title] = page
    index_pages([p.pk for p in pages.values()])
    return pages
