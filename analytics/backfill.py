"""Backfilling engagement history (``import_events``): the /collect schema plus ``ts``."""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from analytics.collect import Origin, insert_events, site_hosts, stamp
from analytics.days import local_day
from analytics.enrich import Client, classify_client
from analytics.models import FilteredHit, RawEvent
from analytics.schema import IMPORT_FIELDS, SchemaError, validate_event
from content.importers import ImportProblem

BATCH = 500
UNKNOWN_CLIENT = Client(device="unknown", browser="other", wechat=False, bot_reason="")


@dataclass
class BackfillReport:
    stored: int = 0  # new rows
    duplicates: int = 0  # event_ids already stored (a re-run, or events /collect got live)
    filtered: int = 0  # sent by bots according to their user_agent
    days: set[date] = field(default_factory=set)
    problems: list[ImportProblem] = field(default_factory=list)


def _parse(raw: str) -> dict:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SchemaError([{"field": "", "message": f"not JSON: {exc.msg}"}]) from exc
    except RecursionError as exc:
        raise SchemaError([{"field": "", "message": "nested too deeply"}]) from exc
    return validate_event(data, "", fields=IMPORT_FIELDS)


def import_events(
    lines: Iterable[str], on_line: Callable[[int], object] | None = None
) -> BackfillReport:
    """Validate every line; store the good ones (in batches, each event whole or not at all)."""
    report, pending = BackfillReport(), []
    hosts, now = site_hosts(), timezone.now()
    for number, raw in enumerate(lines, start=1):
        if on_line:
            on_line(1)
        if not raw.strip():
            continue
        try:
            event = _parse(raw)
        except SchemaError as exc:
            report.problems += [
                ImportProblem(number, d["field"].lstrip("."), d["message"]) for d in exc.detail
            ]
            continue
        agent = event.pop("user_agent", "")
        client = classify_client(agent, {}) if agent else UNKNOWN_CLIENT
        if client.bot_reason:
            FilteredHit.objects.create(
                day=local_day(event["ts"]), reason=client.bot_reason, events=1
            )
            report.filtered += 1
            continue
        origin = Origin(now, client, "", "", hosts)
        pending.append(stamp(event, origin))
        if len(pending) >= BATCH:
            _store(pending, report)
            pending = []
    _store(pending, report)
    return report


def _store(rows: list[RawEvent], report: BackfillReport) -> None:
    if not rows:
        return
    ids = [row.event_id for row in rows]
    with transaction.atomic():
        existing = set(RawEvent.objects.filter(event_id__in=ids).values_list("event_id", flat=True))
        new = [row for row in rows if row.event_id not in existing]
        unique = list({row.event_id: row for row in new}.values())
        insert_events(unique)  # the same write as /collect
    report.stored += len(unique)
    report.duplicates += len(rows) - len(unique)
    report.days |= {local_day(row.occurred_at) for row in unique}
