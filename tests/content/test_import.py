"""import_articles: good files, exact errors per bad line, idempotent re-import, atomic lines."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from content.importers import import_articles
from content.models import ArticlePage


def line(**overrides) -> str:
    record = {
        "external_id": "A-1",
        "supplier": "甘肃岷州药业有限公司",
        "kind": "product",
        "title": "2026年岷县当归新货上市",
        "summary": "岷县当归新货，统货选货现货。",
        "body": "<p>今年<b>当归</b>产量稳定。</p><script>alert(1)</script>",
        "materials": ["岷归", "北芪"],
        "origin": "甘肃岷县",
        "tags": ["新货", "产地直供"],
        "published_at": "2026-10-08",
    }
    record.update(overrides)
    return json.dumps({k: v for k, v in record.items() if v is not ...}, ensure_ascii=False)


@pytest.fixture
def ready(supplier_a, materials):
    return supplier_a


def test_good_lines_create_and_publish_articles(ready, materials):
    # when
    report = import_articles([line(), line(external_id="A-2", kind="technology", title="当归种植")])

    # then
    assert (report.created, report.updated, report.problems) == (2, 0, [])
    article = ArticlePage.objects.get(external_id="A-1")
    assert article.live
    assert article.supplier == ready.page
    assert article.get_parent().specific == ready.page
    assert set(article.materials.all()) == {materials["当归"], materials["黄芪"]}
    assert sorted(t.name for t in article.tags.all()) == ["产地直供", "新货"]
    assert str(article.publish_date) == "2026-10-08"
    assert article.slug.isascii()
    html = str(article.body[0].value)
    assert "<b>当归</b>" in html
    assert "script" not in html


def test_everyday_html_is_cleaned_not_rejected(ready):
    report = import_articles(
        [line(body="<p>第一行<br>第二行</p><ul><li>统货<li>选货</ul><img src=x>")]
    )

    html = str(ArticlePage.objects.get(external_id="A-1").body[0].value)
    assert report.problems == []
    assert "第一行<br/>第二行" in html
    assert "<li" in html
    assert "<img" not in html


def test_reimport_updates_in_place(ready):
    import_articles([line()])

    report = import_articles([line(title="岷县当归新货：价格更新")])
    again = import_articles([line(title="岷县当归新货：价格更新")])

    assert (report.created, report.updated) == (0, 1)
    assert (again.created, again.updated) == (0, 1)
    assert ArticlePage.objects.filter(external_id="A-1").count() == 1
    assert ArticlePage.objects.get(external_id="A-1").title == "岷县当归新货：价格更新"


BAD_LINES = [
    pytest.param(
        "{not json",
        "",
        "invalid JSON: Expecting property name enclosed in double quotes at column 2",
        id="malformed-json",
    ),
    pytest.param("[1, 2]", "", "expected a JSON object, got list", id="not-an-object"),
    pytest.param(
        line(kind="news"), "kind", "must be 'product' or 'technology', got 'news'", id="bad-kind"
    ),
    pytest.param(line(title=...), "title", "missing", id="missing-title"),
    pytest.param(line(title="  "), "title", "must not be empty", id="empty-title"),
    pytest.param(
        line(title="长" * 256), "title", "is 256 characters; at most 255 allowed", id="long-title"
    ),
    pytest.param(
        line(materials=["北芪", "不存在的药"]),
        "materials",
        "unknown material '不存在的药' (not in the dictionary)",
        id="unknown-material",
    ),
    pytest.param(
        line(materials="黄芪"), "materials", "must be a list of strings", id="materials-not-list"
    ),
    pytest.param(
        line(published_at="2026-13-01"),
        "published_at",
        "not an ISO date (YYYY-MM-DD): '2026-13-01'",
        id="bad-date",
    ),
    pytest.param(
        line(published_at="2026-10-08garbage"),
        "published_at",
        "not an ISO date (YYYY-MM-DD): '2026-10-08garbage'",
        id="date-with-garbage",
    ),
    pytest.param(
        line(tags=["长" * 101]),
        "tags",
        "tag '长长长长长长长长长长长长长长长长长长长长'… is longer than 100 characters",
        id="tag-too-long",
    ),
    pytest.param(
        line(supplier="不存在公司"),
        "supplier",
        "unknown supplier '不存在公司' (onboard it first, or pass --create-suppliers)",
        id="unknown-supplier",
    ),
    pytest.param(line(colour="red"), "colour", "unknown field(s): colour", id="unknown-field"),
]


@pytest.mark.parametrize(("raw", "field", "message"), BAD_LINES)
def test_bad_line_is_reported_and_writes_nothing(ready, raw, field, message):
    pages_before = ArticlePage.objects.count()

    report = import_articles([line(external_id="ok-1"), raw])

    assert [(p.line, p.field, p.message) for p in report.problems] == [(2, field, message)]
    assert report.created == 1
    assert ArticlePage.objects.count() == pages_before + 1
    assert list(ArticlePage.objects.values_list("external_id", flat=True)) == ["ok-1"]


def test_create_suppliers_flag_onboards_unknown_supplier(site, materials):
    report = import_articles([line(supplier="新供应商有限公司")], create_suppliers=True)

    assert report.problems == []
    assert ArticlePage.objects.get().supplier.title == "新供应商有限公司"
    assert ArticlePage.objects.get().supplier.group is not None


def test_command_reports_line_numbers_and_exits_nonzero(ready, tmp_path: Path, capsys):
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join([line(), "", line(external_id="B", kind="x")]), encoding="utf-8")

    with pytest.raises(CommandError, match=r"^1 created, 0 updated, 1 line\(s\) failed$"):
        call_command("import_articles", str(path), "--no-progress")

    err = capsys.readouterr().err
    assert f"{path}:line 3 [kind]: must be 'product' or 'technology', got 'x'" in err
    assert ArticlePage.objects.filter(external_id="A-1").exists()
    assert not ArticlePage.objects.filter(external_id="B").exists()


def test_command_success_summary(ready, tmp_path: Path, capsys):
    path = tmp_path / "articles.jsonl"
    path.write_text(line() + "\n", encoding="utf-8")

    call_command("import_articles", str(path), "--no-progress")

    assert capsys.readouterr().out.strip() == "1 created, 0 updated, 0 line(s) failed"


def test_command_rejects_non_utf8_file(ready, tmp_path: Path):
    path = tmp_path / "articles.jsonl"
    path.write_bytes("标题".encode("gbk"))

    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("import_articles", str(path), "--no-progress")
    assert ArticlePage.objects.count() == 0
