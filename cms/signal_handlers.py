"""Cross-app wiring of Wagtail's page lifecycle: content changes invalidate the page cache."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from cms.page_cache import bump_version


def connect() -> None:
    from content.models import Material

    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(bump_version, dispatch_uid=f"page-cache-{signal!r}")
    post_save.connect(bump_version, sender=Material, dispatch_uid="page-cache-material-save")
    post_delete.connect(bump_version, sender=Material, dispatch_uid="page-cache-material-delete")
    post_delete.connect(_page_deleted, dispatch_uid="page-cache-page-delete")
    post_save.connect(bump_version, sender=PageViewRestriction, dispatch_uid="page-cache-pvr")
    post_delete.connect(bump_version, sender=PageViewRestriction, dispatch_uid="page-cache-pvr-d")


def _page_deleted(sender: type, instance: object, **kwargs) -> None:
    if isinstance(instance, Page):
        bump_version()
