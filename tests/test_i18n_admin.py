"""The admin in Chinese: the main screens show no English label of ours or of Wagtail's.

Two nets, because English reaches a screen two ways:
- a msgid looked up while rendering and left untranslated (caught as it is looked up, so a
  label inside the sidebar's JSON or an HTML-bearing msgid counts as much as a plain one);
- English that never went through gettext, or went through it and still shows: the visible
  text (tags, scripts and styles stripped) may not contain any msgid of our catalogue or of
  Wagtail's English source catalogues, nor the raw codes analytics stores.
"""

import ast
import json
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import wagtail
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import trans_real

from analytics.demo import seed_engagement
from content.demo import seed
from content.models import ArticlePage, SupplierIndexPage, SupplierPage
from content.models.snippets import Material
from tests.browser.chromium import ARTIFACTS
from tests.content.test_moderation import article_form

ROOT = Path(__file__).resolve().parent.parent
OUR_CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
WAGTAIL_SOURCE_CATALOGUES = sorted(
    Path(wagtail.__file__).parent.glob("*/locale/en/LC_MESSAGES/django.po")
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
# Wagtail msgids that are also words of our data or of the product, not labels.
NOT_LABELS = {
    "Root",  # the name of Wagtail's root collection and root page
    "Wagtail",  # the product's name in the window title
    "None",  # Wagtail prints Python's None as the editor of a page saved without a user (imports)
    "Actions",  # hard-coded aria-label="Actions" in wagtailadmin/shared/headers/_actions.html
}
# What analytics stores, which the engagement page must show by its label.
RAW_CODES = re.compile(
    r"^(campaign|internal|wechat|search|social|referral|direct|copy|qr|native|link"
    r"|empty-ua|prefetch|headless|bot)(: \d+)?$"
)


def read_msgids(po_file: Path) -> set[str]:
    """The singular and plural msgids of a .po file (a quoted .po string is a Python literal)."""
    msgids: set[str] = set()
    current: list[str] | None = None
    for line in [*po_file.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgid_plural ")):
            if current:
                msgids.add("".join(current))
            current = [ast.literal_eval(line.split(" ", 1)[1])]
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
        else:
            if current:
                msgids.add("".join(current))
            current = None
    return {m for m in msgids if m}


def is_label(msgid: str) -> bool:
    """Whether ``msgid`` holds an English word a reader would see (not a code or acronym)."""
    text = PLACEHOLDER.sub("", re.sub(r"<[^>]+>", "", msgid.split("\x04")[-1]))
    return bool(re.search(r"[a-z]{3,}", text)) and msgid not in NOT_LABELS


def as_pattern(msgid: str) -> re.Pattern | None:
    """A regex that matches the whole of one visible text segment showing ``msgid``."""
    if "<" in msgid or not is_label(msgid):
        return None  # HTML-bearing msgids are caught by the lookup net instead
    parts = PLACEHOLDER.split(" ".join(msgid.split()))
    return re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$")


ENGLISH = [
    p
    for p in {
        as_pattern(m) for f in [OUR_CATALOGUE, *WAGTAIL_SOURCE_CATALOGUES] for m in read_msgids(f)
    }
    if p
]


class VisibleText(HTMLParser):
    """Text nodes and the attributes people read (placeholder, title, aria-label, alt)."""

    HIDDEN = {"script", "style", "template", "svg", "noscript", "textarea"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.segments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"placeholder", "title", "aria-label", "alt"} and value:
                self.segments.append(" ".join(value.split()))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self.HIDDEN.intersection(self.open):
            self.segments.append(text)


def menu_labels(html: str) -> dict[str, str]:
    """The sidebar's menu items, by name: Wagtail renders them from JSON in a script tag."""
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    labels: dict[str, str] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("name"), str) and isinstance(node.get("label"), str):
                labels[node["name"]] = node["label"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props.group(1)))
    return labels


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.segments


@pytest.fixture
def untranslated(monkeypatch) -> list[str]:
    """Every msgid holding English looked up in Chinese and returned unchanged."""
    found: list[str] = []
    gettext, ngettext = trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext

    def record_gettext(self, message: str) -> str:
        result = gettext(self, message)
        if self.language() == "zh-hans" and result == message and is_label(message):
            context, _, msgid = message.rpartition("\x04")  # pgettext joins them with \x04
            found.append(f"{msgid} [context: {context}]" if context else msgid)
        return result

    def record_ngettext(self, singular: str, plural: str, n: int) -> str:
        result = ngettext(self, singular, plural, n)
        if self.language() == "zh-hans" and result in (singular, plural) and is_label(singular):
            found.append(singular)
        return result

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", record_gettext)
    monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", record_ngettext)
    return found


@pytest.fixture
def demo(db) -> dict:
    """A small demo (suppliers, articles, readers, buyer companies) and one article in review."""
    seed(suppliers=2, articles=4, insights=1)
    seed_engagement(days=2, readers_per_day=12)
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")
    article = ArticlePage.objects.filter(supplier__isnull=False).order_by("pk").first()
    article.title += "（修订）"
    article.save_revision(user=admin)
    article.get_workflow().start(article, admin)
    return {"admin": admin, "article": article}


def _screens() -> dict[str, Callable[[dict], str]]:
    """Each main admin screen, as a function of the demo that gives its URL."""

    def supplier(_demo: dict) -> SupplierPage:
        return SupplierPage.objects.order_by("pk").first()

    return {
        "dashboard": lambda d: "/admin/",
        "explorer-root": lambda d: "/admin/pages/",
        "explorer-suppliers": lambda d: f"/admin/pages/{SupplierIndexPage.objects.get().pk}/",
        "explorer-supplier": lambda d: f"/admin/pages/{supplier(d).pk}/",
        "page-edit": lambda d: reverse("wagtailadmin_pages:edit", args=[d["article"].pk]),
        "page-add": lambda d: reverse(
            "wagtailadmin_pages:add", args=["content", "articlepage", supplier(d).pk]
        ),
        "page-history": lambda d: reverse("wagtailadmin_pages:history", args=[d["article"].pk]),
        "buyer-companies": lambda d: "/admin/buyers/companies/",
        "buyer-company-add": lambda d: "/admin/buyers/companies/new/",
        "buyer-contacts": lambda d: "/admin/buyers/contacts/",
        "identity-log": lambda d: "/admin/buyers/identity-log/",
        "engagement": lambda d: f"/admin/engagement/?shares={d['article'].pk}",
        "search-index": lambda d: "/admin/search-index/",
        "onboard-supplier": lambda d: "/admin/suppliers/onboard/",
        "report-page-types": lambda d: "/admin/reports/page-types-usage/",
        "report-site-history": lambda d: "/admin/reports/site-history/",
        "report-locked": lambda d: "/admin/reports/locked/",
        "report-aging": lambda d: "/admin/reports/aging-pages/",
        "report-workflows": lambda d: "/admin/reports/workflow/",
        "materials": lambda d: "/admin/snippets/content/material/",
        "material-edit": lambda d: reverse(
            "wagtailsnippets_content_material:edit", args=[Material.objects.order_by("pk")[0].pk]
        ),
        "workflows": lambda d: "/admin/workflows/list/",
    }


SCREENS = _screens()


@pytest.fixture
def chinese_admin(client, demo) -> Iterator:
    client.force_login(demo["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


def problems_on(response, untranslated: list[str]) -> dict:
    """What is English on a rendered screen; empty when it is all Chinese."""
    segments = visible_text(response.content.decode())
    found = {
        "status": response.status_code if response.status_code != 200 else None,
        "english": sorted({s for s in segments for p in ENGLISH if p.match(s)}),
        "raw codes": sorted({s for s in segments if RAW_CODES.match(s)}),
        "untranslated lookups": sorted(set(untranslated)),
        "bilingual names": sorted({s for s in segments if "Platform moderation" in s}),
    }
    untranslated.clear()
    return {key: value for key, value in found.items() if value}


def test_main_admin_screens_in_chinese_have_no_english_labels(chinese_admin, demo, untranslated):
    # one test for all screens: the demo takes half a minute to build
    problems = {}
    for screen, url in SCREENS.items():
        untranslated.clear()
        found = problems_on(chinese_admin.get(url(demo)), untranslated)
        if found:
            problems[screen] = found

    # the whole list, for whoever fills the catalogue (pytest shortens long assertion diffs)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = json.dumps(problems, ensure_ascii=False, indent=1)
    (ARTIFACTS / "admin-english.json").write_text(report, encoding="utf-8")
    assert problems == {}, report


def test_admin_validation_errors_menu_and_buttons_read_right(chinese_admin, demo, untranslated):
    supplier = SupplierPage.objects.order_by("pk").first()
    before = ArticlePage.objects.count()

    materials = {"黄芪": Material.objects.get(name="黄芪")}

    invalid = chinese_admin.post(
        reverse("wagtailadmin_pages:add", args=["content", "articlepage", supplier.pk]),
        article_form(materials, title="", slug=""),
    )
    dashboard = chinese_admin.get("/admin/").content.decode()
    in_review = chinese_admin.get(reverse("wagtailadmin_pages:edit", args=[demo["article"].pk]))
    new = chinese_admin.get(
        reverse("wagtailadmin_pages:add", args=["content", "articlepage", supplier.pk])
    )

    assert invalid.status_code == 200
    assert "由于验证错误，页面无法创建" in invalid.content.decode()
    assert problems_on(invalid, untranslated) == {}
    assert ArticlePage.objects.count() == before
    assert menu_labels(dashboard)["explorer"] == "页面"  # "Pages", not 分页 (pagination)
    assert "分页" not in dashboard
    assert "批准并发布" in in_review.content.decode()
    assert "批准 和发布" not in in_review.content.decode()
    assert "提交给平台审核" in new.content.decode()
