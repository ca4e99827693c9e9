"""Supplier B's unpublished work, each piece titled with a unique marker, and one login per role."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction, Revision, TaskState

from analytics.api_tokens import issue_token
from analytics.models import Account, ContentCost, DailyRollup, Dimension, Inquiry, Order
from content.demo_media import report_pdf
from content.models import ArticlePage, Material
from tests.conftest import PASSWORD
from tests.factories import ArticlePageFactory

# Markers: strings that occur nowhere but in the secret object, so finding one in a response
# body proves the response told its reader about that object.
# Each starts with an ASCII word, so the admin's search backends find it by that word.
DRAFT_TITLE = "QX7DRAFT 三七草稿"
LOCKED_TITLE = "LK4LOCKED 锁定草稿"
LIVE_TITLE = "LV3LIVE 三七现货"
IMAGE_TITLE = "IM5IMAGE 未发布图片"
DOCUMENT_TITLE = "DC9REPORT 未发布报告"
INQUIRY_COMPANY = "IQ8INQUIRY 询价公司"
ORDER_ID = "OR6ORDER-0001"
BUYER_NAME = "OR6ORDER 买家"  # the buyer company of B's order
COST_NOTE = "CC2COST 推广费用"
TOKEN_LABEL = "TK1TOKEN 对接"
RETURNS_DAY = "2026-05-02"
# A live article renamed in a pending draft: the live title is public, the draft's is not.
RENAMED_LIVE_TITLE = "RN2LIVE 改名前"
RENAMED_DRAFT_TITLE = "RD8RENAMED 改名草稿"
PROTECTED_TITLE = "PW5PROTECTED 密码页"


@dataclass
class Secret:
    """Supplier B's work: a draft in moderation, a locked draft, its media, one live article."""

    supplier_page_id: int
    draft: ArticlePage
    first_revision_id: int
    latest_revision_id: int
    task_state_id: int
    task_id: int
    locked: ArticlePage
    live: ArticlePage
    image_id: int
    image_file: str
    document_id: int
    document_filename: str
    inquiry_id: int
    order_id: int
    cost_id: int
    token_id: int
    account_id: int
    renamed: ArticlePage
    protected: ArticlePage
    rendition_url: str

    @property
    def markers(self) -> dict[str, str]:
        return {
            "draft": DRAFT_TITLE,
            "locked": LOCKED_TITLE,
            "live": LIVE_TITLE,
            "image": IMAGE_TITLE,
            "document": DOCUMENT_TITLE,
            "inquiry": INQUIRY_COMPANY,
            "order": ORDER_ID,
            "buyer": BUYER_NAME,
            "cost": COST_NOTE,
            "token": TOKEN_LABEL,
            "renamed_live": RENAMED_LIVE_TITLE,
            "renamed": RENAMED_DRAFT_TITLE,
            "protected": PROTECTED_TITLE,
        }


@pytest.fixture
def secret(supplier_b, django_capture_on_commit_callbacks) -> Secret:
    # The search index updates on commit: run those callbacks, so admin search finds the markers.
    with django_capture_on_commit_callbacks(execute=True):
        return _create_secret(supplier_b)


def _create_secret(supplier_b) -> Secret:
    bob = supplier_b.user
    image = get_image_model().objects.create(
        title=IMAGE_TITLE,
        file=get_test_image_file(),
        collection=supplier_b.collection,
        uploaded_by_user=bob,
    )
    document = get_document_model().objects.create(
        title=DOCUMENT_TITLE,
        collection=supplier_b.collection,
        file=SimpleUploadedFile("secret-report.pdf", report_pdf("secret", [])),
        uploaded_by_user=bob,
    )
    draft = ArticlePageFactory(
        parent=supplier_b.page,
        title=DRAFT_TITLE,
        live=False,
        cover_image=image,
        body=[
            (
                "report",
                {"title": "检测", "lab": "", "report_no": "", "document": document},
            )
        ],
    )
    first = draft.save_revision(user=bob)
    draft.summary = "第二稿"
    latest = draft.save_revision(user=bob)
    workflow_state = draft.get_workflow().start(draft, bob)
    task_state = TaskState.objects.get(workflow_state=workflow_state)
    locked = ArticlePageFactory(parent=supplier_b.page, title=LOCKED_TITLE, live=False)
    locked.save_revision(user=bob)
    locked.locked, locked.locked_by, locked.locked_at = True, bob, timezone.now()
    locked.save(update_fields=["locked", "locked_by", "locked_at"])
    # before B's live article, which stays B's newest page (the page-types report names it)
    renamed = ArticlePageFactory(parent=supplier_b.page, title=RENAMED_LIVE_TITLE, live=False)
    renamed.save_revision(user=bob).publish()
    renamed.title = RENAMED_DRAFT_TITLE
    renamed.save_revision(user=bob)
    protected = ArticlePageFactory(parent=supplier_b.page, title=PROTECTED_TITLE, live=False)
    protected.save_revision(user=bob).publish()
    PageViewRestriction.objects.create(
        page=protected, restriction_type=PageViewRestriction.PASSWORD, password="secret-pw"
    )
    live = ArticlePageFactory(parent=supplier_b.page, title=LIVE_TITLE, live=False)
    live.save_revision(user=bob).publish()
    assert Revision.objects.for_instance(draft).count() == 2
    inquiry = Inquiry.objects.create(
        supplier=supplier_b.page,
        page=live,
        material=Material.objects.create(name="三七", pinyin="sanqi"),
        quantity=Decimal("50"),
        unit="kg",
        contact_name="IQ8INQUIRY 联系人",
        company=INQUIRY_COMPANY,
        phone="+8613800138000",
    )
    order, cost, token = _create_returns(supplier_b, live, inquiry)
    return Secret(
        supplier_page_id=supplier_b.page.pk,
        draft=draft,
        first_revision_id=first.pk,
        latest_revision_id=latest.pk,
        task_state_id=task_state.pk,
        task_id=task_state.task_id,
        locked=locked,
        live=live,
        image_id=image.pk,
        image_file=image.file.name,
        document_id=document.pk,
        document_filename=document.filename,
        inquiry_id=inquiry.pk,
        order_id=order.pk,
        cost_id=cost.pk,
        token_id=token.pk,
        account_id=order.account_id,
        renamed=renamed,
        protected=protected,
        rendition_url=image.get_rendition("fill-40x40").url,
    )


def _create_returns(supplier_b, live: ArticlePage, inquiry: Inquiry) -> tuple:
    """B's order, the platform's cost for B's live article, B's API token, and a day of reads
    of that article (so B's returns list it, under its title ``LIVE_TITLE``)."""
    account = Account.objects.create(name=BUYER_NAME)
    order = Order.objects.create(
        order_id=ORDER_ID, account=account, buyer_company=account.name, supplier=supplier_b.page,
        material=inquiry.material, quantity=Decimal("50"), unit="kg", amount=Decimal("7000"),
        ordered_at=timezone.now(), inquiry_id_ref=str(inquiry.pk), status="paid",
    )  # fmt: skip
    cost = ContentCost.objects.create(
        article=live, amount=Decimal("100"), start=date(2026, 5, 1), end=date(2026, 5, 31),
        note=COST_NOTE,
    )  # fmt: skip
    DailyRollup.objects.create(
        dimension=Dimension.ARTICLE, key=str(live.pk), day=date.fromisoformat(RETURNS_DAY),
        views=10, engaged_reads=4,
    )  # fmt: skip
    token, _plain = issue_token(supplier_b.page, TOKEN_LABEL)
    return order, cost, token


@pytest.fixture
def staff_user(site):
    return get_user_model().objects.create_superuser("staff", "staff@example.com", PASSWORD)
