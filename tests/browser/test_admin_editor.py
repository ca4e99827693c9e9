"""Headless Chromium: a supplier picks an article's materials by typing, and saves a draft."""

import pytest

from content.models import ArticlePage
from tests.browser.chromium import ARTIFACTS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_supplier_picks_a_material_by_alias_and_saves_a_draft(
    live_server, browser, supplier_a, materials
):
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", supplier_a.user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/pages/add/content/articlepage/{supplier_a.page.pk}/")
    page.fill("#id_title", "2026年蒙古黄芪新货上市")
    page.fill("#id_summary", "内蒙古仿野生黄芪，统货现货。")
    page.locator("#id_materials + ul.tagit input").press_sequentially("北", delay=50)
    page.locator(".ui-autocomplete li", has_text="黄芪 huangqi").click()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-materials-tag.png"), full_page=True)
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/edit/")

    article = ArticlePage.objects.get()
    assert [m.name for m in article.get_latest_revision_as_object().materials.all()] == ["黄芪"]
    assert article.slug == "2026-nian-meng-gu-huang-qi-xin-huo-shang-shi"
    assert page.locator("#id_materials + ul.tagit .tagit-label").all_inner_texts() == ["黄芪"]
    page.close()
