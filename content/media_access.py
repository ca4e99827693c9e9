"""Who may see an image or document: the one visibility rule for the API, hooks and file views.

An image or document is public when a live page that anonymous readers can open (live, without
a view restriction) references it; Wagtail's reference index records those references from cover
images, logos, StreamField chooser blocks and rich text alike. A page's database row holds its
live content, so an image added in a revision still waiting for moderation is not public until
that revision is published. The index is updated by a background task, so a newly published
image turns public a moment after the publish (failing closed, never open).

Anything else (a draft's media, an upload nobody uses yet) is visible only to the users of the
supplier whose collection holds it, to platform staff and to the moderators who review drafts.
Original image files are never public: anonymous readers get renditions.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, IntegerField, Model, QuerySet
from django.db.models.functions import Cast
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, ReferenceIndex

from content.models import SupplierPage
from content.staff import sees_every_workspace


def public_images() -> QuerySet:
    """Images a live, unrestricted page references: what anyone may list and see."""
    image_model = get_image_model()
    return image_model.objects.filter(pk__in=_referenced_by_public_pages(image_model))


def public_documents() -> QuerySet:
    """Documents a live, unrestricted page references (its test reports)."""
    document_model = get_document_model()
    return document_model.objects.filter(pk__in=_referenced_by_public_pages(document_model))


def is_public(media: Model) -> bool:
    """True when a live, unrestricted page references this image or document."""
    return _referenced_by_public_pages(type(media)).filter(to_object_id=str(media.pk)).exists()


def can_view_unpublished(user, media: Model) -> bool:
    """True for the owner supplier's users, platform staff and moderators.

    These users may also see what no live page uses yet (drafts' media, fresh uploads) and
    original image files.
    """
    if not user.is_authenticated:
        return False
    if sees_every_workspace(user):
        return True
    owners = SupplierPage.objects.filter(
        collection__in=Collection.objects.ancestor_of(media.collection, inclusive=True)
    ).values("group")
    return user.groups.filter(pk__in=owners).exists()


def can_view_image(user, image: Model) -> bool:
    """May ``user`` see renditions of ``image``? (Originals: ``can_view_unpublished``.)"""
    return can_view_unpublished(user, image) or is_public(image)


def can_view_document(user, document: Model) -> bool:
    """May ``user`` download ``document``?"""
    return can_view_unpublished(user, document) or is_public(document)


def _referenced_by_public_pages(model: type[Model]) -> QuerySet:
    """Primary keys of ``model`` objects a live, unrestricted page references."""
    live_page_ids = (
        Page.objects.live().public().annotate(text_id=Cast("pk", CharField())).values("text_id")
    )
    return (
        ReferenceIndex.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=live_page_ids,
            to_content_type=ContentType.objects.get_for_model(model),
        )
        .annotate(media_id=Cast("to_object_id", IntegerField()))
        .values("media_id")
    )
