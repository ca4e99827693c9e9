"""Which live page a tracked URL shows: /collect stores that, never the page_id a client claims.

The answer for a (host, port, path) is kept in a per-process map, so /collect pays one shared-
cache read per POST (the map's version) and a dictionary lookup per event; the database is asked
once per new path. Any publish, unpublish, move, slug change, page delete or site edit changes
the version (``forget_page_paths``), and every process drops its map on its next POST.
"""

import uuid
from urllib.parse import unquote, urlsplit

from django.core.cache import cache

from content.commit_hooks import on_commit_once

VERSION_KEY = "analytics:page-paths:version"
# Paths that resolve to no page are remembered too, so made-up URLs cost one query each; past
# this many entries the map starts again rather than grow with whatever clients send.
MAX_PATHS = 20_000

_memo: dict[str, object] = {"version": None, "paths": {}}


class PageResolver:
    """Resolves the URLs of one batch against the map of the current version."""

    def __init__(self) -> None:
        version = cache.get(VERSION_KEY)
        if version is None:  # first use, or the cache was cleared: a fresh token, never reused
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
        if _memo["version"] != version or len(_memo["paths"]) > MAX_PATHS:  # type: ignore[arg-type]
            _memo["version"], _memo["paths"] = version, {}
        self.paths: dict[tuple, int | bool | None] = _memo["paths"]  # type: ignore[assignment]

    def page_id(self, url: str) -> int | None:
        """The id of the live page at ``url``, or None when no live page is there."""
        key = _path_key(url)
        if key is None:
            return None
        if key not in self.paths:
            self.paths[key] = _find_live_page(*key)
        return self.paths[key]  # type: ignore[return-value]

    def redirects_to(self, url: str, page_id: int) -> bool:
        """True when a redirect from ``url``'s path leads to the live page ``page_id``: the
        article moved, and ``url`` is where a reader's open tab still had it."""
        key = _path_key(url)
        if key is None:
            return False
        redirect_key = ("redirect", *key, page_id)
        if redirect_key not in self.paths:
            self.paths[redirect_key] = _find_redirect(*key, page_id)
        return bool(self.paths[redirect_key])


def _path_key(url: str) -> tuple[str, int, str] | None:
    """(host, port, path) of ``url``; None when its port is no port (out of range)."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    return (parts.hostname or "").lower(), port, parts.path or "/"


def _find_live_page(hostname: str, port: int, path: str) -> int | None:
    """Wagtail's own routing for this tree: the site for the host, then the page by url_path."""
    from wagtail.models import Page, Site
    from wagtail.models.sites import get_site_for_hostname

    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    root_path = site.root_page.url_path  # selected with the site
    components = [c for c in unquote(path).split("/") if c]
    url_path = root_path + "".join(f"{c}/" for c in components)
    return Page.objects.filter(url_path=url_path, live=True).values_list("pk", flat=True).first()


def _find_redirect(hostname: str, port: int, path: str, page_id: int) -> bool:
    """Whether a redirect of this site (or of every site) leads from ``path`` to the live page
    ``page_id``, by choosing the page or by naming its URL."""
    from django.db.models import Q
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.models import Page, Site
    from wagtail.models.sites import get_site_for_hostname

    page = Page.objects.filter(pk=page_id, live=True).first()
    if page is None:
        return False
    try:
        site: Site | None = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        site = None
    return (
        Redirect.get_for_site(site)
        .filter(old_path=Redirect.normalise_path(path))
        .filter(Q(redirect_page=page) | Q(redirect_link__in=[page.url, page.full_url]))
        .exists()
    )


def forget_page_paths(**_kwargs: object) -> None:
    """Connected to page and site changes: every process resolves paths afresh after commit."""
    on_commit_once(_new_version)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
