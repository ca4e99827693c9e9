"""Supplier workspaces: a profile page, a Wagtail group and a media collection per supplier."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from content.models import SupplierIndexPage, SupplierPage
from content.site_setup import ensure_site
from content.slugs import ascii_slug, free_slug

# Suppliers add and edit inside their subtree; publishing stays with the platform's moderators,
# so every supplier edit reaches the live site only through the moderation workflow.
SUPPLIER_PAGE_PERMISSIONS = ("add_page", "change_page")
SUPPLIER_MEDIA_ACTIONS = ("add", "change", "choose")


@dataclass
class Workspace:
    page: SupplierPage
    group: Group
    collection: Collection
    user: object | None = None


@transaction.atomic
def create_supplier(name: str, *, region: str = "", verified: bool = False, **profile) -> Workspace:
    """Onboard ``name``: profile page (live), group with subtree permissions, own collection.

    Idempotent by name: onboarding an existing supplier returns its workspace unchanged.
    """
    existing = SupplierPage.objects.filter(title=name).first()
    if existing is not None and existing.group_id and existing.collection_id:
        return Workspace(existing, existing.group, existing.collection)
    ensure_site()
    index = SupplierIndexPage.objects.get()
    page = existing or index.add_child(
        instance=SupplierPage(
            title=name,
            slug=free_slug(index, ascii_slug(name)),
            region=region,
            verified=verified,
            **profile,
        )
    )
    group, _ = Group.objects.get_or_create(name=f"供应商 {name}"[:150])
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in SUPPLIER_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    collection = _supplier_collection(name)
    for model in (get_image_model(), get_document_model()):
        content_type = ContentType.objects.get_for_model(model)
        for action in SUPPLIER_MEDIA_ACTIONS:
            permission = Permission.objects.get(
                content_type=content_type, codename=f"{action}_{content_type.model}"
            )
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
    page.group, page.collection = group, collection
    page.save(update_fields=["group", "collection"])
    return Workspace(page, group, collection)


@transaction.atomic
def add_supplier_user(workspace: Workspace, username: str, email: str, password: str | None):
    """Create a login for a supplier's staff member, inside its group only (``password`` None:
    no usable password until one is set).

    An existing username is refused unless it already belongs to this workspace alone: adding
    another supplier's (or the platform's) user to this group would open both workspaces to it.
    """
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model.objects.create_user(username=username, email=email, password=password)
    elif list(user.groups.all()) != [workspace.group] or user.is_superuser:
        raise UsernameTakenError(f"the username {username!r} is already in use")
    user.groups.add(workspace.group)
    workspace.user = user
    return user


class UsernameTakenError(ValueError):
    """Onboarding asked for a login name somebody else already has."""


def _supplier_collection(name: str) -> Collection:
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=name).first()
    return collection or root.add_child(name=name)
