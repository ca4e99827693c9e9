"""The edge of analytics: stamp validated events with server facts and make them durable."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import DateTimeField, Field, UUIDField
from django.http.request import split_domain_port
from django.utils import timezone

from analytics.enrich import Client, classify_channel, truncate_ip
from analytics.models import FilteredHit, RawEvent
from analytics.pages import PageResolver
from content.visitors import daily_visitor_id

PAGE_ID_CORRECTED = "page-id"  # FilteredHit reason: events stored with the server's page_id


@dataclass(frozen=True)
class Origin:
    """Facts about the request that carried the events, the same for every event in it."""

    received_at: datetime
    client: Client
    ip_prefix: str
    daily_visitor_id: str
    site_hosts: frozenset[str]
    user_id: int | None = None
    anonymous_only: bool = False  # Do-Not-Track / Global Privacy Control: ignore client ids


def site_hosts(request_host: str = "") -> frozenset[str]:
    hosts = {urlsplit(settings.SITE_URL).hostname or "", *settings.ANALYTICS_EXTRA_HOSTS}
    if request_host:
        hosts.add(split_domain_port(request_host)[0])
    return frozenset(h.lower() for h in hosts if h)


def make_origin(
    *, address: str, user_agent: str, host: str, client: Client, **extra: Any
) -> Origin:
    now = timezone.now()
    return Origin(
        received_at=now,
        client=client,
        ip_prefix=truncate_ip(address),
        daily_visitor_id=daily_visitor_id(timezone.localdate(now), address, user_agent, host),
        site_hosts=site_hosts(host),
        **extra,
    )


def foreign_urls(events: list[dict[str, Any]], origin: Origin) -> list[dict[str, str]]:
    """Events reporting pages of another site (someone replaying our endpoint), as errors."""
    return [
        {"field": f"events[{i}].url", "message": "is not a page of this site"}
        for i, event in enumerate(events)
        if (urlsplit(event["url"]).hostname or "").lower() not in origin.site_hosts
    ]


def stamp(event: dict[str, Any], origin: Origin) -> RawEvent:
    """A RawEvent row: the client's fields plus time, channel, device and the truncated IP."""
    client_id = event.get("visitor_id")
    if client_id and not origin.anonymous_only:
        visitor_id, kind = client_id, "cookie"
    else:
        visitor_id, kind = origin.daily_visitor_id, "daily"
    channel = classify_channel(
        event["url"], event.get("referrer", ""), origin.site_hosts, origin.client.wechat
    )
    return RawEvent(
        event_id=event["event_id"],
        type=event["type"],
        occurred_at=event.get("ts", origin.received_at),
        received_at=origin.received_at,
        visitor_id=visitor_id,
        visitor_kind=kind,
        user_id=origin.user_id,
        pageview_id=event.get("pageview_id"),
        page_id=event.get("page_id"),
        url=event["url"],
        referrer=event.get("referrer", ""),
        channel=channel.channel,
        source=channel.source,
        utm_medium=channel.utm_medium,
        utm_campaign=channel.utm_campaign,
        share_token=event.get("share_token", ""),
        method=event.get("method", ""),
        target=event.get("target", ""),
        engaged_ms=event.get("engaged_ms"),
        scroll_pct=event.get("scroll_pct"),
        device=origin.client.device,
        browser=origin.client.browser,
        ip_prefix=origin.ip_prefix,
    )


def record_events(events: list[dict[str, Any]], origin: Origin) -> int:
    """Store a batch in one transaction; events already stored (same event_id) are skipped.

    Returns once the rows are committed, so the caller may acknowledge. Re-sending a batch,
    whole or in part, is harmless: the unique event_id makes the write idempotent. Events of a
    bot are counted in FilteredHit, not stored; events whose page_id the client misreported are
    stored with the right one and counted there too.
    """
    if origin.client.bot_reason:
        FilteredHit.objects.create(
            day=timezone.localdate(origin.received_at),
            reason=origin.client.bot_reason,
            events=len(events),
        )
        return 0
    corrected = correct_page_ids(events)
    rows = [stamp(event, origin) for event in events]
    # Rare, so checked apart from the hot path: a re-sent batch counts its corrections once.
    stored = set(RawEvent.objects.filter(event_id__in=corrected).values_list("event_id", flat=True))
    insert_events(rows)
    if new := len(set(corrected) - stored):
        FilteredHit.objects.create(
            day=timezone.localdate(origin.received_at), reason=PAGE_ID_CORRECTED, events=new
        )
    return len(rows)


def correct_page_ids(events: list[dict[str, Any]]) -> list[uuid.UUID]:
    """Give every event the id of the live page its url shows, and return the event ids of
    those whose claimed page_id was replaced.

    The client's page_id is a claim anyone can make up (inflating another supplier's article);
    the url is what the reader had open. A mismatch is corrected rather than refused, so a real
    reader's event is never lost. Exactly:

    - the url shows a live page: the event gets that page's id (a replaced claim is counted);
    - the url shows no live page and the claimed page is live and a Wagtail redirect leads from
      the url's path to it (the article moved while the reader's tab stayed open): the claim is
      kept and not counted;
    - otherwise the event gets no page (None; a claim, if there was one, is counted).
    """
    resolver, corrected = PageResolver(), []
    for event in events:
        claimed, actual = event.get("page_id"), resolver.page_id(event["url"])
        if actual is None and claimed is not None and resolver.redirects_to(event["url"], claimed):
            actual = claimed
        if claimed is not None and claimed != actual:
            corrected.append(event["event_id"])
        event["page_id"] = actual
    return corrected


def insert_events(rows: list[RawEvent]) -> None:
    """One INSERT … ON CONFLICT (event_id) DO NOTHING, executed for every row, in one commit.

    The hot path of /collect skips bulk_create: profiling showed Django compiling a 20-row,
    23-column INSERT (and psycopg adapting its arrays) took ~30 % of a request, all of it inside
    the transaction, where on SQLite it holds the write lock the other workers wait for. Values
    are prepared with each field's own conversion before the transaction begins.
    """
    db = connections[DEFAULT_DB_ALIAS]  # resolved once: the proxy costs a lookup per use
    fields, sql = _insert_statement(db.vendor)
    # Only UUIDs and datetimes need the backend's conversion; the rest are already str or int.
    params = [
        [
            f.get_db_prep_save(getattr(row, f.attname), db)
            if isinstance(f, CONVERTED)
            else getattr(row, f.attname)
            for f in fields
        ]
        for row in rows
    ]
    with transaction.atomic(), db.cursor() as cursor:
        cursor.executemany(sql, params)


CONVERTED = (UUIDField, DateTimeField)


@cache
def _insert_statement(vendor: str) -> tuple[list[Field], str]:
    """The columns and the statement, built once per database vendor."""
    fields = [f for f in RawEvent._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO NOTHING".format(
        quote(RawEvent._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        quote("event_id"),
    )
    return fields, sql
