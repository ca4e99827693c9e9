"""Attribution from the database: 1,000,000 engaged article reads of buyer companies' contacts
and 20,000 conversions written with bulk SQL, then every stored model materialised (the full
``attribution --rebuild`` path), the stored credit queried as the API does, and the incremental
update after 1,000 new events. Run through ``bench/attribution.py --database sqlite|postgres``.
"""

import os
import random
import resource
import shutil
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 1, 1, tzinfo=UTC)
CHANNELS = ["search", "direct", "wechat", "internal", "referral"]
CHANNEL_WEIGHTS = [5, 3, 3, 2, 1]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(database_url: str | None, var_dir: str) -> None:
    os.environ["YAOYUN_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def insert(table: str, columns: list[str], rows, batch: int = 20_000) -> int:
    """INSERT rows through the driver in one transaction: COPY on PostgreSQL, executemany on
    SQLite (outside a transaction every row would be its own synced commit)."""
    from django.db import connection, transaction

    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == batch:
                cursor.executemany(sql, chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
    return count + len(chunk)


def make_content(suppliers: int, articles: int, rng: random.Random) -> list:
    """Suppliers and live article pages through Wagtail (a few hundred pages, not timed)."""
    from content.models import ArticlePage, Material
    from content.workspaces import create_supplier

    materials = Material.objects.bulk_create(
        [Material(name=f"药材{i}", pinyin=f"yaocai{i}", category="根及根茎类") for i in range(20)]
    )
    pages = []
    for s in range(suppliers):
        workspace = create_supplier(f"供应商{s}")
        for a in range(articles // suppliers):
            page = workspace.page.add_child(
                instance=ArticlePage(
                    title=f"文章{s}-{a}", slug=f"a-{s}-{a}", kind="product", summary="黄芪统货"
                )
            )
            page.materials.set(rng.sample(materials, rng.choice([1, 1, 2])))
            pages.append(page)
    return pages


def make_buyers(accounts: int, rng: random.Random) -> dict[int, list[tuple[int, str]]]:
    """Companies of 2-6 contacts, one browser each; company → [(contact, visitor id)]."""
    from django.db import connection

    from analytics.models import Account, Contact, Visitor

    now = connection.ops.adapt_datetimefield_value(START)
    insert(Account._meta.db_table, ["name", "created_at"],
           ((f"买家{i}", now) for i in range(accounts)))  # fmt: skip
    account_ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    sizes = {a: rng.randint(2, 6) for a in account_ids}
    insert(Contact._meta.db_table, ["name", "account_id", "created_at"],
           ((f"c{a}-{i}", a, now) for a in account_ids for i in range(sizes[a])))  # fmt: skip
    people: dict[int, list[tuple[int, str]]] = {a: [] for a in account_ids}
    for pk, account_id in Contact.objects.values_list("pk", "account_id"):
        people[account_id].append((pk, f"v{pk}"))
    insert(Visitor._meta.db_table, ["visitor_id", "first_seen", "contact_id"],
           ((v, now, c) for group in people.values() for c, v in group))  # fmt: skip
    return people


def read_rows(
    people, articles: list, per_account: int, rng: random.Random, days=180, at=None, received=None
):
    """Engaged reads: a pageview and its engagement follow-up (45 s active) each, received when
    they occurred unless ``received`` is given."""
    from django.db import connection

    from analytics.models import RawEvent

    uuid_field = RawEvent._meta.get_field("event_id")
    as_uuid = lambda u: uuid_field.get_db_prep_value(u, connection)  # noqa: E731
    as_time = connection.ops.adapt_datetimefield_value
    popularity = [1 / rank for rank in range(1, len(articles) + 1)]
    for contacts in people.values():
        for _ in range(per_account):
            _contact, visitor = rng.choice(contacts)
            page = rng.choices(articles, popularity)[0]
            moment = at or START + timedelta(seconds=rng.uniform(0, days * 86400))
            channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
            pageview = uuid.uuid4()
            common = [visitor, "cookie", page.pk, f"http://localhost/a/{page.pk}/", channel,
                      "desktop", "chrome"] + [""] * 8  # fmt: skip
            arrived = as_time(received or moment)
            yield [as_uuid(pageview), "pageview", as_time(moment), arrived, None, None,
                   None, *common]  # fmt: skip
            later = moment + timedelta(seconds=50)
            yield [as_uuid(uuid.uuid4()), "engagement", as_time(later), arrived,
                   as_uuid(pageview), 45_000, 40, *common]  # fmt: skip


RAW_COLUMNS = ["event_id", "type", "occurred_at", "received_at", "pageview_id", "engaged_ms",
               "scroll_pct", "visitor_id", "visitor_kind", "page_id", "url", "channel", "device",
               "browser", "referrer", "source", "utm_medium", "utm_campaign", "share_token",
               "method", "target", "ip_prefix"]  # fmt: skip


def make_conversions(people, pages, rng: random.Random) -> None:
    """One inquiry and one order per company: inquiry between day 60 and 150, order 1-30 days
    after; one order in ten refunded."""
    from django.db import connection

    from analytics.models import Inquiry, Order

    as_time = connection.ops.adapt_datetimefield_value
    as_decimal = connection.ops.adapt_decimalfield_value
    material = pages[0].materials.first().pk
    supplier = pages[0].supplier_id
    inquiries, orders = [], []
    for account_id, contacts in people.items():
        asked = START + timedelta(days=rng.uniform(60, 150))
        bought = asked + timedelta(days=rng.uniform(1, 30))
        contact = contacts[0][0]
        inquiries.append([supplier, material, as_decimal(Decimal(100), 14, 3), "kg", "买家", "买家",
                          contact, account_id, as_time(asked)] + [""] * 10 + ["new"])  # fmt: skip
        status = "refunded" if rng.random() < 0.1 else "paid"
        orders.append([f"O{account_id}", account_id, "买家", "", contact, "", "", supplier,
                       material, "", as_decimal(Decimal(100), 14, 3), "kg",
                       as_decimal(Decimal(rng.choice([8000, 20000, 48000])), 14, 2), "CNY",
                       as_time(bought), "", status, as_time(bought), as_time(bought)])  # fmt: skip
    insert(Inquiry._meta.db_table, ["supplier_id", "material_id", "quantity", "unit",
           "contact_name", "company", "contact_id", "account_id", "created_at", "share_token",
           "spec", "delivery_place", "message", "credit_code", "phone", "email", "visitor_id",
           "notes", "ip_prefix", "status"], inquiries)  # fmt: skip
    insert(Order._meta.db_table, ["order_id", "account_id", "buyer_company", "credit_code",
           "contact_id", "contact_email", "contact_phone", "supplier_id", "material_id", "spec",
           "quantity", "unit", "amount", "currency", "ordered_at", "inquiry_id_ref", "status",
           "created_at", "updated_at"], orders)  # fmt: skip


def timed(work):
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def run_database(kind: str, touches: int, conversions: int, seed: int, url: str | None) -> list:
    """Every step's figures as (work, seconds, note) rows."""
    rng = random.Random(seed)
    var_dir = tempfile.mkdtemp(prefix="bench-attribution-db-")
    setup_django(url if kind == "postgres" else None, var_dir)
    from django.db import connection, transaction

    from analytics.credits import materialise_accounts, rebuild_credits
    from analytics.journeys import accounts_changed_since, accounts_read_between
    from analytics.models import AttributionCredit, RawEvent
    from analytics.queries.attribution import CreditQuery, stored_credit

    rows = []
    pages, seconds = timed(lambda: make_content(10, 100, rng))
    rows.append(("set-up: 10 suppliers, 100 article pages (Wagtail, not bulk)", seconds, ""))
    accounts = conversions // 2
    people, seconds = timed(lambda: make_buyers(accounts, rng))
    contacts = sum(len(group) for group in people.values())
    rows.append((f"bulk insert: {accounts:,} companies, {contacts:,} contacts", seconds, ""))
    events = read_rows(people, pages, touches // accounts, rng)
    written, seconds = timed(lambda: insert(RawEvent._meta.db_table, RAW_COLUMNS, events))
    rows.append((f"bulk insert: {written:,} raw events ({written // 2:,} engaged reads)",
                 seconds, ""))  # fmt: skip
    _, seconds = timed(lambda: make_conversions(people, pages, rng))
    rows.append((f"bulk insert: {conversions:,} conversions (inquiries, orders)", seconds, ""))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    before = peak_rss_mb()
    stored, seconds = timed(rebuild_credits)
    memory = f"peak RSS {peak_rss_mb():,.0f} MB (before {before:,.0f} MB)"
    rows.append((f"materialise all stored models (attribution --rebuild), {stored:,} rows",
                 seconds, memory))  # fmt: skip
    _, seconds = timed(lambda: stored_credit(CreditQuery(by="article")))
    rows.append(("API query: all stored models by article (stored rows summed)", seconds, ""))
    _, seconds = timed(
        lambda: stored_credit(CreditQuery(by="material", suppliers=[pages[0].supplier_id]))
    )
    rows.append(("API query: one supplier's credit by material", seconds, ""))

    day = START + timedelta(days=120, hours=3)  # a day inside most companies' windows
    chosen = dict(rng.sample(sorted(people.items()), min(500, len(people))))
    arrived = START + timedelta(days=200)  # after every stored event: the periodic run's mark
    new = read_rows(chosen, pages, 1, rng, at=day, received=arrived)
    _, seconds = timed(lambda: insert(RawEvent._meta.db_table, RAW_COLUMNS, new))
    kept = AttributionCredit.objects.exclude(account_id__in=list(chosen)).count()

    def incremental(accounts: list[int]):
        with transaction.atomic():
            return materialise_accounts(accounts)

    rewritten, seconds = timed(lambda: incremental(list(chosen)))
    rows.append((f"incremental: 1,000 new events (500 reads of 500 companies), those companies "
                 f"re-attributed, {rewritten:,} rows rewritten", seconds,
                 f"{kept:,} other rows untouched"))  # fmt: skip
    # The periodic run: the companies with events received since its mark, found and re-attributed.
    mark = arrived - timedelta(minutes=10)
    changed, seconds = timed(lambda: accounts_changed_since(mark))
    rewritten, more = timed(lambda: incremental(changed))
    rows.append((f"  the periodic run: {len(changed):,} companies changed since its mark found "
                 f"({seconds:.2f} s) and re-attributed, {rewritten:,} rows", seconds + more,
                 ""))  # fmt: skip
    # What the periodic run did before: every company with a read on the recomputed day.
    affected = accounts_read_between(day - timedelta(hours=3), day + timedelta(hours=21))
    rewritten, seconds = timed(lambda: incremental(affected))
    rows.append((f"  before: all {len(affected):,} companies read that day, {rewritten:,} rows",
                 seconds, "what explicit day reprocessing still does"))  # fmt: skip
    connection.close()
    shutil.rmtree(var_dir, ignore_errors=True)  # the SQLite file is gigabytes
    return rows
