"""Share chains: tokens minted by sharing, and how an article spread from reader to reader."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from analytics.dialect import moment, table
from analytics.models import EventType, RawEvent, ShareToken, Visitor

# The share's parent is the token in the URL of the pageview it was shared from, if any.
REGISTER = """
INSERT INTO {tokens} (token, page_id, sharer_visitor_id, parent_token, method, created_at)
SELECT s.share_token, s.page_id, s.visitor_id, COALESCE(p.share_token, ''), s.method,
       s.occurred_at
FROM {raw} s
LEFT JOIN {raw} p ON p.event_id = s.pageview_id AND p.type = 'pageview' AND p.share_token <> ''
WHERE s.type = 'share' AND s.occurred_at >= %(start)s AND s.occurred_at < %(end)s
ON CONFLICT (token) DO NOTHING"""


def register_share_tokens(start: datetime, end: datetime) -> int:
    """Record the tokens of share events in [start, end), each with the token its sharer came
    through (its parent in the chain), in one INSERT … SELECT. Re-running adds nothing: tokens
    are unique. Returns how many tokens were new."""
    sql = REGISTER.format(tokens=table(ShareToken), raw=table(RawEvent))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": moment(start), "end": moment(end)})
        return cursor.rowcount


@dataclass
class Reader:
    visitor_id: str
    account_id: int | None
    account: str
    first_view: datetime
    shares: list["Share"] = field(default_factory=list)


@dataclass
class Share:
    token: str
    sharer_visitor_id: str
    sharer_account_id: int | None
    sharer_account: str
    method: str
    created_at: datetime
    readers: list[Reader] = field(default_factory=list)


@dataclass
class ShareTree:
    page_id: int
    roots: list[Share]
    readers: int  # distinct visitors who arrived through any share of the page
    accounts: int  # distinct buyer companies among sharers and readers
    cross_account_arrivals: int  # readers of a company other than their sharer's


def share_tree(page_id: int) -> ShareTree:
    """How a page spread: each share, who arrived through it, and what those readers shared."""
    tokens = {t.token: t for t in ShareToken.objects.filter(page_id=page_id)}
    arrivals: dict[str, dict[str, datetime]] = defaultdict(dict)
    # share_token <> '' lets PostgreSQL use the partial arrivals index: it cannot prove it from
    # an IN list of more than 100 tokens, and without it a popular article's tree read every
    # pageview (1.4 s at 10 M events).
    rows = RawEvent.objects.filter(type=EventType.PAGEVIEW, share_token__in=list(tokens)).exclude(
        share_token=""
    )
    for token, visitor_id, at in rows.values_list("share_token", "visitor_id", "occurred_at"):
        if visitor_id != tokens[token].sharer_visitor_id:
            first = arrivals[token].get(visitor_id)
            arrivals[token][visitor_id] = min(first, at) if first else at
    everyone = {t.sharer_visitor_id for t in tokens.values()}
    everyone |= {v for readers in arrivals.values() for v in readers}
    known = Visitor.objects.filter(visitor_id__in=everyone, contact__account__isnull=False)
    rows = known.values_list("visitor_id", "contact__account_id", "contact__account__name")
    accounts = {visitor_id: account_id for visitor_id, account_id, _ in rows}
    names = {account_id: name for _, account_id, name in rows}
    children: dict[tuple[str, str], list[ShareToken]] = defaultdict(list)
    for token in tokens.values():
        if token.parent_token in tokens:
            children[(token.parent_token, token.sharer_visitor_id)].append(token)
    cross = 0

    def build(token: ShareToken, seen: frozenset) -> Share:
        nonlocal cross
        sharer_account = accounts.get(token.sharer_visitor_id)
        node = Share(token.token, token.sharer_visitor_id, sharer_account,
                     names.get(sharer_account, ""), token.method, token.created_at)  # fmt: skip
        for visitor_id, at in sorted(arrivals[token.token].items(), key=lambda kv: kv[1]):
            account_id = accounts.get(visitor_id)
            reader = Reader(visitor_id, account_id, names.get(account_id, ""), at)
            cross += reader.account_id is not None and reader.account_id != sharer_account
            for child in children[(token.token, visitor_id)]:
                if child.token not in seen:
                    reader.shares.append(build(child, seen | {child.token}))
            node.readers.append(reader)
        return node

    roots = [
        build(t, frozenset({t.token}))
        for t in sorted(tokens.values(), key=lambda t: t.created_at)
        if t.parent_token not in tokens
    ]
    readers = {v for r in arrivals.values() for v in r}
    return ShareTree(
        page_id=page_id,
        roots=roots,
        readers=len(readers),
        accounts=len({a for a in accounts.values() if a}),
        cross_account_arrivals=cross,
    )
