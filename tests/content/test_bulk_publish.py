"""The bulk write of new articles leaves what Wagtail's add_child, save_revision and publish
leave: page fields, tree, revision, history, references, relations, search, admin, serving."""

import json
import re

import pytest
from django.db.models import Count
from wagtail.models import Page, PageLogEntry, ReferenceIndex
from wagtail.search.backends import get_search_backend

from content import importers
from content.importers import import_articles, parse_line
from content.materials import MaterialResolver
from content.models import ArticlePage
from search.models import SearchDocument
from search.queries import SearchRequest, rank_pages, search_articles
from tests.content.test_import import line

# Differ between any two articles by construction: identity, place in the tree, random key.
IDENTITY = {
    "id",
    "page_ptr_id",
    "path",
    "slug",
    "url_path",
    "translation_key",
    "external_id",
    "latest_revision_id",
    "live_revision_id",
}
TIMES = {"first_published_at", "last_published_at", "latest_revision_created_at"}
TITLE = "2026年岷县当归新货上市"
SUMMARY = "岷县当归 tonghuo 统货现货"  # a Latin word: the admin's search does not segment Chinese


def body_linking_to(page: Page) -> str:
    return f'<p>今年<b>当归</b>产量稳定，详见<a linktype="page" id="{page.pk}">供应商</a>。</p>'


@pytest.fixture
def pair(
    supplier_a, materials, django_capture_on_commit_callbacks
) -> tuple[ArticlePage, ArticlePage]:
    """An article published the normal Wagtail way (its on-commit work, reference index and
    search index, run), then two written in one bulk batch."""
    record = parse_line(
        line(external_id="N-1", summary=SUMMARY, body=body_linking_to(supplier_a.page)),
        MaterialResolver(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        normal, created = importers._save_article(record, create_suppliers=False, force=False)
    assert created
    report = import_articles(
        [
            line(external_id="B-1", summary=SUMMARY, body=body_linking_to(supplier_a.page)),
            line(external_id="B-2", title="当归种植", tags=["新货"]),
            line(external_id="B-3"),
        ]
    )
    assert (report.created, report.problems) == (3, [])
    return (
        ArticlePage.objects.get(pk=normal.pk),
        ArticlePage.objects.get(external_id="B-1"),
    )


def without_block_keys(body: object) -> str:
    """Rich text as stored, without the block keys the editor's converter draws at random."""
    return re.sub(r' data-block-key=\\?"\w+\\?"', "", str(body))


def fields(page: ArticlePage, leave_out: set[str]) -> dict:
    values = {
        f.attname: getattr(page, f.attname)
        for f in ArticlePage._meta.concrete_fields
        if f.attname not in leave_out
    }
    values["body"] = without_block_keys(json.dumps(list(page.body.raw_data), ensure_ascii=False))
    return values


def revision_content(page: ArticlePage) -> dict:
    """The revision's content without what differs by identity (ids, slug, tree place)."""
    content = json.loads(json.dumps(page.latest_revision.content))
    for key in ("pk", *IDENTITY):
        content.pop(key, None)
    content["tagged_items"] = [item["tag"] for item in content["tagged_items"]]
    content["body"] = without_block_keys(content["body"])
    return content


def test_page_fields_are_those_a_normal_publish_sets(pair):
    normal, bulk = pair

    assert fields(bulk, IDENTITY | TIMES) == fields(normal, IDENTITY | TIMES)
    for page in (normal, bulk):
        assert (page.live, page.has_unpublished_changes) == (True, False)
        assert page.latest_revision_id == page.live_revision_id
        assert page.latest_revision_created_at == page.latest_revision.created_at
        assert page.first_published_at == page.last_published_at
        assert page.first_published_at >= page.latest_revision_created_at


def test_tree_and_url_are_where_add_child_puts_them(pair, supplier_a):
    normal, bulk = pair
    parent = Page.objects.get(pk=supplier_a.page.pk)

    children = list(
        ArticlePage.objects.child_of(parent).order_by("path").values_list("external_id", flat=True)
    )
    assert children == ["N-1", "B-1", "B-2", "B-3"]
    assert parent.numchild == 4
    assert Page.find_problems() == ([], [], [], [], [])
    assert bulk.get_parent().pk == parent.pk
    assert bulk.url_path == f"{parent.url_path}{bulk.slug}/"
    # same title: the next free slug, as free_slug gives, among stored and batch pages
    assert bulk.slug == f"{normal.slug}-2"
    assert ArticlePage.objects.get(external_id="B-3").slug == f"{normal.slug}-3"


def test_revision_content_is_what_save_revision_serialises(pair):
    normal, bulk = pair

    assert revision_content(bulk) == revision_content(normal)
    assert bulk.latest_revision.content["pk"] == bulk.pk
    assert bulk.latest_revision.object_str == normal.latest_revision.object_str == TITLE
    assert bulk.revisions.count() == normal.revisions.count() == 1
    assert list(bulk.latest_revision.as_object().body.raw_data) == list(bulk.body.raw_data)


def test_history_references_and_relations_match(pair):
    normal, bulk = pair

    def history(page):
        return list(
            PageLogEntry.objects.filter(page=page)
            .order_by("pk")
            .values_list("action", "content_changed", "user_id", "label", "revision_id")
        )

    def references(page):
        """What each reference points at and from where (a tagged item's path holds its id)."""
        return sorted(
            ReferenceIndex.get_references_for_object(page).values_list(
                "to_content_type", "to_object_id", "model_path"
            )
        )

    assert history(bulk) == [
        ("wagtail.create", True, None, TITLE, None),
        ("wagtail.publish", True, None, TITLE, bulk.live_revision_id),
    ]
    assert [entry[:4] for entry in history(normal)] == [entry[:4] for entry in history(bulk)]
    assert references(bulk) == references(normal)
    assert len(references(bulk)) == 4  # supplier, the body's link, two tags
    assert list(bulk.materials.order_by("pk")) == list(normal.materials.order_by("pk"))
    assert sorted(bulk.tags.names()) == sorted(normal.tags.names()) == ["产地直供", "新货"]


def test_search_finds_bulk_articles_as_normal_ones(pair):
    normal, bulk = pair

    documents = sorted(SearchDocument.objects.values_list("external_id", flat=True))
    found = rank_pages("岷县", 10)
    found_by_summary = rank_pages("tonghuo", 10)
    admin_found = get_search_backend().search("tonghuo", ArticlePage)

    assert documents == ["B-1", "B-2", "B-3", "N-1"]
    assert sorted(found) == sorted(ArticlePage.objects.values_list("pk", flat=True))
    assert sorted(found_by_summary) == sorted([normal.pk, bulk.pk])
    items = search_articles(SearchRequest(q="tonghuo"), log=False).results
    shown = {
        item.external_id: (item.title, item.kind, item.supplier, item.materials, item.snippet)
        for item in items
    }
    assert shown["B-1"] == shown["N-1"]
    assert {item.url for item in items} == {normal.url, bulk.url}
    assert items[0].score == items[1].score
    assert {page.pk for page in admin_found} == {normal.pk, bulk.pk}


def test_admin_opens_and_site_serves_bulk_articles(pair, admin_client, client):
    normal, bulk = pair

    for page in (normal, bulk):
        edit = admin_client.get(f"/admin/pages/{page.pk}/edit/")
        history = admin_client.get(f"/admin/pages/{page.pk}/history/")
        served = client.get(page.url)
        assert (edit.status_code, history.status_code, served.status_code) == (200, 200, 200)
        assert TITLE in edit.content.decode()
        assert TITLE in served.content.decode()


def test_a_failed_bulk_write_falls_back_to_one_by_one_and_keeps_the_good_lines(
    supplier_a, materials, monkeypatch
):
    # given a bulk write the database refuses (as a constraint or a lost connection would)
    from django.db import DatabaseError

    def refuse(articles):
        ArticlePage.objects.filter(pk=-1).update(title="x")  # a write inside the savepoint
        raise DatabaseError("refused")

    monkeypatch.setattr(importers, "publish_new_articles", refuse)

    report = import_articles([line(external_id="F-1"), line(external_id="F-2", kind="x")])

    assert (report.created, [(p.line, p.field) for p in report.problems]) == (1, [(2, "kind")])
    assert list(ArticlePage.objects.values_list("external_id", flat=True)) == ["F-1"]
    assert ArticlePage.objects.values("slug").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
