"""Daily rollups: one day's pageviews and what followed them, per article, supplier, material,
channel and buyer company, computed by the database in one INSERT … SELECT … GROUP BY; and the
day's engaged reads of each buyer company per contact, page and channel (``CompanyRead``).

A day is always recomputed whole (or, after an identity change, whole for the companies it
touched), deleting and inserting in one transaction, so re-running gives identical rows.
"""

from collections.abc import Collection
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction

from analytics.days import day_bounds
from analytics.dialect import day_value, moment, prepare_rollup, table
from analytics.models import CompanyRead, Contact, DailyRollup, Dimension, RawEvent, Visitor
from content.models import ArticlePage, MaterialPage, SupplierPage

# Follow-up events (engagement, scroll, share, download, click) count on their pageview's day;
# a reader who opened a page before midnight is still reading it after.
FOLLOW_UP_WINDOW = timedelta(hours=6)
SCROLL_MARKS = (25, 50, 75, 100)
METRICS = (
    "views", "visitors", "engaged_reads", "active_ms", "scroll_25", "scroll_50", "scroll_75",
    "scroll_100", "shares", "share_views", "share_reach", "downloads", "outbound_clicks",
)  # fmt: skip

# One row per pageview of the day with the largest active time and scroll its follow-ups
# reported and how many shares, downloads and clicks they were. Follow-ups are aggregated by
# pageview first, so the join is one row to at most one row (a hash join on PostgreSQL).
VIEWS = """
follow AS MATERIALIZED (
    SELECT pageview_id,
           MAX(CASE WHEN engaged_ms > 0 THEN engaged_ms ELSE 0 END) AS active_ms,
           MAX(CASE WHEN scroll_pct > 0 THEN scroll_pct ELSE 0 END) AS scroll,
           SUM(CASE WHEN type = 'share' THEN 1 ELSE 0 END) AS shares,
           SUM(CASE WHEN type = 'download' THEN 1 ELSE 0 END) AS downloads,
           SUM(CASE WHEN type = 'click' THEN 1 ELSE 0 END) AS clicks
    FROM {raw}
    WHERE occurred_at >= %(start)s AND occurred_at < %(until)s
      AND type <> 'pageview' AND pageview_id IS NOT NULL
    GROUP BY pageview_id
),
views AS MATERIALIZED (
    SELECT pv.visitor_id, pv.page_id, pv.channel, pv.share_token,
           COALESCE(f.active_ms, 0) AS active_ms, COALESCE(f.scroll, 0) AS scroll,
           COALESCE(f.shares, 0) AS shares, COALESCE(f.downloads, 0) AS downloads,
           COALESCE(f.clicks, 0) AS clicks
    FROM {raw} pv LEFT JOIN follow f ON f.pageview_id = pv.event_id
    WHERE pv.type = 'pageview' AND pv.occurred_at >= %(start)s AND pv.occurred_at < %(end)s
      {visitor_filter}
)"""

COLUMNS = "v.visitor_id, v.share_token, v.active_ms, v.scroll, v.shares, v.downloads, v.clicks"

# Each branch gives the (dimension, key) a pageview counts towards; a view counts once in each.
BRANCHES = {
    Dimension.SITE: "SELECT 'site' AS dimension, 'all' AS k, {cols} FROM views v",
    Dimension.CHANNEL: "SELECT 'channel' AS dimension, v.channel AS k, {cols} FROM views v",
    Dimension.ARTICLE: (
        "SELECT 'article' AS dimension, CAST(a.page_ptr_id AS TEXT) AS k, {cols} "
        "FROM views v JOIN {article} a ON a.page_ptr_id = v.page_id"
    ),
    Dimension.SUPPLIER: (
        "SELECT 'supplier' AS dimension, CAST(a.supplier_id AS TEXT) AS k, {cols} "
        "FROM views v JOIN {article} a ON a.page_ptr_id = v.page_id "
        "WHERE a.supplier_id IS NOT NULL "
        "UNION ALL SELECT 'supplier' AS dimension, CAST(s.page_ptr_id AS TEXT) AS k, {cols} "
        "FROM views v JOIN {supplier} s ON s.page_ptr_id = v.page_id"
    ),
    Dimension.MATERIAL: (
        "SELECT 'material' AS dimension, CAST(m.material_id AS TEXT) AS k, {cols} "
        "FROM views v JOIN {article_materials} m ON m.articlepage_id = v.page_id "
        "UNION ALL SELECT 'material' AS dimension, CAST(h.material_id AS TEXT) AS k, {cols} "
        "FROM views v JOIN {material} h ON h.page_ptr_id = v.page_id"
    ),
    Dimension.ACCOUNT: (
        "SELECT 'account' AS dimension, CAST(c.account_id AS TEXT) AS k, {cols} "
        "FROM views v JOIN {visitor} vi ON vi.visitor_id = v.visitor_id "
        "JOIN {contact} c ON c.id = vi.contact_id "
        "WHERE c.account_id IS NOT NULL {account_filter}"
    ),
}

AGGREGATE = """
SELECT %(day)s, dimension, k,
       COUNT(*), COUNT(DISTINCT visitor_id),
       SUM(CASE WHEN active_ms >= %(engaged_ms)s OR scroll >= %(engaged_pct)s THEN 1 ELSE 0 END),
       SUM(active_ms),
       {scroll},
       SUM(shares),
       SUM(CASE WHEN share_token <> '' THEN 1 ELSE 0 END),
       COUNT(DISTINCT CASE WHEN share_token <> '' THEN visitor_id END),
       SUM(downloads), SUM(clicks)
FROM keyed
GROUP BY dimension, k"""


# Only browsers linked to a company's contact are read, so this costs a fraction of the rollup.
COMPANY_READS = """
INSERT INTO {company_read} (day, account_id, contact_id, page_id, channel, reads, first_at, last_at)
WITH linked AS MATERIALIZED (
    SELECT vi.visitor_id, c.id AS contact_id, c.account_id
    FROM {visitor} vi JOIN {contact} c ON c.id = vi.contact_id
    WHERE c.account_id IS NOT NULL {account_filter}
),
follow AS MATERIALIZED (
    SELECT f.pageview_id,
           MAX(CASE WHEN f.engaged_ms > 0 THEN f.engaged_ms ELSE 0 END) AS active_ms,
           MAX(CASE WHEN f.scroll_pct > 0 THEN f.scroll_pct ELSE 0 END) AS scroll
    FROM {raw} f JOIN linked l ON l.visitor_id = f.visitor_id
    WHERE f.occurred_at >= %(start)s AND f.occurred_at < %(until)s
      AND f.type <> 'pageview' AND f.pageview_id IS NOT NULL
    GROUP BY f.pageview_id
)
SELECT %(day)s, l.account_id, l.contact_id, pv.page_id, pv.channel, COUNT(*),
       MIN(pv.occurred_at), MAX(pv.occurred_at)
FROM {raw} pv
JOIN linked l ON l.visitor_id = pv.visitor_id
JOIN follow f ON f.pageview_id = pv.event_id
WHERE pv.type = 'pageview' AND pv.occurred_at >= %(start)s AND pv.occurred_at < %(end)s
  AND pv.page_id IS NOT NULL
  AND (f.active_ms >= %(engaged_ms)s OR f.scroll >= %(engaged_pct)s)
GROUP BY l.account_id, l.contact_id, pv.page_id, pv.channel"""


def _names() -> dict[str, str]:
    return {
        "raw": table(RawEvent),
        "article": table(ArticlePage),
        "article_materials": table(ArticlePage.materials.through),
        "supplier": table(SupplierPage),
        "material": table(MaterialPage),
        "visitor": table(Visitor),
        "contact": table(Contact),
        "rollup": table(DailyRollup),
        "company_read": table(CompanyRead),
    }


def rollup_statement(accounts: Collection[int] | None = None) -> str:
    """The INSERT … SELECT of a day; with ``accounts``, only those companies' rows."""
    names = _names()
    visitor_filter = account_filter = ""
    branches = list(BRANCHES)
    if accounts is not None:
        ids = ", ".join(str(int(a)) for a in accounts)  # ints only: safe to inline
        account_filter = f"AND c.account_id IN ({ids})"
        visitor_filter = (
            f"AND pv.visitor_id IN (SELECT vi.visitor_id FROM {names['visitor']} vi "
            f"JOIN {names['contact']} c ON c.id = vi.contact_id WHERE c.account_id IN ({ids}))"
        )
        branches = [Dimension.ACCOUNT]
    keyed = " UNION ALL ".join(
        BRANCHES[b].format(cols=COLUMNS, account_filter=account_filter, **names) for b in branches
    )
    views = VIEWS.format(visitor_filter=visitor_filter, **names)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("day", "dimension", "key", *METRICS))
    scroll = ", ".join(f"SUM(CASE WHEN scroll >= {m} THEN 1 ELSE 0 END)" for m in SCROLL_MARKS)
    select = AGGREGATE.format(scroll=scroll)
    return f"INSERT INTO {names['rollup']} ({columns}) WITH {views}, keyed AS ({keyed}) {select}"


def _params(day: date) -> dict:
    start, end = day_bounds(day)
    return {
        "day": day_value(day),
        "start": moment(start),
        "end": moment(end),
        "until": moment(end + FOLLOW_UP_WINDOW),
        "engaged_ms": settings.ANALYTICS_ENGAGED_SECONDS * 1000,
        "engaged_pct": settings.ANALYTICS_ENGAGED_SCROLL_PCT,
    }


def rollup_day(day: date, accounts: Collection[int] | None = None) -> int:
    """Replace the day's rollup rows (or only those of ``accounts``) with fresh ones, and the
    day's company reads with them; returns how many rollup rows were written."""
    if accounts is not None and not accounts:
        return 0
    stale = DailyRollup.objects.filter(day=day)
    if accounts is not None:
        stale = stale.filter(dimension=Dimension.ACCOUNT, key__in=[str(a) for a in accounts])
    with transaction.atomic(), connection.cursor() as cursor:
        prepare_rollup(cursor)
        stale.delete()
        cursor.execute(rollup_statement(accounts), _params(day))
        written = cursor.rowcount
        rollup_company_reads(day, accounts)
        return written


def rollup_company_reads(day: date, accounts: Collection[int] | None = None) -> int:
    """Replace the day's ``CompanyRead`` rows (or only those of ``accounts``); returns how many
    were written."""
    if accounts is not None and not accounts:
        return 0
    stale = CompanyRead.objects.filter(day=day)
    account_filter = ""
    if accounts is not None:
        stale = stale.filter(account_id__in=list(accounts))
        ids = ", ".join(str(int(a)) for a in accounts)  # ints only: safe to inline
        account_filter = f"AND c.account_id IN ({ids})"
    with transaction.atomic(), connection.cursor() as cursor:
        stale.delete()
        cursor.execute(
            COMPANY_READS.format(account_filter=account_filter, **_names()), _params(day)
        )
        return cursor.rowcount
