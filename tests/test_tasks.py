"""Background work: Wagtail's django-tasks go through Celery, in-process and on a real worker."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.search.models import IndexEntry

from cms.celery import app as celery_app
from content.models import Material

ROOT = Path(__file__).resolve().parent.parent
uses_redis = settings.CELERY_BROKER_URL.startswith("redis://")


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

    # then two tasks were enqueued on commit (Wagtail's own index task through the bridge, and
    # the search app's reindex of the material's articles), and Celery ran them
    assert len(callbacks) == 2
    assert index_entries(material).count() == 1


def test_nothing_is_enqueued_before_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        material = Material.objects.create(name="当归", pinyin="danggui", category="根及根茎类")

    assert len(callbacks) == 2
    assert index_entries(material).count() == 0


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real ``celery worker`` subprocess on the Redis broker, using the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": _test_database_url(),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cms", "worker", "--pool=solo", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
    )
    celery_app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 30
        while not celery_app.control.ping(timeout=0.5):
            assert worker.poll() is None, "celery worker exited during start-up"
            assert time.monotonic() < deadline, "celery worker did not answer a ping in 30 s"
        yield worker
    finally:
        celery_app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=20)


def _test_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.worker
@pytest.mark.skipif(not uses_redis, reason="needs CELERY_BROKER_URL=redis://… (PostgreSQL run)")
def test_real_worker_indexes_a_committed_material(celery_worker_process):
    # when a material is committed (transactional_db: no wrapping transaction)
    material = Material.objects.create(name="三七", pinyin="sanqi", category="根及根茎类")

    # then the separate worker process picks the task off Redis and writes the index entry
    deadline = time.monotonic() + 30
    while not index_entries(material).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert index_entries(material).count() == 1
