"""Demo content: suppliers with logos and logins, articles with covers, quotes and reports."""

import datetime as dt
import io
import ipaddress
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from content import demo_media
from content.demo_text import DEMO_MATERIALS, DemoMaterial, make_article, supplier_names
from content.materials import load_materials
from content.models import (
    ArticlePage,
    InsightsIndexPage,
    Material,
    SupplierCertification,
    SupplierPage,
)
from content.site_setup import ensure_site
from content.slugs import ascii_slug, free_slug
from content.workspaces import Workspace, add_supplier_user, create_supplier

# Published in the README, so anyone who can reach the server can log in with them.
ADMIN_PASSWORD = "yaoyun-admin"  # the demo's admin and moderator
SUPPLIER_PASSWORD = "yaoyun-demo"  # supplier1 … supplierN
CERT_KINDS = {
    "GAP基地": "GAP",
    "GMP认证": "GMP",
    "有机认证": "organic",
    "ISO9001": "ISO9001",
    "道地药材基地": "geo",
    "SC食品生产许可": "SC",
}


@dataclass
class SeedReport:
    suppliers: int = 0
    articles_created: int = 0
    articles_existing: int = 0


def seed(
    suppliers: int = 24,
    articles: int = 320,
    insights: int = 12,
    seed_value: int = 2026,
    on_article: Callable[[], None] | None = None,
    supplier_password: str | None = SUPPLIER_PASSWORD,
) -> SeedReport:
    """Create the demo; rerunning with the same sizes creates nothing new.

    ``supplier_password`` None gives the new supplier logins no usable password.
    """
    ensure_site()
    load_materials()
    rng, report = random.Random(seed_value), SeedReport()
    materials = list(Material.objects.exclude(category__in=["矿物类"]).order_by("pk"))
    # Suppliers specialise in the trade's common materials (黄芪, 当归, 三七 …), as real ones do;
    # picked from the whole 500-entry dictionary, the materials buyers search first had no
    # articles. Insights still range over every material.
    names = {demo.name for demo in DEMO_MATERIALS}
    common = [material for material in materials if material.name in names] or materials
    workspaces = []
    for index, info in enumerate(supplier_names(suppliers, seed_value)):
        workspace = _supplier(info, index, rng, supplier_password)
        focus = rng.sample(common, k=min(len(common), rng.randint(3, 6)))
        workspaces.append((workspace, focus))
    report.suppliers = len(workspaces)
    for number in range(articles):
        workspace, focus = workspaces[number % len(workspaces)]
        created = _article(workspace.page, f"demo-{number:04d}", rng.choice(focus), rng)
        report.articles_created += created
        report.articles_existing += not created
        if on_article:
            on_article()
    insights_page = InsightsIndexPage.objects.get()
    for number in range(insights):
        created = _article(
            insights_page, f"insight-{number:03d}", rng.choice(materials), rng, kind="technology"
        )
        report.articles_created += created
        report.articles_existing += not created
    return report


def _supplier(info: dict, index: int, rng: random.Random, password: str | None) -> Workspace:
    workspace = create_supplier(
        info["name"],
        region=info["region"],
        verified=info["verified"],
        description=f"<p>{info['description']}</p>",
        contact_name=info["contact_name"],
        phone=info["phone"],
    )
    page = workspace.page
    if page.logo_id is None:
        page.logo = _image(
            f"logo-{index}.png",
            f"{info['name']} logo",
            demo_media.logo_png(info["name"][:1], rng),
            workspace,
        )
        for kind in info["certifications"]:
            if kind in CERT_KINDS:
                SupplierCertification.objects.create(
                    page=page,
                    kind=CERT_KINDS[kind],
                    number=f"CERT-{index:03d}-{rng.randint(1000, 9999)}",
                    valid_until=dt.date(2028, rng.randint(1, 12), 1),
                )
        page.save_revision().publish()
    add_supplier_user(
        workspace, f"supplier{index + 1}", f"supplier{index + 1}@example.com", password
    )
    return workspace


def published_passwords_allowed(host: str) -> bool:
    """Whether a server listening on ``host`` may accept the demo's published passwords.

    Only where no other machine can reach it (loopback), or where its operator asked for them
    with ``DEMO_LOGINS=1``.
    """
    return settings.DEMO_LOGINS or is_loopback(host)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or name to bind to) is reachable from this machine only."""
    name = host.strip().removeprefix("[").removesuffix("]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # another name: it may resolve to any interface
        return False


def lock_published_logins() -> list[str]:
    """Leave no demo login (admin, moderator, supplierN) with its published password; say whose.

    Their passwords become unusable; setting a new one (``changepassword``) opens them again.
    Only logins with a usable password are checked, so once locked, a later check costs nothing
    (each check is one deliberately slow password hash).
    """
    locked = []
    candidates = get_user_model().objects.filter(username__in=["admin", "moderator"]) | (
        get_user_model().objects.filter(username__startswith="supplier")
    )
    for user in candidates.order_by("pk"):
        password = _published_password(user.username)
        if password and user.has_usable_password() and check_password(password, user.password):
            user.set_unusable_password()
            user.save(update_fields=["password"])
            locked.append(user.username)
    return locked


def _published_password(username: str) -> str | None:
    if username in ("admin", "moderator"):
        return ADMIN_PASSWORD
    return SUPPLIER_PASSWORD if re.fullmatch(r"supplier[0-9]+", username) else None


@transaction.atomic
def _article(
    parent, external_id: str, material: Material, rng: random.Random, kind: str | None = None
) -> bool:
    supplier = parent if isinstance(parent, SupplierPage) else None
    existing = ArticlePage.objects.filter(external_id=external_id, supplier=supplier).exists()
    # Draw the words before the existence check so a rerun walks the same random sequence.
    kind = kind or ("product" if rng.random() < 0.6 else "technology")
    demo = make_article(demo_material(material), kind, parent.title, rng)
    if existing:
        return False
    collection = supplier.collection if supplier else None
    days_ago = rng.randint(0, 420)
    article = ArticlePage(
        title=demo.title[:255],
        slug=free_slug(parent, ascii_slug(demo.title)),
        kind=demo.kind,
        summary=demo.summary[:400],
        origin=demo.origin[:60],
        grade=demo.grade[:80],
        publish_date=timezone.localdate() - dt.timedelta(days=days_ago),
        external_id=external_id,
        cover_image=_image(
            f"{external_id}.jpg",
            demo.title[:100],
            demo_media.cover_jpeg(
                material.name,
                " · ".join(filter(None, [demo.origin, demo.grade])) or material.latin,
                material.category,
                rng,
            ),
            collection=collection,
        ),
        body=[_block(t, v, external_id, collection) for t, v in demo.body],
    )
    article.materials = [material]
    article.tags.set(demo.tags)
    parent.add_child(instance=article)
    article.save_revision().publish()
    return True


def demo_material(material: Material) -> DemoMaterial:
    """The text generator's view of a dictionary material."""
    return DemoMaterial(
        material.name,
        tuple(material.aliases),
        material.latin,
        material.category,
        tuple(material.origins),
    )


def _block(block_type: str, value, external_id: str, collection):
    if block_type == "paragraph":
        return ("paragraph", RichText(value))
    if block_type == "quote":
        value = dict(value)
        days = value.pop("valid_until_days", 30)
        value["valid_until"] = timezone.localdate() + dt.timedelta(days=days)
        return ("quote", value)
    if block_type == "report":
        pdf = demo_media.report_pdf(
            f"Test report {value.get('report_no', '')}",
            [f"Sample: {external_id}", f"Lab: {value.get('lab', '')}", "Result: conforms"],
        )
        document = get_document_model()(
            title=value["title"][:255], collection=collection or _root_collection()
        )
        document.file_size = len(pdf)
        document.file.save(f"{external_id}-report.pdf", ContentFile(pdf), save=True)
        return ("report", {**value, "document": document})
    return (block_type, value)


def _image(
    filename: str, title: str, data: bytes, workspace: Workspace | None = None, collection=None
):
    collection = collection or (workspace.collection if workspace else None) or _root_collection()
    # ImageFile (not ContentFile) so Wagtail reads width and height from the data on save.
    return get_image_model().objects.create(
        title=title, collection=collection, file=ImageFile(io.BytesIO(data), name=filename)
    )


def _root_collection():
    from wagtail.models import Collection

    return Collection.get_first_root_node()
