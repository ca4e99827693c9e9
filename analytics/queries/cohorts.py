"""Buyer-company cohorts: companies by the month of their first touch, and how many of each
cohort inquired or ordered in each month after (month 0 is the month of the first touch)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import DateField, Min
from django.db.models.functions import TruncMonth

from analytics.days import local_day
from analytics.queries.cache import cached
from analytics.queries.params import DashboardInput
from analytics.queries.scope import (
    company_reads,
    scoped_company_inquiries,
    scoped_company_orders,
)

COHORT_RULES = """A company's first touch is its earliest engaged read of an article in scope ever
recorded (the daily CompanyRead rollup, kept when raw events are purged); it joins the cohort of
that month when the first touch falls inside the date range. A company converts in month k when it
sent an inquiry or placed an order (one that still carries revenue) in scope at or after its first
touch, in the k-th calendar month after the first touch's month, up to the range's last day; a
company converting in several months counts in each. Cells after the range's last month are
empty."""


@dataclass(frozen=True)
class CohortRow:
    month: date  # first day of the cohort's month
    companies: int
    # per month offset 0..N: companies converting, None when that month lies after the range
    converted: list[int | None]

    @property
    def percentages(self) -> list[float | None]:
        return [
            None if n is None else (round(n * 100 / self.companies, 1) if self.companies else 0.0)
            for n in self.converted
        ]


@dataclass(frozen=True)
class Cohorts:
    inp: DashboardInput
    offsets: int  # N + 1 columns
    rows: list[CohortRow]


def month_of(day: date) -> date:
    return day.replace(day=1)


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def _first_touches(inp: DashboardInput) -> dict[int, datetime]:
    rows = (
        company_reads(inp, from_start=False)
        .values("account_id")
        .annotate(first=Min("first_at"))
        .values_list("account_id", "first")
    )
    return {
        account: first
        for account, first in rows
        if account is not None and inp.start <= local_day(first) <= inp.end
    }


def _conversions(inp: DashboardInput, accounts: set[int]) -> list[tuple[int, datetime, date]]:
    """Each conversion of these companies: (company, time, first day of its local month).
    The month comes from the database: a year of a busy platform is 100,000 conversions."""
    month = {"output_field": DateField()}
    inquiries = (
        scoped_company_inquiries(inp)
        .annotate(month=TruncMonth("created_at", **month))
        .values_list("account_id", "created_at", "month")
    )
    orders = (
        scoped_company_orders(inp)
        .annotate(month=TruncMonth("ordered_at", **month))
        .values_list("account_id", "ordered_at", "month")
    )
    return [row for row in (*inquiries, *orders) if row[0] in accounts]


def compute_cohorts(inp: DashboardInput) -> Cohorts:
    first = _first_touches(inp)
    last_month = month_of(inp.end)
    months = months_between(month_of(inp.start), last_month) + 1
    converted: dict[tuple[date, int], set[int]] = defaultdict(set)
    cohort_of = {account: month_of(local_day(at)) for account, at in first.items()}
    for account, at, month in _conversions(inp, set(first)):
        if at >= first[account]:
            cohort = cohort_of[account]
            converted[cohort, months_between(cohort, month)].add(account)
    sizes: dict[date, int] = defaultdict(int)
    for cohort in cohort_of.values():
        sizes[cohort] += 1
    rows = []
    for i in range(months):
        cohort = _add_months(month_of(inp.start), i)
        observable = months_between(cohort, last_month)
        rows.append(
            CohortRow(
                cohort,
                sizes[cohort],
                [len(converted[cohort, k]) if k <= observable else None for k in range(months)],
            )
        )
    return Cohorts(inp, months, rows)


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def cohorts(inp: DashboardInput) -> Cohorts:
    """The cohort matrix for ``inp``, from the cache while no rollup has run since."""
    return cached("cohorts", inp.cache_key(), lambda: compute_cohorts(inp))
