"""The sourcing-returns dashboard against the hand-computed journey set of ``returns_data``:
each model's credit, the comparison, the weights in words, ROI, the median waits, filters,
supplier scope, exports and a fixed number of queries."""

import io

import openpyxl
import pytest
from django.utils.translation import gettext
from wagtail.users.models import UserProfile

from analytics.dashboards.labels import channel_label
from tests.analytics.helpers import csv_tables, panel_of, panel_rows
from tests.analytics.returns_data import (
    A1_TITLE,
    A2_TITLE,
    B1_TITLE,
    RETURNS_RANGE,
    X_NAME,
    Y_NAME,
    build_returns_data,
)

URL = "/admin/analytics/returns/"
HALF_LIFE = 7.0  # days, analytics.attribution's default
X_ORDER, Y_ORDER = 48_000, 15_000


@pytest.fixture
def data(supplier_a, supplier_b, materials):
    return build_returns_data(supplier_a, supplier_b, materials)


def _decay(ages: list[float]) -> list[float]:
    raw = [2 ** (-age / HALF_LIFE) for age in ages]
    return [w / sum(raw) for w in raw]


def _expected_by_article() -> dict[str, dict[str, tuple]]:
    """model → article → (inquiries, orders, revenue) credited, computed by hand.

    X's inquiry (11-04) follows reads A1 (11-01), A2 (11-02), B1 (11-03): 3 touches.
    X's order (11-08, 48,000) follows A1, A2, B1, A1 (11-05): 4 touches.
    Y's order (11-07, 15,000) follows B1 (11-06): 1 touch, so B1 gets all of it in every model
    but W-shaped (Y never inquired, so there is no lead creation: no W credit).
    """
    inquiry_td = _decay([3, 2, 1])  # ages in days before the inquiry
    order_td = _decay([7, 6, 5, 3])  # A1, A2, B1, A1 before X's order
    r = lambda n: round(n, 2)  # noqa: E731
    return {
        "first_touch": {
            A1_TITLE: (1.0, 1.0, X_ORDER),  # first of both X's conversions
            B1_TITLE: (0.0, 1.0, Y_ORDER),
            A2_TITLE: (0.0, 0.0, 0.0),  # listed: other models credit it
        },
        "last_touch": {
            A1_TITLE: (0.0, 1.0, X_ORDER),  # A1 read again on 11-05, X's last before its order
            B1_TITLE: (1.0, 1.0, Y_ORDER),  # last before X's inquiry; Y's only read
            A2_TITLE: (0.0, 0.0, 0.0),
        },
        "linear": {  # 1/3 of the inquiry each; the order 1/4 a read (A1 read twice: 2/4)
            B1_TITLE: (0.33, 1.25, 12_000 + Y_ORDER),
            A1_TITLE: (0.33, 0.5, 24_000),
            A2_TITLE: (0.33, 0.25, 12_000),
        },
        "time_decay": {
            A1_TITLE: (
                r(inquiry_td[0]),
                r(order_td[0] + order_td[3]),
                r(X_ORDER * (order_td[0] + order_td[3])),
            ),
            B1_TITLE: (r(inquiry_td[2]), r(order_td[2] + 1), r(X_ORDER * order_td[2] + Y_ORDER)),
            A2_TITLE: (r(inquiry_td[1]), r(order_td[1]), r(X_ORDER * order_td[1])),
        },
        "u_shaped": {  # inquiry 40/20/40; order: A1 first and last 40 + 40, A2 and B1 10 each
            A1_TITLE: (0.4, 0.8, 38_400),
            B1_TITLE: (0.4, 1.1, 4_800 + Y_ORDER),
            A2_TITLE: (0.2, 0.1, 4_800),
        },
        # X's order: first A1 (30), lead creation B1 (last read by the inquiry, 30), opportunity
        # A1 (30): A1 60 %, B1 30 %, and A2, holding no role, the other 10 %.
        "w_shaped": {
            A1_TITLE: (0.0, 0.6, 28_800),
            B1_TITLE: (0.0, 0.3, 14_400),
            A2_TITLE: (0.0, 0.1, 4_800),
        },
    }


@pytest.mark.parametrize("model", list(_expected_by_article()))
def test_each_models_credit_by_article(staff_client, data, model):
    response = staff_client.get(f"{URL}?{RETURNS_RANGE}&model={model}")

    assert response.status_code == 200
    rows = panel_rows(response, "attribution")
    expected = _expected_by_article()[model]
    assert {row[0]: tuple(row[1:]) for row in rows} == expected
    revenue = [row[3] for row in rows]
    assert revenue == sorted(revenue, reverse=True)  # most revenue first


def test_linear_credit_by_supplier_material_and_channel(staff_client, data):
    by = {b: panel_rows(staff_client.get(f"{URL}?{RETURNS_RANGE}&by={b}"), "attribution")
          for b in ("supplier", "material", "channel")}  # fmt: skip

    assert by["supplier"] == [  # A = A1 + A2, B = B1
        ["甘肃岷州药业有限公司", 0.67, 0.75, 36_000.0],
        ["云南文山三七科技有限公司", 0.33, 1.25, 27_000.0],
    ]
    assert by["material"] == [  # one material an article: the article's figures
        ["三七", 0.33, 1.25, 27_000.0],
        ["黄芪", 0.33, 0.5, 24_000.0],
        ["当归", 0.33, 0.25, 12_000.0],
    ]
    # Reads' channels: X's order 12,000 a read: A1 wechat, A2 search, B1 search, A1 direct;
    # Y's 15,000 on B1 through wechat. X's inquiry: A1 wechat, A2 and B1 search.
    assert by["channel"] == [
        [channel_label("wechat"), 0.33, 1.25, 27_000.0],
        [channel_label("search"), 0.67, 0.5, 24_000.0],
        [channel_label("direct"), 0.0, 0.25, 12_000.0],
    ]


def test_models_side_by_side(staff_client, data):
    response = staff_client.get(f"{URL}?{RETURNS_RANGE}")
    expected = _expected_by_article()
    models = ["first_touch", "last_touch", "linear", "time_decay", "u_shaped", "w_shaped"]

    revenue = panel_rows(response, "compare-revenue")
    inquiries = panel_rows(response, "compare-inquiries")

    titles = [B1_TITLE, A1_TITLE, A2_TITLE]  # the linear order: most revenue first
    assert revenue == [[t, *(float(expected[m][t][2]) for m in models)] for t in titles]
    assert inquiries == [[t, *(expected[m][t][0] for m in models[:-1])] for t in titles]
    assert len(panel_of(response, "compare-revenue").figure.data) == 6  # one bar series a model


def test_the_weights_each_model_applies_are_written_out(client, staff, data):
    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(staff)

    response = client.get(f"{URL}?{RETURNS_RANGE}")

    weights = dict(panel_rows(response, "weights"))
    assert weights["Position-based (U-shaped)"] == (
        "40 % first, 40 % last, 20 % shared by the middle; a single read gets 100 %, "
        "two reads 50 % each"
    )
    assert weights["W-shaped"].startswith(
        "orders that followed an inquiry only: 30 % each to the first read"
    )
    assert "10 % shared by the other reads" in weights["W-shaped"]
    assert weights["W-shaped"].endswith("each role gets 33.3 %")
    assert weights["Time decay"].startswith("each read weighs 2^(−age / 7 days)")
    assert weights["First touch"] == "100 % to the first read"
    assert weights["Last touch"] == "100 % to the last read"
    assert "attribution --model markov" in weights["Data-driven (Markov)"]
    caption = panel_of(response, "weights").table.caption
    assert caption.endswith("at most 90 days before it")
    assert "python manage.py attribution --model markov" in response.content.decode()


def test_return_on_content_cost(staff_client, data):
    by_article = panel_rows(staff_client.get(f"{URL}?{RETURNS_RANGE}"), "roi")
    by_supplier = panel_rows(staff_client.get(f"{URL}?{RETURNS_RANGE}&by=supplier"), "roi")
    first_touch = panel_rows(
        staff_client.get(f"{URL}?{RETURNS_RANGE}&by=supplier&model=first_touch"), "roi"
    )

    # A1 cost 6,000, linear revenue 24,000: (24,000 − 6,000) / 6,000 = 300 %. B's package is
    # the supplier's, on no article.
    assert by_article == [[A1_TITLE, 6000.0, 24_000.0, 300.0]]
    # B: 9,000 × 8/30 days = 2,400 against 27,000 → 1,025 %; A: 6,000 against 36,000 → 500 %
    assert by_supplier == [
        ["云南文山三七科技有限公司", 2400.0, 27_000.0, 1025.0],
        ["甘肃岷州药业有限公司", 6000.0, 36_000.0, 500.0],
    ]
    # first touch: A 48,000 → 700 %; B 15,000 → 525 %
    assert first_touch == [
        ["甘肃岷州药业有限公司", 6000.0, 48_000.0, 700.0],
        ["云南文山三七科技有限公司", 2400.0, 15_000.0, 525.0],
    ]


def test_median_time_to_inquiry_and_order(staff_client, data):
    rows = {b: panel_rows(staff_client.get(f"{URL}?{RETURNS_RANGE}&by={b}"), "time-to-convert")
            for b in ("article", "supplier", "material", "channel")}  # fmt: skip

    # X's first read 11-01 10:00: inquiry 11-04 (3 days), order 11-08 (7 days), both through
    # A1 (the inquiry's page; the order followed it). Y's first read 11-06: order 11-07 (1 day),
    # with no inquiry, so no article.
    assert rows["article"] == [[A1_TITLE, 3.0, 7.0]]
    assert rows["supplier"] == [
        ["云南文山三七科技有限公司", "", 1.0],
        ["甘肃岷州药业有限公司", 3.0, 7.0],
    ]
    assert rows["material"] == [["三七", "", 1.0], ["黄芪", 3.0, 7.0]]
    assert rows["channel"] == []  # conversions carry no channel: the panel says so


def test_filters_narrow_the_credit(staff_client, data, materials):
    base = f"{URL}?{RETURNS_RANGE}"
    wechat = panel_rows(staff_client.get(f"{base}&channel=wechat"), "attribution")
    technology = panel_rows(staff_client.get(f"{base}&kind=technology"), "attribution")
    huangqi = panel_rows(staff_client.get(f"{base}&material={materials['黄芪'].pk}"), "attribution")
    supplier_b = panel_rows(staff_client.get(f"{base}&supplier={data.supplier_b}"), "attribution")
    later = panel_rows(staff_client.get(f"{URL}?start=2026-11-08&end=2026-11-08"), "attribution")

    assert wechat == [[B1_TITLE, 0.0, 1.0, 15_000.0], [A1_TITLE, 0.33, 0.25, 12_000.0]]
    assert technology == [[A2_TITLE, 0.33, 0.25, 12_000.0]]
    assert huangqi == [[A1_TITLE, 0.33, 0.5, 24_000.0]]
    assert supplier_b == [[B1_TITLE, 0.33, 1.25, 27_000.0]]
    assert later == [  # only X's order falls on 11-08
        [A1_TITLE, 0.0, 0.5, 24_000.0],
        [A2_TITLE, 0.0, 0.25, 12_000.0],
        [B1_TITLE, 0.0, 0.25, 12_000.0],
    ]


def test_an_empty_range_says_what_to_do(staff_client, data):
    response = staff_client.get(f"{URL}?start=2026-10-01&end=2026-10-07")

    panels = {p.slug: p for p in response.context["panels"]}
    assert panels["attribution"].table.rows == []
    assert "attribution --rebuild" in panels["attribution"].empty
    assert gettext("Content costs") in panels["roi"].empty  # where to enter them
    assert panels["time-to-convert"].table.rows == []


def test_switchers_keep_the_filters(staff_client, data):
    response = staff_client.get(f"{URL}?{RETURNS_RANGE}&kind=product&model=u_shaped")

    by, model = response.context["switchers"]
    links = {o["url"] for o in by["options"]}
    assert f"?{RETURNS_RANGE}&kind=product&model=u_shaped&by=material" in links
    assert [o["active"] for o in model["options"]] == [False, False, False, False, True, False]
    assert 'name="model" value="u_shaped"' in response.content.decode()  # the filter form keeps it


@pytest.mark.parametrize(
    ("query", "field"),
    [("by=buyer", "by"), ("model=markov", "model"), ("model=x", "model"), ("days=3", "days")],
)
def test_bad_input_is_a_400_naming_the_field(staff_client, data, query, field):
    response = staff_client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert response.content.decode().startswith(f"{field}: ")


@pytest.mark.parametrize("export", ["", "&format=csv", "&format=xlsx"], ids=["html", "csv", "xlsx"])
@pytest.mark.parametrize("by", ["article", "supplier", "material", "channel"])
def test_a_supplier_sees_only_its_own_credit(client_a, data, by, export):
    # Asking for the other supplier changes nothing: the scope is the user's own supplier.
    response = client_a.get(f"{URL}?{RETURNS_RANGE}&by={by}&supplier={data.supplier_b}{export}")

    assert response.status_code == 200
    body = response.content
    if export == "&format=xlsx":
        book = openpyxl.load_workbook(io.BytesIO(body))
        body = repr([list(s.iter_rows(values_only=True)) for s in book]).encode()
    text = body.decode("utf-8-sig")
    # (三七 itself is in the material filter: the dictionary is public.)
    for secret in (B1_TITLE, "云南文山三七科技有限公司", Y_NAME, X_NAME, "27000", "15000"):
        assert secret not in text


def test_a_suppliers_own_figures(client_a, data):
    response = client_a.get(f"{URL}?{RETURNS_RANGE}&model=u_shaped")

    assert panel_rows(response, "attribution") == [
        [A1_TITLE, 0.4, 0.8, 38_400.0],
        [A2_TITLE, 0.2, 0.1, 4_800.0],
    ]
    assert panel_rows(response, "roi") == [[A1_TITLE, 6000.0, 38_400.0, 540.0]]
    assert panel_rows(response, "time-to-convert") == [[A1_TITLE, 3.0, 7.0]]
    assert response.context["suppliers"] == []  # no supplier switcher


@pytest.mark.parametrize("by", ["article", "channel"])
def test_exports_hold_exactly_the_tables_shown(staff_client, data, by):
    url = f"{URL}?{RETURNS_RANGE}&by={by}&model=time_decay"
    shown = [p.table for p in staff_client.get(url).context["panels"]]

    as_csv = staff_client.get(f"{url}&format=csv")
    as_xlsx = staff_client.get(f"{url}&format=xlsx")

    expected = [[[t.caption], t.columns, *t.rows] for t in shown]
    assert csv_tables(as_csv.content) == [[[str(c) for c in row] for row in t] for t in expected]
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))
    sheets = [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]
    assert sheets == [
        [t.columns, *[[c if c != "" else None for c in r] for r in t.rows]] for t in shown
    ]
    assert len(shown) == 6


@pytest.mark.parametrize("who", ["staff", "supplier"])
def test_queries_stay_fixed(client, staff, supplier_a, data, who, django_assert_num_queries):
    client.force_login(staff if who == "staff" else supplier_a.user)

    with django_assert_num_queries(QUERIES[who]):
        response = client.get(f"{URL}?{RETURNS_RANGE}")

    assert response.status_code == 200


# Session, user, permissions, the admin menu and the filter bar as on the other dashboards (8 for
# staff; a supplier's scope and its inquiry and order menu items add 6); then the data (8): the
# credit sums (1), the articles in scope and their materials (2), content costs (1), the waits
# (inquiries, orders, their inquiries' pages, the companies' first reads from the CompanyRead
# rollup: 4); labels by article are the scope's titles (0). None grows with the data.
QUERIES = {"staff": 16, "supplier": 22}


def test_a_warm_cache_reads_no_credit(staff_client, data, django_assert_num_queries):
    staff_client.get(f"{URL}?{RETURNS_RANGE}")

    with django_assert_num_queries(QUERIES["staff"] - 8):  # everything but the page's own
        response = staff_client.get(f"{URL}?{RETURNS_RANGE}")

    assert panel_rows(response, "attribution")[0][0] == B1_TITLE
