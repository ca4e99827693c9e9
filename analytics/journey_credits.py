"""Revenue credit per article for a period, computed on request: the database's journeys (every
engaged read of each buyer company) through the pure attribution models. The returns view reads
credit through ``order_credits``; materialised credit can replace this source behind it."""

from collections.abc import Sequence
from datetime import datetime

from analytics.attribution import (
    INQUIRY,
    MODELS,
    ORDER,
    Conversion,
    Journey,
    Options,
    Touch,
    attribute_journeys,
)
from analytics.buying_group import engaged_reads
from analytics.models import Inquiry, Order
from analytics.orders import order_revenue
from content.models import ArticlePage

Credits = dict[str, list[tuple[str, float]]]  # model → (article id, revenue credit)


def period_journeys(
    start: datetime, end: datetime, suppliers: frozenset[int] | None
) -> list[Journey]:
    """One journey per buyer company with an inquiry or order in [start, end): its contacts'
    engaged reads of articles before ``end`` and those conversions. A supplier's scope keeps
    only its own inquiries and orders (its revenue, credited to whichever articles led to it)."""
    inquiries = Inquiry.objects.filter(
        created_at__gte=start, created_at__lt=end, account__isnull=False
    )
    orders = Order.objects.filter(ordered_at__gte=start, ordered_at__lt=end)
    if suppliers is not None:
        inquiries = inquiries.filter(supplier_id__in=suppliers)
        orders = orders.filter(supplier_id__in=suppliers)
    events: dict[int, list[Conversion]] = {}
    for account, contact, at in inquiries.values_list("account_id", "contact_id", "created_at"):
        events.setdefault(account, []).append(Conversion(INQUIRY, str(contact or ""), at))
    for order in orders.order_by("ordered_at", "pk"):
        conversion = Conversion(
            ORDER, str(order.contact_id or ""), order.ordered_at, order_revenue(order)
        )
        events.setdefault(order.account_id, []).append(conversion)
    articles = set(ArticlePage.objects.values_list("pk", flat=True))
    touches: dict[int, list[Touch]] = {account: [] for account in events}
    for read in engaged_reads(events, end):
        if read.page_id in articles:
            touches[read.account_id].append(Touch(str(read.contact_id), str(read.page_id), read.at))
    return [Journey(str(account), touches[account], events[account]) for account in sorted(events)]


def order_credits(
    start: datetime, end: datetime, suppliers: frozenset[int] | None, models: Sequence[str] = MODELS
) -> Credits:
    """Per model, the order revenue each article is credited with (models that do not apply to
    the period's journeys, e.g. W-shaped without inquiries, are left out)."""
    result = attribute_journeys(period_journeys(start, end, suppliers), Options(models=models))
    return {
        model: [(article, credit.value) for article, credit in sorted(kinds.get(ORDER, {}).items())]
        for model, kinds in result.models.items()
        if ORDER in kinds
    }
