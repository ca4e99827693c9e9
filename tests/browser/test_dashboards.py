"""Headless Chromium: staff and a supplier open every analytics dashboard, change the range and a
filter, and each chart draws its data with no console error; screenshots go to test-artifacts/."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from tests.analytics.dashboard_data import B1_TITLE, RANGE, build_dashboard_data
from tests.analytics.returns_data import A1_TITLE as RETURNS_A1
from tests.analytics.returns_data import A2_TITLE as RETURNS_A2
from tests.analytics.returns_data import B1_TITLE as RETURNS_B1
from tests.analytics.returns_data import RETURNS_RANGE, build_returns_data
from tests.browser.chromium import ARTIFACTS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def data(supplier_a, supplier_b, materials):
    return build_dashboard_data(supplier_a, supplier_b, materials)


def _log_in(browser, live_server, username: str):
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    return page, errors


def _charts_with_data(page) -> list[int]:
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length > 0")
    return page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => d.data.length)"
    )


def _screenshot(page, name: str) -> None:
    """The whole dashboard: the admin scrolls inside its layout, so grow the viewport to fit."""
    height = page.evaluate("document.querySelector('main').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(max(height, 900), 12000)})
    page.wait_for_timeout(300)  # plotly's responsive relayout after the resize
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _open_every_view(page, base: str, article_id: int, who: str) -> dict[str, list[int]]:
    drawn = {}
    views = {
        "overview": f"/admin/analytics/?{RANGE}",
        "articles": f"/admin/analytics/articles/?{RANGE}",
        "article": f"/admin/analytics/articles/{article_id}/?{RANGE}",
        "search": f"/admin/analytics/search/?{RANGE}",
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in views.items():
        page.goto(base + path)
        drawn[name] = _charts_with_data(page)
        _screenshot(page, f"dashboard-{who}-{name}")
    return drawn


def _screen_table(page, slug: str) -> list[list[str]]:
    return page.evaluate(
        """slug => Array.from(document.querySelectorAll(`#panel-${slug} tbody tr`)).map(
            tr => Array.from(tr.children).map(c => c.textContent.trim()))""",
        slug,
    )


def test_staff_see_every_dashboard_drawn(live_server, browser, data, site):
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page, errors = _log_in(browser, live_server, "boss")
    home_cards = page.locator(".analytics-home .analytics-card").count()

    drawn = _open_every_view(page, live_server.url, data.b1.pk, "staff")

    assert home_cards == 7  # views, readers, engaged reads, time, inquiries, orders, revenue
    assert all(drawn[view] and all(n > 0 for n in drawn[view]) for view in drawn), drawn
    assert len(drawn["overview"]) == 5  # series, funnel, channels, top articles, companies
    # B1: series, scroll, channels and the order credited to it; nobody shared it, and no
    # company's contact read it
    assert len(drawn["article"]) == 4
    assert errors == []
    page.close()


def test_a_supplier_changes_range_and_filter_and_exports_what_it_sees(
    live_server, browser, data, supplier_a
):
    page, errors = _log_in(browser, live_server, supplier_a.user.username)

    drawn = _open_every_view(page, live_server.url, data.a1.pk, "supplier")
    page.goto(f"{live_server.url}/admin/analytics/?{RANGE}")
    page.select_option("select[name=kind]", "technology")
    page.locator(".analytics-filters button[type=submit]").click()
    page.wait_for_url("**kind=technology**")
    filtered = _charts_with_data(page)
    top = _screen_table(page, "top-articles")
    with page.expect_download() as download:
        page.get_by_text("导出 CSV").or_(page.get_by_text("Export CSV")).click()
    exported = download.value.path().read_text(encoding="utf-8-sig")
    page.get_by_role("link", name="7 天").or_(page.get_by_role("link", name="7 days")).click()
    page.wait_for_url("**days=7**")
    _screenshot(page, "dashboard-supplier-7-days")

    assert all(drawn[view] and all(n > 0 for n in drawn[view]) for view in drawn), drawn
    assert len(drawn["article"]) == 5  # A1: series, scroll, channels, share chain, credit
    assert filtered
    assert all(n > 0 for n in filtered)
    assert top == [["当归切片加工工艺", "3", "2", "1", "2"]]
    rows = list(csv.reader(io.StringIO(exported)))
    assert ["当归切片加工工艺", "3", "2", "1", "2"] in rows
    assert B1_TITLE not in page.content()
    assert errors == []
    page.close()


@pytest.fixture
def returns_data(supplier_a, supplier_b, materials):
    return build_returns_data(supplier_a, supplier_b, materials)


def _returns_csv_table(exported: str, caption: str) -> list[list[str]]:
    """The rows under ``caption`` in a dashboard's CSV (tables are separated by blank lines)."""
    rows = list(csv.reader(io.StringIO(exported)))
    start = rows.index([caption]) + 2  # the caption, then the column headers
    end = rows.index([], start) if [] in rows[start:] else len(rows)
    return rows[start:end]


def test_staff_switch_model_supplier_and_range_on_sourcing_returns(
    live_server, browser, returns_data, site
):
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page, errors = _log_in(browser, live_server, "boss")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/admin/analytics/returns/?{RETURNS_RANGE}")
    drawn = _charts_with_data(page)
    weights = _screen_table(page, "weights")
    _screenshot(page, "dashboard-staff-returns")
    page.locator("a[href*='model=u_shaped']").first.click()
    page.wait_for_url("**model=u_shaped**")
    page.select_option("select[name=supplier]", str(returns_data.supplier_a))
    page.fill("input[name=start]", "2026-11-08")
    page.locator(".analytics-filters button[type=submit]").click()
    page.wait_for_url("**supplier=**")
    filtered = _charts_with_data(page)
    shown = _screen_table(page, "attribution")
    caption = page.locator("#panel-attribution caption").text_content().strip()
    with page.expect_download() as download:
        page.get_by_text("导出 CSV").or_(page.get_by_text("Export CSV")).click()
    exported = download.value.path().read_text(encoding="utf-8-sig")
    _screenshot(page, "dashboard-staff-returns-filtered")

    # attribution, both comparisons, return on cost, time to convert: each draws its data
    assert len(drawn) == 5
    assert all(n > 0 for n in drawn)
    assert len(weights) == 7  # six stored models and Markov, each with its weights in words
    assert "model=u_shaped" in page.url
    assert "start=2026-11-08" in page.url
    assert all(n > 0 for n in filtered)
    # 11-08: X's order only; U-shaped over A1, A2, B1, A1: A1 40 + 40 % of 48,000, A2 10 %
    # (B1, supplier B's, is not in supplier A's scope)
    assert shown == [[RETURNS_A1, "0.0", "0.8", "38400.0"], [RETURNS_A2, "0.0", "0.1", "4800.0"]]
    assert _returns_csv_table(exported, caption) == shown
    assert RETURNS_B1 not in page.content()
    assert errors == []
    page.close()


def test_a_supplier_sees_its_own_sourcing_returns(live_server, browser, returns_data, supplier_a):
    page, errors = _log_in(browser, live_server, supplier_a.user.username)

    page.goto(f"{live_server.url}/admin/analytics/returns/?{RETURNS_RANGE}&by=supplier")
    drawn = _charts_with_data(page)
    shown = _screen_table(page, "attribution")
    _screenshot(page, "dashboard-supplier-returns")

    assert all(n > 0 for n in drawn)
    assert page.locator("select[name=supplier]").count() == 0  # no supplier switcher
    assert shown == [["甘肃岷州药业有限公司", "0.67", "0.75", "36000.0"]]  # linear, A1 + A2
    assert RETURNS_B1 not in page.content()
    assert errors == []
    page.close()
