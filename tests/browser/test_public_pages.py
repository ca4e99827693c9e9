"""Headless Chromium: the public pages a buyer sees render without console errors or CDNs."""

import re

import pytest

from content.demo import seed
from content.models import ArticlePage, MaterialPage, SupplierPage
from content.site_setup import ensure_site
from tests.browser.chromium import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site(transactional_db):
    seed(suppliers=3, articles=12, insights=2)
    article = ArticlePage.objects.live().filter(supplier__isnull=False, kind="product").first()
    return {
        "home": "/",
        "article": article.url,
        "supplier": SupplierPage.objects.live().first().url,
        "material": MaterialPage.objects.get(material=article.materials.first()).url,
        "insights": "/insights/",
        "search": "/search/?q=" + article.materials.first().name,
        "not-found": "/no-such-page/",
    }


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_public_pages_render_cleanly(live_server, demo_site, browser, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="zh-CN")
    missing_page = live_server.url + demo_site["not-found"]
    problems: list[str] = []
    watch_for_problems(page, live_server.url, missing_page, problems)

    for name, path in demo_site.items():
        response = page.goto(live_server.url + path)
        expected = 404 if name == "not-found" else 200
        assert response.status == expected, f"{name} {path}"
        assert page.locator("h1").first.inner_text().strip(), f"{name} has no heading"
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # load lazy images
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)

    assert problems == []
    page.close()


def watch_for_problems(page, origin: str, missing_page: str, problems: list[str]) -> None:
    """Collect every script error, external request and failed request into ``problems``.

    The one 404 allowed is the navigation to ``missing_page`` itself (and the console line
    Chromium logs for it); a stylesheet, script, image or font of this site that answers
    with an error status, or a request that fails outright, is a problem.
    """

    def on_console(message) -> None:
        if message.type != "error":
            return
        if message.location.get("url") == missing_page and "404" in message.text:
            return  # Chromium's "Failed to load resource" line for the missing page itself
        problems.append(f"console: {message.text} ({message.location.get('url')})")

    def on_response(response) -> None:
        request = response.request
        if response.status < 400:
            return
        if request.is_navigation_request() and response.url == missing_page:
            return
        problems.append(f"{response.status}: {request.resource_type} {response.url}")

    def on_request(request) -> None:
        if not (request.url.startswith(origin) or request.url.startswith("data:")):
            problems.append(f"external: {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"js: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", on_response)
    page.on("request", on_request)


def test_a_missing_stylesheet_is_a_problem(live_server, transactional_db, browser):
    """The watcher itself: a page whose stylesheet answers 404 is reported, its own 404 not."""
    ensure_site()
    page = browser.new_page(locale="zh-CN")
    problems: list[str] = []
    missing_page = live_server.url + "/no-such-page/"
    watch_for_problems(page, live_server.url, missing_page, problems)
    broken_css = live_server.url + "/static/css/no-such.css"
    page.route(
        live_server.url + "/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body=f'<!DOCTYPE html><link rel="stylesheet" href="{broken_css}"><h1>x</h1>',
        ),
    )

    page.goto(missing_page)
    page.wait_for_load_state("networkidle")  # the tracker's pageview is sent before leaving
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")

    # Chromium reports a stylesheet answered with 404 twice: the response, then an aborted load
    assert [p for p in problems if not p.startswith("console:")] == [
        f"404: stylesheet {broken_css}",
        f"failed: {broken_css} net::ERR_ABORTED",
    ]
    assert len([p for p in problems if p.startswith("console:")]) == 1
    page.close()


def test_article_page_copy_link_button(live_server, demo_site, browser):
    from playwright.sync_api import expect

    page = browser.new_page(locale="zh-CN")
    page.goto(live_server.url + demo_site["article"])

    page.get_by_role("button", name="复制链接").click()

    expect(page.locator("#share-copy")).to_have_text("✔")
    # the tracker adds a share token of its own to the copied link
    link = re.escape(live_server.url + demo_site["article"])
    assert re.fullmatch(rf"{link}\?s=[A-Za-z0-9]{{12}}", page.input_value("#share-url"))


def test_supplier_admin_works_offline(live_server, demo_site, browser):
    """The admin a supplier uses must not reach for the internet (update checks, avatars)."""
    page = browser.new_page(locale="zh-CN")
    external: list[str] = []
    page.on(
        "request",
        lambda r: (
            r.url.startswith(live_server.url) or r.url.startswith("data:") or external.append(r.url)
        ),
    )

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "supplier1")
    page.fill("#id_password", "yaoyun-demo")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/pages/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / "admin-supplier.png"), full_page=True)

    assert external == []
    assert "/admin/pages/" in page.url
