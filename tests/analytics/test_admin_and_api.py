"""Staff surfaces: the admin engagement page and /api/v1/analytics (reading now, share chains)."""

from datetime import date

from freezegun import freeze_time

from analytics.models import FilteredHit
from analytics.processing import process_day
from tests.analytics.helpers import event, post, reading
from tests.factories import ArticlePageFactory


def _on(page, events: list[dict]) -> list[dict]:
    return [{**e, "url": f"http://testserver{page.url}", "page_id": page.pk} for e in events]


def test_reading_now_counts_visitors_of_the_last_five_minutes(client, staff, supplier_a):
    one, two = (
        ArticlePageFactory(parent=supplier_a.page),
        ArticlePageFactory(parent=supplier_a.page),
    )
    for page in (one, two):
        page.save_revision().publish()
    client.get("/api/v1/openapi.json")  # build the API's schemas before freezegun fakes `date`
    with freeze_time("2026-05-01T10:00:00+08:00"):
        post(client, _on(one, reading(visitor_id="visitor-old")))
    with freeze_time("2026-05-01T10:06:00+08:00"):
        post(client, _on(one, reading(visitor_id="visitor-aaa")))
        post(client, _on(two, reading(visitor_id="visitor-bbb")))
        post(client, _on(two, [event(visitor_id="visitor-aaa")]))
        client.force_login(staff)
        response = client.get("/api/v1/analytics/reading-now/")

    assert response.status_code == 200
    assert response.json() == {
        "visitors": 2,
        "minutes": 5,
        "pages": [{"page_id": two.pk, "visitors": 2}, {"page_id": one.pk, "visitors": 1}],
    }


def test_analytics_api_needs_a_staff_login(client, supplier_a):
    assert client.get("/api/v1/analytics/reading-now/").status_code == 401
    client.force_login(supplier_a.user)
    response = client.get("/api/v1/analytics/shares/1/")
    assert response.status_code == 403
    assert response.json()["error"] == "http_error"


def test_share_chain_api_answers_json(client, staff):
    client.force_login(staff)

    response = client.get("/api/v1/analytics/shares/99/")

    assert response.status_code == 200
    assert response.json() == {
        "page_id": 99,
        "roots": [],
        "readers": 0,
        "accounts": 0,
        "cross_account_arrivals": 0,
    }


def test_admin_engagement_page_shows_days_channels_and_bots(client, staff):
    with freeze_time("2026-05-01T10:00:00+08:00"):
        post(client, reading(page_id=None, referrer="https://www.baidu.com/s?wd=x"))
        post(client, [event()], agent="Baiduspider")
        process_day(date(2026, 5, 1))
        client.force_login(staff)
        response = client.get("/admin/engagement/?shares=1")

    assert response.status_code == 200
    html = response.content.decode()
    overview = response.context["overview"]
    # the bot's event is not a view; the one reader's view came from a search engine
    assert [(d["day"], d["views"], d["visitors"]) for d in overview.days] == [
        (date(2026, 5, 1), 1, 1)
    ]
    assert [(c["key"], c["views"]) for c in overview.channels] == [("search", 1)]
    # … and the page renders those rows by their labels, not just a heading naming the period
    assert "<tr><td>2026-05-01</td><td>1</td><td>1</td>" in html
    assert "<tr><td>搜索引擎</td><td>1</td>" in html  # the "search" channel
    assert "<li>爬虫或机器人: 1</li>" in html  # the "bot" reason
    assert FilteredHit.objects.get().events == 1


def test_supplier_users_are_sent_back_from_the_engagement_page(client, supplier_a):
    client.force_login(supplier_a.user)

    response = client.get("/admin/engagement/")

    assert response.status_code == 302


def test_staff_can_list_buyer_companies_and_contacts(client, staff):
    from analytics.identity import identify

    identify("visitor-adm1", email="wu@list-buyer.cn", name="吴强", company="列表药业")
    client.force_login(staff)

    companies = client.get("/admin/buyers/companies/")
    contacts = client.get("/admin/buyers/contacts/?q=wu")
    log = client.get("/admin/buyers/identity-log/")

    assert companies.status_code == contacts.status_code == log.status_code == 200
    assert "列表药业" in companies.content.decode()
    assert "wu@list-buyer.cn" in contacts.content.decode()
    assert "visitor-adm1" in log.content.decode()
