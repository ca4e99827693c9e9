"""The Material dictionary: shipped data, loading, alias resolution, admin editing."""

import json

import opencc
import pytest
from django.urls import reverse
from pypinyin import lazy_pinyin

from content.importers import import_articles
from content.materials import DATA_FILE, FIELDS, MaterialResolver, load_materials
from content.models import ArticlePage, Material, MaterialCategory, MaterialPage

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))


# Readings pypinyin gets wrong for a drug name, checked one by one against the pharmacopoeia.
POLYPHONE_READINGS = {
    "川芎": "chuanxiong",
    "莪术": "ezhu",
    "徐长卿": "xuchangqing",
    "射干": "shegan",
    "玄参": "xuanshen",
    "黄柏": "huangbo",
    "枳壳": "zhiqiao",
    "海螵蛸": "haipiaoxiao",
    "重楼": "chonglou",
    "拳参": "quanshen",
    "川射干": "chuanshegan",
    "竹节参": "zhujieshen",
    "珠子参": "zhuzishen",
    "蛤壳": "geqiao",
    "桑螵蛸": "sangpiaoxiao",
    "关黄柏": "guanhuangbo",
}
# Traditional forms the trade writes where OpenCC's s2t picks a variant (參 not 蔘, 穀芽 not 谷芽).
TRADITIONAL_FORMS = {
    "人参": "人參",
    "党参": "黨參",
    "丹参": "丹參",
    "莪术": "莪朮",
    "三棱": "三稜",
    "苦参": "苦參",
    "北沙参": "北沙參",
    "南沙参": "南沙參",
    "玄参": "玄參",
    "蛇床子": "蛇床子",
    "僵蚕": "僵蠶",
    "明党参": "明黨參",
    "人参叶": "人參葉",
    "皂角刺": "皂角刺",
    "大皂角": "大皂角",
    "猪牙皂": "豬牙皂",
    "皂矾": "皂礬",
    "谷精草": "穀精草",
    "谷芽": "穀芽",
}


def test_data_file_has_500_distinct_well_formed_materials():
    names = [m["name"] for m in DATA]
    aliases = [a for m in DATA for a in m["aliases"]]

    assert len(names) >= 500
    assert len(set(names)) == len(names)
    assert {m["category"] for m in DATA} <= set(MaterialCategory.values)
    assert set(aliases).isdisjoint(names)
    assert len(set(aliases)) == len(aliases)
    assert all(m["pinyin"].isascii() and m["pinyin"].isalpha() for m in DATA)
    assert all(m["pinyin"].islower() for m in DATA)


def test_every_material_carries_every_fact():
    incomplete = [
        m["name"]
        for m in DATA
        if set(m) != {"name", *FIELDS}
        or not all(m[key] for key in ("traditional", "pinyin", "latin", "category"))
        or not (m["origins"] and m["english"])
        or not isinstance(m["aliases"], list)
    ]

    assert incomplete == []


def test_pinyin_is_pypinyins_reading_or_a_checked_polyphone():
    wrong = {
        m["name"]: m["pinyin"]
        for m in DATA
        if m["pinyin"] != POLYPHONE_READINGS.get(m["name"], "".join(lazy_pinyin(m["name"])))
    }

    assert wrong == {}


def test_traditional_is_openccs_or_a_checked_trade_form():
    to_traditional = opencc.OpenCC("s2t")
    wrong = {
        m["name"]: m["traditional"]
        for m in DATA
        if m["traditional"] != TRADITIONAL_FORMS.get(m["name"], to_traditional.convert(m["name"]))
    }

    assert wrong == {}


def _key(name: str) -> str:
    return "".join(name.split()).lower()


def test_no_name_of_one_material_names_another():
    owner: dict[str, str] = {}
    clashes = []
    for material in DATA:
        names = {material["name"], material["traditional"], *material["aliases"]}
        for name in names:
            if owner.setdefault(_key(name), material["name"]) != material["name"]:
                clashes.append((name, owner[_key(name)], material["name"]))

    assert clashes == []


@pytest.mark.parametrize(
    ("name", "latin"),
    [
        ("黄芪", "Astragali Radix"),
        ("当归", "Angelicae Sinensis Radix"),
        ("三七", "Notoginseng Radix et Rhizoma"),
        ("金银花", "Lonicerae Japonicae Flos"),
        ("土茯苓", "Smilacis Glabrae Rhizoma"),
        ("鸡内金", "Galli Gigerii Endothelium Corneum"),
        ("槟榔", "Arecae Semen"),
        ("红景天", "Rhodiolae Crenulatae Radix et Rhizoma"),
        ("绞股蓝", "Gynostemmatis Pentaphylli Herba"),
        ("益智", "Alpiniae Oxyphyllae Fructus"),
    ],
)
def test_data_file_facts(name, latin):
    entry = next(m for m in DATA if m["name"] == name)

    assert entry["latin"] == latin


def test_load_materials_is_idempotent_and_creates_hubs(site):
    first = load_materials()
    second = load_materials()

    assert first.created == len(DATA)
    assert first.hubs_created == len(DATA)
    assert (second.created, second.updated, second.hubs_created) == (0, 0, 0)
    assert second.unchanged == len(DATA)
    assert MaterialPage.objects.live().count() == Material.objects.count() == len(DATA)
    assert MaterialPage.objects.get(material__name="黄芪").url == "/materials/huangqi/"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("黄芪", "黄芪"),
        ("北芪", "黄芪"),
        ("绵芪", "黄芪"),
        ("黃芪", "黄芪"),
        (" 北 芪 ", "黄芪"),
        ("田七", "三七"),
        ("岷归", "当归"),
        ("當歸", "当归"),
        ("黄芩", "黄芩"),
        ("党参", "党参"),
        ("人參", "人参"),
    ],
)
def test_resolver_maps_every_name_to_its_material(materials, written, canonical):
    assert MaterialResolver().resolve(written) == materials[canonical]


@pytest.mark.parametrize("written", ["黄", "芪", "不存在", ""])
def test_resolver_does_not_guess(materials, written):
    assert MaterialResolver().resolve(written) is None


def test_canonical_name_wins_over_another_materials_alias(materials):
    materials["人参"].aliases = ["党参"]  # a careless edit outside the admin form
    materials["人参"].save()

    assert MaterialResolver().resolve("党参") == materials["党参"]


def test_admin_edits_aliases_one_per_line(admin_client, materials):
    material = materials["黄芪"]
    url = reverse("wagtailsnippets_content_material:edit", args=[material.pk])
    data = {
        "name": "黄芪",
        "traditional": "黃芪",
        "pinyin": "huangqi",
        "latin": "Astragali Radix",
        "category": "根及根茎类",
        "aliases": "北芪\n绵芪、口芪",
        "origins": "甘肃岷县\n内蒙古",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    material.refresh_from_db()
    assert material.aliases == ["北芪", "绵芪", "口芪"]
    assert material.origins == ["甘肃岷县", "内蒙古"]


def test_admin_rejects_alias_that_names_another_material(admin_client, materials):
    material = materials["黄芪"]
    url = reverse("wagtailsnippets_content_material:edit", args=[material.pk])
    data = {"name": "黄芪", "pinyin": "huangqi", "category": "根及根茎类", "aliases": "北芪\n田七"}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "“田七”已是三七的名称" in response.content.decode()
    material.refresh_from_db()
    assert material.aliases == ["北芪", "绵芪", "黄耆"]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [("土茯苓", "土茯苓"), ("冷饭团", "土茯苓"), ("鸡肫皮", "鸡内金"), ("益智仁", "益智")],
)
def test_shipped_dictionary_resolves_materials_it_lacked_before(site, written, canonical):
    load_materials()

    assert MaterialResolver().resolve(written).name == canonical


def test_article_about_tufuling_imports(supplier_a):
    load_materials()
    record = {
        "external_id": "TFL-1",
        "supplier": "甘肃岷州药业有限公司",
        "kind": "product",
        "title": "广西土茯苓统货现货供应",
        "summary": "土茯苓（冷饭团）统货，切片。",
        "body": "<p>土茯苓新货到库。</p>",
        "materials": ["土茯苓"],
        "origin": "广西",
        "published_at": "2026-10-08",
    }

    report = import_articles([json.dumps(record, ensure_ascii=False)])

    assert (report.created, report.problems) == (1, [])
    article = ArticlePage.objects.get(external_id="TFL-1")
    assert [m.name for m in article.materials.all()] == ["土茯苓"]
    assert article.live
