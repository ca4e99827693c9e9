"""The dashboard benchmark's data set, made by PostgreSQL itself (INSERT … SELECT over
generate_series): a year of sessions of 1-5 pageviews with their follow-ups, buyer companies and
their contacts' browsers, inquiries and orders. Run through ``bench/dashboards.py``.

Only the few hundred pages go through Wagtail; every other row is written by set-based SQL, so
ten million events take minutes, not hours. Random draws use ``random()`` after ``setseed``:
one backend, one statement at a time, so a run is repeatable on one server version.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction

from analytics.days import day_bounds

# Full scale (``--scale 1``): about 1.2 M sessions × 3 pageviews × (1 + 1 + 0.75 + 0.1)
# follow-ups ≈ 10.3 M raw events.
SESSIONS = 1_200_000
VISITORS = 400_000  # a quarter of them are buyer companies' contacts
ACCOUNTS = 20_000
CONTACTS_PER_ACCOUNT = 5
INQUIRIES = 55_000
ORDERS = 55_000
DAYS = 365
CHANNELS = ("direct", "search", "wechat", "internal", "social", "referral", "campaign")
SHARE_EVERY = 25  # one session in 25 opens with a share; the session 7 later arrives through it


@dataclass(frozen=True)
class Plan:
    """How many of each row to make, and the local days the events fall on."""

    scale: float
    first_day: date
    last_day: date
    suppliers: int
    articles_per_supplier: int

    def count(self, full: int, least: int = 100) -> int:
        return max(least, round(full * self.scale))


def make_content(plan: Plan, seed: int) -> dict:
    """Suppliers, their articles (1-2 materials each) and material hub pages, through Wagtail;
    returns the supplier ids and one supplier user's username."""
    from django.contrib.auth import get_user_model

    from content.models import ArticlePage, Material, MaterialIndexPage, MaterialPage
    from content.site_setup import ensure_site
    from content.workspaces import create_supplier

    rng = random.Random(seed)
    ensure_site()
    materials = Material.objects.bulk_create(
        Material(name=f"药材{i}", pinyin=f"yaocai{i}", category="根及根茎类") for i in range(40)
    )
    index = MaterialIndexPage.objects.get()
    for m in materials[:10]:
        index.add_child(instance=MaterialPage(title=m.name, slug=m.pinyin, material=m))
    suppliers = []
    for s in range(plan.suppliers):
        workspace = create_supplier(f"供应商{s}")
        suppliers.append(workspace.page.pk)
        for a in range(plan.articles_per_supplier):
            page = workspace.page.add_child(
                instance=ArticlePage(
                    title=f"文章{s}-{a}",
                    slug=f"a-{s}-{a}",
                    kind=rng.choice(("product", "technology")),
                    summary="黄芪统货",
                )
            )
            page.materials.set(rng.sample(materials, rng.choice((1, 1, 2))))
            page.save()  # a ParentalManyToManyField writes its rows on save
        if s == 0:
            user = get_user_model().objects.create_user("bench-supplier", "s@example.com", "x")
            user.groups.add(workspace.group)
    get_user_model().objects.create_superuser("bench-staff", "staff@example.com", "x")
    return {"suppliers": suppliers}


def _execute(sql: str, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def _names() -> dict[str, str]:
    from analytics.models import Account, Contact, Inquiry, Order, RawEvent, Visitor
    from content.models import ArticlePage, MaterialPage, SupplierPage

    quote = connection.ops.quote_name
    return {
        "raw": quote(RawEvent._meta.db_table),
        "account": quote(Account._meta.db_table),
        "contact": quote(Contact._meta.db_table),
        "visitor": quote(Visitor._meta.db_table),
        "inquiry": quote(Inquiry._meta.db_table),
        "order": quote(Order._meta.db_table),
        "article": quote(ArticlePage._meta.db_table),
        "article_materials": quote(ArticlePage.materials.through._meta.db_table),
        "supplier": quote(SupplierPage._meta.db_table),
        "material_page": quote(MaterialPage._meta.db_table),
    }


def make_buyers(plan: Plan) -> None:
    """Companies, five contacts each, and one browser per contact: ``v1`` … ``vC``."""
    n = _names()
    start = day_bounds(plan.first_day)[0]
    accounts = plan.count(ACCOUNTS, 20)
    _execute(
        f"INSERT INTO {n['account']} (name, created_at) "
        f"SELECT '买家' || g, %(at)s FROM generate_series(1, %(n)s) g",
        {"at": start, "n": accounts},
    )
    _execute(
        f"INSERT INTO {n['contact']} (name, account_id, created_at) "
        f"SELECT 'c' || a.id || '-' || k, a.id, %(at)s FROM {n['account']} a "
        f"CROSS JOIN generate_series(1, %(k)s) k ORDER BY a.id, k",
        {"at": start, "k": CONTACTS_PER_ACCOUNT},
    )
    _execute(
        f"INSERT INTO {n['visitor']} (visitor_id, first_seen, contact_id) "
        f"SELECT 'v' || ROW_NUMBER() OVER (ORDER BY id), %(at)s, id FROM {n['contact']}",
        {"at": start},
    )


# The page pool: articles by popularity (the square of a uniform draw favours the first ones),
# one pageview in twelve on a supplier or material hub page.
PAGES = """
CREATE UNLOGGED TABLE bench_page AS
SELECT ROW_NUMBER() OVER (ORDER BY page_ptr_id) AS n, page_ptr_id AS page_id, FALSE AS hub
FROM {article}
UNION ALL
SELECT 100000 + ROW_NUMBER() OVER (ORDER BY page_ptr_id), page_ptr_id, TRUE
FROM (SELECT page_ptr_id FROM {supplier} UNION ALL SELECT page_ptr_id FROM {material_page}) h
"""

# One row per pageview: sessions spread evenly over the year (so session s - 7 came before s),
# pageviews 150 s apart (well inside the 30-minute session gap).
PAGEVIEWS = """
CREATE UNLOGGED TABLE bench_pageview AS
WITH sess AS MATERIALIZED (
    SELECT s,
           'v' || (1 + floor(random() * %(visitors)s)::int) AS visitor,
           %(start)s::timestamptz + (s - random()) * %(step)s * interval '1 second' AS began,
           (%(channels)s::text[])[1 + floor(random() * %(n_channels)s)::int] AS channel,
           1 + floor(random() * 5)::int AS pageviews,
           CASE WHEN random() < 0.8 THEN 'desktop' ELSE 'mobile' END AS device
    FROM generate_series(1, %(sessions)s) s
),
pool AS (
    SELECT ARRAY(SELECT page_id FROM bench_page WHERE NOT hub ORDER BY n) AS articles,
           ARRAY(SELECT page_id FROM bench_page WHERE hub ORDER BY n) AS hubs
)
SELECT md5('pv:' || s || ':' || k)::uuid AS id, s, k, visitor, channel, device,
       began + (k - 1) * interval '150 seconds' AS at,
       CASE WHEN k = 1 AND s %% {every} = 7 AND s > 7 THEN 'T' || (s - 7) ELSE '' END
           AS share_token,
       CASE WHEN random() < 0.083
            THEN hubs[1 + floor(random() * cardinality(hubs))::int]
            ELSE articles[1 + floor(pow(random(), 2) * cardinality(articles))::int]
       END AS page_id
FROM sess CROSS JOIN pool CROSS JOIN LATERAL generate_series(1, sess.pageviews) k
"""

RAW_COLUMNS = (
    "event_id, type, occurred_at, received_at, visitor_id, visitor_kind, user_id, pageview_id, "
    "page_id, url, referrer, channel, source, utm_medium, utm_campaign, share_token, method, "
    "target, engaged_ms, scroll_pct, device, browser, ip_prefix"
)

# Pageviews, then each one's engagement report (always), deepest scroll (three in four), and one
# in ten a download or an outbound click; the first pageview of every 25th session is shared.
EVENTS = """
INSERT INTO {raw} ({columns})
SELECT id, 'pageview', at, at, visitor, 'cookie', NULL::int, NULL::uuid, page_id,
       'https://example.com/p/' || page_id, '', CASE WHEN share_token <> '' THEN 'wechat'
       ELSE channel END, '', '', '', share_token, '', '', NULL::int, NULL::int, device, 'chrome', ''
FROM bench_pageview
UNION ALL
SELECT md5('e:' || id)::uuid, 'engagement', at + interval '60 seconds',
       at + interval '60 seconds', visitor, 'cookie', NULL::int, id, page_id, '', '', channel, '',
       '', '', '', '', '', floor(random() * 120000)::int, floor(random() * 101)::int, device,
       'chrome', ''
FROM bench_pageview
UNION ALL
SELECT md5('s:' || id)::uuid, 'scroll', at + interval '20 seconds', at + interval '20 seconds',
       visitor, 'cookie', NULL::int, id, page_id, '', '', channel, '', '', '', '', '', '', NULL,
       (ARRAY[25, 50, 75, 100])[1 + floor(random() * 4)::int], device, 'chrome', ''
FROM bench_pageview WHERE random() < 0.75
UNION ALL
SELECT md5('x:' || id)::uuid, kind, at + interval '90 seconds', at + interval '90 seconds',
       visitor, 'cookie', NULL::int, id, page_id, '', '', channel, '', '', '', '', '',
       'https://example.org/file.pdf', NULL, NULL, device, 'chrome', ''
FROM (SELECT *, CASE WHEN random() < 0.5 THEN 'download' ELSE 'click' END AS kind
      FROM bench_pageview WHERE random() < 0.1) x
UNION ALL
SELECT md5('sh:' || id)::uuid, 'share', at + interval '100 seconds',
       at + interval '100 seconds', visitor, 'cookie', NULL::int, id, page_id, '', '', channel, '',
       '', '', 'T' || s, 'wechat', '', NULL, NULL, device, 'chrome', ''
FROM bench_pageview WHERE k = 1 AND s %% {every} = 0
"""


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX …) of the table's indexes that no constraint owns."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        return cursor.fetchall()


def make_events(plan: Plan) -> int:
    """The year of raw events; the secondary indexes are dropped and built once afterwards."""
    from analytics.models import RawEvent

    n = _names()
    start = day_bounds(plan.first_day)[0]
    seconds = (day_bounds(plan.last_day)[1] - start).total_seconds() - 3600
    sessions = plan.count(SESSIONS, 1000)
    params = {
        "visitors": plan.count(VISITORS, 200),
        "start": start,
        "step": seconds / sessions,
        "channels": list(CHANNELS),
        "n_channels": len(CHANNELS),
        "sessions": sessions,
    }
    indexes = _secondary_indexes(RawEvent._meta.db_table)
    with transaction.atomic():
        _execute("SELECT setseed(0.2026)")
        _execute("DROP TABLE IF EXISTS bench_page")
        _execute("DROP TABLE IF EXISTS bench_pageview")
        _execute(PAGES.format(**n))
        _execute(PAGEVIEWS.format(every=SHARE_EVERY), params)
        for name, _ in indexes:
            _execute(f'DROP INDEX "{name}"')
        written = _execute(EVENTS.format(columns=RAW_COLUMNS, every=SHARE_EVERY, **n))
        _execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, sql in indexes:
            _execute(sql)
        _execute("DROP TABLE bench_pageview")
    return written


# A contact and one of the articles its company read decide each conversion's supplier and
# material, so attribution finds reads of the supplier's content before it.
CONVERSION_BASE = """
WITH people AS (
    SELECT ROW_NUMBER() OVER (ORDER BY c.id) AS n, c.id AS contact_id, c.account_id,
           v.visitor_id
    FROM {contact} c JOIN {visitor} v ON v.contact_id = c.id
),
reads AS MATERIALIZED (
    SELECT DISTINCT ON (p.visitor_id) p.visitor_id, p.page_id, a.supplier_id,
           m.material_id
    FROM bench_page b JOIN {raw} p ON p.page_id = b.page_id AND p.type = 'pageview'
    JOIN {article} a ON a.page_ptr_id = p.page_id
    JOIN {article_materials} m ON m.articlepage_id = p.page_id
    WHERE NOT b.hub AND p.visitor_id IN (SELECT visitor_id FROM people)
    ORDER BY p.visitor_id, p.occurred_at DESC
),
picked AS MATERIALIZED (
    SELECT g, p.contact_id, p.account_id, p.visitor_id, r.page_id, r.supplier_id,
           r.material_id,
           %(start)s::timestamptz + (g - random()) * %(step)s * interval '1 second' AS at
    FROM generate_series(1, %(n)s) g
    JOIN people p ON p.n = 1 + (g * 7919 %% (SELECT COUNT(*) FROM people))
    JOIN reads r ON r.visitor_id = p.visitor_id
)
"""

INQUIRIES_SQL = (
    CONVERSION_BASE
    + """
INSERT INTO {inquiry} (supplier_id, page_id, share_token, material_id, spec, quantity, unit,
    delivery_place, message, contact_name, company, credit_code, phone, email, contact_id,
    account_id, visitor_id, status, notes, ip_prefix, created_at)
SELECT supplier_id, page_id, '', material_id, '', 100, 'kg', '', '', '买家', '买家' || account_id,
       '', '', '', contact_id, account_id, visitor_id, 'new', '', '', at
FROM picked
"""
)

ORDERS_SQL = (
    CONVERSION_BASE
    + """
INSERT INTO {order} (order_id, account_id, buyer_company, credit_code, contact_id,
    contact_email, contact_phone, supplier_id, material_id, spec, quantity, unit, amount,
    currency, ordered_at, inquiry_id_ref, status, created_at, updated_at)
SELECT 'O' || g, account_id, '买家' || account_id, '', contact_id, '', '', supplier_id,
       material_id, '', 100, 'kg', (ARRAY[8000, 20000, 48000])[1 + floor(random() * 3)::int],
       'CNY', at, '', CASE WHEN random() < 0.1 THEN 'refunded' ELSE 'paid' END, at, at
FROM picked
"""
)


def make_conversions(plan: Plan) -> tuple[int, int]:
    """Inquiries and orders spread over the year's second half (so reads precede them)."""
    n = _names()
    middle = day_bounds(plan.first_day + timedelta(days=DAYS // 2))[0]
    seconds = (day_bounds(plan.last_day)[1] - middle).total_seconds() - 3600
    counts = []
    for sql, full in ((INQUIRIES_SQL, INQUIRIES), (ORDERS_SQL, ORDERS)):
        # Every contact who read an article has one; a few more draws make up for those who
        # did not (the join drops them).
        wanted = plan.count(full, 50)
        params = {"start": middle, "step": seconds / wanted, "n": round(wanted * 1.3)}
        with transaction.atomic():
            counts.append(_execute(sql.format(**n), params))
    _execute("DROP TABLE IF EXISTS bench_page")
    _execute("ANALYZE")
    return counts[0], counts[1]
