"""Supplier isolation in the admin: what a supplier's user may see outside its own workspace.

A supplier's users see their own workspace (their supplier page's subtree and media collection)
and, where the admin lists the public site (the page chooser), live pages. Platform staff and
moderators see every workspace. Wagtail's own permissions already refuse most views of another
workspace's objects, but some listings (page chooser, admin API media, platform-wide reports)
and some views that only read (chooser "chosen" steps, workflow cancellation, bulk-action
confirmations) do not check them; ``SupplierIsolationMiddleware`` answers 404 for any admin URL
that names another workspace's page, image or document, and 403 for platform-wide views.

It is a middleware rather than ``register_admin_urls`` overrides because Wagtail's own admin URLs
come before the hook's, so a hook cannot replace them.
"""

import re
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from content.models import SupplierPage
from content.staff import sees_every_workspace

# Platform-wide views a supplier's user cannot open: counts and "last edited" across every
# supplier, the audit log of every model, every locked page, the media admin API (not
# filtered by collection; the admin itself never calls it).
PLATFORM_ONLY_VIEWS = frozenset(
    {
        "wagtailadmin_reports:page_types_usage",
        "wagtailadmin_reports:page_types_usage_results",
        "wagtailadmin_reports:site_history",
        "wagtailadmin_reports:site_history_results",
        "wagtailadmin_reports:locked_pages",
        "wagtailadmin_reports:locked_pages_results",
        "wagtailadmin_api:images:listing",
        "wagtailadmin_api:images:detail",
        "wagtailadmin_api:images:find",
        "wagtailadmin_api:documents:listing",
        "wagtailadmin_api:documents:detail",
        "wagtailadmin_api:documents:find",
    }
)
# Menu names of those reports, hidden from the reports menu as well.
PLATFORM_ONLY_REPORTS = frozenset({"page-types-usage", "site-history", "locked-pages"})

# Views that show the public site to link to: live pages of other workspaces are fine there.
# (Not the admin API: only the explorer menu uses it, inside the user's own workspace.)
LINKING_VIEWS = frozenset(
    {
        "wagtailadmin_choose_page_child",
        "wagtailadmin_choose_page_chosen_multiple",
        "wagtailadmin_choose_page_external_link",
        "wagtailadmin_choose_page_email_link",
        "wagtailadmin_choose_page_phone_link",
        "wagtailadmin_choose_page_anchor_link",
    }
)

PAGE_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk")
IMAGE_KWARGS = ("image_id",)
DOCUMENT_KWARGS = ("document_id", "doc_id")
# Query parameters that name pages (admin API filters, link choosers' remembered parent).
PAGE_PARAMS = ("child_of", "descendant_of", "parent_page_id")
# The listing a bulk action's "select all" selects from: a page for pages, else a collection.
BULK_PARENT = "childOf"
# An id as Wagtail's views read it: plain ASCII digits. Anything else ("+9", " 9", "²") is
# refused outright, since int() would read some of them as another id than ``_ints`` sees.
ID = re.compile(r"[0-9]{1,12}")
# Bulk actions' "select all": every object of the listing ``childOf`` names (images' and
# documents' listings are already limited to what the user may change; pages' are not).
SELECT_ALL = "all"
# Namespaces whose ``pk`` (or ``?id=``) is a page, an image or a document.
PK_MODELS: dict[str, str] = {
    "wagtailadmin_pages": "page",
    "wagtailadmin_api:pages": "page",
    "wagtailimages_chooser": "image",
    "wagtaildocs_chooser": "document",
}
BULK_MODELS = {"wagtailcore.page": "page", "wagtailimages.image": "image"}
BULK_MODELS["wagtaildocs.document"] = "document"
ID_LIST_VIEWS = {
    "wagtailadmin_choose_page_chosen_multiple": "page",
    "wagtailimages_chooser:chosen_multiple": "image",
    "wagtaildocs_chooser:chosen_multiple": "document",
}


def own_workspace_q(user, prefix: str = "") -> Q:
    """Pages inside the user's supplier workspaces (profile page and everything under it)."""
    paths = SupplierPage.objects.filter(group__user=user).values_list("path", flat=True)
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def published_q() -> Q:
    """Live, unrestricted pages whose pending draft (if any) keeps the live title: the chooser
    shows the draft title, so a live page renamed in a draft would reveal the unpublished title
    (and a password-protected page is not public at all)."""
    unrenamed = Q(has_unpublished_changes=False) | Q(draft_title=F("title"))
    return Q(pk__in=Page.objects.live().public().values("pk")) & unrenamed


def restrict_chooser_pages(pages: QuerySet, request: HttpRequest) -> QuerySet:
    """The page chooser's listing for ``request.user``: live pages plus its own workspace."""
    if sees_every_workspace(request.user):
        return pages
    # By id, not by the fields themselves: the chooser's search runs on this queryset, and the
    # search index can only filter on the fields it indexes.
    allowed = Page.objects.filter(published_q() | own_workspace_q(request.user)).values("pk")
    return pages.filter(pk__in=allowed)


def hide_platform_reports(request: HttpRequest, menu_items: list) -> None:
    """Drop the platform-wide reports from a supplier's reports menu."""
    if not sees_every_workspace(request.user):
        menu_items[:] = [i for i in menu_items if i.name not in PLATFORM_ONLY_REPORTS]


class SupplierIsolationMiddleware:
    """Refuse admin URLs that name another workspace's object, for suppliers' users."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated:
            return None  # anonymous: the admin's own login redirect answers
        if not request.path.startswith("/admin/"):
            return None
        if not well_formed(match.view_name, match.namespace, view_kwargs, request.GET):
            raise Http404  # for everyone: Wagtail's own views answer 500 for some ("²")
        if sees_every_workspace(user):
            return None
        if match.view_name in PLATFORM_ONLY_VIEWS:
            raise PermissionDenied
        if selects_everything(match.view_name, view_kwargs, request.GET):
            raise Http404
        named = named_objects(match.view_name, match.namespace, view_kwargs, request.GET)
        if not all_allowed(user, named, linking=match.view_name in LINKING_VIEWS):
            raise Http404
        return None


def well_formed(view_name: str, namespace: str, kwargs: dict, params) -> bool:
    """Whether every id the request names is plain ASCII digits (or a bulk action's "all")."""
    keys = (*PAGE_KWARGS, *IMAGE_KWARGS, *DOCUMENT_KWARGS)
    values = [kwargs.get(k) for k in (*keys, "pk") if k != "pk" or namespace in PK_MODELS]
    values += [v for k in (*PAGE_PARAMS, BULK_PARENT) for v in params.getlist(k)]
    if view_name == "wagtail_bulk_action" and _bulk_kind(kwargs):
        values += [v for v in params.getlist("id") if v != SELECT_ALL]
    elif view_name in ID_LIST_VIEWS:
        values += params.getlist("id")
    return all(isinstance(v, int) or ID.fullmatch(v) for v in values if v is not None and v != "")


def selects_everything(view_name: str, kwargs: dict, params) -> bool:
    """A page bulk action's "select all" without the listing (``childOf``) it selects from:
    every page of every workspace."""
    return (
        view_name == "wagtail_bulk_action"
        and _bulk_kind(kwargs) == "page"
        and SELECT_ALL in params.getlist("id")
        and not params.get(BULK_PARENT)
    )


def named_objects(view_name: str, namespace: str, kwargs: dict, params) -> dict[str, set[int]]:
    """The pages, images and documents a request's URL and query string name, by kind."""
    named: dict[str, set[int]] = {"page": set(), "image": set(), "document": set()}
    for kind, keys in (("page", PAGE_KWARGS), ("image", IMAGE_KWARGS)):
        named[kind] |= _ints(kwargs.get(k) for k in keys)
    named["document"] |= _ints(kwargs.get(k) for k in DOCUMENT_KWARGS)
    named["page"] |= _ints(params.get(k) for k in PAGE_PARAMS)
    pk_kind = PK_MODELS.get(namespace)
    if pk_kind:
        named[pk_kind] |= _ints([kwargs.get("pk")])
    bulk_kind = _bulk_kind(kwargs)
    if view_name == "wagtail_bulk_action" and bulk_kind:
        named[bulk_kind] |= _ints(params.getlist("id"))
        if bulk_kind == "page":
            named["page"] |= _ints(params.getlist(BULK_PARENT))
    if view_name == "wagtailadmin_editing_sessions:ping" and bulk_kind:
        named[bulk_kind] |= _ints([kwargs.get("object_id")])
    if view_name in ID_LIST_VIEWS:
        named[ID_LIST_VIEWS[view_name]] |= _ints(params.getlist("id"))
    return named


def all_allowed(user, named: dict[str, set[int]], *, linking: bool) -> bool:
    """Whether every named object is in the user's workspace (or, to link to, a live page)."""
    if named["page"]:
        allowed = own_workspace_q(user) | published_q() if linking else own_workspace_q(user)
        if Page.objects.filter(allowed, pk__in=named["page"]).count() != len(named["page"]):
            return False
    for kind, model in (("image", get_image_model()), ("document", get_document_model())):
        if named[kind]:
            collections = SupplierPage.objects.filter(group__user=user).values("collection")
            found = model.objects.filter(pk__in=named[kind], collection__in=collections)
            if found.count() != len(named[kind]):
                return False
    return True


def _bulk_kind(kwargs: dict) -> str | None:
    """The kind of object a bulk action's URL acts on, if a page, image or document."""
    return BULK_MODELS.get(f"{kwargs.get('app_label')}.{kwargs.get('model_name')}")


def _ints(values: Iterable) -> set[int]:
    """The integer ids among ``values`` (plain ASCII digits; ``well_formed`` refused the rest)."""
    return {
        int(v) for v in values if isinstance(v, int) or (isinstance(v, str) and ID.fullmatch(v))
    }
