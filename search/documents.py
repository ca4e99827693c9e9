"""The index document: what an article contributes to search, analysed once for every engine."""

import re
from html import unescape

from django.utils.html import strip_tags

from content.models import ArticlePage, Material
from search.analysis import Analyzer, get_analyzer, normalize, to_pinyin
from search.engines.base import IndexDocument

BODY_TEXT_LIMIT = 20000  # characters kept for snippets; long bodies still index in full


# Plain tags (<p>, </h3>, <a href="…">, <br/>) and character references with their semicolon:
# text made of only these strips to the same text as Django's HTML parser gives.
PLAIN_TAG = re.compile(
    r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=\"[^\"<>]*\")?)*\s*/?>"
)
WHOLE_REFERENCE = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);")


def html_text(html: str) -> str:
    """``strip_tags(html)``, by a regular expression when the HTML is plain (a fifth of the
    analysis of an article went to the parser); anything else (comments, a bare < or &, other
    quoting) still goes through ``strip_tags``."""
    text = PLAIN_TAG.sub("", html)
    if "<" in text or ">" in text or text.count("&") != len(WHOLE_REFERENCE.findall(text)):
        return strip_tags(html)
    return text


def body_text(page: ArticlePage) -> str:
    """Readable text of the StreamField body: headings, paragraphs, table and quote words.

    Only the blocks read here are turned into values: walking the whole stream also looked up
    every image and report document, one query per article for each."""
    parts = []
    body = page.body
    for index, raw in enumerate(body.raw_data):
        kind = raw["type"]
        if kind in ("heading", "paragraph"):
            value = body[index].value
            html = value.source if hasattr(value, "source") else str(value)
            parts.append(unescape(html_text(html)))  # "&lt;13%" is "<13%" to a reader
        elif kind == "spec_table":
            value = body[index].value
            parts.append(value["caption"])
            parts.extend(f"{r['item']} {r['value']}" for r in value["rows"])
        elif kind in ("quote", "report"):
            parts.append(" ".join(str(v) for v in _struct_words(body.stream_block, kind, raw)))
    return " ".join(" ".join(parts).split())


def _struct_words(stream_block, kind: str, raw: dict) -> list:
    """The values of a structured block's fields but its document, in field order, as the
    block would read them (defaults for missing fields); the document is never fetched."""
    fields = stream_block.child_blocks[kind].child_blocks
    value = raw["value"]
    return [
        child.to_python(value[name]) if name in value else child.get_default()
        for name, child in fields.items()
        if name != "document"
    ]


def tag_names(page: ArticlePage) -> list[str]:
    """The page's tag names in ``page.tags.all()``'s order (the through rows' ids), from the
    prefetched ``tagged_items__tag`` when there: ``page.tags`` ignores that prefetch and asked
    the database once per page."""
    if "tagged_items" not in getattr(page, "_prefetched_objects_cache", {}):
        return [tag.name for tag in page.tags.all()]
    return [item.tag.name for item in sorted(page.tagged_items.all(), key=lambda item: item.pk)]


def build_document(
    page: ArticlePage,
    analyzer: Analyzer | None = None,
    *,
    materials: list[Material] | None = None,
    tags: list[str] | None = None,
) -> IndexDocument:
    """Analyse one live article into an ``IndexDocument``; ``materials`` and ``tags``, when
    a batch has read them, instead of the page's own (``page.materials.all()``'s order, tag
    names by the through rows' ids)."""
    analyzer = analyzer or get_analyzer()
    materials = list(page.materials.all()) if materials is None else materials
    supplier = page.supplier
    text = body_text(page)
    tags = tag_names(page) if tags is None else tags
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
