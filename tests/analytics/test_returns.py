"""Sourcing returns: the funnel, rates, revenue per 1,000 engaged reads, medians from first touch,
ROI on content cost, refunds, attributed revenue; the API's scope (session and token); the
staff-only admin for costs and tokens."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from analytics.api_tokens import hash_token, issue_token, revoke_token
from analytics.buying_group import buying_group
from analytics.credits import materialise_accounts
from analytics.models import (
    Account,
    Contact,
    ContentCost,
    DailyRollup,
    Dimension,
    Inquiry,
    Order,
    RawEvent,
    SupplierApiToken,
    Visitor,
)
from analytics.returns import (
    ReturnsQuery,
    article_index,
    attributed_revenue,
    sourcing_returns,
    stored_order_credits,
)
from tests.analytics.helpers import roll_company_reads
from tests.factories import ArticlePageFactory

TZ = ZoneInfo("Asia/Shanghai")
MAY = (date(2026, 5, 1), date(2026, 5, 31))


def at(day: int, hour: int = 8, month: int = 5) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TZ)


@dataclass
class World:
    art1: object
    art2: object
    art3: object
    x: Account
    y: Account
    inquiries: dict
    orders: dict


def _rollup(dimension: str, key: object, day: date, views: int, engaged: int) -> None:
    DailyRollup.objects.create(
        dimension=dimension, key=str(key), day=day, views=views, engaged_reads=engaged
    )


def _read(visitor: str, page_id: int, when: datetime, engaged_ms: int, scroll: int = 0) -> None:
    pv = uuid.uuid4()
    common = {"visitor_id": visitor, "visitor_kind": "cookie", "page_id": page_id, "url": "/",
              "channel": "direct", "device": "desktop", "browser": "chrome",
              "received_at": when}  # fmt: skip
    RawEvent.objects.create(event_id=pv, type="pageview", occurred_at=when, **common)
    RawEvent.objects.create(
        event_id=uuid.uuid4(), type="engagement", occurred_at=when, pageview_id=pv,
        engaged_ms=engaged_ms, scroll_pct=scroll, **common,
    )  # fmt: skip


def _person(account: Account, name: str, visitor: str) -> Contact:
    contact = Contact.objects.create(name=name, email=f"{name}@example.cn", account=account)
    Visitor.objects.create(visitor_id=visitor, first_seen=at(1, 0, 4), contact=contact)
    return contact


def _inquiry(page, supplier, material, account, contact, when: datetime) -> Inquiry:
    inquiry = Inquiry.objects.create(
        supplier=supplier, page=page, material=material, quantity=Decimal("500"), unit="kg",
        contact_name=contact.name, company=account.name, contact=contact, account=account,
    )  # fmt: skip
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=when)  # auto_now_add otherwise
    return inquiry


def _order(ref, supplier, material, account, contact, amount: str, status: str, when) -> Order:
    return Order.objects.create(
        order_id=f"DD-{Order.objects.count() + 1}", account=account, buyer_company=account.name,
        contact=contact, supplier=supplier, material=material, quantity=Decimal("500"),
        unit="kg", amount=Decimal(amount), ordered_at=when, status=status,
        inquiry_id_ref=str(ref.pk) if ref else "",
    )  # fmt: skip


@pytest.fixture
def world(supplier_a, supplier_b, materials) -> World:
    huangqi, danggui, sanqi = materials["黄芪"], materials["当归"], materials["三七"]
    art1 = ArticlePageFactory(parent=supplier_a.page, title="岷县黄芪产地直供")
    art1.materials.set([huangqi])
    art1.save()
    art2 = ArticlePageFactory(parent=supplier_a.page, title="黄芪当归配伍行情")
    art2.materials.set([huangqi, danggui])
    art2.save()
    art3 = ArticlePageFactory(parent=supplier_b.page, title="文山三七现货")
    art3.materials.set([sanqi])
    art3.save()
    a, b = supplier_a.page, supplier_b.page
    for key, day, views, engaged in [
        (art1.pk, 2, 600, 200),
        (art1.pk, 10, 400, 100),
        (art2.pk, 3, 500, 250),
        (art3.pk, 4, 300, 100),
    ]:
        _rollup(Dimension.ARTICLE, key, date(2026, 5, day), views, engaged)  # fmt: skip
    _rollup(Dimension.ARTICLE, art1.pk, date(2026, 4, 30), 999, 999)  # before the period
    _rollup(Dimension.SUPPLIER, a.pk, date(2026, 5, 2), 1600, 560)
    _rollup(Dimension.SUPPLIER, b.pk, date(2026, 5, 2), 320, 110)
    _rollup(Dimension.MATERIAL, huangqi.pk, date(2026, 5, 2), 1700, 600)
    _rollup(Dimension.MATERIAL, danggui.pk, date(2026, 5, 2), 500, 250)
    x = Account.objects.create(name="亳州康源药业")
    y = Account.objects.create(name="安国药材行")
    x1, x2, y1 = _person(x, "li", "vx1"), _person(x, "wang", "vx2"), _person(y, "zhao", "vy1")
    _read("vx1", art2.pk, at(30, 8, 4), engaged_ms=5_000, scroll=10)  # not engaged: no touch
    _read("vx1", art1.pk, at(1), engaged_ms=40_000)  # X's first touch
    _read("vx2", art2.pk, at(3), engaged_ms=31_000)
    _read("vy1", art1.pk, at(5, 12), engaged_ms=1_000, scroll=80)  # Y's first touch, by scroll
    _read("vy1", art3.pk, at(20, 14), engaged_ms=60_000)
    i1 = _inquiry(art2, a, huangqi, x, x2, at(4))
    i2 = _inquiry(art1, a, danggui, y, y1, at(6, 12))
    i3 = _inquiry(art1, a, huangqi, x, x1, at(8))
    i4 = _inquiry(art3, b, sanqi, y, y1, at(7))
    orders = {
        "o1": _order(i1, a, huangqi, x, x2, "48000", "paid", at(11)),
        "o2": _order(i2, a, danggui, y, y1, "12000", "refunded", at(12)),
        "o3": _order(i2, a, huangqi, y, y1, "20000", "delivered", at(20, 12)),
        "o4": _order(i4, b, sanqi, y, y1, "99999", "paid", at(21)),
    }
    materialise_accounts([x.pk, y.pk])  # the stored credit the API's attributed revenue sums
    roll_company_reads()  # the first touches the medians start from
    return World(art1, art2, art3, x, y, {"i1": i1, "i2": i2, "i3": i3, "i4": i4}, orders)


def _rows(by: str = "article", suppliers=None, start=MAY[0], end=MAY[1], credits=None) -> dict:
    if credits is None:
        credits = {}
    query = ReturnsQuery(start=start, end=end, by=by, suppliers=suppliers)
    return {row.key: row for row in sourcing_returns(query, credits)}


def test_the_article_funnel_counts_each_step_in_the_period(world):
    rows = _rows()
    art1, art2, art3 = rows[str(world.art1.pk)], rows[str(world.art2.pk)], rows[str(world.art3.pk)]
    assert list(rows) == [str(world.art3.pk), str(world.art2.pk), str(world.art1.pk)]
    assert (art1.label, art1.views, art1.engaged_reads, art1.inquiries) == (
        "岷县黄芪产地直供",
        1000,
        300,
        2,
    )
    assert (art1.orders, art1.lost_orders, art1.revenue) == (1, 1, Decimal("20000.00"))
    assert (art2.views, art2.engaged_reads, art2.inquiries, art2.orders) == (500, 250, 1, 1)
    assert art2.revenue == Decimal("48000.00")
    assert (art3.views, art3.inquiries, art3.orders, art3.revenue) == (300, 1, 1, Decimal("99999"))


def test_rates_and_revenue_per_thousand_engaged_reads(world):
    art1 = _rows()[str(world.art1.pk)]
    assert art1.engaged_rate == 300 / 1000
    assert art1.inquiry_rate == 2 / 300
    assert art1.order_rate == 1 / 2
    assert art1.revenue_per_1000_engaged == Decimal("66666.67")  # 20000 × 1000 / 300
    assert _rows()[str(world.art2.pk)].revenue_per_1000_engaged == Decimal("192000.00")


def test_rates_are_none_without_a_denominator(world):
    rows = _rows(start=date(2026, 5, 11), end=date(2026, 5, 11))  # only o1 and a rollup day
    art2 = rows[str(world.art2.pk)]
    assert (art2.views, art2.engaged_reads, art2.inquiries, art2.orders) == (0, 0, 0, 1)
    assert (art2.engaged_rate, art2.inquiry_rate, art2.order_rate) == (None, None, None)
    assert art2.revenue_per_1000_engaged is None


def test_median_days_from_the_companys_first_engaged_read(world):
    rows = _rows()
    # art1: i2 (Y, 1 day after its first read) and i3 (X, 7 days after x1's) → median 4;
    # o3 (Y) 15 days after. art2: i1 3 days after X's first read (a colleague's), o1 10.
    art1, art2 = rows[str(world.art1.pk)], rows[str(world.art2.pk)]
    assert (art1.days_to_inquiry, art1.days_to_order) == (4.0, 15.0)
    assert (art2.days_to_inquiry, art2.days_to_order) == (3.0, 10.0)
    # art3: Y's first touch is its read of art1 on 5 May, 12:00; i4 on 7 May, 08:00.
    assert rows[str(world.art3.pk)].days_to_inquiry == round(44 / 24, 3)


def test_a_refund_takes_the_revenue_and_the_order_out(world):
    Order.objects.filter(pk=world.orders["o1"].pk).update(status="refunded")
    art2 = _rows()[str(world.art2.pk)]
    assert (art2.orders, art2.lost_orders, art2.revenue) == (0, 1, Decimal("0.00"))
    assert (art2.days_to_order, art2.revenue_per_1000_engaged) == (None, Decimal("0.00"))


def test_roi_with_an_article_cost_and_a_prorated_supplier_package(world, supplier_a):
    ContentCost.objects.create(article=world.art1, amount=Decimal("3100"), start=MAY[0], end=MAY[1])
    ContentCost.objects.create(supplier=supplier_a.page, amount=Decimal("6000"),
                               start=date(2026, 5, 16), end=date(2026, 6, 14))  # fmt: skip
    art1 = _rows()[str(world.art1.pk)]
    assert art1.cost == Decimal("3100.00")
    assert art1.roi() == float((Decimal("20000") - Decimal("3100")) / Decimal("3100"))
    assert _rows()[str(world.art2.pk)].roi() is None  # no cost
    # the first ten days of May carry ten of the article cost's 31 days
    assert _rows(end=date(2026, 5, 10))[str(world.art1.pk)].cost == Decimal("1000.00")
    supplier = _rows("supplier")[str(supplier_a.page.pk)]
    assert supplier.cost == Decimal("6300.00")  # 3100 + 6000 × 16 / 30
    assert supplier.revenue == Decimal("68000.00")
    assert supplier.roi() == float(Decimal("61700") / Decimal("6300"))


def test_by_supplier_and_by_material_for_staff(world, supplier_a, supplier_b, materials):
    suppliers = _rows("supplier")
    a = suppliers[str(supplier_a.page.pk)]
    assert (a.views, a.engaged_reads, a.inquiries, a.orders, a.lost_orders) == (1600, 560, 3, 2, 1)
    assert suppliers[str(supplier_b.page.pk)].revenue == Decimal("99999.00")
    by_material = _rows("material")
    huangqi = by_material[str(materials["黄芪"].pk)]
    assert (huangqi.label, huangqi.views, huangqi.engaged_reads) == ("黄芪", 1700, 600)
    assert (huangqi.inquiries, huangqi.orders, huangqi.revenue) == (2, 2, Decimal("68000.00"))
    danggui = by_material[str(materials["当归"].pk)]
    assert (danggui.inquiries, danggui.orders, danggui.lost_orders) == (1, 0, 1)


def test_a_supplier_sees_only_its_own_and_materials_from_its_own_articles(
    world, supplier_a, materials
):
    own = frozenset({supplier_a.page.pk})
    assert set(_rows(suppliers=own)) == {str(world.art1.pk), str(world.art2.pk)}
    assert set(_rows("supplier", suppliers=own)) == {str(supplier_a.page.pk)}
    by_material = _rows("material", suppliers=own)
    assert set(by_material) == {str(materials["黄芪"].pk), str(materials["当归"].pk)}
    huangqi = by_material[str(materials["黄芪"].pk)]
    # art1 + art2, not the material rollup that also counts other suppliers' articles
    assert (huangqi.views, huangqi.engaged_reads) == (1500, 550)


def test_attributed_revenue_sums_credit_under_each_key_and_splits_across_materials(world):
    keys = article_index(None).keys("material")
    credits = [(str(world.art1.pk), 100), (str(world.art2.pk), 50.0), ("999999", 7)]
    huangqi, danggui = (
        str(m) for m in world.art2.materials.order_by("pk").values_list("pk", flat=True)
    )
    assert attributed_revenue(credits, keys) == {
        huangqi: Decimal("125.00"),
        danggui: Decimal("25.00"),
    }
    by_article = attributed_revenue(credits, article_index(None).keys("article"))
    assert by_article == {
        str(world.art1.pk): Decimal("100.00"),
        str(world.art2.pk): Decimal("50.00"),
    }


def test_stored_credits_follow_the_models_and_the_readers_scope(world, supplier_a):
    staff = stored_order_credits(ReturnsQuery(*MAY), ("first_touch", "last_touch"))
    art1, art2, art3 = str(world.art1.pk), str(world.art2.pk), str(world.art3.pk)
    # X: art1 then art2 before o1 (48000). Y: art1, then o2 (refunded: 0) and o3 (20000), then
    # art3, then o4 (99999).
    assert dict(staff["last_touch"]) == {art1: 20000.0, art2: 48000.0, art3: 99999.0}
    assert dict(staff["first_touch"]) == {art1: 167999.0}
    own = stored_order_credits(
        ReturnsQuery(*MAY, suppliers=frozenset({supplier_a.page.pk})), ("first_touch",)
    )
    # A's own orders only (o1, o2, o3), not B's o4 that also began with A's art1
    assert dict(own["first_touch"]) == {art1: 68000.0}
    rows = _rows(credits=staff)
    assert rows[art1].attributed == {"first_touch": Decimal("167999.00"),
                                     "last_touch": Decimal("20000.00")}  # fmt: skip


def test_the_buying_group_shows_each_contacts_reads_in_order_then_conversions(world, supplier_a):
    group = buying_group(world.y, at(1, 0, 6))
    (zhao,) = group.contacts
    assert [(when, title) for when, _pk, title in zhao.reads] == [
        (at(5, 12), "岷县黄芪产地直供"), (at(20, 14), "文山三七现货"),
    ]  # fmt: skip
    assert [i.pk for i in group.inquiries] == [world.inquiries["i2"].pk, world.inquiries["i4"].pk]
    assert [(o.order_id, revenue) for o, revenue in group.orders] == [
        (world.orders["o2"].order_id, Decimal("0.00")),
        (world.orders["o3"].order_id, Decimal("20000")),
        (world.orders["o4"].order_id, Decimal("99999")),
    ]
    own = buying_group(world.y, at(1, 0, 6), frozenset({supplier_a.page.pk}))
    assert [title for _w, _pk, title in own.contacts[0].reads] == ["岷县黄芪产地直供"]
    assert [i.pk for i in own.inquiries] == [world.inquiries["i2"].pk]
    assert "o4" not in {k for k, o in world.orders.items() if o in [x for x, _ in own.orders]}
    assert len(own.orders) == 2


def test_x_buying_group_lists_both_contacts(world):
    group = buying_group(world.x, at(1, 0, 6))
    assert [(c.name, [t for _w, _p, t in c.reads]) for c in group.contacts] == [
        ("li", ["岷县黄芪产地直供"]), ("wang", ["黄芪当归配伍行情"]),
    ]  # fmt: skip


# --- the API ----------------------------------------------------------------------------------
URL = "/api/v1/analytics/returns/?start=2026-05-01&end=2026-05-31&model=last_touch"


def _keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["key"] for row in response.json()["rows"])


def test_staff_see_every_supplier_with_exact_figures(client, world, staff):
    client.force_login(staff)
    body = client.get(URL).json()
    assert (body["start"], body["end"], body["by"]) == ("2026-05-01", "2026-05-31", "article")
    row = next(r for r in body["rows"] if r["key"] == str(world.art1.pk))
    assert row == {
        "key": str(world.art1.pk), "label": "岷县黄芪产地直供", "views": 1000,
        "engaged_reads": 300, "inquiries": 2, "orders": 1, "lost_orders": 1,
        "revenue": "20000.00", "engaged_rate": 0.3, "inquiry_rate": 2 / 300, "order_rate": 0.5,
        "revenue_per_1000_engaged": "66666.67", "days_to_inquiry": 4.0, "days_to_order": 15.0,
        "cost": "0.00", "roi": None, "attributed_revenue": {"last_touch": "20000.00"},
        "attributed_roi": {"last_touch": None},
    }  # fmt: skip
    assert len(body["rows"]) == 3


def test_a_suppliers_session_sees_only_its_own(client, world, supplier_a, supplier_b):
    client.force_login(supplier_a.user)
    assert _keys(client.get(URL)) == sorted([str(world.art1.pk), str(world.art2.pk)])
    client.force_login(supplier_b.user)
    assert _keys(client.get(URL)) == [str(world.art3.pk)]
    assert _keys(client.get(URL + "&by=supplier")) == [str(supplier_b.page.pk)]


def test_a_token_sees_only_its_suppliers_data(client, world, supplier_a, supplier_b):
    _record_a, token_a = issue_token(supplier_a.page, "ERP")
    _record_b, token_b = issue_token(supplier_b.page)
    a = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token_a}")
    assert _keys(a) == sorted([str(world.art1.pk), str(world.art2.pk)])
    b = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token_b}")
    assert _keys(b) == [str(world.art3.pk)]
    assert "48000" not in b.content.decode()
    assert "20000" not in b.content.decode()
    assert "99999" not in a.content.decode()


def test_a_token_wins_over_a_session_cookie(client, world, staff, supplier_b):
    client.force_login(staff)
    _record, token = issue_token(supplier_b.page)
    assert _keys(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")) == [str(world.art3.pk)]


def test_only_the_hash_is_stored_and_last_use_is_stamped(client, world, supplier_a):
    record, token = issue_token(supplier_a.page)
    assert record.token_hash == hash_token(token) != token
    assert record.prefix == token[:8]
    assert SupplierApiToken.objects.filter(token_hash__contains=token[8:]).count() == 0
    assert record.last_used_at is None
    client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")
    record.refresh_from_db()
    assert record.last_used_at is not None


@pytest.mark.parametrize("header", ["revoked", "Bearer yy_unknown", "Basic abc", ""], ids=str)
def test_revoked_unknown_or_missing_credentials_get_401(client, world, supplier_a, header):
    record, token = issue_token(supplier_a.page)
    revoke_token(record)
    header = f"Bearer {token}" if header == "revoked" else header
    response = client.get(URL, HTTP_AUTHORIZATION=header) if header else client.get(URL)
    assert response.status_code == 401
    assert "rows" not in response.json()


def test_a_user_without_a_supplier_is_refused(client, world, moderator):
    client.force_login(moderator)
    response = client.get(URL)
    assert response.status_code == 403
    assert "rows" not in response.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [("start=2026-5-1", "start"), ("end=soon", "end"), ("start=2026-06-01&end=2026-05-01", "start"),
     ("start=2025-01-01&end=2026-05-01", "end"), ("by=channel", "by"), ("model=best", "model"),
     ("model=markov", "model")],  # not stored: the attribution command computes it
    ids=["start", "end", "order", "span", "by", "model", "markov"],
)  # fmt: skip
def test_bad_parameters_name_the_field(client, world, staff, query, field):
    client.force_login(staff)
    response = client.get(f"/api/v1/analytics/returns/?{query}&lang=en")
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["detail"]] == [field]


# --- the admin --------------------------------------------------------------------------------
COSTS = "/admin/returns/costs/"
TOKENS = "/admin/returns/api-tokens/"


def test_staff_enter_a_content_cost(client, world, staff):
    client.force_login(staff)
    assert client.get(COSTS).status_code == 200
    cost = {"article": world.art1.pk, "amount": "3100", "start": "2026-05-01", "end": "2026-05-31"}
    response = client.post(COSTS + "new/", cost)
    assert response.status_code == 302
    cost = ContentCost.objects.get()
    assert (cost.article_id, cost.supplier_id, cost.amount) == (
        world.art1.pk,
        None,
        Decimal("3100.00"),
    )


def test_a_cost_names_an_article_or_a_supplier_not_both(client, world, staff, supplier_a):
    client.force_login(staff)
    both = {"article": world.art1.pk, "supplier": supplier_a.page.pk, "amount": "1",
            "start": "2026-05-01", "end": "2026-05-31"}  # fmt: skip
    assert client.post(COSTS + "new/", both).status_code == 200
    backwards = {
        "article": world.art1.pk,
        "amount": "1",
        "start": "2026-05-31",
        "end": "2026-05-01",
    }
    assert client.post(COSTS + "new/", backwards).status_code == 200
    assert ContentCost.objects.count() == 0


@pytest.mark.parametrize("path", [COSTS, COSTS + "new/", TOKENS, TOKENS + "new/"])
def test_suppliers_are_refused_the_cost_and_token_admin(client, world, supplier_a, path):
    client.force_login(supplier_a.user)
    response = client.get(path)
    assert response.status_code in (302, 403)
    post = client.post(COSTS + "new/", {"supplier": supplier_a.page.pk, "amount": "1",
                                        "start": "2026-05-01", "end": "2026-05-31"})  # fmt: skip
    assert post.status_code in (302, 403)
    assert client.post(TOKENS + "new/", {"supplier": supplier_a.page.pk}).status_code in (302, 403)
    assert ContentCost.objects.count() == 0
    assert SupplierApiToken.objects.count() == 0


def test_staff_issue_a_token_shown_once_and_revoke_it(client, world, staff, supplier_a):
    client.force_login(staff)
    response = client.post(TOKENS + "new/", {"supplier": supplier_a.page.pk, "label": "ERP"})
    assert response.status_code == 200
    record = SupplierApiToken.objects.get()
    token = response.context["token"]
    assert record.token_hash == hash_token(token)
    assert record.label == "ERP"
    assert token in response.content.decode()
    assert token not in client.get(TOKENS).content.decode()
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    edit = client.post(f"{TOKENS}edit/{record.pk}/", {"label": "ERP", "revoke": "on"})
    assert edit.status_code == 302
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_a_bad_token_is_refused_even_with_a_staff_session(client, world, staff, supplier_a):
    client.force_login(staff)
    record, token = issue_token(supplier_a.page)
    revoke_token(record)
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert "rows" not in response.json()


def test_staff_see_a_companys_buying_group_page(client, world, staff, supplier_a):
    client.force_login(staff)
    response = client.get(f"/admin/buyers/groups/{world.y.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index("岷县黄芪产地直供") < text.index("文山三七现货")  # in reading order
    assert world.orders["o4"].order_id in text
    client.force_login(supplier_a.user)
    refused = client.get(f"/admin/buyers/groups/{world.y.pk}/")
    assert refused.status_code == 302
    assert refused["Location"] == "/admin/"


@pytest.mark.parametrize("by", ["article", "supplier", "material"])
def test_the_number_of_queries_does_not_grow_with_orders(world, by, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        _rows(by)
    for n in range(3):
        _order(world.inquiries["i3"], world.art1.supplier, world.inquiries["i3"].material,
               world.x, None, "100", "paid", at(22 + n))  # fmt: skip
    with django_assert_num_queries(len(before.captured_queries)):
        rows = _rows(by)
    assert sum(row.orders for row in rows.values()) == 6
