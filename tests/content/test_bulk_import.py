"""import_articles in batches: the per-line error contract inside a batch, one index write per
batch, references kept, resume after a SIGKILL, idempotent re-runs."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, ReferenceIndex
from wagtail.search.backends import get_search_backend

from content import importers
from content.importers import import_articles
from content.media_access import is_public
from content.models import ArticlePage
from search.models import SearchDocument
from tests.conftest import ROOT, _test_database_url
from tests.content.test_import import line


def indexed() -> list[str]:
    """External ids of the articles the embedded index holds, sorted."""
    return sorted(SearchDocument.objects.values_list("external_id", flat=True))


def stored() -> list[str]:
    return sorted(ArticlePage.objects.values_list("external_id", flat=True))


def write_file(path: Path, count: int) -> Path:
    lines = [line(external_id=f"B-{i:04d}", title=f"岷县当归新货第{i}批") for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_bad_line_mid_batch_writes_none_of_itself_and_all_the_good_ones(supplier_a, materials):
    lines = [
        line(external_id="G-1"),
        line(external_id="G-2"),
        line(external_id="BAD-1", materials=["不存在的药"]),
        line(external_id="G-3"),
        line(external_id="BAD-2", supplier="不存在公司"),
        line(external_id="G-4"),
    ]

    report = import_articles(lines, batch_size=10)

    assert [(p.line, p.field) for p in report.problems] == [(3, "materials"), (5, "supplier")]
    assert (report.created, report.updated) == (4, 0)
    assert stored() == ["G-1", "G-2", "G-3", "G-4"]
    assert all(ArticlePage.objects.values_list("live", flat=True))
    assert indexed() == ["G-1", "G-2", "G-3", "G-4"]


def test_a_line_refused_mid_batch_after_others_keeps_the_others(
    supplier_a, materials, django_capture_on_commit_callbacks
):
    # given an article taken offline, which a re-import must refuse without --force
    import_articles([line(external_id="OFF")])
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(external_id="OFF").unpublish()
    assert indexed() == []

    report = import_articles(
        [line(external_id="N-1"), line(external_id="OFF"), line(external_id="N-2")], batch_size=3
    )

    assert [(p.line, p.field) for p in report.problems] == [(2, "external_id")]
    assert stored() == ["N-1", "N-2", "OFF"]
    assert not ArticlePage.objects.get(external_id="OFF").live
    assert indexed() == ["N-1", "N-2"]


def test_the_index_is_written_once_per_batch_not_once_per_page(supplier_a, materials, monkeypatch):
    calls: list[list[int]] = []
    real = importers.index_pages
    monkeypatch.setattr(importers, "index_pages", lambda ids: calls.append(ids) or real(ids))

    report = import_articles([line(external_id=f"P-{i}") for i in range(5)], batch_size=2)

    assert report.created == 5
    assert [len(ids) for ids in calls] == [2, 2, 1]
    assert sorted(pk for ids in calls for pk in ids) == sorted(
        ArticlePage.objects.values_list("pk", flat=True)
    )
    assert indexed() == [f"P-{i}" for i in range(5)]


def test_references_of_imported_pages_are_recorded_at_the_end_of_their_batch(supplier_a, materials):
    import_articles([line(external_id="R-1"), line(external_id="R-2")], batch_size=2)

    page_type = ContentType.objects.get_for_model(Page)
    for article in ArticlePage.objects.all():
        referenced = ReferenceIndex.objects.filter(
            base_content_type=page_type, object_id=str(article.pk)
        ).values_list("to_object_id", flat=True)
        assert str(supplier_a.page.pk) in set(referenced)


def test_a_cover_image_set_in_the_admin_stays_public_after_a_reimport(
    supplier_a, materials, django_capture_on_commit_callbacks
):
    import_articles([line()])
    image = get_image_model().objects.create(
        title="封面", collection=supplier_a.collection, file=get_test_image_file()
    )
    article = ArticlePage.objects.get(external_id="A-1")
    article.cover_image = image
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert is_public(image)

    report = import_articles([line(title="岷县当归新货：价格更新")])

    assert (report.updated, report.problems) == (1, [])
    assert ArticlePage.objects.get(external_id="A-1").cover_image == image
    assert is_public(image)


def test_reimporting_the_same_file_is_idempotent(supplier_a, materials, tmp_path, capsys):
    path = write_file(tmp_path / "articles.jsonl", 7)
    call_command("import_articles", str(path), "--no-progress", "--batch-size", "3")
    pages = dict(ArticlePage.objects.values_list("external_id", "pk"))

    call_command("import_articles", str(path), "--no-progress", "--batch-size", "3")

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "7 created, 0 updated, 0 line(s) failed",
        "0 created, 7 updated, 0 line(s) failed",
    ]
    assert dict(ArticlePage.objects.values_list("external_id", "pk")) == pages
    assert indexed() == stored() == [f"B-{i:04d}" for i in range(7)]
    assert not (tmp_path / "articles.jsonl.progress").exists()


def test_batch_size_below_one_is_refused_and_writes_nothing(supplier_a, materials, tmp_path):
    path = write_file(tmp_path / "articles.jsonl", 2)

    with pytest.raises(CommandError, match=r"^--batch-size must be at least 1, got 0$"):
        call_command("import_articles", str(path), "--no-progress", "--batch-size", "0")
    assert ArticlePage.objects.count() == 0


def test_a_checkpoint_of_another_file_is_ignored(supplier_a, materials, tmp_path, capsys):
    path = write_file(tmp_path / "articles.jsonl", 3)
    (tmp_path / "articles.jsonl.progress").write_text(
        json.dumps({"sha256": "0" * 64, "line": 2, "created": 2, "updated": 0, "problems": []})
    )

    call_command("import_articles", str(path), "--no-progress")

    assert capsys.readouterr().out.strip() == "3 created, 0 updated, 0 line(s) failed"
    assert stored() == ["B-0000", "B-0001", "B-0002"]


LINES = 240
BATCH = 10


def test_an_import_killed_mid_file_resumes_and_stores_every_article_once(
    transactional_db, supplier_a, materials, tmp_path, capsys
):
    # given a file with one bad line, and an import SIGKILLed after a few committed batches
    path = write_file(tmp_path / "articles.jsonl", LINES)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = line(external_id="BAD", kind="news")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checkpoint = tmp_path / "articles.jsonl.progress"
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    command = [
        sys.executable,
        "manage.py",
        "import_articles",
        str(path),
        "--batch-size",
        str(BATCH),
    ]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (checkpoint.exists() and json.loads(checkpoint.read_text())["line"] >= 3 * BATCH):
        assert proc.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline, "no third batch committed in 120 s"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = json.loads(checkpoint.read_text())["line"]
    assert 3 * BATCH <= done < LINES
    assert BATCH * 3 - 1 <= ArticlePage.objects.count() < LINES - 1

    # when it runs again
    with pytest.raises(CommandError, match=r"^\d+ created, \d+ updated, 1 line\(s\) failed$"):
        call_command("import_articles", str(path), "--no-progress", "--batch-size", str(BATCH))

    # then every good line is stored once, indexed, and the bad one reported from the first run
    expected = sorted(f"B-{i:04d}" for i in range(LINES) if i != 4)
    assert stored() == expected
    assert indexed() == expected
    assert f"{path}:line 5 [kind]:" in capsys.readouterr().err
    assert not checkpoint.exists()


def test_imported_articles_are_in_the_admin_search_index(supplier_a, materials):
    import_articles([line(external_id="S-1", title="岷县当归 tonghuo"), line(external_id="S-2")])

    found = get_search_backend().search("tonghuo", ArticlePage)

    assert [page.external_id for page in found] == ["S-1"]
