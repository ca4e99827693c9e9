"""Articles imported before the import's fixed block id: their first paragraph gets that id.

The old import wrote the file's text as the body's first rich-text block with a random id.
``merge_body`` now replaces only the block carrying ``IMPORTED_BLOCK_ID`` (and prepends when
there is none), so this marks, once, the block the old import wrote, in the page row and in
its live revision. Articles already holding a block with the id are left alone.
"""

import json

from django.db import migrations

# The value of content.importers.IMPORTED_BLOCK_ID, frozen here as migrations must be.
IMPORTED_BLOCK_ID = "f710d7b4-41df-5c80-9a98-172cf1bb0425"


def stamped(raw: list[dict]) -> list[dict] | None:
    """``raw`` with its first block marked, or None when there is nothing to mark."""
    if any(block.get("id") == IMPORTED_BLOCK_ID for block in raw):
        return None
    if not raw or raw[0].get("type") != "paragraph":
        return None
    return [{**raw[0], "id": IMPORTED_BLOCK_ID}, *raw[1:]]


def stamp_imported_blocks(apps, schema_editor) -> None:
    articles = apps.get_model("content", "ArticlePage").objects
    revisions = apps.get_model("wagtailcore", "Revision").objects
    for article in articles.exclude(external_id=""):
        body = stamped(list(article.body.raw_data))
        if body is None:
            continue
        article.body = json.dumps(body)
        article.save(update_fields=["body"])
        revision = revisions.filter(pk=article.live_revision_id).first()
        if revision is None or "body" not in revision.content:
            continue
        stored = revision.content["body"]
        raw = json.loads(stored) if isinstance(stored, str) else stored
        body = stamped(raw)
        if body is not None:
            revision.content["body"] = json.dumps(body) if isinstance(stored, str) else body
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [("content", "0005_reword_supplier_intro_and_workflow")]

    operations = [migrations.RunPython(stamp_imported_blocks, migrations.RunPython.noop)]
