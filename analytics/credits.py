"""Materialised attribution: recompute each buyer company's stored credit (every rule-based
model) from its journey, a batch of companies per transaction, and queue that when its reads,
inquiries, orders or identity change.

Markov credit is not stored: a removal effect depends on every company's paths at once, so no
per-company update could keep it; the command computes it from the journeys on demand.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date

from django.db import connection, transaction

from analytics.attribution import MODELS, Journey, Options, Touch, conversion_weights
from analytics.days import local_day
from analytics.journeys import ArticleFacts, account_batches, article_facts, build_journeys
from analytics.models import Account, AttributionCredit

STORED_MODELS = tuple(model for model in MODELS if model != "markov")
COLUMNS = (
    "model", "conversion_kind", "conversion_id", "account_id", "contact_id", "article_id",
    "supplier_id", "material_id", "channel", "day", "credit", "value",
)  # fmt: skip
NO_FACTS = ArticleFacts(None, ())


Split = tuple[int, int | None, tuple[tuple[int | None, float], ...]]


def _split(article: str, articles: dict[int, ArticleFacts]) -> Split:
    """An article's id, supplier and (material, divisor) pairs: its credit is shared equally
    among its materials (one row each), or kept whole on a row without material."""
    facts = articles.get(int(article), NO_FACTS)
    materials = facts.material_ids or (None,)
    return int(article), facts.supplier_id, tuple((m, len(materials)) for m in materials)


def credit_rows(
    journeys: Iterable[Journey],
    articles: dict[int, ArticleFacts],
    options: Options,
    day_value: Callable[[date], object] = lambda day: day,
) -> Iterator[tuple]:
    """One row (in ``COLUMNS`` order) per model, conversion, touch contact, article, channel
    and material: the touches' weights summed, an article's share split equally among its
    materials, the value that share of the conversion's value. ``day_value`` turns the
    conversion's local day into what the caller stores (called once per conversion).

    The models of one conversion share its touches, so the touches are grouped by (contact,
    article, channel) once per conversion, not once per model; each group's weights are summed
    in touch order, as adding them one by one would."""
    splits: dict[str, Split] = {}
    contacts: dict[str, int] = {}
    for journey in journeys:
        account_id = int(journey.account)
        touches, groups, event, day, value = None, [], None, None, 0.0
        for share in conversion_weights(journey, options):
            if share.touches is not touches or share.conversion is not event:
                touches, event = share.touches, share.conversion
                groups = _groups(touches, splits, contacts, articles)
                day, value = day_value(local_day(event.ts)), float(event.value)
            head = (share.model, event.kind, getattr(event, "id", 0), account_id)
            weights = share.weights
            for (contact, channel), (article, supplier, materials), positions in groups:
                weight = 0.0
                for position in positions:  # in order, as sum() of Python 3.12+ would not
                    weight += weights[position]
                if not weight:
                    continue
                for material, parts in materials:
                    part = weight / parts
                    yield (
                        *head, contact, article, supplier, material, channel, day, part,
                        part * value,
                    )  # fmt: skip


def _groups(
    touches: Sequence[Touch],
    splits: dict[str, Split],
    contacts: dict[str, int],
    articles: dict[int, ArticleFacts],
) -> list[tuple[tuple[int, str], Split, list[int]]]:
    """The touches' positions grouped by (contact, article, channel), in first-touch order."""
    positions: dict[tuple[str, str, str], list[int]] = {}
    for position, touch in enumerate(touches):
        key = (touch.contact, touch.article, getattr(touch, "channel", ""))
        group = positions.get(key)
        if group is None:
            positions[key] = [position]
        else:
            group.append(position)
    groups = []
    for (contact, article, channel), group in positions.items():
        split = splits.get(article)
        if split is None:
            split = splits[article] = _split(article, articles)
        number = contacts.get(contact)
        if number is None:
            number = contacts[contact] = int(contact)
        groups.append(((number, channel), split, group))
    return groups


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
        journeys = build_journeys(ids, articles)
        day_value = connection.ops.adapt_datefield_value
        return _insert(credit_rows(journeys, articles, options, day_value))


# SQLite page cache for a rebuild, in KiB (its default is 2 MB): millions of rows go into four
# B-trees, and pages that fall out of the cache are read back from the file for every insert.
REBUILD_CACHE_KIB = 131_072


def rebuild_credits(batch: int = 500) -> int:
    """Recompute every company's stored credit, a batch of companies per transaction."""
    articles = article_facts()
    with transaction.atomic():
        # Companies deleted since: their rows went with them (cascade); nothing else is stale.
        _delete(list(AttributionCredit.objects.values_list("account_id", flat=True).distinct()
                     .exclude(account_id__in=Account.objects.values("pk"))))  # fmt: skip
    if connection.vendor != "sqlite":
        return sum(materialise_accounts(ids, articles) for ids in account_batches(size=batch))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (default,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{REBUILD_CACHE_KIB}")
    try:
        return sum(materialise_accounts(ids, articles) for ids in account_batches(size=batch))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(default)}")


def enqueue_attribution(account_ids: Iterable[int | None]) -> None:
    """Queue ``attribute_accounts`` for these companies once the current transaction commits."""
    ids = sorted({int(pk) for pk in account_ids if pk})
    if ids:
        transaction.on_commit(lambda: _send(ids))


def _send(account_ids: list[int]) -> None:
    from analytics.tasks import attribute_accounts  # tasks import this module

    attribute_accounts.delay(account_ids)
