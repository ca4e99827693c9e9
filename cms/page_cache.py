"""Whole-page cache for anonymous GETs of public pages, invalidated by any publish.

Public pages are the same for every anonymous reader in one language, so the rendered HTML is
kept in the shared cache keyed by host, language and full path. A single version number, bumped
whenever content changes, makes every cached page stale at once: simpler and safer than tracking
which listings show which article, at the cost of re-rendering pages after each publish.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from content.commit_hooks import on_commit_once

VERSION_KEY = "page-cache:version"
TRACKING_PARAMS = {"s", "from", "isappinstalled", "scene", "clicktime", "enterid"}
SKIP_PREFIXES = (
    "/admin",
    "/api",
    "/documents",
    "/i18n",
    "/lang",
    "/healthz",
    "/media",
    "/static",
    "/search",
    "/collect",
    "/qr",  # a QR code encodes its ?s= share token, which the page key leaves out
)


def bump_version(**_kwargs) -> None:
    """Invalidate every cached page once the change commits (publish, unpublish, move, …).

    Bumping before the commit would let a request render the old page and cache it under the
    new version.
    """
    on_commit_once(_bump)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.timeout = getattr(settings, "PAGE_CACHE_SECONDS", 300)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._cacheable_request(request):
            return self.get_response(request)
        key = self._key(request)
        cached = cache.get(key)
        if cached is not None:  # the whole response, headers included (X-Frame-Options …)
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if self._cacheable_response(response):
            response["X-Page-Cache"] = "miss"
            cache.set(key, response, self.timeout)
        return response

    def _cacheable_request(self, request: HttpRequest) -> bool:
        return (
            self.timeout > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(SKIP_PREFIXES)
        )

    @staticmethod
    def _cacheable_response(response: HttpResponse) -> bool:
        return (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and "private" not in response.get("Cache-Control", "")
            and "no-cache" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _key(request: HttpRequest) -> str:
        version = cache.get(VERSION_KEY, 0)
        host, path = request.get_host(), request.path
        query = [(k, v) for k, v in request.GET.items() if not _tracking_param(k)]
        if query:
            path += "?" + urlencode(query)
        return f"page-cache:{version}:{request.scheme}:{host}:{get_language()}:{path}"


def _tracking_param(name: str) -> bool:
    """Parameters that only the tracker reads (share token, campaign tags, WeChat's forward
    markers): every shared link carries its own token, and each must not miss the cache."""
    return name in TRACKING_PARAMS or name.startswith("utm_")
