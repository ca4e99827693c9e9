"""Headless Chromium: the buyer-company and cohort dashboards draw their charts with no console
error, follow a changed date range and filter, export what they show; screenshots in
test-artifacts/."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from tests.analytics.buyer_data import QUARTER, WEEK, X_NAME, Y_NAME, build_buyer_data
from tests.analytics.dashboard_data import B1_TITLE
from tests.browser.chromium import ARTIFACTS
from tests.browser.test_dashboards import _charts_with_data, _log_in, _screen_table, _screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def data(supplier_a, supplier_b, materials):
    return build_buyer_data(supplier_a, supplier_b, materials)


def _apply(page, **selects: str) -> None:
    for name, value in selects.items():
        page.select_option(f"select[name={name}]", value)
    page.locator(".analytics-filters button[type=submit]").click()


def test_a_supplier_opens_companies_a_timeline_and_cohorts(live_server, browser, data, supplier_a):
    page, errors = _log_in(browser, live_server, supplier_a.user.username)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/admin/analytics/buyers/?{WEEK}")
    companies = _charts_with_data(page)
    shown = _screen_table(page, "companies")
    _screenshot(page, "dashboard-supplier-buyers")
    with page.expect_download() as download:
        page.get_by_text("导出 CSV").or_(page.get_by_text("Export CSV")).click()
    exported = list(csv.reader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    page.get_by_role("link", name=X_NAME).click()
    page.wait_for_url(f"**/admin/analytics/buyers/{data.x.pk}/**")
    timeline = _charts_with_data(page)
    steps = _screen_table(page, "timeline")
    _screenshot(page, "dashboard-supplier-buyer-timeline")
    page.goto(f"{live_server.url}/admin/analytics/cohorts/?{QUARTER}")
    cohorts = _charts_with_data(page)
    matrix = _screen_table(page, "cohorts")
    _screenshot(page, "dashboard-supplier-cohorts")

    assert companies == [1]  # traces per chart: the score bars
    assert [row[:2] for row in shown] == [[X_NAME, "38.1"], ["北方制药集团", "16.2"],
                                          ["华东中药饮片采购中心", "0.0"]]  # fmt: skip
    assert shown == exported[2:5]  # caption, header, then the rows on screen
    assert timeline == [3]  # one chart of three traces: reads, the inquiry, the order
    assert [row[4] for row in steps] == ["岷县黄芪新货上市", "当归切片加工工艺", "黄芪", "黄芪"]
    assert cohorts == [1]  # the heatmap
    assert matrix[2][:4] == ["2026-11", "2", "1", "50.0"]
    assert Y_NAME not in page.content()
    assert B1_TITLE not in page.content()
    assert errors == []
    page.close()


def test_staff_change_range_and_filter_on_both_views(live_server, browser, data):
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page, errors = _log_in(browser, live_server, "boss")

    page.goto(f"{live_server.url}/admin/analytics/buyers/?{QUARTER}")
    page.fill("input[name=start]", "2026-11-01")
    page.fill("input[name=end]", "2026-11-07")
    _apply(page, supplier=str(data.articles.supplier_b))
    page.wait_for_url("**supplier=**")
    drawn = _charts_with_data(page)
    shown = _screen_table(page, "companies")
    _screenshot(page, "dashboard-staff-buyers-supplier-b")
    page.goto(f"{live_server.url}/admin/analytics/cohorts/?{QUARTER}")
    before = _screen_table(page, "cohorts")
    _apply(page, kind="technology")
    page.wait_for_url("**kind=technology**")
    filtered = _charts_with_data(page)
    after = _screen_table(page, "cohorts")
    _screenshot(page, "dashboard-staff-cohorts-technology")

    assert drawn == [1]
    assert [row[:2] for row in shown] == [[Y_NAME, "53.5"], [X_NAME, "39.1"]]
    assert before[2][:4] == ["2026-11", "3", "2", "66.7"]
    # technology: only A2 counts as a touch: X (Nov 3, converted that month) and W (Nov 20)
    assert filtered == [1]
    assert after[2][:4] == ["2026-11", "2", "1", "50.0"]
    assert errors == []
    page.close()
