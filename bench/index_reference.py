"""The index document as the pipeline built it before the index-build speed-up: the reference.

Kept apart from ``search/`` on purpose: it re-derives every field the plain way (each text
segmented and expanded afresh, pypinyin asked every time, tags read through ``page.tags``, the
StreamField walked block by block), so that bench/import_articles.py can time the old path
beside the new one and tests/search/test_index_build.py can prove both build the same
documents.
"""

from html import unescape

from django.db import transaction
from django.utils.html import strip_tags

from search.analysis import (
    ASCII_WORD,
    CJK_RUN,
    SPLIT,
    STOPWORDS,
    Analyzer,
    normalize,
    to_pinyin,
)
from search.engines.base import IndexDocument

BODY_TEXT_LIMIT = 20000


def plain_pinyin(text: str) -> tuple[str, str]:
    """pypinyin every time, as before results were remembered."""
    return to_pinyin.__wrapped__(text)


def plain_tokens(analyzer: Analyzer, text: str) -> list[str]:
    out: list[str] = []
    for part in SPLIT.split(normalize(text)):
        if not part:
            continue
        if CJK_RUN.fullmatch(part):
            cut = analyzer._segmenter.cut_for_search(part, True)
            out.extend(
                w
                for w in analyzer._without_other_materials_inside(cut)
                if len(w) >= 2 and w not in STOPWORDS
            )
        else:
            out.extend(w for w in ASCII_WORD.findall(part) if w not in STOPWORDS)
    return out


def plain_index_text(analyzer: Analyzer, text: str) -> str:
    return " ".join(t for token in plain_tokens(analyzer, text) for t in analyzer.expansions(token))


def plain_pinyin_text(analyzer: Analyzer, text: str) -> str:
    words = [w for w in plain_tokens(analyzer, text) if CJK_RUN.fullmatch(w)]
    return " ".join(dict.fromkeys(plain_pinyin(w)[0] for w in words if plain_pinyin(w)[0]))


def plain_material_text(analyzer: Analyzer, material) -> str:
    full, initials = plain_pinyin(material.name)
    names = [
        normalize(n).replace(" ", "")
        for n in (material.name, material.traditional, *material.aliases)
        if n
    ]
    latin = plain_tokens(analyzer, material.latin) if material.latin else []
    return " ".join(dict.fromkeys([*names, *latin, full, initials]))


def plain_body_text(page) -> str:
    parts = []
    for block in page.body:
        if block.block_type in ("heading", "paragraph"):
            html = block.value.source if hasattr(block.value, "source") else str(block.value)
            parts.append(unescape(strip_tags(html)))
        elif block.block_type == "spec_table":
            parts.append(block.value["caption"])
            parts.extend(f"{r['item']} {r['value']}" for r in block.value["rows"])
        elif block.block_type in ("quote", "report"):
            parts.append(" ".join(str(v) for k, v in block.value.items() if k != "document"))
    return " ".join(" ".join(parts).split())


def reference_document(page, analyzer: Analyzer) -> IndexDocument:
    """One live article analysed the way ``build_document`` did before the speed-up."""
    materials = list(page.materials.all())
    supplier = page.supplier
    text = plain_body_text(page)
    tags = [t.name for t in page.tags.all()]
    meta = " ".join([page.origin, page.grade, " ".join(tags), supplier.title if supplier else ""])
    suggest = [page.title] + [name for m in materials for name in (m.name, *m.aliases)]
    suggest += [plain_pinyin(m.name)[0] for m in materials]
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
        title_tokens=plain_index_text(analyzer, page.title),
        material_tokens=" ".join(plain_material_text(analyzer, m) for m in materials),
        meta_tokens=" ".join(
            [
                plain_index_text(analyzer, meta),
                plain_pinyin_text(analyzer, page.title),
                plain_index_text(analyzer, page.summary),
            ]
        ),
        body_tokens=plain_index_text(analyzer, text),
        suggest_terms=list(dict.fromkeys(normalize(s) for s in suggest if s)),
    )


def reference_suggestion_keys(document: IndexDocument) -> list[tuple[str, str]]:
    """The embedded engine's (key, term) suggestion rows, with pypinyin asked every time."""
    pairs = []
    for term in document.suggest_terms:
        pairs.append((term.replace(" ", ""), term))
        if CJK_RUN.search(term):
            full, initials = plain_pinyin(term)
            pairs.append((full, term))
            if len(term) <= 6:
                pairs.append((initials, term))
    return list(dict.fromkeys(p for p in pairs if p[0]))


def reference_index(documents: list[IndexDocument]) -> None:
    """The embedded engine's write as it was: ORM deletes (which fetch every row first) and
    ``bulk_create`` of facet and suggestion instances."""
    from search.engines.embedded import EmbeddedEngine
    from search.engines.result_cache import mark_index_changed
    from search.models import SearchDocument, SearchFacet, SearchSuggestion

    ids, text = [d.page_id for d in documents], EmbeddedEngine().text
    fields = [f.name for f in SearchDocument._meta.concrete_fields if not f.primary_key]
    with transaction.atomic():
        SearchDocument.objects.bulk_create(
            [_row(d) for d in documents],
            update_conflicts=True,
            unique_fields=["page_id"],
            update_fields=fields,
        )
        SearchFacet.objects.filter(document_id__in=ids).delete()
        SearchSuggestion.objects.filter(document_id__in=ids).delete()
        text.delete(ids)
        SearchFacet.objects.bulk_create(
            SearchFacet(document_id=d.page_id, name=name, value=value[:255])
            for d in documents
            for name, values in d.facets.items()
            for value in values
        )
        SearchSuggestion.objects.bulk_create(
            SearchSuggestion(document_id=d.page_id, key=key[:255], term=term[:255])
            for d in documents
            for key, term in reference_suggestion_keys(d)
        )
        if text.vector:
            _write_vectors(documents)
        else:
            text.write(documents)
        mark_index_changed()


def _row(d: IndexDocument):
    """The document's model instance, as ``bulk_create`` wrote it."""
    from search.models import SearchDocument

    return SearchDocument(**{f: getattr(d, f) for f in ROW_FIELDS})


ROW_FIELDS = (
    "page_id",
    "external_id",
    "title",
    "summary",
    "body_text",
    "url",
    "kind",
    "supplier",
    "supplier_id",
    "verified",
    "materials",
    "origin",
    "grade",
    "tags",
    "published_at",
    "title_tokens",
    "material_tokens",
    "meta_tokens",
    "body_tokens",
)


def _write_vectors(documents: list[IndexDocument]) -> None:
    """PostgreSQL's weighted vector, set on each row after the upsert, a statement a row."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE search_searchdocument SET search_vector = "
            "setweight(to_tsvector('simple', %s), 'A')"
            " || setweight(to_tsvector('simple', %s), 'B')"
            " || setweight(to_tsvector('simple', %s), 'C')"
            " || setweight(to_tsvector('simple', %s), 'D')"
            " WHERE page_id = %s",
            [
                (d.title_tokens, d.material_tokens, d.meta_tokens, d.body_tokens, d.page_id)
                for d in documents
            ],
        )


def reference_rebuild(batch_size: int = 200) -> int:
    """A rebuild along the path before the speed-up (stale documents aside): one process,
    ``reference_document`` and ``reference_index`` batch by batch."""
    from search.analysis import get_analyzer
    from search.indexing import _live_articles

    analyzer = get_analyzer()
    ids = list(_live_articles().order_by("pk").values_list("pk", flat=True))
    total = 0
    for start in range(0, len(ids), batch_size):
        pages = _live_articles().filter(pk__in=ids[start : start + batch_size])
        documents = [reference_document(page, analyzer) for page in pages]
        reference_index(documents)
        total += len(documents)
    return total
