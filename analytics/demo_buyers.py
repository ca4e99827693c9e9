"""Demo buying groups: companies whose 3–5 contacts read one supplier's articles (and a few
others) over weeks, then inquire and order (one order refunded, one cancelled), all through
the real paths: tracker events via ``import_events``, ``identify``, ``validate_inquiry`` /
``record_inquiry`` and ``validate_order`` / ``record_order``."""

import json
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from analytics.conversions import InquiryOrigin, RateLimitedError, record_inquiry, validate_inquiry
from analytics.identity import identify
from analytics.models import Inquiry, Order, OrderStatusChange
from analytics.orders import record_order, validate_order
from content.models import ArticlePage, Material

BUYERS = [
    ("亳州康源药业有限公司", "kangyuan-yaoye.cn"), ("安国市药都饮片厂", "anguo-yinpian.cn"),
    ("广州南药采购有限公司", "nanyao-caigou.com"), ("成都蜀康制药有限公司", "shukang-pharma.cn"),
    ("杭州胡庆余堂供应链", "hqyt-supply.com"), ("北京同济药材贸易", "tongji-herbs.cn"),
    ("哈尔滨北药集团采购部", "beiyao-group.cn"), ("西安秦岭中药有限公司", "qinling-tcm.com"),
]  # fmt: skip
ROLES = ["采购经理", "质量主管", "研发工程师", "总经理", "仓储主管"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡"
# (order status, what happens later): four companies order; one refunds, one cancels.
ORDER_FATES = ["delivered", "refunded", "accepted", "cancelled", "paid"]
INQUIRING = 6  # of the eight companies, this many inquire; len(ORDER_FATES) of those order
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


@dataclass(frozen=True)
class Article:
    pk: int
    url: str
    supplier: int
    supplier_name: str
    material: str


@dataclass
class BuyerPlan:
    index: int
    company: str
    domain: str
    contacts: list[tuple[str, str, str]]  # visitor id, name, email
    reads: list[tuple[datetime, str, Article]] = field(default_factory=list)  # at, visitor
    inquiry: tuple[datetime, str, Article] | None = None
    order_day: date | None = None


def demo_articles(url_of) -> list[Article]:
    """Live articles with a supplier and a material (the first), by id."""
    materials: dict[int, str] = {}
    links = ArticlePage.materials.through.objects.order_by("articlepage_id", "material_id")
    names = dict(Material.objects.values_list("pk", "name"))
    for article_id, material_id in links.values_list("articlepage_id", "material_id"):
        materials.setdefault(article_id, names[material_id])
    rows = ArticlePage.objects.live().filter(supplier__isnull=False).order_by("pk")
    rows = rows.values_list("pk", "url_path", "supplier_id", "supplier__title")
    return [Article(pk, url_of(path), s, title, materials[pk])
            for pk, path, s, title in rows if pk in materials]  # fmt: skip


def plan_buyers(
    seed_value: int, articles: list[Article], start: date, days: int
) -> list[BuyerPlan]:
    """Who reads what when, and who inquires and orders: the same for the same seed and sizes."""
    rng = random.Random(seed_value * 7 + 11)  # its own stream: the readers' demo stays as it was
    by_supplier: dict[int, list[Article]] = defaultdict(list)
    for article in articles:
        by_supplier[article.supplier].append(article)
    suppliers = sorted(s for s, items in by_supplier.items() if len(items) >= 3)
    if not suppliers or days < 14:
        return []
    plans = []
    for index, (company, domain) in enumerate(BUYERS):
        contacts = [
            (
                f"demo-buyer-{index}-{k}",
                f"{rng.choice(SURNAMES)}{ROLES[k]}",
                f"b{index}.{k}@{domain}",
            )
            for k in range(rng.randint(3, 5))
        ]
        plan = BuyerPlan(index, company, domain, contacts)
        focus = by_supplier[rng.choice(suppliers)]
        first_day = rng.randint(0, days // 3)
        for visitor, _name, _email in contacts:
            for _ in range(rng.randint(1, 4)):
                article = rng.choice(focus) if rng.random() < 0.75 else rng.choice(articles)
                offset = rng.randint(first_day, days - 8)
                moment = datetime.combine(
                    start + timedelta(days=offset), time(9), timezone.get_default_timezone()
                )
                plan.reads.append(
                    (moment + timedelta(minutes=rng.randrange(9 * 60)), visitor, article)
                )
        plan.reads.sort(key=lambda read: (read[0], read[1], read[2].pk))
        if index < INQUIRING and len(plan.reads) >= 2:
            at, visitor, article = plan.reads[max(1, len(plan.reads) * 3 // 5) - 1]
            if article.supplier != focus[0].supplier:
                article = focus[0]
            plan.inquiry = (at + timedelta(hours=2), visitor, article)
            if index < len(ORDER_FATES):
                order_day = timezone.localdate(at) + timedelta(days=rng.randint(3, 10))
                plan.order_day = min(order_day, start + timedelta(days=days - 1))
        plans.append(plan)
    return plans


def buyer_lines(plans: list[BuyerPlan], seed_value: int) -> Iterator[str]:
    """Each planned read as the tracker would send it: a pageview and an engaged minute or more."""
    namespace = uuid.UUID(int=random.Random(seed_value * 7 + 13).getrandbits(128))
    for plan in plans:
        for number, (at, visitor, article) in enumerate(plan.reads):
            pageview = str(uuid.uuid5(namespace, f"{plan.index}-{number}-pv"))
            base = {
                "visitor_id": visitor,
                "page_id": article.pk,
                "url": article.url,
                "user_agent": CHROME,
            }
            at_end = at + timedelta(milliseconds=45_000 + (number * 37_000) % 240_000)
            engagement = {
                "event_id": str(uuid.uuid5(namespace, f"{plan.index}-{number}-en")),
                "type": "engagement",
                "pageview_id": pageview,
                "engaged_ms": int((at_end - at).total_seconds() * 1000),
                "scroll_pct": 85,
                "ts": at_end.isoformat(),
            }
            view = {"event_id": pageview, "type": "pageview", "referrer": "", "ts": at.isoformat()}
            yield json.dumps({**base, **view}, ensure_ascii=False)
            yield json.dumps({**base, **engagement}, ensure_ascii=False)


def identify_buyers(plans: list[BuyerPlan]) -> None:
    """Every contact known by email (a newsletter sign-up, say) before the reads are imported."""
    for plan in plans:
        for visitor, name, email in plan.contacts:
            identify(visitor, email=email, name=name, company=plan.company, reason="demo")


def record_buyer_conversions(plans: list[BuyerPlan]) -> tuple[int, int]:
    """The planned inquiries and orders; those already there are left alone. Returns (new
    inquiries, new orders)."""
    inquiries = orders = 0
    for plan in plans:
        if plan.inquiry is None:
            continue
        inquiry, created = _inquire(plan)
        inquiries += created
        if inquiry is not None and plan.order_day is not None:
            orders += _order(plan, inquiry)
    return inquiries, orders


def _inquire(plan: BuyerPlan) -> tuple[Inquiry | None, bool]:
    at, visitor, article = plan.inquiry
    existing = Inquiry.objects.filter(visitor_id=visitor, page_id=article.pk).first()
    if existing is not None:
        return existing, False
    name, email = next((n, e) for v, n, e in plan.contacts if v == visitor)
    cleaned, errors = validate_inquiry({
        "material": article.material, "spec": "统货", "quantity": str(200 + plan.index * 100),
        "unit": "kg", "message": "请报含税到厂价，并附检测报告。", "contact_name": name,
        "company": plan.company, "email": email, "page_id": article.pk,
    })  # fmt: skip
    if errors:
        return None, False
    try:
        with transaction.atomic():
            inquiry, created = record_inquiry(
                cleaned, InquiryOrigin(visitor_id=visitor, address="")
            )
            # Sent weeks ago in the story: the time the buyer sent it, not the seeding run's.
            Inquiry.objects.filter(pk=inquiry.pk).update(created_at=at)
    except RateLimitedError:
        return None, False
    return inquiry, created


def _order(plan: BuyerPlan, inquiry: Inquiry) -> bool:
    order_id = f"DEMO-{plan.index:02d}-{inquiry.pk}"
    if Order.objects.filter(order_id=order_id).exists():
        return False
    fate = ORDER_FATES[plan.index]
    quantity = inquiry.quantity
    amount = quantity * Decimal(38 + plan.index * 7)  # CNY per kg, a plausible range
    row = {
        "order_id": order_id, "buyer_company": plan.company, "contact_email": inquiry.email,
        "supplier": inquiry.supplier.title, "material": inquiry.material.name, "spec": "统货",
        "quantity": str(quantity), "unit": "kg", "amount": str(amount),
        "currency": "CNY", "order_date": plan.order_day.isoformat(), "inquiry_id": str(inquiry.pk),
        "status": "paid",
    }  # fmt: skip
    # Paid first, then (a later message) what became of it: a refund takes the revenue back.
    for status in ("paid",) if fate == "paid" else ("paid", fate):
        data, errors = validate_order({**row, "status": status})
        if errors:
            return False
        record_order(data, OrderStatusChange.Source.CSV)
    return True
