"""English common names and pinyin typed syllable by syllable, with or without tone marks."""

import json
from types import SimpleNamespace

import pytest

from content.materials import DATA_FILE, load_materials, read_topic_synonyms
from content.models import Material
from search.analysis import Analyzer, Vocabulary, normalize
from tests.search.conftest import SHIPPED_TOPICS

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shipped() -> Analyzer:
    """An analyzer over the whole shipped dictionary, as a loaded site has it."""
    materials = (SimpleNamespace(**entry) for entry in DATA)
    return Analyzer(Vocabulary.from_materials(materials, read_topic_synonyms()))


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ("Astragalus", [["黄芪"]]),
        ("astragalus root", [["黄芪"]]),
        ("ASTRAGALUS ROOT", [["黄芪"]]),
        ("Milkvetch root", [["黄芪"]]),
        ("Angelica", [["当归"]]),
        ("Chinese angelica", [["当归"]]),
        ("Dahurian angelica root", [["白芷"]]),
        ("Goji berry", [["枸杞子"]]),
        ("wolfberry", [["枸杞子"]]),
        ("Notoginseng", [["三七"]]),
        ("pseudo-ginseng", [["三七"]]),
        ("Ginseng", [["人参"]]),
        ("American ginseng", [["西洋参"]]),
        ("red ginseng", [["红参"]]),
        ("astragalus root 价格", [["黄芪"], SHIPPED_TOPICS["价格"]]),
    ],
    ids=[
        "one-word",
        "phrase",
        "upper-case",
        "second-name",
        "angelica",
        "angelica-phrase",
        "other-angelica",
        "goji",
        "wolfberry",
        "notoginseng",
        "hyphenated",
        "ginseng",
        "longest-phrase-wins",
        "red-ginseng",
        "with-chinese-word",
    ],
)
def test_english_names_resolve_to_the_material(shipped, query, groups):
    assert shipped.query_groups(query) == groups


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ("huang qi", [["huangqi", "黄芪"]]),
        ("Huang Qi", [["huangqi", "黄芪"]]),
        ("huáng qí", [["huangqi", "黄芪"]]),
        ("dang gui", [["danggui", "当归"]]),
        ("dāng guī 统货", [["danggui", "当归"], ["统货"]]),
        ("nǚ zhēn zǐ", [["nvzhenzi", "女贞子"]]),
        ("dong chong xia cao", [["dongchongxiacao", "冬虫夏草"]]),
        ("huang qin", [["huangqin", "黄芩"]]),
    ],
    ids=[
        "spaced",
        "capitals",
        "tone-marks",
        "danggui",
        "marks-and-chinese",
        "u-umlaut",
        "four",
        "qin",
    ],
)
def test_spaced_pinyin_is_read_as_one_name(shipped, query, groups):
    assert shipped.query_groups(query) == groups


def test_words_that_spell_no_name_stay_apart(shipped):
    assert shipped.query_groups("quality report") == [["quality"], ["report"]]


def test_tone_marks_fold_only_on_latin_letters():
    assert normalize("Huáng Qí") == "huang qi"
    assert normalize("lǜ nüe") == "lv nve"
    assert normalize("が黃芪") == "が黄芪"


def test_data_file_gives_every_material_distinct_english_names():
    latin = {normalize(m["latin"]): m["name"] for m in DATA}
    other_names = {
        normalize(n): m["name"]
        for m in DATA
        for n in (m["name"], m["traditional"], m["pinyin"], *m["aliases"])
    }
    owners: dict[str, str] = {}
    for material in DATA:
        assert material["english"], material["name"]
        for name in material["english"]:
            key = normalize(name)
            assert owners.setdefault(key, material["name"]) == material["name"], name
            assert latin.get(key, material["name"]) == material["name"], name
            assert other_names.get(key, material["name"]) == material["name"], name


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("黄芪", "Astragalus root"),
        ("当归", "Angelica root"),
        ("枸杞子", "Goji berry"),
        ("三七", "Notoginseng"),
        ("人参", "Ginseng"),
    ],
)
def test_data_file_english_facts(name, english):
    assert next(m for m in DATA if m["name"] == name)["english"][0] == english


def test_load_materials_stores_english_names(site):
    load_materials()

    assert Material.objects.get(name="黄芪").english == [
        "Astragalus root",
        "Astragalus",
        "Milkvetch root",
    ]


@pytest.mark.parametrize(
    ("query", "total"),
    [("Astragalus", 2), ("astragalus root", 2), ("Angelica", 1), ("huang qi", 2), ("dang gui", 1)],
)
def test_search_api_finds_english_and_spaced_pinyin(client, corpus, query, total):
    body = client.get("/api/v1/search/", {"q": query}).json()

    assert (body["total"], body["relaxed"]) == (total, False)


def test_materials_api_lists_english_names(client, search_materials):
    detail = client.get(f"/api/v2/materials/{search_materials['黄芪'].pk}/").json()

    assert detail["english"] == ["Astragalus root", "Astragalus", "Milkvetch root"]
