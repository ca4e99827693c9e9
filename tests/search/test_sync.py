"""Index sync: publish, unpublish, delete, supplier and dictionary edits reach the index."""

import time

import pytest
from wagtail.models import Page

from search.engines import get_engine
from search.models import SearchDocument, SearchFacet, SearchSuggestion
from search.queries import SearchRequest, search_articles
from tests.conftest import needs_worker
from tests.factories import ArticlePageFactory


def found(q: str) -> list[str]:
    return [r.title for r in search_articles(SearchRequest(q=q), log=False).results]


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish (or run any change) and let its on-commit tasks run, as after a real commit."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def new_article(supplier, materials, title="岷县黄芪新货"):
    page = ArticlePageFactory(parent=supplier.page, title=title, live=False)
    page.materials = [materials["黄芪"]]
    page.save_revision()
    return page


def test_publish_indexes_and_unpublish_removes(supplier_a, search_materials, publish):
    page = new_article(supplier_a, search_materials)
    assert found("黄芪") == []

    publish(lambda: page.get_latest_revision().publish())
    assert found("北芪") == ["岷县黄芪新货"]

    page.refresh_from_db()
    publish(page.unpublish)
    assert found("黄芪") == []
    assert not SearchDocument.objects.filter(page_id=page.pk).exists()


def test_delete_removes_from_index(supplier_a, search_materials, publish):
    page = new_article(supplier_a, search_materials)
    publish(lambda: page.get_latest_revision().publish())

    publish(lambda: Page.objects.get(pk=page.pk).delete())

    assert get_engine().count() == 0


def test_supplier_rename_reindexes_its_articles(supplier_a, search_materials, publish):
    page = new_article(supplier_a, search_materials)
    publish(lambda: page.get_latest_revision().publish())
    supplier = supplier_a.page

    supplier.title = "岷州本草药业有限公司"
    publish(lambda: supplier.save_revision().publish())

    assert SearchDocument.objects.get(page_id=page.pk).supplier == "岷州本草药业有限公司"


def test_new_alias_in_dictionary_reindexes_and_resolves(supplier_a, search_materials, publish):
    page = new_article(supplier_a, search_materials)
    publish(lambda: page.get_latest_revision().publish())
    assert found("口芪") == []

    material = search_materials["黄芪"]
    material.aliases = [*material.aliases, "口芪"]
    publish(material.save)

    assert found("口芪") == ["岷县黄芪新货"]


def test_index_task_is_idempotent(supplier_a, search_materials, publish):
    from search.tasks import index_pages

    page = new_article(supplier_a, search_materials)
    publish(lambda: page.get_latest_revision().publish())

    index_pages.delay([page.pk])
    index_pages.delay([page.pk])

    # one row per facet value, not one per run: kind, material, supplier, origin, year
    facets = sorted(SearchFacet.objects.filter(document_id=page.pk).values_list("name", flat=True))
    assert facets == ["kind", "material", "origin", "supplier", "year"]
    assert SearchSuggestion.objects.filter(document_id=page.pk, term="黄芪").count() == 3


def _wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@needs_worker
def test_real_worker_keeps_index_in_sync(celery_worker_process, supplier_a, search_materials):
    # given a committed draft (transactional db: every statement commits)
    page = new_article(supplier_a, search_materials, title="工人同步测试黄芪")

    # when it is published, the worker process indexes it from Redis
    page.get_latest_revision().publish()
    assert _wait_for(lambda: SearchDocument.objects.filter(page_id=page.pk).exists())

    # and when it is unpublished, the worker removes it
    page.refresh_from_db()
    page.unpublish()
    assert _wait_for(lambda: not SearchDocument.objects.filter(page_id=page.pk).exists())


def test_moving_an_article_updates_its_url_and_supplier(
    supplier_a, supplier_b, search_materials, publish
):
    page = new_article(supplier_a, search_materials)
    publish(lambda: page.get_latest_revision().publish())

    publish(lambda: Page.objects.get(pk=page.pk).move(supplier_b.page, pos="last-child"))

    document = SearchDocument.objects.get(page_id=page.pk)
    assert document.url.startswith(supplier_b.page.url)
    assert document.supplier == supplier_b.page.title
