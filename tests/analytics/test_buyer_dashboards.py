"""Buyer companies and cohorts dashboards: scores and the cohort matrix against hand-computed
fixtures (``buyer_data``), supplier scope, timelines, exports and queries per view."""

import io
from datetime import date

import openpyxl
import pytest
from django.utils.timezone import localtime
from django.utils.translation import gettext

from analytics.dashboards.buyers import STEP_LABELS
from analytics.dashboards.labels import channel_label
from analytics.models import Account, CompanyRead, Contact
from analytics.queries.buyers import engagement_score
from analytics.queries.params import DashboardInput
from tests.analytics.buyer_data import (
    QUARTER,
    W_NAME,
    WEEK,
    X_NAME,
    Y_NAME,
    Z_NAME,
    build_buyer_data,
)
from tests.analytics.dashboard_data import A1_TITLE, A2_TITLE, B1_TITLE, COMPANY
from tests.analytics.helpers import csv_tables, panel_of, panel_rows

BUYERS = "/admin/analytics/buyers/"
COHORTS = "/admin/analytics/cohorts/"
YEAR = "start=2026-01-01&end=2026-12-31"


@pytest.fixture
def data(supplier_a, supplier_b, materials):
    return build_buyer_data(supplier_a, supplier_b, materials)


def test_engagement_score_parts():
    # given a 7-day range and a company whose 2 contacts made 3 engaged reads, the last on day 5
    inp = DashboardInput(date(2026, 11, 1), date(2026, 11, 7))

    # when
    score = engagement_score(inp, date(2026, 11, 5), reads=3, contacts=2)

    # then recency 40 × (1 − 2/7) = 28.571…, depth 30 × 3/10 = 9, breadth 30 × 2/4 = 15
    assert round(score.recency, 3) == 28.571
    assert score.depth == 9.0
    assert score.breadth == 15.0
    assert score.total == 52.6
    # caps: 25 reads count as 10, 9 contacts as 4; no read at all gives no recency
    assert engagement_score(inp, date(2026, 11, 7), reads=25, contacts=9).total == 100.0
    assert engagement_score(inp, None, reads=0, contacts=0).total == 0.0


def test_staff_see_every_company_scored(staff_client, data):
    response = staff_client.get(f"{BUYERS}?{WEEK}")

    assert response.status_code == 200
    # columns: company, score, recency, depth, breadth points, last read, reads, contacts,
    # articles, inquiries, orders
    assert panel_rows(response, "companies") == [
        # Y: 2 reads Nov 7 (d=0): 40 + 30×2/10 + 30×1/4 = 40 + 6 + 7.5; inquiry Nov 1, order Nov 7
        [Y_NAME, 53.5, 40.0, 6.0, 7.5, "2026-11-07", 2, 1, 1, 1, 1],
        # X: A1 Nov 2, A2 Nov 3, B1 Nov 5 (the 5-second read of Nov 6 is not engaged), 2 people
        [X_NAME, 52.6, 28.6, 9.0, 15.0, "2026-11-05", 3, 2, 3, 1, 1],
        # Z: A1 Nov 1 (d=6): 40×1/7 + 3 + 7.5 = 16.214…; its Sep read and Oct inquiry are outside
        [Z_NAME, 16.2, 5.7, 3.0, 7.5, "2026-11-01", 1, 1, 1, 0, 0],
        # dashboard_data's company: no reads; inquiries Nov 2 and 5, the paid order of Nov 4
        [COMPANY, 0.0, 0.0, 0.0, 0.0, "", 0, 0, 0, 2, 1],
    ]


def test_a_supplier_sees_its_companies_with_only_its_own_reads_and_conversions(client_a, data):
    response = client_a.get(f"{BUYERS}?{WEEK}")

    assert panel_rows(response, "companies") == [
        # X read A1 Nov 2 and A2 Nov 3 (d=4): 40×3/7 + 30×2/10 + 30×2/4 = 17.143 + 6 + 15
        [X_NAME, 38.1, 17.1, 6.0, 15.0, "2026-11-03", 2, 2, 2, 1, 1],
        [Z_NAME, 16.2, 5.7, 3.0, 7.5, "2026-11-01", 1, 1, 1, 0, 0],
        [COMPANY, 0.0, 0.0, 0.0, 0.0, "", 0, 0, 0, 2, 1],
    ]  # Y read and bought only from B
    assert Y_NAME.encode() not in response.content


def test_staff_switched_to_supplier_b(staff_client, data):
    response = staff_client.get(f"{BUYERS}?{WEEK}&supplier={data.articles.supplier_b}")

    assert panel_rows(response, "companies") == [
        [Y_NAME, 53.5, 40.0, 6.0, 7.5, "2026-11-07", 2, 1, 1, 1, 1],
        # X read B1 once, Nov 5: 40×5/7 + 3 + 7.5 = 39.071…
        [X_NAME, 39.1, 28.6, 3.0, 7.5, "2026-11-05", 1, 1, 1, 0, 0],
    ]


def test_material_and_kind_filters_narrow_the_reads(staff_client, data, materials):
    by_kind = staff_client.get(f"{BUYERS}?{WEEK}&kind=technology")
    by_material = staff_client.get(f"{BUYERS}?{WEEK}&material={materials['三七'].pk}")

    # technology: only A2, read by 李娜 of X on Nov 3 (d=4): 17.143 + 3 + 7.5 = 27.6; kind does
    # not narrow conversions, so the other companies stay with their inquiries and orders
    assert panel_rows(by_kind, "companies")[0] == [
        X_NAME,
        27.6,
        17.1,
        3.0,
        7.5,
        "2026-11-03",
        1,
        1,
        1,
        1,
        1,
    ]
    # 三七: B1's reads; conversions about 三七 only (Y's inquiry and order)
    assert [row[:2] for row in panel_rows(by_material, "companies")] == [
        [Y_NAME, 53.5],
        [X_NAME, 39.1],
    ]
    assert [row[9:] for row in panel_rows(by_material, "companies")] == [[1, 1], [0, 0]]


def test_sorting_and_paging(staff_client, data, monkeypatch):
    by_reads = staff_client.get(f"{BUYERS}?{WEEK}&sort=-reads")
    by_last = staff_client.get(f"{BUYERS}?{WEEK}&sort=last_read")
    monkeypatch.setattr("analytics.queries.buyers.PAGE_SIZE", 3)
    second = staff_client.get(f"{BUYERS}?{WEEK}&page=2")

    assert [r[0] for r in panel_rows(by_reads, "companies")] == [X_NAME, Y_NAME, Z_NAME, COMPANY]
    assert [r[0] for r in panel_rows(by_last, "companies")] == [COMPANY, Z_NAME, X_NAME, Y_NAME]
    assert [r[0] for r in panel_rows(second, "companies")] == [COMPANY]
    company = Account.objects.get(name=COMPANY)
    # a company's link opens its timeline with the same range and filters
    assert second.context["panels"][0].links == [f"{BUYERS}{company.pk}/?{WEEK}"]
    assert second.context["pager"]["previous"] == f"?{WEEK}&page=1"
    assert second.context["pager"]["next"] == ""


def test_bad_sort_is_a_400(staff_client, data):
    response = staff_client.get(f"{BUYERS}?sort=name")

    assert response.status_code == 400
    assert response.content.decode().startswith("sort: ")


def test_the_score_is_explained_on_the_page(staff_client, data):
    response = staff_client.get(f"{BUYERS}?{WEEK}")

    rules = panel_rows(response, "score-rules")
    assert [row[3] for row in rules] == [40, 30, 30]
    assert rules[1][2] == gettext("%(n)s or more engaged reads") % {"n": 10}
    assert rules[2][2] == gettext("%(n)s or more contacts reading") % {"n": 4}
    notes = response.context["extra_notes"]
    assert "40" in notes[0]
    assert "30" in notes[0]


def test_timeline_in_order_for_staff(staff_client, data):
    response = staff_client.get(f"{BUYERS}{data.x.pk}/?{WEEK}")

    assert response.status_code == 200
    assert response.context["title"] == X_NAME
    read, inquiry, order = (str(STEP_LABELS[k]) for k in ("read", "inquiry", "order"))
    assert [row[:5] for row in panel_rows(response, "timeline")] == [
        [1, "2026-11-02 10:00", "张伟", read, A1_TITLE],
        [2, "2026-11-03 10:00", "李娜", read, A2_TITLE],
        [3, "2026-11-04 10:00", "张伟", inquiry, "黄芪"],
        [4, "2026-11-05 10:00", "张伟", read, B1_TITLE],
        [5, "2026-11-06 12:00", "张伟", order, "黄芪"],
    ]  # the 5-second read of Nov 6 is not engaged: no step
    assert panel_rows(response, "timeline")[0][5] == channel_label("wechat")
    assert panel_rows(response, "timeline")[4][5] == "甘肃岷州药业有限公司 · DD-X1 · ¥12000.00"
    assert panel_rows(response, "company-score") == [[52.6, 28.6, 9.0, 15.0, 3, 2]]
    assert f"/admin/buyers/groups/{data.x.pk}/".encode() in response.content


def test_a_suppliers_timeline_holds_only_its_own_steps(client_a, data):
    response = client_a.get(f"{BUYERS}{data.x.pk}/?{WEEK}")

    assert [row[4] for row in panel_rows(response, "timeline")] == [
        A1_TITLE,
        A2_TITLE,
        "黄芪",
        "黄芪",
    ]
    assert panel_rows(response, "company-score") == [[38.1, 17.1, 6.0, 15.0, 2, 2]]
    assert B1_TITLE.encode() not in response.content
    assert b"/admin/buyers/groups/" not in response.content  # the staff page is not linked


@pytest.mark.parametrize("export", ["", "&format=csv", "&format=xlsx"], ids=["html", "csv", "xlsx"])
def test_another_suppliers_company_is_404(client_a, data, export):
    response = client_a.get(f"{BUYERS}{data.y.pk}/?{YEAR}{export}")

    assert response.status_code == 404
    assert Y_NAME.encode() not in response.content


def test_unknown_company_is_404_for_staff(staff_client, data):
    assert staff_client.get(f"{BUYERS}999999/").status_code == 404


def test_cohort_matrix_for_staff(staff_client, data):
    response = staff_client.get(f"{COHORTS}?{QUARTER}")

    assert response.status_code == 200
    # first touches: Z Sep 10; X Nov 2, Y Nov 7, W Nov 20 (dashboard_data's company never read)
    # conversions at or after the first touch: Z's inquiry Oct 15 (month 1 of Sep); X's Nov 4
    # inquiry and Nov 6 order, Y's Nov 7 order (month 0 of Nov; Y's Nov 1 inquiry came before
    # its first touch and does not count). Columns: month, companies, then count and % per month.
    assert panel_rows(response, "cohorts") == [
        ["2026-09", 1, 0, 0.0, 1, 100.0, 0, 0.0],
        ["2026-10", 0, 0, 0.0, 0, 0.0, "", ""],
        ["2026-11", 3, 2, 66.7, "", "", "", ""],
    ]


def test_cohort_matrix_for_a_supplier(client_a, data):
    response = client_a.get(f"{COHORTS}?{QUARTER}&supplier={data.articles.supplier_b}")

    # A's articles: Z (Sep, A1), X (Nov 2, A1), W (Nov 20, A2); A's conversions: Z's Oct 15
    # inquiry, X's Nov 4 inquiry and Nov 6 order. Asking for supplier B changes nothing.
    assert panel_rows(response, "cohorts") == [
        ["2026-09", 1, 0, 0.0, 1, 100.0, 0, 0.0],
        ["2026-10", 0, 0, 0.0, 0, 0.0, "", ""],
        ["2026-11", 2, 1, 50.0, "", "", "", ""],
    ]


def test_cohorts_first_touch_looks_back_before_the_range(staff_client, data):
    # Z's first touch is Sep 10, so its Nov 1 read does not make it a November company
    response = staff_client.get(f"{COHORTS}?start=2026-11-01&end=2026-11-30")

    assert panel_rows(response, "cohorts") == [["2026-11", 3, 2, 66.7]]


def test_empty_states_say_what_to_do(staff_client, data):
    buyers = staff_client.get(f"{BUYERS}?start=2025-01-01&end=2025-01-31")
    cohorts = staff_client.get(f"{COHORTS}?start=2025-01-01&end=2025-01-31")

    assert buyers.context["panels"][0].empty == gettext(
        "No buyer company read, inquired or ordered in this range and scope. Widen the date "
        "range or clear a filter; a reader counts for a company once they send an inquiry or "
        "their order names them."
    )
    assert cohorts.context["panels"][0].empty == gettext(
        "No buyer company made its first engaged read in this range and scope. Choose a longer "
        "range (90 or 365 days) or clear a filter; readers join a company once they inquire."
    )
    assert panel_rows(buyers, "companies") == []
    assert panel_rows(cohorts, "cohorts") == [["2025-01", 0, 0, 0.0]]


@pytest.mark.parametrize("view", ["buyers", "buyer", "cohorts"])
def test_exports_hold_exactly_the_tables_shown(staff_client, data, view):
    url = {
        "buyers": f"{BUYERS}?{WEEK}",
        "buyer": f"{BUYERS}{data.x.pk}/?{WEEK}",
        "cohorts": f"{COHORTS}?{QUARTER}",
    }[view]
    shown = [p.table for p in staff_client.get(url).context["panels"]]

    as_csv = staff_client.get(f"{url}&format=csv")
    as_xlsx = staff_client.get(f"{url}&format=xlsx")

    expected = [[[t.caption], t.columns, *t.rows] for t in shown]
    assert csv_tables(as_csv.content) == [
        [[str(cell) for cell in row] for row in table] for table in expected
    ]
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))
    sheets = [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]
    assert sheets == [
        [t.columns, *[[c if c != "" else None for c in r] for r in t.rows]] for t in shown
    ]


@pytest.mark.parametrize("export", ["", "&format=csv", "&format=xlsx"], ids=["html", "csv", "xlsx"])
@pytest.mark.parametrize("view", ["buyers", "buyer-x", "cohorts"])
def test_a_supplier_finds_nothing_of_another_supplier(client_a, data, view, export):
    url = {"buyers": BUYERS, "buyer-x": f"{BUYERS}{data.x.pk}/", "cohorts": COHORTS}[view]

    response = client_a.get(f"{url}?{YEAR}&supplier={data.articles.supplier_b}{export}")

    assert response.status_code == 200
    body = response.content
    if export == "&format=xlsx":
        book = openpyxl.load_workbook(io.BytesIO(body))
        body = repr([list(s.iter_rows(values_only=True)) for s in book]).encode()
    assert B1_TITLE.encode() not in body
    assert Y_NAME.encode() not in body
    assert b"DD-Y1" not in body
    assert "云南文山三七科技有限公司".encode() not in body
    if view == "buyers":
        assert X_NAME.encode() in body  # a positive control: A's own company is there


@pytest.mark.parametrize("who", ["staff", "supplier"])
@pytest.mark.parametrize("view", ["buyers", "buyer", "cohorts"])
def test_queries_per_view_stay_fixed(
    client, staff, supplier_a, data, who, view, django_assert_num_queries
):
    client.force_login(staff if who == "staff" else supplier_a.user)
    url = {"buyers": BUYERS, "buyer": f"{BUYERS}{data.x.pk}/", "cohorts": COHORTS}[view]

    with django_assert_num_queries(QUERIES[(who, view)]):
        response = client.get(f"{url}?{QUARTER}")

    assert response.status_code == 200


# Session, user, permissions and the admin menu as on the other dashboards (8 for staff, 14 for
# a supplier, whose menu and scope ask for its workspace); then the buyers
# table reads reads, inquiries and orders grouped by company (3) and this page's names (1); a
# timeline reads the company, its contacts, reads, titles, inquiries and orders (6; a supplier
# first checks the company is in its scope: 1 to 3); cohorts read first touches, inquiries
# and orders (3). None of them grows with the data.
QUERIES = {
    ("staff", "buyers"): 12,
    ("staff", "buyer"): 14,
    ("staff", "cohorts"): 11,
    ("supplier", "buyers"): 18,
    ("supplier", "buyer"): 21,  # X read A's article: the first scope check answers
    ("supplier", "cohorts"): 17,
}


def test_a_warm_cache_reads_only_the_page_names(staff_client, data, django_assert_num_queries):
    staff_client.get(f"{BUYERS}?{WEEK}")  # cold: fills the cache

    with django_assert_num_queries(QUERIES[("staff", "buyers")] - 3):
        response = staff_client.get(f"{BUYERS}?{WEEK}&sort=reads")

    assert [r[0] for r in panel_rows(response, "companies")][-1] == X_NAME


def test_w_has_no_reads_in_the_week(staff_client, data):
    assert W_NAME.encode() not in staff_client.get(f"{BUYERS}?{WEEK}").content


def test_an_article_lists_the_buyer_companies_that_read_it(staff_client, data):
    # A1 in the week: X's 张伟 read it engaged on Nov 2 (his Nov 6 read of 5 s does not count),
    # Z's 赵敏 on Nov 1; W and Y read other articles. Most engaged reads first, then latest.
    response = staff_client.get(f"/admin/analytics/articles/{data.articles.a1.pk}/?{WEEK}")

    assert panel_rows(response, "companies") == [
        [X_NAME, 1, 1, "2026-11-02"],
        [Z_NAME, 1, 1, "2026-11-01"],
    ]
    panel = panel_of(response, "companies")
    assert panel.links == [
        f"{BUYERS}{data.x.pk}/",
        f"{BUYERS}{data.z.pk}/",
    ]


def test_the_company_read_rollup_counts_each_companys_engaged_reads_per_day(data):
    rows = sorted(
        (
            r.day.isoformat(),
            r.account_id,
            r.page_id,
            r.reads,
            localtime(r.first_at).hour,
            localtime(r.last_at).hour,
        )
        for r in CompanyRead.objects.all()
    )
    a1, a2, b1 = data.articles.a1.pk, data.articles.a2.pk, data.articles.b1.pk

    # X's 5-second read of A1 on Nov 6 is not engaged; Y read B1 twice on Nov 7 (10:00, 11:00)
    assert rows == sorted(
        [
            ("2026-09-10", data.z.pk, a1, 1, 10, 10),
            ("2026-11-01", data.z.pk, a1, 1, 10, 10),
            ("2026-11-02", data.x.pk, a1, 1, 10, 10),
            ("2026-11-03", data.x.pk, a2, 1, 10, 10),
            ("2026-11-05", data.x.pk, b1, 1, 10, 10),
            ("2026-11-07", data.y.pk, b1, 2, 10, 11),
            ("2026-11-20", data.w.pk, a2, 1, 10, 10),
        ]
    )


def test_an_identity_change_moves_a_contacts_reads_to_its_new_company(data):
    from analytics.processing import reroll_accounts

    contact = Contact.objects.get(name="李娜")  # X's reader of A2 on Nov 3
    contact.account = data.w
    contact.save()
    reroll_accounts(date(2026, 11, 3), [data.x.pk, data.w.pk])

    moved = CompanyRead.objects.get(day=date(2026, 11, 3))
    assert (moved.account_id, moved.page_id, moved.reads) == (data.w.pk, data.articles.a2.pk, 1)
