"""A small journey set for the sourcing-returns dashboard, its credit stored by the real
``materialise_accounts``, with every figure small enough to compute by hand.

Times Asia/Shanghai, 10:00 each day, range 2026-11-01 to 2026-11-08. Articles: A1 (supplier A,
黄芪, product), A2 (supplier A, 当归, technology), B1 (supplier B, 三七, product).

company X (contacts x1, x2)                     company Y (contact y1)
  11-01 x1 reads A1 (wechat)                      11-06 y1 reads B1 (wechat)
  11-02 x2 reads A2 (search)                      11-07 order by y1, 15,000 CNY, supplier B,
  11-03 x1 reads B1 (search)                            三七, no inquiry (paid)
  11-04 inquiry by x2 from A1 (supplier A, 黄芪)
  11-05 x2 reads A1 (direct)
  11-08 order by x1, 48,000 CNY, supplier A, 黄芪, after that inquiry (paid)

Costs: A1 6,000 CNY for 11-01 to 11-08 (all in range); supplier B's promotion package 9,000 CNY
for 11-01 to 11-30 (8 of its 30 days in range: 2,400).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from analytics.credits import materialise_accounts
from analytics.models import (
    Account,
    Contact,
    ContentCost,
    Inquiry,
    Order,
    Visitor,
)
from content.models import ArticlePage
from tests.analytics.helpers import read, roll_company_reads
from tests.factories import ArticlePageFactory

RETURNS_RANGE = "start=2026-11-01&end=2026-11-08"
A1_TITLE = "岷县黄芪产地直供"
A2_TITLE = "当归趁鲜切制工艺"
B1_TITLE = "文山三七春七现货"
X_NAME = "亳州康源药业有限公司"
Y_NAME = "昆明济生堂药业"


@dataclass
class ReturnsData:
    a1: ArticlePage
    a2: ArticlePage
    b1: ArticlePage
    supplier_a: int
    supplier_b: int
    materials: dict


def at(day: int) -> datetime:
    return timezone.make_aware(datetime(2026, 11, day, 10))


def _person(account: Account, name: str) -> Contact:
    contact = Contact.objects.create(name=name, email=f"{name}@example.cn", account=account)
    Visitor.objects.create(visitor_id=f"v-{name}", first_seen=at(1), contact=contact)
    return contact


def _article(parent, title: str, kind: str, material) -> ArticlePage:
    page = ArticlePageFactory(parent=parent, title=title, kind=kind)
    page.materials.set([material])
    page.save_revision().publish()
    return page


def build_returns_data(supplier_a, supplier_b, materials) -> ReturnsData:
    huangqi, danggui, sanqi = materials["黄芪"], materials["当归"], materials["三七"]
    a1 = _article(supplier_a.page, A1_TITLE, "product", huangqi)
    a2 = _article(supplier_a.page, A2_TITLE, "technology", danggui)
    b1 = _article(supplier_b.page, B1_TITLE, "product", sanqi)
    x = Account.objects.create(name=X_NAME)
    y = Account.objects.create(name=Y_NAME)
    x1, x2, y1 = _person(x, "x1"), _person(x, "x2"), _person(y, "y1")
    read("v-x1", a1, at(1), channel="wechat")
    read("v-x2", a2, at(2), channel="search")
    read("v-x1", b1, at(3), channel="search")
    read("v-x2", a1, at(5), channel="direct")
    read("v-y1", b1, at(6), channel="wechat")
    inquiry = Inquiry.objects.create(
        supplier=supplier_a.page, page=a1, material=huangqi, quantity=Decimal("500"), unit="kg",
        contact_name="x2", company=X_NAME, contact=x2, account=x,
    )  # fmt: skip
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=at(4))
    for number, account, contact, supplier, material, amount, day, ref in (
        ("X-1", x, x1, supplier_a.page, huangqi, "48000", 8, str(inquiry.pk)),
        ("Y-1", y, y1, supplier_b.page, sanqi, "15000", 7, ""),
    ):
        Order.objects.create(
            order_id=number, account=account, buyer_company=account.name, contact=contact,
            supplier=supplier, material=material, quantity=Decimal("500"), unit="kg",
            amount=Decimal(amount), ordered_at=at(day), status="paid", inquiry_id_ref=ref,
        )  # fmt: skip
    ContentCost.objects.create(
        article=a1, amount=Decimal("6000"), start=date(2026, 11, 1), end=date(2026, 11, 8)
    )
    ContentCost.objects.create(
        supplier=supplier_b.page,
        amount=Decimal("9000"),
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
    )
    materialise_accounts([x.pk, y.pk])
    roll_company_reads()
    return ReturnsData(a1, a2, b1, supplier_a.page.pk, supplier_b.page.pk, materials)
