"""A supplier cannot put another supplier's unpublished image or document on its own page.

Once a live page uses an image it is public (``content.media_access``), so the page form
refuses media the editor may not choose, wherever the page names it: a foreign key or a block.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Revision

from content.media_access import can_view_unpublished, is_public
from content.models import ArticlePage
from content.site_setup import MODERATORS
from content.staff import sees_every_workspace
from tests.conftest import PASSWORD
from tests.content.test_moderation import add_url, article_form, form_with_block


@pytest.fixture
def draft_image_of_a(supplier_a):
    return get_image_model().objects.create(
        title="甲方未发布图片",
        file=get_test_image_file(),
        collection=supplier_a.collection,
        uploaded_by_user=supplier_a.user,
    )


@pytest.fixture
def own_image_of_b(supplier_b):
    return get_image_model().objects.create(
        title="乙方图片",
        file=get_test_image_file(),
        collection=supplier_b.collection,
        uploaded_by_user=supplier_b.user,
    )


def test_cover_image_of_another_supplier_is_refused(
    client, supplier_b, materials, draft_image_of_a
):
    client.force_login(supplier_b.user)
    data = article_form(materials, cover_image=str(draft_image_of_a.pk))

    response = client.post(add_url(supplier_b.page), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["cover_image"]
    assert str(draft_image_of_a.pk) in errors["cover_image"][0]
    assert not ArticlePage.objects.filter(slug="huangqi-2026").exists()
    assert not is_public(draft_image_of_a)


def test_image_block_of_another_supplier_is_refused_on_edit(
    client, supplier_b, materials, draft_image_of_a
):
    client.force_login(supplier_b.user)
    client.post(add_url(supplier_b.page), article_form(materials))
    article = ArticlePage.objects.get(slug="huangqi-2026")
    revisions = Revision.objects.for_instance(article).count()
    block = ("image", {"image": draft_image_of_a.pk, "caption": ""})

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]), form_with_block(materials, block)
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["body"]
    assert Revision.objects.for_instance(article).count() == revisions
    assert all(b.block_type != "image" for b in article.get_latest_revision_as_object().body)


def test_own_image_is_accepted(client, supplier_b, materials, own_image_of_b):
    client.force_login(supplier_b.user)
    data = article_form(materials, cover_image=str(own_image_of_b.pk))

    response = client.post(add_url(supplier_b.page), data)

    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="huangqi-2026")
    assert article.get_latest_revision_as_object().cover_image_id == own_image_of_b.pk


def test_moderators_are_one_rule_for_admin_and_media(site, draft_image_of_a):
    """The moderators group and the permission it holds give the same answer everywhere."""
    users = get_user_model().objects
    in_group = users.create_user("in-group", password=PASSWORD)
    in_group.groups.add(Group.objects.get(name=MODERATORS))
    with_permission = users.create_user("with-permission", password=PASSWORD)
    with_permission.user_permissions.add(Permission.objects.get(codename="verify_supplier"))
    plain = users.create_user("plain", password=PASSWORD)

    answers = {
        user.username: (sees_every_workspace(user), can_view_unpublished(user, draft_image_of_a))
        for user in (in_group, with_permission, plain)
    }

    assert answers == {
        "in-group": (True, True),
        "with-permission": (True, True),
        "plain": (False, False),
    }
