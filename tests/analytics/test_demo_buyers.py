"""The demo's buying groups: contacts read over weeks, then inquire and order (one refund, one
cancellation), through the real paths, the same for the same seed, and a rerun adds nothing."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from analytics.buying_group import first_touches
from analytics.demo import seed_engagement
from analytics.demo_buyers import BUYERS, INQUIRING, ORDER_FATES
from analytics.models import Account, Inquiry, Order, OrderStatusChange, RawEvent
from analytics.returns import ReturnsQuery, sourcing_returns
from content.demo import seed


def _state() -> tuple:
    return (
        RawEvent.objects.count(),
        list(Inquiry.objects.order_by("pk").values_list("pk", "account__name", "created_at")),
        list(Order.objects.order_by("pk").values_list("order_id", "status", "amount")),
        OrderStatusChange.objects.count(),
    )


def test_buying_groups_read_then_inquire_and_order_and_a_rerun_adds_nothing(db):
    seed(suppliers=2, articles=8, insights=0)
    seed_engagement(days=21, readers_per_day=5)
    first = _state()

    assert seed_engagement(days=21, readers_per_day=5) == 0
    assert _state() == first
    buyers = Account.objects.filter(name__in=[name for name, _domain in BUYERS])
    assert buyers.count() == len(BUYERS)
    assert all(account.contacts.count() in (3, 4, 5) for account in buyers)
    inquiries = Inquiry.objects.filter(account__in=buyers)
    assert inquiries.count() == INQUIRING
    assert all(i.contact_id and i.page_id and i.supplier_id for i in inquiries)
    # each company read (engaged) before it asked: its journey has a first touch
    touches = first_touches([i.account_id for i in inquiries], timezone.now())
    assert all(touches[i.account_id] < i.created_at for i in inquiries)
    orders = Order.objects.filter(order_id__startswith="DEMO-").order_by("order_id")
    assert sorted(orders.values_list("status", flat=True)) == sorted(ORDER_FATES)
    assert all(o.ordered_at > Inquiry.objects.get(pk=int(o.inquiry_id_ref)).created_at
               for o in orders)  # fmt: skip
    refunded = orders.get(status="refunded")
    assert list(refunded.history.values_list("status", flat=True)) == ["paid", "refunded"]
    today = timezone.localdate()
    query = ReturnsQuery(start=today - timedelta(days=21), end=today, by="supplier")
    rows = sourcing_returns(query)
    paying = orders.filter(status__in=["paid", "delivered", "accepted"])
    assert sum(row.revenue for row in rows) == sum(o.amount for o in paying) > Decimal("0")
    assert sum(row.lost_orders for row in rows) == 2
