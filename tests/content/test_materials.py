"""The Material dictionary: shipped data, loading, alias resolution, admin editing."""

import json

import pytest
from django.urls import reverse

from content.materials import DATA_FILE, MaterialResolver, load_materials
from content.models import Material, MaterialCategory, MaterialPage

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))


def test_data_file_has_150_distinct_well_formed_materials():
    names = [m["name"] for m in DATA]
    aliases = [a for m in DATA for a in m["aliases"]]

    assert len(names) >= 150
    assert len(set(names)) == len(names)
    assert {m["category"] for m in DATA} <= set(MaterialCategory.values)
    assert set(aliases).isdisjoint(names)
    assert len(set(aliases)) == len(aliases)
    assert all(m["pinyin"].isascii() and m["pinyin"].islower() for m in DATA)


@pytest.mark.parametrize(
    ("name", "latin"),
    [
        ("黄芪", "Astragali Radix"),
        ("当归", "Angelicae Sinensis Radix"),
        ("三七", "Notoginseng Radix et Rhizoma"),
        ("金银花", "Lonicerae Japonicae Flos"),
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
