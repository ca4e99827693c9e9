"""Background work: Wagtail's django-tasks go through Celery, in-process and on a real worker."""

import time

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.search.models import IndexEntry

from content.models import Material
from tests.conftest import needs_worker


def index_entries(material: Material):
    return IndexEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Material), object_id=str(material.pk)
    )


def test_saving_indexed_model_runs_index_task_through_celery(
    db, django_capture_on_commit_callbacks
):
    # given the eager Celery of unit tests, and callbacks run on commit
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        material = Material.objects.create(name="黄芪", pinyin="huangqi", category="根及根茎类")

    # then the bridge deferred Wagtail's own index task to the commit, and Celery ran it
    assert [c for c in callbacks if "CeleryBackend" in c.__qualname__] != []
    assert index_entries(material).count() == 1


def test_nothing_is_enqueued_before_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        material = Material.objects.create(name="当归", pinyin="danggui", category="根及根茎类")

    assert [c for c in callbacks if "CeleryBackend" in c.__qualname__] != []
    assert index_entries(material).count() == 0


@pytest.mark.worker
@needs_worker
def test_real_worker_indexes_a_committed_material(celery_worker_process):
    # when a material is committed (transactional_db: no wrapping transaction)
    material = Material.objects.create(name="三七", pinyin="sanqi", category="根及根茎类")

    # then the separate worker process picks the task off Redis and writes the index entry
    deadline = time.monotonic() + 30
    while not index_entries(material).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert index_entries(material).count() == 1
