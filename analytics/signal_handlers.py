"""Page, site and redirect lifecycle receivers: /collect's URL → page map goes stale."""

from django.db.models.signals import post_delete, post_save
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site, get_page_models
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from analytics.pages import forget_page_paths


def connect() -> None:
    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(forget_page_paths, dispatch_uid=f"analytics-paths-{signal!r}")
    post_save.connect(forget_page_paths, sender=Site, dispatch_uid="analytics-paths-site")
    post_delete.connect(forget_page_paths, sender=Site, dispatch_uid="analytics-paths-site-d")
    post_save.connect(forget_page_paths, sender=Redirect, dispatch_uid="analytics-paths-redirect")
    post_delete.connect(
        forget_page_paths, sender=Redirect, dispatch_uid="analytics-paths-redirect-d"
    )
    # Per page model, never for every sender: a receiver for every model makes Django load each
    # row before deleting it (no fast delete), which slowed bulk deletes of rollups and credit.
    for model in get_page_models():
        post_delete.connect(
            _page_deleted, sender=model, dispatch_uid=f"analytics-paths-delete-{model._meta.label}"
        )


def _page_deleted(sender: type, instance: object, **kwargs: object) -> None:
    forget_page_paths()
