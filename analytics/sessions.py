"""Sessions: a visitor's events split wherever they paused longer than the session gap, found by
the database with window functions (LAG over each visitor's events) in one INSERT … SELECT."""

from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction

from analytics.days import day_bounds
from analytics.dialect import epoch_microseconds, moment, prepare_rollup, table
from analytics.models import RawEvent, Session

# How far around the day events are read: a session starting in the day is found exactly as long
# as it does not run on, without a pause, for more than this past the day's end.
SPAN = timedelta(days=1)
COLUMNS = (
    "visitor_id", "started_at", "ended_at", "pageviews", "events", "engaged_ms", "entry_page_id",
    "channel", "source", "share_token",
)  # fmt: skip

# marked: each event of the day's visitors around the day, 1 where a session starts (a
# visitor's first event, or one after a pause longer than the gap) and its place in its
# visitor's sequence (read through the (visitor_id, occurred_at) index, rows arrive in window
# order and SQLite skips that sort); numbered: the running count of starts is the session
# number; sessions: those starting in the day, with their entry, the first pageview, found as
# the smallest seq * 2^40 + id (seq orders, the id comes back out of the low bits: ids stay
# below 2^40); engaged: each pageview's largest engaged time within its session (a pageview
# split by a pause counts in both).
STATEMENT = """
WITH marked AS (
    SELECT id, visitor_id, occurred_at, type, pageview_id, engaged_ms,
           CASE WHEN LAG({epoch}) OVER w IS NULL OR {epoch} - LAG({epoch}) OVER w > %(gap)s
                THEN 1 ELSE 0 END AS starts,
           ROW_NUMBER() OVER w AS seq
    FROM {raw}
    WHERE visitor_id IN (
          SELECT visitor_id FROM {raw}
          WHERE occurred_at >= %(start)s AND occurred_at < %(end)s)
      AND occurred_at >= %(before)s AND occurred_at < %(after)s
    WINDOW w AS (PARTITION BY visitor_id ORDER BY occurred_at, id)
),
numbered AS MATERIALIZED (
    SELECT id, visitor_id, occurred_at, type, pageview_id, engaged_ms, seq,
           SUM(starts) OVER (PARTITION BY visitor_id ORDER BY seq ROWS UNBOUNDED PRECEDING) AS n
    FROM marked
),
sessions AS MATERIALIZED (
    SELECT visitor_id, n, MIN(occurred_at) AS started_at, MAX(occurred_at) AS ended_at,
           SUM(CASE WHEN type = 'pageview' THEN 1 ELSE 0 END) AS pageviews,
           COUNT(*) AS events,
           MIN(CASE WHEN type = 'pageview' THEN seq * 1099511627776 + id END) AS entry
    FROM numbered
    GROUP BY visitor_id, n
    HAVING MIN(occurred_at) >= %(start)s AND MIN(occurred_at) < %(end)s
),
engaged AS (
    SELECT visitor_id, n, SUM(best) AS engaged_ms
    FROM (
        SELECT visitor_id, n, pageview_id,
               MAX(CASE WHEN engaged_ms > 0 THEN engaged_ms ELSE 0 END) AS best
        FROM numbered
        WHERE engaged_ms IS NOT NULL AND pageview_id IS NOT NULL
        GROUP BY visitor_id, n, pageview_id
    ) per_pageview
    GROUP BY visitor_id, n
)
SELECT s.visitor_id, s.started_at, s.ended_at, s.pageviews, s.events,
       COALESCE(g.engaged_ms, 0), r.page_id, COALESCE(r.channel, ''), COALESCE(r.source, ''),
       COALESCE(r.share_token, '')
FROM sessions s
LEFT JOIN engaged g ON g.visitor_id = s.visitor_id AND g.n = s.n
LEFT JOIN {raw} r ON r.id = s.entry %% 1099511627776"""


def session_statement() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in COLUMNS)
    select = STATEMENT.format(epoch=epoch_microseconds("occurred_at"), raw=table(RawEvent))
    return f"INSERT INTO {table(Session)} ({columns}) {select}"


def build_sessions(day: date) -> int:
    """Recompute every session that starts on ``day``; safe to re-run (replaces them)."""
    start, end = day_bounds(day)
    gap = timedelta(minutes=settings.ANALYTICS_SESSION_GAP_MINUTES)
    params = {
        "start": moment(start),
        "end": moment(end),
        "before": moment(start - SPAN),
        "after": moment(end + SPAN),
        "gap": gap // timedelta(microseconds=1),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        prepare_rollup(cursor)
        Session.objects.filter(started_at__gte=start, started_at__lt=end).delete()
        cursor.execute(session_statement(), params)
        return cursor.rowcount
