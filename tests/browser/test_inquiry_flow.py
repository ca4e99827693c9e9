"""Headless Chromium: a buyer sends an inquiry from an article page (询价 → form → thank-you),
the article's supplier finds it in its inbox, and another supplier's inbox does not show it."""

import pytest

from analytics.models import Inquiry
from tests.browser.chromium import ARTIFACTS
from tests.conftest import PASSWORD
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.browser
COMPANY = "亳州康源药业有限公司"


@pytest.fixture
def article(transactional_db, supplier_a, supplier_b, materials):
    page = ArticlePageFactory(parent=supplier_a.page, title="岷县黄芪 统货现货", live=False)
    page.materials.set([materials["黄芪"]])
    page.save_revision().publish()
    return page


def _log_in(browser, live_server, username: str):
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/inquiries/")
    return page


def test_a_buyers_inquiry_reaches_its_supplier_and_no_other(
    live_server, browser, article, supplier_a, supplier_b
):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    buyer = browser.new_page(locale="zh-CN")
    buyer.goto(live_server.url + article.url)
    buyer.get_by_role("link", name="询价", exact=True).click()
    buyer.wait_for_url("**/inquire/?page=*")
    assert buyer.input_value("#id_material") == "黄芪"  # pre-filled from the article
    buyer.fill("#id_quantity", "500")
    buyer.select_option("#id_unit", "kg")
    buyer.fill("#id_contact_name", "李明")
    buyer.fill("#id_company", COMPANY)
    buyer.fill("#id_phone", "139 1234 5678")
    buyer.fill("#id_message", "请报含税到厂价。")
    buyer.screenshot(path=str(ARTIFACTS / "inquiry-form.png"), full_page=True)
    buyer.locator("form.inquiry-form button[type=submit]").click()
    buyer.wait_for_url("**/inquire/sent/**")
    expect(buyer.locator("h1")).to_have_text("询价已发送")
    expect(buyer.locator(".inquiry-page")).to_contain_text(COMPANY)
    expect(buyer.locator(".inquiry-page")).to_contain_text(supplier_a.page.title)
    buyer.screenshot(path=str(ARTIFACTS / "inquiry-thanks.png"), full_page=True)

    inquiry = Inquiry.objects.get()
    assert (inquiry.supplier_id, inquiry.page_id) == (supplier_a.page.pk, article.pk)
    assert (inquiry.company, inquiry.phone, inquiry.quantity) == (COMPANY, "+8613912345678", 500)

    own = _log_in(browser, live_server, supplier_a.user.username)
    expect(own.locator("main")).to_contain_text(COMPANY)
    own.screenshot(path=str(ARTIFACTS / "inquiry-inbox-own.png"), full_page=True)

    other = _log_in(browser, live_server, supplier_b.user.username)
    assert other.url == f"{live_server.url}/admin/inquiries/"
    assert COMPANY not in other.content()
    assert "李明" not in other.content()
    other.screenshot(path=str(ARTIFACTS / "inquiry-inbox-other.png"), full_page=True)
