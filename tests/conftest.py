"""Shared fixtures: the site skeleton, a few materials, two supplier workspaces, a moderator."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from cms.celery import app as celery_app
from content.models import HomePage
from content.site_setup import MODERATORS, ensure_site
from content.workspaces import Workspace, add_supplier_user, create_supplier
from tests.factories import MaterialFactory

PASSWORD = "test-pass-123"
ROOT = Path(__file__).resolve().parent.parent
needs_worker = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="needs CELERY_BROKER_URL=redis://… (the PostgreSQL run of bin/test)",
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The page cache lives in the process-wide cache; no test may see another's pages."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Requests and tests may activate English in this thread; every test starts in Chinese."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def site(db) -> HomePage:
    return ensure_site()


@pytest.fixture
def materials(db) -> dict:
    rows = [
        ("黄芪", "黃芪", "huangqi", "Astragali Radix", ["北芪", "绵芪", "黄耆"]),
        ("黄芩", "黃芩", "huangqin", "Scutellariae Radix", ["条芩", "枯芩"]),
        ("当归", "當歸", "danggui", "Angelicae Sinensis Radix", ["秦归", "岷归"]),
        ("三七", "三七", "sanqi", "Notoginseng Radix et Rhizoma", ["田七", "参三七"]),
        ("人参", "人參", "renshen", "Ginseng Radix et Rhizoma", ["园参"]),
        ("党参", "黨參", "dangshen", "Codonopsis Radix", ["潞党参"]),
    ]
    return {
        name: MaterialFactory(
            name=name, traditional=trad, pinyin=pinyin, latin=latin, aliases=aliases
        )
        for name, trad, pinyin, latin, aliases in rows
    }


def _workspace(name: str, username: str) -> Workspace:
    workspace = create_supplier(name, region="甘肃省定西市")
    add_supplier_user(workspace, username, f"{username}@example.com", PASSWORD)
    return workspace


@pytest.fixture
def supplier_a(site) -> Workspace:
    return _workspace("甘肃岷州药业有限公司", "alice")


@pytest.fixture
def supplier_b(site) -> Workspace:
    return _workspace("云南文山三七科技有限公司", "bob")


@pytest.fixture
def moderator(site):
    user = get_user_model().objects.create_user("mod", "mod@example.com", PASSWORD)
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


@pytest.fixture
def client_a(client, supplier_a):
    client.force_login(supplier_a.user)
    return client


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
    """The test database as a URL another process (worker, server) can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
