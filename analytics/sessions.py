"""Sessions: a visitor's events split wherever they paused longer than the session gap, found by
the database with window functions (LAG over each visitor's events) in one INSERT … SELECT."""

from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction

from analytics.days import day_bounds
from analytics.dialect import epoch_microseconds, moment, table
from analytics.models import RawEvent, Session

# How far around the day events are read: a session starting in the day is found exactly as long
# as it does not run on, without a pause, for more than this past the day's end.
SPAN = timedelta(days=1)
COLUMNS = (
    "visitor_id", "started_at", "ended_at", "pageviews", "events", "engaged_ms", "entry_page_id",
    "channel", "source", "share_token",
)  # fmt: skip

# ev: the day's visitors' events around the day; marked: 1 where a session starts (a visitor's
# first event, or one after a pause longer than the gap); numbered: the running count of starts
# is the session number; entries: each session's first pageview; engaged: each pageview's
# largest engaged time within its session (a pageview split by a pause counts in both).
STATEMENT = """
WITH ev AS MATERIALIZED (
    SELECT id, visitor_id, occurred_at, type, pageview_id, page_id, channel, source,
           share_token, engaged_ms, {epoch} AS us
    FROM {raw}
    WHERE occurred_at >= %(before)s AND occurred_at < %(after)s
      AND visitor_id IN (
          SELECT DISTINCT visitor_id FROM {raw}
          WHERE occurred_at >= %(start)s AND occurred_at < %(end)s)
),
marked AS (
    SELECT ev.*,
           CASE WHEN LAG(us) OVER w IS NULL OR us - LAG(us) OVER w > %(gap)s
                THEN 1 ELSE 0 END AS starts
    FROM ev
    WINDOW w AS (PARTITION BY visitor_id ORDER BY occurred_at, id)
),
numbered AS MATERIALIZED (
    SELECT marked.*,
           SUM(starts) OVER (PARTITION BY visitor_id ORDER BY occurred_at, id
                             ROWS UNBOUNDED PRECEDING) AS n,
           ROW_NUMBER() OVER (PARTITION BY visitor_id, type ORDER BY occurred_at, id) AS nth
    FROM marked
),
sessions AS (
    SELECT visitor_id, n, MIN(occurred_at) AS started_at, MAX(occurred_at) AS ended_at,
           SUM(CASE WHEN type = 'pageview' THEN 1 ELSE 0 END) AS pageviews,
           COUNT(*) AS events,
           MIN(CASE WHEN type = 'pageview' THEN nth END) AS entry_nth
    FROM numbered
    GROUP BY visitor_id, n
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
       COALESCE(g.engaged_ms, 0), e.page_id, COALESCE(e.channel, ''), COALESCE(e.source, ''),
       COALESCE(e.share_token, '')
FROM sessions s
LEFT JOIN engaged g ON g.visitor_id = s.visitor_id AND g.n = s.n
LEFT JOIN numbered e ON e.visitor_id = s.visitor_id AND e.type = 'pageview'
                    AND e.nth = s.entry_nth
WHERE s.started_at >= %(start)s AND s.started_at < %(end)s"""


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
        Session.objects.filter(started_at__gte=start, started_at__lt=end).delete()
        cursor.execute(session_statement(), params)
        return cursor.rowcount
