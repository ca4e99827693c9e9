"""Attribution credit per article, supplier, material or channel: summed from the stored rows
(API, dashboards) or computed from the database's journeys (the ``attribution`` command); both
give the same numbers, up to float summation order."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from analytics.attribution import (
    INQUIRY,
    KINDS,
    MODELS,
    ORDER,
    Attribution,
    Credit,
    Journey,
    Options,
    Totals,
    attribute_journeys,
)
from analytics.credits import COLUMNS, STORED_MODELS, credit_rows
from analytics.days import local_day
from analytics.journeys import all_journeys, article_facts
from analytics.models import AttributionCredit

BY = ("article", "supplier", "material", "channel")
BY_COLUMN = {"article": "article_id", "supplier": "supplier_id", "material": "material_id"}
NONE_KEY = "none"  # an article without supplier or material


@dataclass(frozen=True)
class CreditQuery:
    models: Sequence[str] = STORED_MODELS
    start: date | None = None  # conversions on or after this local day
    end: date | None = None  # and on or before this one
    by: str = "article"
    suppliers: Sequence[int] | None = None  # only credit on these suppliers' articles; None: all


def _key(value: object) -> str:
    return NONE_KEY if value is None else str(value)


def _in_range(day: date, query: CreditQuery) -> bool:
    return (query.start is None or day >= query.start) and (query.end is None or day <= query.end)


def stored_credit(query: CreditQuery) -> dict[str, dict[str, dict[str, Credit]]]:
    """model → conversion kind → key → credit, summed from ``AttributionCredit`` in one query."""
    column = BY_COLUMN.get(query.by, query.by)
    rows = AttributionCredit.objects.filter(model__in=list(query.models))
    if query.start:
        rows = rows.filter(day__gte=query.start)
    if query.end:
        rows = rows.filter(day__lte=query.end)
    if query.suppliers is not None:
        rows = rows.filter(supplier_id__in=list(query.suppliers))
    sums = (
        rows.values_list("model", "conversion_kind", column)
        .annotate(conversions=Sum("credit"), value=Sum("value"))
        .order_by()
    )
    result: dict[str, dict[str, dict[str, Credit]]] = {}
    for model, kind, key, conversions, value in sums:
        kinds = result.setdefault(model, {}).setdefault(kind, {})
        kinds[_key(key)] = Credit(conversions, value)
    return _ordered(result)


def _ordered(models: dict) -> dict:
    return {
        model: {kind: models[model][kind] for kind in KINDS if kind in models[model]}
        for model in MODELS
        if model in models
    }


def _totals(journeys: Iterable[Journey], query: CreditQuery) -> dict[str, Totals]:
    totals: dict[str, Totals] = {}
    for journey in journeys:
        for event in journey.events:
            if _in_range(local_day(event.ts), query):
                kind = totals.setdefault(event.kind, Totals())
                kind.conversions += 1
                kind.value += float(event.value)
    return totals


def _in_period(journey: Journey, query: CreditQuery) -> Journey:
    events = [e for e in journey.events if _in_range(local_day(e.ts), query)]
    return Journey(journey.account, journey.touches, events)


def computed_credit(query: CreditQuery, options: Options | None = None) -> Attribution:
    """Credit computed now from every company's journey (no stored rows). By article over all
    time this is ``attribute_journeys`` itself, the same call a journey file gets; otherwise
    per-touch rows summed like the stored ones. Markov (by article only) sees the conversions
    in the period and every company's later touches as non-converting."""
    options = options or Options()
    journeys = list(all_journeys())
    whole = query.start is None and query.end is None and query.suppliers is None
    if query.by == "article" and whole:
        return attribute_journeys(journeys, Options(query.models, *_rest(options)))
    result = Attribution(totals=_totals(journeys, query))
    rules = [model for model in query.models if model != "markov"]
    articles = article_facts()
    position = COLUMNS.index(BY_COLUMN.get(query.by, query.by))
    allowed = None if query.suppliers is None else set(query.suppliers)
    for row in credit_rows(journeys, articles, Options(rules, *_rest(options))):
        model, kind, day, supplier = row[0], row[1], row[9], row[6]
        if _in_range(day, query) and (allowed is None or supplier in allowed):
            credits = result.models.setdefault(model, {}).setdefault(kind, {})
            credit = credits.setdefault(_key(row[position]), Credit())
            credit.conversions += row[10]
            credit.value += row[11]
    if "markov" in query.models and query.by == "article" and query.suppliers is None:
        period = [_in_period(journey, query) for journey in journeys]
        markov = attribute_journeys(period, Options(("markov",), *_rest(options)))
        result.models.update(markov.models)
    result.models = _ordered(result.models)
    return result


def _rest(options: Options) -> tuple:
    return options.lookback, options.half_life, options.markov_order


__all__ = ["BY", "INQUIRY", "ORDER", "CreditQuery", "computed_credit", "stored_credit"]
