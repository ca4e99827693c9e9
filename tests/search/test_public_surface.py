"""Every public URL with hostile input answers without a server error.

Two generated checks: schemathesis drives the typed API from its OpenAPI schema, and a small
crawler walks Django's URL patterns (admin excluded) and the live pages linked from the home
page, sending quotes, lone surrogates, NUL, huge numbers and 10,000-character values in path
segments and query strings.
"""

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, settings

from content.materials import ensure_material_hubs

# Raw (already percent-encoded) so the bytes reach Django as a client would send them:
# %ED%A0%80 is a UTF-8-encoded lone surrogate, %FF no UTF-8 at all.
HOSTILE = {
    "quote": "%22",
    "apostrophe": "%27",
    "surrogate": "%ED%A0%80",
    "bad-utf8": "%FF",
    "nul": "%00",
    "huge-number": "9" * 40,
    "negative": "-1",
    "long": "x" * 10_000,
    "markup": "%3Cscript%3E",
    "percent": "%25",
    "superscript-digit": "%C2%B2",  # "²": isdigit() is true, int() refuses it
    "arabic-indic-digit": "%D9%A3",  # "٣": int() accepts it, most parsers do not
}
EVENT_ID = "6f1c4f7e-8a44-4c0e-9d59-1d2b6f0a7a10"
# Bodies for /collect, sent raw: each must be refused (or stored) without a server error.
HOSTILE_BODIES = {
    "bad-port": f'[{{"event_id": "{EVENT_ID}", "type": "pageview",'
    ' "url": "http://testserver:99999/x/"}]',
    "surrogate": f'[{{"event_id": "{EVENT_ID}", "type": "pageview",'
    ' "url": "http://testserver/\\ud800", "referrer": "\\udfff"}]',
    "nul": f'[{{"event_id": "{EVENT_ID}", "type": "pageview", "url": "http://testserver/\\u0000"}}]',
    "huge-number": f'[{{"event_id": "{EVENT_ID}", "type": "pageview",'
    f' "url": "http://testserver/", "page_id": {"9" * 40}}}]',
    "huge-exponent": f'[{{"event_id": "{EVENT_ID}", "type": "scroll", "pageview_id": "{EVENT_ID}",'
    ' "url": "http://testserver/", "scroll_pct": 1e400}]',
    "long": f'[{{"event_id": "{EVENT_ID}", "type": "pageview",'
    f' "url": "http://testserver/{"x" * 10_000}", "visitor_id": "v-123456789"}}]',
    "non-ascii-digits": f'[{{"event_id": "{EVENT_ID}", "type": "pageview",'
    ' "url": "http://testserver:\u0663/", "page_id": "\u00b2"}]',
}
QUERY_NAMES = (
    "q",
    "page",
    "page_size",
    "search",
    "limit",
    "offset",
    "order",
    "type",
    "kind",
    "material",
    "year",
    "log",
    "pos",
    "fields",
    "child_of",
    "next",
)
SKIPPED_PREFIXES = ("admin/", "django-admin/", "static/")  # staff only / files on disk
CRAWL_LIMIT = 40
KNOWN: set[str] = set()  # URLs known to answer 5xx, each with the issue that fixes it

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def surface(corpus) -> dict:
    """The search corpus plus material hub pages, so every page type is live."""
    ensure_material_hubs()
    return corpus


@pytest.fixture
def _test_connection_stays_open():
    """As Django's test client does: the WSGI handler would otherwise close the connection
    holding the test's transaction at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
@pytest.mark.usefixtures("_test_connection_stays_open")
def test_typed_api_never_answers_a_server_error(case):
    response = case.call()

    assert response.status_code < 500, (case.method, case.formatted_path, case.query)


def _patterns(resolvers: list, prefix: str = "") -> Iterator[tuple[str, list[str]]]:
    """(route template with {name} placeholders, parameter names) for every URL pattern."""
    for entry in resolvers:
        route = prefix + _route(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, re.findall(r"\{(\w+)\}", route)


def _route(pattern) -> str:
    """A pattern as a path with ``{name}`` placeholders (regex patterns simplified)."""
    text = str(pattern)
    text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)  # path("<int:pk>/")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)  # re_path("(?P<pk>\d+)")
    text = re.sub(r"\((?:\?:)?[^)]*\)[*+?]?", "", text)  # unnamed groups
    return text.lstrip("^").rstrip("$").replace("\\", "")


def _fill(route: str, names: list[str], value: str) -> str:
    path = route
    for name in names:
        path = path.replace("{" + name + "}", value)
    return "/" + path.lstrip("/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("/") and not href.startswith("//"):
            self.links.append(urlsplit(href).path)


def _crawl(client: Client) -> list[str]:
    """Same-site pages reachable from the home page, breadth first, at most CRAWL_LIMIT."""
    seen, queue = ["/"], ["/"]
    while queue and len(seen) < CRAWL_LIMIT:
        response = client.get(queue.pop(0))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for link in parser.links:
            if link not in seen and not link.startswith(("/admin/", "/static/", "/media/")):
                seen.append(link)
                queue.append(link)
    return seen[:CRAWL_LIMIT]


def _hostile_urls(pages: list[str]) -> Iterator[str]:
    for route, names in _patterns(get_resolver().url_patterns):
        for value in HOSTILE.values():
            if names:
                yield _fill(route, names, value)
            for name in QUERY_NAMES:
                yield f"{_fill(route, names, '1')}?{name}={value}"
    for page in pages:
        for value in HOSTILE.values():
            yield f"{page.rstrip('/')}/{value}/"
            yield f"{page}?" + "&".join(f"{name}={value}" for name in QUERY_NAMES)


def test_crawler_reaches_every_kind_of_public_page(client, surface):
    pages = _crawl(client)

    assert "/search/" in pages
    assert any(p.startswith("/materials/") and p != "/materials/" for p in pages)
    assert any(p.startswith("/suppliers/") and p.count("/") >= 4 for p in pages)


def test_public_urls_with_hostile_input_never_answer_a_server_error(surface):
    client = Client(raise_request_exception=False)
    pages = _crawl(client)
    failures = []
    for url in dict.fromkeys(_hostile_urls(pages)):
        if url in KNOWN:
            continue
        status = client.get(url).status_code
        if status >= 500:
            failures.append(f"{status} {url[:200]}")

    assert failures == [], "\n".join(failures)


def test_hostile_collect_bodies_are_refused_not_a_server_error(surface):
    client = Client(raise_request_exception=False)
    answers = {
        name: client.post("/collect", body, content_type="application/json").status_code
        for name, body in HOSTILE_BODIES.items()
    }

    assert answers == dict.fromkeys(HOSTILE_BODIES, 400)


def test_collect_refuses_a_lone_surrogate(client, surface):
    page = surface["岷县当归统货报价"]
    body = (
        '{"event_id": "6f1c4f7e-8a44-4c0e-9d59-1d2b6f0a7a10", "type": "pageview",'
        f' "url": "http://testserver{page.url}\\ud800", "page_id": {page.pk},'
        ' "visitor_id": "v-123456789"}'
    )

    response = client.post("/collect", body, content_type="application/json")

    assert response.status_code == 400


def test_hostile_values_are_what_they_claim():
    assert quote("\ud800", errors="surrogatepass") == HOSTILE["surrogate"]
    assert len(HOSTILE["long"]) == 10_000


@pytest.mark.parametrize("endpoint", ["pages", "materials"])
def test_huge_offset_is_refused_not_a_server_error(client, surface, endpoint):
    response = client.get(f"/api/v2/{endpoint}/", {"offset": "9" * 40})

    assert response.status_code == 400
    assert response.json() == {"message": "offset must be at most 1000000000"}


def test_qr_code_of_the_tree_root_is_404_not_this_request_encoded(client, surface):
    response = client.get("/qr/1.svg", {"q": "x" * 10_000})

    assert response.status_code == 404
