"""A supplier writes an article in the admin, submits it, a moderator approves, it goes live."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from content.models import ArticlePage, SupplierPage

# Django's "This field is required." as the platform catalogue words it for every form.
REQUIRED = "此项为必填。"


def article_form(materials, **extra) -> dict:
    data = nested_form_data(
        {
            "title": "2026年蒙古黄芪新货上市",
            "slug": "huangqi-2026",
            "kind": "product",
            "summary": "内蒙古仿野生黄芪，统货现货。",
            "origin": "内蒙古",
            "grade": "统货",
            "publish_date": "2026-11-20",
            "tags": "新货, 仿野生",
            "body": streamfield(
                [
                    ("heading", "产地与规格"),
                    ("paragraph", rich_text("<p>今年黄芪长势良好。</p>")),
                    (
                        "quote",
                        {
                            "price_low": "38.00",
                            "price_high": "45.00",
                            "unit": "元/公斤",
                            "moq": "500公斤",
                            "valid_until": "2026-12-31",
                            "note": "",
                        },
                    ),
                ]
            ),
            "comments": inline_formset([]),
        }
    )
    data["materials"] = "黄芪"
    data.update(extra)
    return data


def add_url(parent) -> str:
    return reverse("wagtailadmin_pages:add", args=["content", "articlepage", parent.pk])


def test_supplier_submits_and_moderator_approves(client, supplier_a, moderator, materials):
    # given: the supplier creates an article and submits it for moderation
    client.force_login(supplier_a.user)
    response = client.post(
        add_url(supplier_a.page), article_form(materials, **{"action-submit": "1"})
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    article = ArticlePage.objects.get(slug="huangqi-2026")
    assert not article.live
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.status == "in_progress"
    assert client.get(article.url).status_code == 404

    # when: a platform moderator approves
    client.force_login(moderator)
    task_state = state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", task_state.pk]),
        {"comment": "资料齐全"},
    )

    # then: the article is live, with its quote, under the supplier
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.live
    assert article.supplier == supplier_a.page
    page = client.get(article.url)
    assert page.status_code == 200
    assert "¥38.00 – ¥45.00" in page.content.decode()


def test_supplier_cannot_publish_directly(client, supplier_a, materials):
    client.force_login(supplier_a.user)

    response = client.post(
        add_url(supplier_a.page), article_form(materials, **{"action-publish": "1"})
    )

    article = ArticlePage.objects.get(slug="huangqi-2026")
    assert response.status_code == 302
    assert not article.live
    assert article.live_revision is None


def test_supplier_edit_of_live_page_waits_for_moderation(client, supplier_a, moderator, materials):
    # given a live article
    client.force_login(supplier_a.user)
    client.post(add_url(supplier_a.page), article_form(materials, **{"action-submit": "1"}))
    article = ArticlePage.objects.get(slug="huangqi-2026")
    state = WorkflowState.objects.get(object_id=str(article.pk))
    state.current_task_state.approve(user=moderator)

    # when the supplier changes the title and submits again
    edit = reverse("wagtailadmin_pages:edit", args=[article.pk])
    data = article_form(materials, title="改过的标题", **{"action-submit": "1"})
    response = client.post(edit, data)

    # then the live title is unchanged until approval
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "2026年蒙古黄芪新货上市"
    assert article.get_latest_revision_as_object().title == "改过的标题"


def test_only_moderators_can_mark_supplier_verified(client, supplier_a):
    client.force_login(supplier_a.user)
    edit = reverse("wagtailadmin_pages:edit", args=[supplier_a.page.pk])
    response = client.get(edit)
    form = querydict_from_html(response.content.decode(), form_id="page-edit-form")

    # a forged POST with verified=on is ignored: the field is not on the supplier's form
    form["verified"] = "on"
    form["action-submit"] = "1"
    client.post(edit, form)

    assert 'name="verified"' not in response.content.decode()
    latest = SupplierPage.objects.get(pk=supplier_a.page.pk).get_latest_revision_as_object()
    assert latest.verified is False


@pytest.mark.parametrize("field", ["price_high"])
def test_quote_with_inverted_prices_is_rejected(client, supplier_a, materials, field):
    client.force_login(supplier_a.user)
    data = article_form(materials, **{"action-submit": "1"})
    data["body-2-value-price_high"] = "10.00"

    response = client.post(add_url(supplier_a.page), data)

    assert response.status_code == 200
    assert not ArticlePage.objects.exists()
    error = response.context["form"].errors.as_data()["body"][0]
    assert error.block_errors[2].block_errors[field].messages == ["不得低于最低价。"]


INCOMPLETE_BLOCKS = [
    pytest.param(
        ("report", {"title": "2026年黄芪检测报告", "lab": "", "report_no": "", "document": ""}),
        "document",
        id="report-without-pdf",
    ),
    pytest.param(
        (
            "quote",
            {
                "price_low": "",
                "price_high": "",
                "unit": "元/公斤",
                "moq": "",
                "valid_until": "",
                "note": "",
            },
        ),
        "price_low",
        id="quote-without-prices",
    ),
]


def form_with_block(materials, block: tuple, **extra) -> dict:
    data = article_form(materials, **extra)
    body = streamfield([("heading", "检测"), block])
    for key in [k for k in data if k.startswith("body-")]:
        del data[key]
    data.update(nested_form_data({"body": body}))
    return data


@pytest.mark.parametrize(("block", "field"), INCOMPLETE_BLOCKS)
def test_draft_saves_with_an_incomplete_block(client, supplier_a, materials, block, field):
    client.force_login(supplier_a.user)

    response = client.post(add_url(supplier_a.page), form_with_block(materials, block))

    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="huangqi-2026")
    assert not article.live
    draft = article.get_latest_revision_as_object()
    assert draft.body[1].block_type == block[0]
    assert draft.body[1].value[field] is None


@pytest.mark.parametrize(("block", "field"), INCOMPLETE_BLOCKS)
def test_submitting_an_incomplete_block_is_refused_naming_the_field(
    client, supplier_a, materials, block, field
):
    client.force_login(supplier_a.user)
    client.post(add_url(supplier_a.page), form_with_block(materials, block))
    article = ArticlePage.objects.get(slug="huangqi-2026")
    edit = reverse("wagtailadmin_pages:edit", args=[article.pk])

    response = client.post(edit, form_with_block(materials, block, **{"action-submit": "1"}))

    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["body"][0]
    assert error.block_errors[1].block_errors[field].messages == [REQUIRED]
    assert not WorkflowState.objects.filter(object_id=str(article.pk)).exists()
    assert article.revisions.count() == 1


def test_publishing_an_incomplete_report_is_refused(admin_client, supplier_a, materials):
    block = INCOMPLETE_BLOCKS[0].values[0]

    response = admin_client.post(
        add_url(supplier_a.page), form_with_block(materials, block, **{"action-publish": "1"})
    )

    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["body"][0]
    assert error.block_errors[1].block_errors["document"].messages == [REQUIRED]
    assert not ArticlePage.objects.exists()


PINYIN_SLUG = "2026-nian-meng-gu-huang-qi-xin-huo-shang-shi"


@pytest.mark.parametrize(
    "slug",
    ["", "2026年蒙古黄芪新货上市", "2026"],
    ids=["empty", "browser-unicode-autofill", "browser-ascii-autofill"],
)
def test_new_article_gets_the_pinyin_slug_of_its_title(client, supplier_a, materials, slug):
    client.force_login(supplier_a.user)

    response = client.post(add_url(supplier_a.page), article_form(materials, slug=slug))

    assert response.status_code == 302
    article = ArticlePage.objects.get()
    assert article.slug == PINYIN_SLUG
    assert article.get_latest_revision_as_object().slug == PINYIN_SLUG


def test_pinyin_slug_taken_by_a_sibling_gets_a_number(client, supplier_a, materials):
    client.force_login(supplier_a.user)
    client.post(add_url(supplier_a.page), article_form(materials, slug=""))

    response = client.post(add_url(supplier_a.page), article_form(materials, slug=""))

    assert response.status_code == 302
    assert sorted(ArticlePage.objects.values_list("slug", flat=True)) == [
        PINYIN_SLUG,
        f"{PINYIN_SLUG}-2",
    ]


def test_a_slug_the_editor_typed_is_kept(client, supplier_a, materials):
    client.force_login(supplier_a.user)

    client.post(add_url(supplier_a.page), article_form(materials, slug="mengu-huangqi"))

    assert ArticlePage.objects.get().slug == "mengu-huangqi"


def test_a_live_article_keeps_its_slug_when_edited(client, supplier_a, moderator, materials):
    # given a live article whose slug is the title (as before pinyin slugs)
    article = ArticlePage(title="黄芪", slug="黄芪", summary="黄芪统货。")
    supplier_a.page.add_child(instance=article)
    article.save_revision().publish()
    client.force_login(supplier_a.user)

    # when its supplier saves a draft of it with the slug unchanged
    edit = reverse("wagtailadmin_pages:edit", args=[article.pk])
    response = client.post(edit, article_form(materials, title="黄芪", slug="黄芪"))

    # then the URL stays the same
    assert response.status_code == 302
    assert article.get_latest_revision_as_object().slug == "黄芪"


def test_autosave_keeps_an_article_with_an_empty_report(client, supplier_a, materials):
    # given a draft the supplier is editing
    client.force_login(supplier_a.user)
    client.post(add_url(supplier_a.page), article_form(materials))
    article = ArticlePage.objects.get(slug="huangqi-2026")
    edit = reverse("wagtailadmin_pages:edit", args=[article.pk])
    block = INCOMPLETE_BLOCKS[0].values[0]

    # when the editor's browser autosaves while the new report block has no PDF yet
    response = client.post(edit, form_with_block(materials, block), HTTP_ACCEPT="application/json")

    # then the draft is saved with the block
    assert response.status_code == 200
    assert response.json()["success"] is True
    article.refresh_from_db()
    draft = article.get_latest_revision_as_object()
    assert [b.block_type for b in draft.body] == ["heading", "report"]
    assert draft.body[1].value["title"] == "2026年黄芪检测报告"
