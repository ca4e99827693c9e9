"""Buyer companies, their contacts' reads and their conversions, with hand-countable numbers for
the buyer-company and cohort dashboards.

Articles: A1, A2 (supplier A), B1 (supplier B), as in ``dashboard_data``. All times 2026, local.

- X: 张伟 (browser vx1) read A1 Nov 2 10:00 and B1 Nov 5 10:00 engaged, A1 Nov 6 for 5 s (not
  engaged); 李娜 (vx2) read A2 Nov 3 10:00 (engaged by scroll 80 %). 张伟 inquired of A about
  黄芪 Nov 4 10:00 and ordered from A Nov 6 12:00 (paid).
- Y: 王强 (vy1) read B1 Nov 7 10:00 and 11:00; inquired of B Nov 1 (before its first read),
  ordered from B Nov 7 15:00 (paid).
- Z: 赵敏 (vz1) read A1 Sep 10 and Nov 1 10:00; inquired of A Oct 15.
- W: 孙丽 (vw1) read A2 Nov 20 (engaged by scroll 100 %); no conversion.
- ``dashboard_data``'s company has inquiries and orders but no contact and no reads.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from analytics.models import Account, Contact, EventType, Inquiry, Order, RawEvent, Visitor
from tests.analytics.dashboard_data import DashboardData, build_dashboard_data
from tests.analytics.helpers import roll_company_reads

WEEK = "start=2026-11-01&end=2026-11-07"
QUARTER = "start=2026-09-01&end=2026-11-30"
X_NAME = "华东饮片采购中心"
Y_NAME = "西南药材贸易公司"
Z_NAME = "北方制药集团"
W_NAME = "华南中药房"


@dataclass
class BuyerData:
    articles: DashboardData
    x: Account
    y: Account
    z: Account
    w: Account


def at(month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour))


def _company(name: str, people: list[tuple[str, str]]) -> tuple[Account, list[Contact]]:
    account = Account.objects.create(name=name)
    contacts = []
    for person, visitor_id in people:
        contact = Contact.objects.create(name=person, account=account)
        Visitor.objects.create(visitor_id=visitor_id, first_seen=at(9, 1), contact=contact)
        contacts.append(contact)
    return account, contacts


def _read(visitor_id: str, page_id: int, when: datetime, engaged_ms: int = 0, scroll: int = 0):
    """A pageview and, after it, one engagement event and one scroll event."""
    pageview = uuid.uuid4()
    common = {
        "received_at": when,
        "visitor_id": visitor_id,
        "visitor_kind": "cookie",
        "page_id": page_id,
        "url": "http://x/",
        "channel": "wechat",
        "device": "mobile",
        "browser": "wechat",
    }
    RawEvent.objects.bulk_create(
        [
            RawEvent(event_id=pageview, type=EventType.PAGEVIEW, occurred_at=when, **common),
            RawEvent(
                event_id=uuid.uuid4(),
                type=EventType.ENGAGEMENT,
                occurred_at=when,
                pageview_id=pageview,
                engaged_ms=engaged_ms,
                **common,
            ),
            RawEvent(
                event_id=uuid.uuid4(),
                type=EventType.SCROLL,
                occurred_at=when,
                pageview_id=pageview,
                scroll_pct=scroll,
                **common,
            ),
        ]
    )


def _inquiry(account, contact, supplier_id, material, when: datetime) -> None:
    inquiry = Inquiry.objects.create(
        supplier_id=supplier_id,
        material=material,
        quantity=Decimal("100"),
        unit="kg",
        contact_name=contact.name,
        company=account.name,
        contact=contact,
        account=account,
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=when)


def _order(order_id, account, contact, supplier_id, material, when: datetime) -> None:
    Order.objects.create(
        order_id=order_id,
        account=account,
        buyer_company=account.name,
        contact=contact,
        supplier_id=supplier_id,
        material=material,
        quantity=Decimal("100"),
        unit="kg",
        amount=Decimal("12000.00"),
        ordered_at=when,
        status="paid",
    )


def build_buyer_data(supplier_a, supplier_b, materials) -> BuyerData:
    data = build_dashboard_data(supplier_a, supplier_b, materials)
    a1, a2, b1 = data.a1.pk, data.a2.pk, data.b1.pk
    sa, sb = data.supplier_a, data.supplier_b
    x, (zhang, _li) = _company(X_NAME, [("张伟", "vx1"), ("李娜", "vx2")])
    y, (wang,) = _company(Y_NAME, [("王强", "vy1")])
    z, (zhao,) = _company(Z_NAME, [("赵敏", "vz1")])
    w, _people = _company(W_NAME, [("孙丽", "vw1")])
    _read("vx1", a1, at(11, 2), engaged_ms=40_000)
    _read("vx2", a2, at(11, 3), scroll=80)
    _read("vx1", b1, at(11, 5), engaged_ms=31_000)
    _read("vx1", a1, at(11, 6), engaged_ms=5_000, scroll=10)  # not engaged
    _read("vy1", b1, at(11, 7, 10), engaged_ms=60_000)
    _read("vy1", b1, at(11, 7, 11), engaged_ms=30_000)
    _read("vz1", a1, at(9, 10), engaged_ms=45_000)
    _read("vz1", a1, at(11, 1), engaged_ms=45_000)
    _read("vw1", a2, at(11, 20), scroll=100)
    _inquiry(x, zhang, sa, materials["黄芪"], at(11, 4))
    _order("DD-X1", x, zhang, sa, materials["黄芪"], at(11, 6, 12))
    _inquiry(y, wang, sb, materials["三七"], at(11, 1))
    _order("DD-Y1", y, wang, sb, materials["三七"], at(11, 7, 15))
    _inquiry(z, zhao, sa, materials["黄芪"], at(10, 15))
    roll_company_reads()
    return BuyerData(data, x, y, z, w)
