"""Demo content: suppliers with logos and logins, articles with covers, quotes and reports."""

import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from content import demo_media
from content.demo_text import DemoMaterial, make_article, supplier_names
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
) -> SeedReport:
    """Create the demo; rerunning with the same sizes creates nothing new."""
    ensure_site()
    load_materials()
    rng, report = random.Random(seed_value), SeedReport()
    materials = list(Material.objects.exclude(category__in=["矿物类"]).order_by("pk"))
    workspaces = []
    for index, info in enumerate(supplier_names(suppliers, seed_value)):
        workspace = _supplier(info, index, rng)
        focus = rng.sample(materials, k=min(len(materials), rng.randint(3, 6)))
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


def _supplier(info: dict, index: int, rng: random.Random) -> Workspace:
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
        workspace, f"supplier{index + 1}", f"supplier{index + 1}@example.com", "yaoyun-demo"
    )
    return workspace


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
