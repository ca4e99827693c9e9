"""The text index of the embedded engine: FTS5 on SQLite, a tsvector column on PostgreSQL."""

from django.db import migrations

SQLITE_UP = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, materials, meta, body, tokenize = \"unicode61 tokenchars '.%-/~'\")"
)
POSTGRES_UP = [
    "ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS search_vector tsvector",
    "CREATE INDEX IF NOT EXISTS searchdoc_vector ON search_searchdocument USING GIN (search_vector)",
]


def create(apps, schema_editor) -> None:
    statements = {"sqlite": [SQLITE_UP], "postgresql": POSTGRES_UP}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop(apps, schema_editor) -> None:
    statements = {
        "sqlite": ["DROP TABLE IF EXISTS search_fts"],
        "postgresql": ["ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector"],
    }
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
