"""The index document: what an article contributes to search, analysed once for every engine."""

from html import unescape

from django.utils.html import strip_tags

from content.models import ArticlePage
from search.analysis import Analyzer, get_analyzer, normalize, to_pinyin
from search.engines.base import IndexDocument

BODY_TEXT_LIMIT = 20000  # characters kept for snippets; long bodies still index in full


def body_text(page: ArticlePage) -> str:
    """Readable text of the StreamField body: headings, paragraphs, table and quote words."""
    parts = []
    for block in page.body:
        if block.block_type in ("heading", "paragraph"):
            html = block.value.source if hasattr(block.value, "source") else str(block.value)
            parts.append(unescape(strip_tags(html)))  # "&lt;13%" is "<13%" to a reader
        elif block.block_type == "spec_table":
            parts.append(block.value["caption"])
            parts.extend(f"{r['item']} {r['value']}" for r in block.value["rows"])
        elif block.block_type in ("quote", "report"):
            parts.append(" ".join(str(v) for k, v in block.value.items() if k != "document"))
    return " ".join(" ".join(parts).split())


def build_document(page: ArticlePage, analyzer: Analyzer | None = None) -> IndexDocument:
    """Analyse one live article into an ``IndexDocument``."""
    analyzer = analyzer or get_analyzer()
    materials = list(page.materials.all())
    supplier = page.supplier
    text = body_text(page)
    tags = [t.name for t in page.tags.all()]
    meta = " ".join([page.origin, page.grade, " ".join(tags), supplier.title if supplier else ""])
    # Aliases too: a buyer typing 北 is on the way to 北芪 (黄芪's trade name), and searching
    # 北芪 finds the 黄芪 articles; without them a one-character prefix often finds nothing.
    suggest = [page.title] + [name for m in materials for name in (m.name, *m.aliases)]
    suggest += [to_pinyin(m.name)[0] for m in materials]
    return IndexDocument(
        page_id=page.pk,
        external_id=page.external_id,
        title=page.title,
        summary=page.summary,
        body_text=text[:BODY_TEXT_LIMIT],
        url=page.url or "",
        kind=page.kind,
        supplier=supplier.title if supplier else "",
        supplier_id=supplier.pk if supplier else None,
        verified=bool(supplier and supplier.verified),
        materials=[m.name for m in materials],
        origin=page.origin,
        grade=page.grade,
        tags=tags,
        published_at=page.publish_date,
        title_tokens=analyzer.index_text(page.title),
        material_tokens=" ".join(analyzer.material_text(m) for m in materials),
        meta_tokens=" ".join(
            [
                analyzer.index_text(meta),
                analyzer.pinyin_text(page.title),
                analyzer.index_text(page.summary),
            ]
        ),
        body_tokens=analyzer.index_text(text),
        suggest_terms=list(dict.fromkeys(normalize(s) for s in suggest if s)),
    )
