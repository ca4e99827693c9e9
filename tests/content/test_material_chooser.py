"""The 药材 field in the admin: tags with autocomplete instead of a select of every material."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from content.material_chooser import match_materials, split_names
from content.models import ArticlePage
from tests.content.test_moderation import add_url, article_form
from tests.factories import MaterialFactory

AUTOCOMPLETE = "/admin/materials/autocomplete/"


@pytest.mark.parametrize(
    ("term", "values"),
    [
        ("黄芪", ["黄芪"]),
        ("北芪", ["黄芪"]),
        ("黄", ["黄芪", "黄芩"]),
        ("huang", ["黄芪", "黄芩"]),
        ("Dang Gui", ["当归"]),
        ("dang", ["当归", "党参"]),
        ("astragali", ["黄芪"]),
        ("田", ["三七"]),
        ("七", ["三七"]),
        ("  ", []),
        ("不存在", []),
    ],
    ids=[
        "canonical",
        "alias",
        "one-character",
        "pinyin-prefix",
        "spaced-pinyin",
        "pinyin-two",
        "latin",
        "alias-prefix",
        "inside-a-name",
        "blank",
        "nothing",
    ],
)
def test_match_materials(materials, term, values):
    assert [m["value"] for m in match_materials(term)] == values


def test_a_match_is_labelled_with_pinyin_and_aliases(materials):
    assert match_materials("北芪") == [
        {"label": "黄芪 huangqi · 北芪、绵芪、黄耆", "value": "黄芪"}
    ]


def test_matches_are_capped(db):
    for n in range(30):
        MaterialFactory(name=f"测试药{n:02d}", pinyin=f"ceshiyao{n:02d}")

    assert len(match_materials("测试")) == 20


def test_split_names_accepts_chinese_separators_and_quotes():
    assert split_names('黄芪, 北芪，当归、"三七" ,, 黄芪') == ["黄芪", "北芪", "当归", "三七"]


def test_autocomplete_answers_admin_users_only(client, supplier_a, materials):
    anonymous = client.get(AUTOCOMPLETE, {"term": "dang"})
    client.force_login(supplier_a.user)

    response = client.get(AUTOCOMPLETE, {"term": "dang"})

    assert anonymous.status_code == 302
    assert response.status_code == 200
    assert [m["value"] for m in response.json()] == ["当归", "党参"]
    assert reverse("content_material_autocomplete") == AUTOCOMPLETE


def test_editor_page_does_not_list_every_material(client, supplier_a, materials):
    for n in range(600):
        MaterialFactory(name=f"批量药材{n:03d}", pinyin=f"piliang{n:03d}")
    client.force_login(supplier_a.user)

    html = client.get(add_url(supplier_a.page)).content.decode()

    assert 'data-controller="w-tag"' in html
    assert f'data-w-tag-url-value="{AUTOCOMPLETE}"' in html
    assert "批量药材599" not in html


def test_chosen_materials_are_saved_by_any_name_and_shown_by_canonical_name(
    client, supplier_a, materials
):
    client.force_login(supplier_a.user)
    data = article_form(materials)
    data["materials"] = "北芪，岷归"

    response = client.post(add_url(supplier_a.page), data)

    assert response.status_code == 302
    article = ArticlePage.objects.get()
    draft = article.get_latest_revision_as_object()
    assert set(draft.materials.all()) == {materials["黄芪"], materials["当归"]}
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    assert 'value="黄芪, 当归"' in edit or 'value="当归, 黄芪"' in edit


def test_an_unknown_material_is_refused_by_name(client, supplier_a, materials):
    client.force_login(supplier_a.user)
    data = article_form(materials)
    data["materials"] = "黄芪, 不存在的药"

    response = client.post(add_url(supplier_a.page), data)

    message = gettext("“%(pk)s” is not in the material dictionary.") % {"pk": "不存在的药"}
    assert response.status_code == 200
    assert response.context["form"].errors["materials"] == [message]
    assert not ArticlePage.objects.exists()
