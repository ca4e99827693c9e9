"""Idempotent set-up of the page tree skeleton and the platform's moderation workflow."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.models.workflows import GroupApprovalTask

from content.models import HomePage, InsightsIndexPage, MaterialIndexPage, SupplierIndexPage

MODERATORS = "平台审核员 Moderators"
# Wagtail shows the name in buttons ("提交给…"), so it is one language only.
WORKFLOW = "平台审核"
# Not every supplier is verified: the listing puts verified ones first, with a badge.
SUPPLIERS_INTRO = "供应商的产品与技术文章；经平台认证的供应商排在前面，并带有“已认证”标记"
SECTIONS = [
    (SupplierIndexPage, "供应商", "suppliers", SUPPLIERS_INTRO),
    (InsightsIndexPage, "行业洞察", "insights", "平台编辑的市场行情、标准解读与采购指南"),
    (MaterialIndexPage, "药材大全", "materials", "按类别浏览药材，查看每味药材的全部文章"),
]


@transaction.atomic
def ensure_site() -> HomePage:
    """Create the home page, its sections, the moderators group and workflow if missing."""
    home = HomePage.objects.first()
    if home is None:
        home = _create_home()
    for model, title, slug, intro in SECTIONS:
        if not model.objects.exists():
            home.add_child(instance=model(title=title, slug=slug, intro=intro))
    ensure_moderation(SupplierIndexPage.objects.get())
    return home


def _create_home() -> HomePage:
    root = _ensure_tree_roots()
    welcome = root.get_children().exclude(content_type__model="homepage")
    home = root.add_child(
        instance=HomePage(
            title="药云 · 中药材供应商内容平台",
            slug="home-yaoyun",
            intro="新货、规格、检测报告与报价，种植、炮制与质量技术：一站看懂供应商。",
        )
    )
    url = urlsplit(settings.SITE_URL)  # sitemaps, feeds and the API build absolute URLs from it
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": url.hostname or "localhost",
            "port": url.port or (443 if url.scheme == "https" else 80),
            "root_page": home,
            "site_name": "药云 Yaoyun",
        },
    )
    for page in welcome:  # Wagtail's own placeholder page
        page.delete()
    return home


def _ensure_tree_roots() -> Page:
    """Wagtail's migrations make these; a flushed database (a transactional test) has none."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return Page.get_first_root_node() or Page.add_root(title="Root", slug="root")


def ensure_moderation(suppliers_index: Page) -> Workflow:
    """Every page under the supplier directory goes through one platform approval task."""
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    moderators.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="verify_supplier"),
    )
    task = GroupApprovalTask.objects.filter(name="平台内容审核").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="平台内容审核")
    task.groups.add(moderators)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW)
    # WorkflowTask is a ParentalKey child: create it through its own manager so it is saved.
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=suppliers_index, defaults={"workflow": workflow})
    _grant_moderators_pages(moderators, suppliers_index)
    return workflow


def _grant_moderators_pages(moderators: Group, suppliers_index: Page) -> None:
    from wagtail.models import GroupPagePermission

    home = suppliers_index.get_parent()
    for codename in ("add_page", "change_page", "publish_page", "unlock_page"):
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(
            group=moderators, page=home, permission=permission
        )
