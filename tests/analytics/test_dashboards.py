"""The analytics dashboards: numbers against hand-counted fixtures, scope, exports, queries."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils.translation import gettext

from analytics.dashboards.labels import channel_label, metric_label
from analytics.dashboards.overview import Card
from analytics.models import DailyRollup, ShareToken
from analytics.processing import process_day
from analytics.queries.cache import VERSION_KEY, dashboard_version
from analytics.templatetags.analytics_labels import share_method_label
from content.models import ArticleKind
from tests.analytics.dashboard_data import (
    A1_TITLE,
    A2_TITLE,
    B1_TITLE,
    COMPANY,
    RANGE,
    build_dashboard_data,
)
from tests.analytics.helpers import csv_tables, panel_rows

OVERVIEW = "/admin/analytics/"
ARTICLES = "/admin/analytics/articles/"
SEARCH = "/admin/analytics/search/"


@pytest.fixture
def data(supplier_a, supplier_b, materials):
    return build_dashboard_data(supplier_a, supplier_b, materials)


def _cards(response) -> dict:
    return {c.key: (c.value, c.previous, c.change) for c in response.context["cards"]}


def test_overview_kpis_against_the_previous_period(staff_client, data):
    response = staff_client.get(f"{OVERVIEW}?{RANGE}")

    assert response.status_code == 200
    assert _cards(response) == {
        "views": (30, 15, 100.0),
        "visitors": (16, 9, 77.8),
        "engaged_reads": (12, 6, 100.0),
        "active_ms": (7.0, 3.0, 133.3),
        # inquiries Nov 2 and Nov 5 against Oct 26 and Oct 29; orders: A's paid Nov 4 against
        # B's Oct 29 (A's refunded order of Nov 5 carries no revenue and is not counted)
        "inquiries": (2, 2, 0.0),
        "orders": (1, 1, 0.0),
        # linear credit: 7,200 + 4,800 on Nov 4 against 3,000 on Oct 29 → +300 %
        "revenue": (Decimal("12000.00"), Decimal("3000.00"), 300.0),
    }


def test_overview_of_a_supplier_reads_its_own_rollups(client_a, data):
    response = client_a.get(f"{OVERVIEW}?{RANGE}")

    assert _cards(response) == {
        "views": (17, 5, 240.0),
        "visitors": (10, 3, 233.3),
        "engaged_reads": (8, 2, 300.0),
        "active_ms": (3.0, 0.5, 500.0),
        "inquiries": (2, 1, 100.0),  # Nov 2 and Nov 5 against Oct 26 (B's Oct 29 is not A's)
        "orders": (1, 0, None),  # the paid Nov 4 order; the refunded one does not count
        "revenue": (Decimal("7200.00"), Decimal("3000.00"), 140.0),  # A's articles only
    }


def test_overview_funnel_from_views_to_orders(staff_client, data):
    response = staff_client.get(f"{OVERVIEW}?{RANGE}")

    # 30 views, 12 engaged reads, 2 inquiries, 1 order (the key figures above)
    assert panel_rows(response, "funnel") == [
        [metric_label("views"), 30, "", 100.0],
        [metric_label("engaged_reads"), 12, 40.0, 40.0],  # 12 / 30
        [metric_label("inquiries"), 2, 16.7, 6.7],  # 2 / 12, 2 / 30
        [metric_label("orders"), 1, 50.0, 3.3],  # 1 / 2, 1 / 30
    ]


def test_a_suppliers_funnel_counts_its_own(client_a, data):
    response = client_a.get(f"{OVERVIEW}?{RANGE}")

    assert [row[1:] for row in panel_rows(response, "funnel")] == [
        [17, "", 100.0],
        [8, 47.1, 47.1],
        [2, 25.0, 11.8],
        [1, 50.0, 5.9],
    ]


def test_overview_series_channel_mix_and_top_lists(staff_client, data):
    response = staff_client.get(f"{OVERVIEW}?{RANGE}")

    series = panel_rows(response, "series")
    assert len(series) == 7
    assert series[0] == ["2026-11-01", 10, 6, 4, 2.0]
    assert series[1] == ["2026-11-02", 0, 0, 0, 0.0]
    assert series[2] == ["2026-11-03", 20, 10, 8, 5.0]
    assert panel_rows(response, "channels") == [
        [channel_label("wechat"), 2, 4],
        [channel_label("direct"), 1, 1],
        [channel_label("search"), 1, 1],
        [channel_label("share"), 1, 3],
    ]
    assert panel_rows(response, "top-articles") == [
        [A1_TITLE, 14, 9, 7, 1],
        [B1_TITLE, 13, 9, 5, 1],
        [A2_TITLE, 3, 2, 1, 2],
    ]
    assert panel_rows(response, "companies") == [[COMPANY, 7, 5]]


def test_a_supplier_sees_its_channel_mix_and_articles_but_no_companies(client_a, data):
    response = client_a.get(f"{OVERVIEW}?{RANGE}")

    assert panel_rows(response, "channels") == [  # sessions entering on A1 or A2
        [channel_label("direct"), 1, 1],
        [channel_label("share"), 1, 3],
        [channel_label("wechat"), 1, 2],
    ]
    assert panel_rows(response, "top-articles") == [
        [A1_TITLE, 14, 9, 7, 1],
        [A2_TITLE, 3, 2, 1, 2],
    ]
    assert "companies" not in [p.slug for p in response.context["panels"]]


def test_a_supplier_cannot_switch_to_another_supplier(client_a, data):
    response = client_a.get(f"{OVERVIEW}?{RANGE}&supplier={data.supplier_b}")

    assert response.context["inp"].supplier_id == data.supplier_a
    assert _cards(response)["views"] == (17, 5, 240.0)


def test_staff_switch_to_a_supplier(staff_client, data):
    response = staff_client.get(f"{OVERVIEW}?{RANGE}&supplier={data.supplier_b}")

    assert _cards(response)["views"] == (13, 0, None)
    assert panel_rows(response, "top-articles") == [[B1_TITLE, 13, 9, 5, 1]]


def test_material_and_kind_filters_add_up_articles(staff_client, data, materials):
    by_material = staff_client.get(f"{OVERVIEW}?{RANGE}&material={materials['黄芪'].pk}")
    by_kind = staff_client.get(f"{OVERVIEW}?{RANGE}&kind=technology")

    assert panel_rows(by_material, "top-articles") == [[A1_TITLE, 14, 9, 7, 1]]
    assert _cards(by_kind)["views"] == (3, 0, None)
    assert panel_rows(by_kind, "top-articles") == [[A2_TITLE, 3, 2, 1, 2]]


def test_channel_filter_reads_the_channel_rollup(staff_client, data):
    response = staff_client.get(f"{OVERVIEW}?{RANGE}&channel=wechat")

    assert _cards(response)["views"] == (6, 0, None)


def test_articles_table_sorts_and_lists_every_article(staff_client, data):
    response = staff_client.get(f"{ARTICLES}?{RANGE}&sort=-shares")

    by_shares = [row[0] for row in panel_rows(response, "articles")]
    ascending = staff_client.get(f"{ARTICLES}?{RANGE}&sort=views")
    by_views = [row[0] for row in panel_rows(ascending, "articles")]

    assert by_shares == [A2_TITLE, B1_TITLE, A1_TITLE]  # 2, 1 (newer first on ties), 1
    assert by_views == [A2_TITLE, B1_TITLE, A1_TITLE]  # 3, 13, 14
    assert panel_rows(ascending, "articles")[0] == [
        A2_TITLE,
        "甘肃岷州药业有限公司",
        str(ArticleKind.TECHNOLOGY.label),
        3,
        2,
        1,
        0.5,
        2,
        0.0,
        0.0,
        0.0,
    ]


def test_articles_table_carries_the_credited_funnel_of_the_linear_model(staff_client, data):
    # the Nov 4 order (12,000) is credited 7,200 to A1 and 4,800 to B1 (linear, 0.6 / 0.4);
    # the Oct 29 order falls before the range, the first-touch row belongs to another model
    rows = panel_rows(staff_client.get(f"{ARTICLES}?{RANGE}&sort=-revenue"), "articles")

    assert [(row[0], *row[-3:]) for row in rows] == [
        (A1_TITLE, 0.0, 0.6, 7200.0),
        (B1_TITLE, 0.0, 0.4, 4800.0),
        (A2_TITLE, 0.0, 0.0, 0.0),
    ]


def test_a_supplier_sees_the_credit_of_its_own_articles_only(client_a, data):
    rows = panel_rows(client_a.get(f"{ARTICLES}?{RANGE}&sort=-revenue"), "articles")

    assert [(row[0], *row[-3:]) for row in rows] == [
        (A1_TITLE, 0.0, 0.6, 7200.0),
        (A2_TITLE, 0.0, 0.0, 0.0),
    ]


def test_article_detail_numbers(client_a, data):
    response = client_a.get(f"{ARTICLES}{data.a1.pk}/?{RANGE}")

    assert response.status_code == 200
    assert response.context["title"] == A1_TITLE
    assert panel_rows(response, "series")[0] == ["2026-11-01", 6, 3, 1.0]
    assert panel_rows(response, "series")[2] == ["2026-11-03", 8, 4, 1.5]
    assert [row[1:] for row in panel_rows(response, "scroll")] == [
        [12, 85.7],
        [9, 64.3],
        [5, 35.7],
        [2, 14.3],
    ]  # of 14 views
    assert panel_rows(response, "channels") == [
        [channel_label("share"), 1],
        [channel_label("wechat"), 1],
    ]

    assert panel_rows(response, "share-chain") == [
        [1, _reader("sharer1"), share_method_label("wechat"), "2026-11-01", 1]
    ]
    # the company has no contact whose reads were recorded, but its Nov 4 order credits A1
    assert panel_rows(response, "companies") == []
    assert panel_rows(response, "credited") == [[COMPANY, 0.0, 0.6, 7200.0]]


def test_article_detail_draws_only_the_largest_share_chains(staff_client, data, monkeypatch):
    # given: a second chain on A1, earlier than tok1 but with nobody arriving through it
    ShareToken.objects.create(
        token="tok0",
        page_id=data.a1.pk,
        sharer_visitor_id="sharer0",
        method="copy",
        created_at=datetime(2026, 10, 30, tzinfo=UTC),
    )
    monkeypatch.setattr("analytics.queries.articles.SHARE_CHAINS", 1)

    # when
    response = staff_client.get(f"{ARTICLES}{data.a1.pk}/?{RANGE}")

    # then: the chain with a reader stays, and the page says how many there are
    assert panel_rows(response, "share-chain") == [
        [1, _reader("sharer1"), share_method_label("wechat"), "2026-11-01", 1]
    ]
    assert response.context["extra_notes"] == [
        gettext("The share chain shows the %(shown)s largest of %(all)s chains.")
        % {"shown": 1, "all": 2}
    ]


def _reader(visitor_id: str) -> str:
    from django.utils.translation import gettext

    return gettext("Reader %(id)s") % {"id": visitor_id[:6]}


def test_reading_now_is_scoped(staff_client, client, supplier_a, data):
    everyone = panel_rows(staff_client.get(f"{OVERVIEW}?{RANGE}"), "reading-now")
    client.force_login(supplier_a.user)
    own = panel_rows(client.get(f"{OVERVIEW}?{RANGE}"), "reading-now")

    assert sorted(everyone) == sorted([[A1_TITLE, 1], [B1_TITLE, 1]])
    assert own == [[A1_TITLE, 1]]


def test_search_demand_for_staff(staff_client, data):
    response = staff_client.get(f"{SEARCH}?{RANGE}")

    assert panel_rows(response, "top-queries") == [
        ["黄芪", 4, 3, 12],
        ["三七价格", 3, 2, 5],
        ["川贝母", 2, 1, 0],
        ["冬虫夏草产地", 1, 1, 2],
    ]
    assert panel_rows(response, "unanswered") == [["川贝母", 2, 1, 0], ["冬虫夏草产地", 1, 1, 2]]
    positions = panel_rows(response, "positions")
    assert positions[:3] == [[1, 8, 2, 25.0], [2, 8, 1, 12.5], [3, 7, 0, 0.0]]
    assert positions[5] == [6, 4, 0, 0.0]


def test_search_demand_for_a_supplier_counts_its_own_clicks(client_a, data):
    response = client_a.get(f"{SEARCH}?{RANGE}")

    assert panel_rows(response, "top-queries") == [["黄芪", 2, 2, 12]]
    assert panel_rows(response, "positions")[:2] == [[1, 8, 1, 12.5], [2, 8, 1, 12.5]]


def test_a_rollup_run_bumps_the_cached_version(data, staff_client):
    staff_client.get(f"{OVERVIEW}?{RANGE}")
    before = dashboard_version()
    DailyRollup.objects.filter(dimension="site").update(views=1)

    process_day(date(2026, 11, 3))  # no raw events: the day's rollups are replaced by none

    assert dashboard_version() == before + 1
    assert _cards(staff_client.get(f"{OVERVIEW}?{RANGE}"))["views"] != (30, 15, 100.0)
    assert cache.get(VERSION_KEY) == before + 1


def _all_urls(data) -> list[str]:
    return [OVERVIEW, ARTICLES, f"{ARTICLES}{data.a1.pk}/", SEARCH]


@pytest.mark.parametrize("view", ["overview", "articles", "article", "search"])
def test_exports_hold_exactly_the_tables_shown(staff_client, data, view):
    url = {
        "overview": OVERVIEW,
        "articles": ARTICLES,
        "article": f"{ARTICLES}{data.a1.pk}/",
        "search": SEARCH,
    }[view]
    shown = [p.table for p in staff_client.get(f"{url}?{RANGE}").context["panels"]]

    as_csv = staff_client.get(f"{url}?{RANGE}&format=csv")
    as_xlsx = staff_client.get(f"{url}?{RANGE}&format=xlsx")

    expected = [[[t.caption], t.columns, *t.rows] for t in shown]
    stringified = [[[str(cell) for cell in row] for row in table] for table in expected]
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_tables(as_csv.content) == stringified
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))
    sheets = [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]
    assert sheets == [
        [t.columns, *[[c if c != "" else None for c in r] for r in t.rows]] for t in shown
    ]


@pytest.mark.parametrize("export", ["", "&format=csv", "&format=xlsx"], ids=["html", "csv", "xlsx"])
@pytest.mark.parametrize("path", ["overview", "articles", "article-own", "search", "home"])
def test_a_supplier_finds_nothing_of_another_supplier(client_a, data, path, export):
    url = {
        "overview": OVERVIEW,
        "articles": ARTICLES,
        "article-own": f"{ARTICLES}{data.a1.pk}/",
        "search": SEARCH,
        "home": "/admin/",
    }[path]
    if path == "home" and export:
        pytest.skip("the admin home has no export")
    # Asking for the other supplier, a 365-day range and B's material changes nothing.
    query = f"?days=365&supplier={data.supplier_b}{export}"

    response = client_a.get(url + query)

    assert response.status_code == 200
    body = response.content
    if export == "&format=xlsx":
        book = openpyxl.load_workbook(io.BytesIO(body))
        body = repr([list(s.iter_rows(values_only=True)) for s in book]).encode()
    assert B1_TITLE.encode() not in body
    if path != "article-own":  # there the company is named beside A's own order (test below)
        assert COMPANY.encode() not in body


def test_an_article_lists_only_its_suppliers_own_conversions_by_company(
    client, staff, supplier_a, data
):
    # B's Oct 29 order credits 3,000 to A1 (the company read it first): staff see it beside
    # the company's name; A sees only its own Nov 4 order, not a competitor's sale.
    url = f"{ARTICLES}{data.a1.pk}/?days=365"
    client.force_login(staff)
    staff_rows = panel_rows(client.get(url), "credited")
    client.force_login(supplier_a.user)
    own_rows = panel_rows(client.get(url), "credited")

    assert staff_rows == [[COMPANY, 0.0, 0.85, 10200.0]]  # 0.6 + 3,000 / 12,000
    assert own_rows == [[COMPANY, 0.0, 0.6, 7200.0]]


@pytest.mark.parametrize("export", ["", "?format=csv", "?format=xlsx"], ids=["html", "csv", "xlsx"])
def test_another_suppliers_article_detail_is_404(client_a, data, export):
    response = client_a.get(f"{ARTICLES}{data.b1.pk}/{export}")

    assert response.status_code == 404
    assert B1_TITLE.encode() not in response.content


def test_staff_open_any_article_detail(staff_client, data):
    assert staff_client.get(f"{ARTICLES}{data.b1.pk}/").status_code == 200


def test_a_user_outside_any_supplier_is_refused(client, site):
    user = get_user_model().objects.create_user("editor", "e@example.com", "x")
    user.user_permissions.add(*_admin_access())
    client.force_login(user)

    response = client.get(OVERVIEW)

    assert response.status_code == 302  # Wagtail turns PermissionDenied into a redirect home
    assert response.url == "/admin/"


def _admin_access():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename="access_admin")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("days=12", "days"),
        ("start=2026-13-01", "start"),
        ("start=2026-11-08&end=2026-11-01", "start"),
        ("supplier=abc", "supplier"),
        ("supplier=999999", "supplier"),
        ("material=999999", "material"),
        ("kind=poem", "kind"),
        ("channel=pigeon", "channel"),
        ("format=pdf", "format"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(staff_client, data, query, field):
    response = staff_client.get(f"{OVERVIEW}?{query}")

    assert response.status_code == 400
    assert response.content.decode().startswith(f"{field}: ")


def test_bad_sort_is_a_400(staff_client, data):
    response = staff_client.get(f"{ARTICLES}?sort=password")

    assert response.status_code == 400
    assert response.content.decode().startswith("sort: ")


@pytest.mark.parametrize("who", ["staff", "supplier"])
@pytest.mark.parametrize("view", ["overview", "articles", "article", "search"])
def test_queries_per_view_stay_fixed(
    client, staff, supplier_a, data, who, view, django_assert_num_queries
):
    client.force_login(staff if who == "staff" else supplier_a.user)
    url = {
        "overview": OVERVIEW,
        "articles": ARTICLES,
        "article": f"{ARTICLES}{data.a1.pk}/",
        "search": SEARCH,
    }[view]
    expected = QUERIES[(who, view)]

    with django_assert_num_queries(expected):
        response = client.get(f"{url}?{RANGE}")

    assert response.status_code == 200


# Session, user, permissions and the admin menu included (a supplier's inquiry and order menu
# items ask for its workspace: 2); the overview counts inquiries, orders and attributed revenue
# for both periods (6).
# None of them grows with the data.
QUERIES = {
    ("staff", "overview"): 24,
    ("staff", "articles"): 11,
    ("staff", "article"): 18,
    ("staff", "search"): 13,
    ("supplier", "overview"): 30,
    ("supplier", "articles"): 18,
    ("supplier", "article"): 26,
    ("supplier", "search"): 20,
}


def test_a_warm_cache_answers_without_reading_the_rollups(
    staff_client, data, django_assert_num_queries
):
    staff_client.get(f"{ARTICLES}?{RANGE}")  # cold: fills the cache

    with django_assert_num_queries(QUERIES[("staff", "articles")] - 3):  # rollups, credit, articles
        response = staff_client.get(f"{ARTICLES}?{RANGE}&sort=title")

    assert [row[0] for row in panel_rows(response, "articles")] == sorted(
        [A1_TITLE, A2_TITLE, B1_TITLE]
    )


def test_articles_table_pages(staff_client, data, monkeypatch):
    monkeypatch.setattr("analytics.queries.articles.PAGE_SIZE", 2)

    second = staff_client.get(f"{ARTICLES}?{RANGE}&page=2")
    beyond = staff_client.get(f"{ARTICLES}?{RANGE}&page=9")

    assert [row[0] for row in panel_rows(second, "articles")] == [A2_TITLE]
    assert second.context["pager"]["previous"] == f"?{RANGE}&page=1"
    assert second.context["pager"]["next"] == ""
    assert beyond.context["pager"]["page"] == 2


def test_every_table_is_captioned_with_header_scopes(staff_client, data):
    html = staff_client.get(f"{OVERVIEW}?{RANGE}").content.decode()

    tables = html.count('<div class="analytics-table"><table class="listing">\n  <caption>')
    assert tables == 7  # kpis, series, funnel, channels, top articles, companies, reading now
    assert 'scope="col"' in html
    assert 'scope="row"' in html


def test_the_plotly_finder_finds_only_its_own_file():
    # given Django's finders, ours among them
    from django.contrib.staticfiles import finders

    # then plotly.js is found, and a missing file stays missing (never [None], which static
    # serving took for a match and answered 500)
    assert finders.find("analytics/vendor/plotly.min.js").endswith("plotly.min.js")
    assert finders.find("css/no-such.css") is None


def test_kpi_cards_read_as_people_write_figures():
    assert Card("revenue", "归因收入", 68000.0, 0, None).display == "¥68,000.00"
    assert Card("views", "浏览量", 4553, 177, 2472.3).display == "4,553"
    assert Card("active_ms", "有效阅读时长", 2716.7, 98.5, 2658.1).display == "2,716.7"
    assert Card("active_ms", "有效阅读时长", 12.0, 0.0, None).display == "12"
