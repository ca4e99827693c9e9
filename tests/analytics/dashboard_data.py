"""Rollups, sessions and search logs with hand-countable numbers, for the dashboard tests.

The current period is 2026-11-01 to 2026-11-07, the previous one 2026-10-25 to 2026-10-31.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from analytics.models import (
    Account,
    AttributionCredit,
    DailyRollup,
    Dimension,
    EventType,
    Inquiry,
    Order,
    RawEvent,
    Session,
    ShareToken,
)
from content.models import ArticlePage
from search.models import SearchClick, SearchLog
from tests.factories import ArticlePageFactory

RANGE = "start=2026-11-01&end=2026-11-07"
A1_TITLE = "岷县黄芪新货上市"
A2_TITLE = "当归切片加工工艺"
B1_TITLE = "文山三七价格行情周报"
COMPANY = "华东中药饮片采购中心"


@dataclass
class DashboardData:
    a1: ArticlePage
    a2: ArticlePage
    b1: ArticlePage
    supplier_a: int
    supplier_b: int


def _at(day: int, month: int = 11, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour))


def _rollup(
    day: date,
    dimension: str,
    key: object,
    views: int,
    visitors: int,
    engaged: int,
    active_ms: int = 0,
    **more: int,
) -> DailyRollup:
    return DailyRollup(
        day=day,
        dimension=dimension,
        key=str(key),
        views=views,
        visitors=visitors,
        engaged_reads=engaged,
        active_ms=active_ms,
        **more,
    )


def _rollups(data: DashboardData, account: Account) -> None:
    nov1, nov3, oct28, oct30 = (
        date(2026, 11, 1),
        date(2026, 11, 3),
        date(2026, 10, 28),
        date(2026, 10, 30),
    )
    a1, a2, b1 = data.a1.pk, data.a2.pk, data.b1.pk
    DailyRollup.objects.bulk_create(
        [
            _rollup(nov1, Dimension.SITE, "all", 10, 6, 4, 120_000),
            _rollup(nov3, Dimension.SITE, "all", 20, 10, 8, 300_000),
            _rollup(oct28, Dimension.SITE, "all", 15, 9, 6, 180_000),
            _rollup(
                nov1,
                Dimension.ARTICLE,
                a1,
                6,
                4,
                3,
                60_000,
                shares=1,
                scroll_25=5,
                scroll_50=4,
                scroll_75=2,
                scroll_100=1,
            ),
            _rollup(
                nov3,
                Dimension.ARTICLE,
                a1,
                8,
                5,
                4,
                90_000,
                scroll_25=7,
                scroll_50=5,
                scroll_75=3,
                scroll_100=1,
            ),
            _rollup(nov3, Dimension.ARTICLE, a2, 3, 2, 1, 30_000, shares=2),
            _rollup(nov1, Dimension.ARTICLE, b1, 4, 3, 2, 40_000),
            _rollup(nov3, Dimension.ARTICLE, b1, 9, 6, 3, 80_000, shares=1),
            _rollup(nov1, Dimension.SUPPLIER, data.supplier_a, 6, 4, 3, 60_000),
            _rollup(nov3, Dimension.SUPPLIER, data.supplier_a, 11, 6, 5, 120_000),
            _rollup(oct30, Dimension.SUPPLIER, data.supplier_a, 5, 3, 2, 30_000),
            _rollup(nov1, Dimension.SUPPLIER, data.supplier_b, 4, 3, 2, 40_000),
            _rollup(nov3, Dimension.SUPPLIER, data.supplier_b, 9, 6, 3, 80_000),
            _rollup(nov1, Dimension.CHANNEL, "wechat", 6, 4, 3, 50_000),
            _rollup(nov3, Dimension.ACCOUNT, account.pk, 7, 2, 5, 70_000),
        ]
    )


def _sessions(data: DashboardData) -> None:
    rows = [  # (visitor, day, entry page, channel, share token, pageviews)
        ("v1", 1, data.a1.pk, "wechat", "", 2),
        ("v2", 1, data.b1.pk, "search", "", 1),
        ("v3", 3, data.a1.pk, "wechat", "tok1", 3),
        ("v4", 3, data.a2.pk, "direct", "", 1),
        ("v5", 3, data.b1.pk, "wechat", "", 2),
        ("v6", 20, data.a1.pk, "direct", "", 1),  # 2026-10-20: outside both periods
    ]
    Session.objects.bulk_create(
        [
            Session(
                visitor_id=v,
                started_at=_at(d, 11 if d < 10 else 10),
                ended_at=_at(d, 11 if d < 10 else 10, 11),
                pageviews=pv,
                events=pv,
                engaged_ms=1000,
                entry_page_id=page,
                channel=channel,
                share_token=token,
            )
            for v, d, page, channel, token, pv in rows
        ]
    )


def _searches(data: DashboardData) -> None:
    rows = [  # (query, results, searcher's network id, bot reason, clicked page and position)
        ("黄芪", 12, "d1", "", (data.a1.pk, 1)),
        ("黄芪", 12, "d2", "", (data.a1.pk, 2)),
        ("黄芪", 12, "d1", "", None),
        ("黄芪", 12, "d3", "", None),
        ("黄芪", 12, "bot1", "bot", (data.a1.pk, 1)),
        ("三七价格", 5, "d3", "", (data.b1.pk, 1)),
        ("三七价格", 5, "d4", "", None),
        ("三七价格", 5, "d4", "", None),
        ("川贝母", 0, "d5", "", None),
        ("川贝母", 0, "d5", "", None),
        ("冬虫夏草产地", 2, "d6", "", None),
    ]
    for query, results, network_id, bot, click in rows:
        log = SearchLog.objects.create(
            query=query,
            normalized=query,
            result_count=results,
            engine="embedded",
            latency_ms=1.0,
            network_id=network_id,
            bot_reason=bot,
        )
        SearchLog.objects.filter(pk=log.pk).update(created_at=_at(2))
        if click:
            SearchClick.objects.create(log=log, page_id=click[0], position=click[1])
    old = SearchLog.objects.create(
        query="黄芪",
        normalized="黄芪",
        result_count=12,
        engine="embedded",
        latency_ms=1.0,
        network_id="d9",
    )
    SearchLog.objects.filter(pk=old.pk).update(created_at=_at(20, 10))


def _shares_and_readers(data: DashboardData) -> None:
    """A1 shared once on WeChat (one reader arrived through it); readers on A1 and B1 now."""
    ShareToken.objects.create(
        token="tok1",
        page_id=data.a1.pk,
        sharer_visitor_id="sharer1",
        method="wechat",
        created_at=_at(1),
    )
    now = timezone.now()
    RawEvent.objects.bulk_create(
        [
            RawEvent(
                event_id=uuid.uuid4(),
                type=EventType.PAGEVIEW,
                occurred_at=at,
                received_at=at,
                visitor_id=visitor,
                visitor_kind="cookie",
                page_id=page,
                url="http://x/",
                channel="wechat",
                share_token=token,
                device="mobile",
                browser="wechat",
            )
            for visitor, page, token, at in (
                ("v3", data.a1.pk, "tok1", _at(3)),
                ("r1", data.a1.pk, "", now),
                ("r2", data.b1.pk, "", now),
            )
        ]
    )


def _conversions(data: DashboardData, account: Account, materials: dict) -> None:
    """Inquiries: A on Nov 2 (a1) and Nov 5 (a2), A on Oct 26, B on Oct 29.
    Orders: A paid Nov 4, A refunded Nov 5 (no revenue: not counted), B paid Oct 29."""
    inquiries = [
        (data.supplier_a, data.a1, "黄芪", _at(2)),
        (data.supplier_a, data.a2, "当归", _at(5)),
        (data.supplier_a, data.a1, "黄芪", _at(26, month=10)),
        (data.supplier_b, data.b1, "三七", _at(29, month=10)),
    ]
    for supplier, page, material, at in inquiries:
        inquiry = Inquiry.objects.create(
            supplier_id=supplier,
            page=page,
            material=materials[material],
            quantity=Decimal("100"),
            unit="kg",
            contact_name="采购员",
            company=COMPANY,
            account=account,
        )
        Inquiry.objects.filter(pk=inquiry.pk).update(created_at=at)
    orders = [
        ("DD-1", data.supplier_a, "黄芪", _at(4), "paid"),
        ("DD-2", data.supplier_a, "当归", _at(5), "refunded"),
        ("DD-3", data.supplier_b, "三七", _at(29, month=10), "paid"),
    ]
    for order_id, supplier, material, at, status in orders:
        Order.objects.create(
            order_id=order_id,
            account=account,
            buyer_company=COMPANY,
            supplier_id=supplier,
            material=materials[material],
            quantity=Decimal("100"),
            unit="kg",
            amount=Decimal("12000.00"),
            ordered_at=at,
            status=status,
        )


def _credit(data: DashboardData, account: Account) -> None:
    """Stored linear credit of orders: A's Nov 4 order (DD-1) 12,000 split a1 7,200 (A) / b1
    4,800 (B); 3,000 of B's Oct 29 order (DD-3) to a1 (A), a company's reads crediting another
    supplier's article. Another model's row must not count."""
    dd1, dd3 = (Order.objects.get(order_id=o).pk for o in ("DD-1", "DD-3"))
    rows = [
        ("linear", dd1, data.a1.pk, data.supplier_a, "wechat", date(2026, 11, 4), 7200.0),
        ("linear", dd1, data.b1.pk, data.supplier_b, "search", date(2026, 11, 4), 4800.0),
        ("linear", dd3, data.a1.pk, data.supplier_a, "wechat", date(2026, 10, 29), 3000.0),
        ("first_touch", dd1, data.a1.pk, data.supplier_a, "wechat", date(2026, 11, 4), 12000.0),
    ]
    AttributionCredit.objects.bulk_create(
        AttributionCredit(
            model=model,
            conversion_kind="order",
            conversion_id=order,
            account=account,
            contact_id=0,
            article_id=article,
            supplier_id=supplier,
            material_id=None,
            channel=channel,
            day=day,
            credit=value / 12000,
            value=value,
        )
        for model, order, article, supplier, channel, day, value in rows
    )


def build_dashboard_data(supplier_a, supplier_b, materials) -> DashboardData:
    a1 = ArticlePageFactory(parent=supplier_a.page, title=A1_TITLE, kind="product")
    a1.materials.set([materials["黄芪"]])
    a1.save()
    a2 = ArticlePageFactory(parent=supplier_a.page, title=A2_TITLE, kind="technology")
    a2.materials.set([materials["当归"]])
    a2.save()
    b1 = ArticlePageFactory(parent=supplier_b.page, title=B1_TITLE, kind="product")
    b1.materials.set([materials["三七"]])
    b1.save()
    data = DashboardData(a1, a2, b1, supplier_a.page.pk, supplier_b.page.pk)
    account = Account.objects.create(name=COMPANY)
    _rollups(data, account)
    _conversions(data, account, materials)
    _credit(data, account)
    _sessions(data)
    _searches(data)
    _shares_and_readers(data)
    return data
