"""import_articles: good files, exact errors per bad line, idempotent re-import, atomic lines."""

import datetime as dt
import importlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils.html import strip_tags
from wagtail.blocks import StreamValue
from wagtail.models import WorkflowState
from wagtail.rich_text import RichText

from content.importers import IMPORTED_BLOCK_ID, import_articles
from content.models import ArticlePage

LEGACY = importlib.import_module(
    "content.migrations.0006_stamp_imported_block_id_on_legacy_articles"
)


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


SPEC = {
    "caption": "2026年检测结果",
    "standard": "《中国药典》2025年版一部",
    "rows": [{"item": "水分", "value": "9.8", "limit": "≤ 13.0", "unit": "%", "passed": True}],
}
QUOTE = {
    "price_low": Decimal("52.00"),
    "price_high": Decimal("58.50"),
    "unit": "元/公斤",
    "moq": "500公斤",
    "valid_until": dt.date(2026, 12, 31),
    "note": "",
}


def edit_body(article: ArticlePage, blocks: list, *, publish: bool = True) -> None:
    """What an editor does in the admin: change the body, then publish or only save a draft."""
    article.body = StreamValue(article.body.stream_block, blocks)
    revision = article.save_revision()
    if publish:
        revision.publish()


def body_of(external_id: str) -> list[tuple]:
    article = ArticlePage.objects.get(external_id=external_id)
    return [
        (b.block_type, strip_tags(str(b.value)) if b.block_type == "paragraph" else b.value, b.id)
        for b in article.body
    ]


def test_reimport_replaces_its_text_and_keeps_blocks_added_in_the_admin(ready):
    import_articles([line(body="<p>第一版</p>")])
    article = ArticlePage.objects.get(external_id="A-1")
    imported = article.body[0]
    edit_body(
        article,
        [
            ("heading", "质量检测", "h-1"),
            ("spec_table", SPEC, "spec-1"),
            (imported.block_type, imported.value, imported.id),
            ("quote", QUOTE, "quote-1"),
            ("paragraph", RichText("<p>编辑补充的说明</p>"), "p-1"),
        ],
    )

    report = import_articles([line(body="<p>第二版</p>")])

    assert (report.updated, report.problems) == (1, [])
    body = body_of("A-1")
    assert [(kind, block_id) for kind, _, block_id in body] == [
        ("heading", "h-1"),
        ("spec_table", "spec-1"),
        ("paragraph", IMPORTED_BLOCK_ID),
        ("quote", "quote-1"),
        ("paragraph", "p-1"),
    ]
    assert body[2][1] == "第二版"
    assert body[4][1] == "编辑补充的说明"
    assert body[1][1]["standard"] == "《中国药典》2025年版一部"
    assert body[3][1]["price_high"] == Decimal("58.50")


def test_reimport_keeps_the_editors_own_first_paragraph(ready):
    import_articles([line(body="<p>第一版</p>")])
    edit_body(
        ArticlePage.objects.get(external_id="A-1"),
        [("paragraph", RichText("<p>编辑自己写的开头</p>"), "p-1"), ("quote", QUOTE, "quote-1")],
    )

    import_articles([line(body="<p>第二版</p>")])

    assert body_of("A-1") == [
        ("paragraph", "第二版", IMPORTED_BLOCK_ID),
        ("paragraph", "编辑自己写的开头", "p-1"),
        ("quote", QUOTE, "quote-1"),
    ]


def test_migration_marks_the_first_text_of_articles_imported_before_block_ids(ready):
    # given an article as the old import left it: one text block first, with a random id
    import_articles([line(body="<p>旧导入</p>")])
    article = ArticlePage.objects.get(external_id="A-1")
    edit_body(
        article,
        [("paragraph", RichText("<p>旧导入</p>"), "old-id"), ("quote", QUOTE, "quote-1")],
    )

    LEGACY.stamp_imported_blocks(apps, None)
    LEGACY.stamp_imported_blocks(apps, None)  # a second run changes nothing

    assert [block_id for _, _, block_id in body_of("A-1")] == [IMPORTED_BLOCK_ID, "quote-1"]
    live = ArticlePage.objects.get(external_id="A-1").live_revision.as_object()
    assert [block.id for block in live.body] == [IMPORTED_BLOCK_ID, "quote-1"]
    import_articles([line(body="<p>新导入</p>")])
    assert body_of("A-1") == [
        ("paragraph", "新导入", IMPORTED_BLOCK_ID),
        ("quote", QUOTE, "quote-1"),
    ]


def test_the_migration_freezes_the_importers_block_id():
    assert LEGACY.IMPORTED_BLOCK_ID == IMPORTED_BLOCK_ID


def test_the_migration_marks_only_a_leading_paragraph_once():
    quote = {"type": "quote", "value": {}, "id": "q"}
    first = {"type": "paragraph", "value": "<p>x</p>", "id": "old"}

    assert LEGACY.stamped([first, quote]) == [{**first, "id": IMPORTED_BLOCK_ID}, quote]
    assert LEGACY.stamped([quote, first]) is None
    assert LEGACY.stamped([first, {**first, "id": IMPORTED_BLOCK_ID}]) is None
    assert LEGACY.stamped([]) is None


def test_reimport_puts_deleted_text_back_first(ready):
    import_articles([line(body="<p>第一版</p>")])
    edit_body(ArticlePage.objects.get(external_id="A-1"), [("quote", QUOTE, "quote-1")])

    import_articles([line(body="<p>第二版</p>")])

    assert [(kind, block_id) for kind, _, block_id in body_of("A-1")] == [
        ("paragraph", IMPORTED_BLOCK_ID),
        ("quote", "quote-1"),
    ]


def submit_for_moderation(article: ArticlePage, user) -> None:
    article.title = "供应商改过的标题"
    article.save_revision(user=user)
    article.get_workflow().start(article, user)


PENDING = [
    pytest.param(
        "workflow", "has changes waiting for moderation (a workflow is in progress)", id="workflow"
    ),
    pytest.param("draft", "has a draft newer than the live version", id="newer-draft"),
    pytest.param("offline", "is not live (unpublished in the admin)", id="unpublished"),
]


def make_pending(article: ArticlePage, how: str, user) -> None:
    if how == "workflow":
        submit_for_moderation(article, user)
    elif how == "draft":
        article.title = "供应商改过的标题"
        article.save_revision(user=user)
    else:
        article.unpublish()


@pytest.mark.parametrize(("how", "reason"), PENDING)
def test_reimport_refuses_to_publish_over_pending_work(ready, how, reason):
    import_articles([line()])
    article = ArticlePage.objects.get(external_id="A-1")
    make_pending(article, how, ready.user)
    revisions = article.revisions.count()

    report = import_articles([line(title="导入的新标题")])

    message = f"'A-1' {reason}; not imported (pass --force to publish over it)"
    assert [(p.line, p.field, p.message) for p in report.problems] == [(1, "external_id", message)]
    assert report.updated == 0
    article.refresh_from_db()
    assert article.title == "2026年岷县当归新货上市"
    assert article.revisions.count() == revisions


def test_force_publishes_over_moderation_and_ends_the_workflow(ready):
    import_articles([line()])
    article = ArticlePage.objects.get(external_id="A-1")
    submit_for_moderation(article, ready.user)

    report = import_articles([line(title="导入的新标题")], force=True)

    assert (report.updated, report.problems) == (1, [])
    article.refresh_from_db()
    assert article.live
    assert article.title == "导入的新标题"
    assert not article.has_unpublished_changes
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.status == WorkflowState.STATUS_CANCELLED


def test_command_reports_pending_moderation_and_exits_nonzero(ready, tmp_path: Path, capsys):
    import_articles([line()])
    submit_for_moderation(ArticlePage.objects.get(external_id="A-1"), ready.user)
    path = tmp_path / "articles.jsonl"
    path.write_text(line(title="导入的新标题") + "\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"^0 created, 0 updated, 1 line\(s\) failed$"):
        call_command("import_articles", str(path), "--no-progress")
    assert capsys.readouterr().err.strip() == (
        f"{path}:line 1 [external_id]: 'A-1' has changes waiting for moderation "
        "(a workflow is in progress); not imported (pass --force to publish over it)"
    )

    call_command("import_articles", str(path), "--no-progress", "--force")
    assert ArticlePage.objects.get(external_id="A-1").title == "导入的新标题"
