"""Materialised attribution: recompute each buyer company's stored credit (every rule-based
model) from its journey, a batch of companies per transaction, and queue that when its reads,
inquiries, orders or identity change.

Markov credit is not stored: a removal effect depends on every company's paths at once, so no
per-company update could keep it; the command computes it from the journeys on demand.
"""

from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from analytics.attribution import MODELS, Journey, Options, conversion_weights
from analytics.days import local_day
from analytics.journeys import ArticleFacts, account_batches, article_facts, build_journeys
from analytics.models import Account, AttributionCredit

STORED_MODELS = tuple(model for model in MODELS if model != "markov")
COLUMNS = (
    "model", "conversion_kind", "conversion_id", "account_id", "contact_id", "article_id",
    "supplier_id", "material_id", "channel", "day", "credit", "value",
)  # fmt: skip
NO_FACTS = ArticleFacts(None, ())


def credit_rows(
    journeys: Iterable[Journey], articles: dict[int, ArticleFacts], options: Options
) -> Iterator[tuple]:
    """One row (in ``COLUMNS`` order) per model, conversion, touch contact, article, channel
    and material: the touches' weights summed, an article's share split equally among its
    materials, the value that share of the conversion's value."""
    for journey in journeys:
        account_id = int(journey.account)
        for share in conversion_weights(journey, options):
            event = share.conversion
            merged: dict[tuple[str, str, str], float] = {}
            for touch, weight in zip(share.touches, share.weights, strict=True):
                if weight:
                    key = (touch.contact, touch.article, getattr(touch, "channel", ""))
                    merged[key] = merged.get(key, 0.0) + weight
            day, value = local_day(event.ts), float(event.value)
            head = (share.model, event.kind, getattr(event, "id", 0), account_id)
            for (contact, article, channel), weight in merged.items():
                facts = articles.get(int(article), NO_FACTS)
                materials = facts.material_ids or (None,)
                part = weight / len(materials)
                for material in materials:
                    yield (
                        *head, int(contact), int(article), facts.supplier_id, material,
                        channel, day, part, part * value,
                    )  # fmt: skip


def _delete(account_ids: list[int]) -> None:
    """One DELETE: ``QuerySet.delete()`` would load every row first, because analytics listens
    to every model's ``post_delete`` (for pages) and Django then cannot delete in bulk."""
    if not account_ids:
        return
    table = connection.ops.quote_name(AttributionCredit._meta.db_table)
    marks = ", ".join(["%s"] * len(account_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE account_id IN ({marks})", account_ids)


def _insert(rows: Iterable[tuple]) -> int:
    """COPY on PostgreSQL, plain INSERTs in executemany batches elsewhere: a rebuild writes
    millions of rows, and model instances would cost more than the attribution itself."""
    table = connection.ops.quote_name(AttributionCredit._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                written, batch = written + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
    return written + len(batch)


def materialise_accounts(
    account_ids: Iterable[int], articles: dict[int, ArticleFacts] | None = None
) -> int:
    """Replace the stored credit of these companies with a fresh computation, in one
    transaction; running it again writes the same rows. Returns the rows written."""
    ids = sorted({int(pk) for pk in account_ids})
    if not ids:
        return 0
    articles = article_facts() if articles is None else articles
    options = Options(models=STORED_MODELS)
    with transaction.atomic():
        # Locks the companies (PostgreSQL) so two runs for one company write one after another.
        ids = list(
            Account.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True)
        )
        _delete(ids)
        return _insert(credit_rows(build_journeys(ids, articles), articles, options))


def rebuild_credits(batch: int = 500) -> int:
    """Recompute every company's stored credit, a batch of companies per transaction."""
    articles = article_facts()
    with transaction.atomic():
        # Companies deleted since: their rows went with them (cascade); nothing else is stale.
        _delete(list(AttributionCredit.objects.values_list("account_id", flat=True).distinct()
                     .exclude(account_id__in=Account.objects.values("pk"))))  # fmt: skip
    return sum(materialise_accounts(ids, articles) for ids in account_batches(size=batch))


def enqueue_attribution(account_ids: Iterable[int | None]) -> None:
    """Queue ``attribute_accounts`` for these companies once the current transaction commits."""
    ids = sorted({int(pk) for pk in account_ids if pk})
    if ids:
        transaction.on_commit(lambda: _send(ids))


def _send(account_ids: list[int]) -> None:
    from analytics.tasks import attribute_accounts  # tasks import this module

    attribute_accounts.delay(account_ids)
