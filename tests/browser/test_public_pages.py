"""Headless Chromium: the public pages a buyer sees render without console errors or CDNs."""

import re

import pytest

from content.demo import seed
from content.models import ArticlePage, MaterialPage, SupplierPage
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
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"js: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on(
        "request",
        lambda r: (
            r.url.startswith(live_server.url)
            or r.url.startswith("data:")
            or problems.append(f"external: {r.url}")
        ),
    )

    for name, path in demo_site.items():
        response = page.goto(live_server.url + path)
        expected = 404 if name == "not-found" else 200
        assert response.status == expected, f"{name} {path}"
        assert page.locator("h1").first.inner_text().strip(), f"{name} has no heading"
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # load lazy images
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)

    # the 404 page logs its own status to the console; nothing else may
    assert [p for p in problems if "404" not in p] == []
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
