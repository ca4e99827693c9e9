"""Benchmark the analytics dashboards on PostgreSQL at 10 million raw events: generate a year of
data with bulk SQL, roll it up and materialise attribution as production does, then time every
view of the Analytics admin menu as platform staff and as a supplier's user.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:54610/postgres \
        python bench/dashboards.py                 # full scale: ≥ 10 M events (tens of minutes)
    ... python bench/dashboards.py --scale 0.01    # a quick check
    ... python bench/dashboards.py --keep          # reuse the database the last run generated

Then it runs bench/rollups.py on the same server: the rollup time of one day of 1 M events.

Views are found, not listed: every admin URL named ``analytics_dashboard_*`` (and the admin home,
which carries the summary panel). Each request goes through Django's test Client in-process, so
the time is the server's whole work for it (middleware, session, query, render) without any
network; "cold" clears Django's cache first (PostgreSQL's own buffers stay warm), "warm" asks
again with the cache filled.
"""

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCH_DATABASE = "yaoyun_dashboard_bench"
SEED = 2026
RANGES = (30, 365)
TARGET_WARM_MS, TARGET_COLD_MS = 500, 2000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10 M events (default)")
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    parser.add_argument("--name", default=BENCH_DATABASE, help="the bench database's name")
    parser.add_argument("--suppliers", type=int, default=12)
    parser.add_argument("--articles", type=int, default=25, help="articles per supplier")
    parser.add_argument("--cold", type=int, default=7, help="cold requests per figure")
    parser.add_argument("--warm", type=int, default=20, help="warm requests per figure")
    parser.add_argument(
        "--no-rollup-day", action="store_true", help="skip bench/rollups.py (a day of 1 M events)"
    )
    parser.add_argument(
        "--credits",
        choices=("production", "skip"),
        default="production",
        help="materialise attribution with rebuild_credits (the attribution --rebuild path)",
    )
    return parser.parse_args()


def setup_django(keep: bool, name: str) -> str:
    """Point Django at the bench database (made afresh unless ``keep``) and migrate it."""
    var_dir = Path(os.environ.get("YAOYUN_VAR_DIR") or tempfile.mkdtemp(prefix="bench-dash-"))
    os.environ["YAOYUN_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    os.environ["DEBUG"] = "0"  # no query log growing in memory, templates as in production
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # page saves enqueue indexing: no broker here
    from bench.search_latency import bench_database_url, recreate_database

    server, url = bench_database_url(name)
    if not keep:
        recreate_database(server, create=True, name=name)
    os.environ["DATABASE_URL"] = url
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.conf import settings

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # DEBUG off: manifest
        call_command("collectstatic", interactive=False, verbosity=0)
    return url


def timed(step: Callable[[], object]) -> tuple[float, object]:
    began = time.perf_counter()
    result = step()
    return time.perf_counter() - began, result


def generate(args: argparse.Namespace) -> list[tuple[str, float]]:
    """Every generation and processing step with its seconds."""
    from django.utils import timezone

    from bench.dashboards_data import (
        DAYS,
        Plan,
        make_buyers,
        make_content,
        make_conversions,
        make_events,
    )

    today = timezone.localdate()
    plan = Plan(args.scale, today - timedelta(days=DAYS - 1), today, args.suppliers, args.articles)
    steps = [
        ("content (Wagtail pages)", timed(lambda: make_content(plan, SEED))[0]),
        ("buyer companies, contacts, browsers", timed(lambda: make_buyers(plan))[0]),
        ("raw events (INSERT … SELECT, indexes rebuilt)", timed(lambda: make_events(plan))[0]),
        ("inquiries and orders", timed(lambda: make_conversions(plan))[0]),
    ]
    steps += process(plan)
    if args.credits == "production":
        from analytics.credits import rebuild_credits

        steps.append(("attribution credit (rebuild_credits)", timed(rebuild_credits)[0]))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done by the time of use
    return steps


def process(plan) -> list[tuple[str, float]]:
    """The daily pipeline of analytics.processing for every day of the year (share tokens,
    sessions, rollups), without its per-day attribution enqueue: credit is rebuilt once after."""
    from analytics.days import day_bounds, days_between
    from analytics.rollups import rollup_day
    from analytics.sessions import build_sessions
    from analytics.shares import register_share_tokens

    totals = {"share tokens": 0.0, "sessions": 0.0, "rollups": 0.0}
    for day in days_between(plan.first_day, plan.last_day):
        start, end = day_bounds(day)
        totals["share tokens"] += timed(lambda: register_share_tokens(start, end))[0]  # noqa: B023
        totals["sessions"] += timed(lambda: build_sessions(day))[0]  # noqa: B023
        totals["rollups"] += timed(lambda: rollup_day(day))[0]  # noqa: B023
    days = (plan.last_day - plan.first_day).days + 1
    return [(f"{step}, {days} days (set-based SQL)", s) for step, s in totals.items()]


def row_counts() -> list[tuple[str, int]]:
    from analytics.models import (
        Account,
        AttributionCredit,
        Contact,
        DailyRollup,
        Inquiry,
        Order,
        RawEvent,
        Session,
        Visitor,
    )
    from content.models import ArticlePage, SupplierPage

    models = (RawEvent, Session, DailyRollup, AttributionCredit, Inquiry, Order, Account,
              Contact, Visitor, SupplierPage, ArticlePage)  # fmt: skip
    return [(m._meta.db_table, m.objects.count()) for m in models]


def dashboard_urls(fills: dict[str, int]) -> list[tuple[str, str]]:
    """(name, path) of every admin URL named ``analytics_dashboard_*``, its parameters filled
    from ``fills`` (an article, a company, a material, the supplier in the supplier user's
    scope); the admin home (summary panel) first."""
    from django.urls import NoReverseMatch, get_resolver, reverse

    found = [("admin home", reverse("wagtailadmin_home"))]
    names = sorted(
        n for n in get_resolver().reverse_dict if isinstance(n, str)
        and n.startswith("analytics_dashboard_")
    )  # fmt: skip
    for name in names:
        params = get_resolver().reverse_dict.getlist(name)[0][0][0][1]
        try:
            path = reverse(name, kwargs={p: fills[p] for p in params})
        except (KeyError, NoReverseMatch):
            print(f"skipped {name}: cannot fill {params}", file=sys.stderr)
            continue
        found.append((name.removeprefix("analytics_dashboard_"), path))
    return found


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(client, path: str, cold: int, warm: int) -> tuple[list[float], list[float]]:
    """Milliseconds of ``cold`` requests after clearing the cache, then ``warm`` ones."""
    from django.core.cache import cache

    def one() -> float:
        seconds, response = timed(lambda: client.get(path, HTTP_HOST="localhost"))
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        return seconds * 1000

    colds = []
    for _ in range(cold):
        cache.clear()
        colds.append(one())
    return colds, [one() for _ in range(warm)]


def run_views(args: argparse.Namespace) -> list[tuple]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from analytics.models import Inquiry
    from analytics.queries.params import own_suppliers
    from content.models import ArticlePage

    users = get_user_model().objects
    supplier_user = users.get(username="bench-supplier")
    own = own_suppliers(supplier_user)[0]
    article = ArticlePage.objects.filter(supplier_id=own).order_by("pk").first()
    inquiry = Inquiry.objects.filter(supplier_id=own).order_by("pk").first()
    fills = {"page_id": article.pk, "article_id": article.pk, "pk": article.pk,
             "supplier_id": own, "account_id": inquiry.account_id,
             "material_id": inquiry.material_id}  # fmt: skip
    rows = []
    for role, user in (("staff", users.get(username="bench-staff")), ("supplier", supplier_user)):
        client = Client()
        client.force_login(user)
        for name, path in dashboard_urls(fills):
            for days in RANGES:
                sep = "&" if "?" in path else "?"
                url = path if name == "admin home" else f"{path}{sep}days={days}"
                if name == "admin home" and days != RANGES[0]:
                    continue  # the home panel always shows seven days
                cold, warm = measure(client, url, args.cold, args.warm)
                rows.append((name, role, "7" if name == "admin home" else str(days), cold, warm))
    return rows


def print_views(rows: list[tuple]) -> None:
    header = ("view", "role", "days", "cold p50", "cold p95", "warm p50", "warm p95", "target")
    table = []
    for name, role, days, cold, warm in rows:
        ok = percentile(cold, 95) < TARGET_COLD_MS and percentile(warm, 95) < TARGET_WARM_MS
        figures = [percentile(cold, 50), percentile(cold, 95)]
        figures += [percentile(warm, 50), percentile(warm, 95)]
        table.append((name, role, days, *(f"{v:.0f}" for v in figures), "ok" if ok else "MISS"))
    print_table("server time per view, ms", header, table)


def print_table(title: str, header: tuple, rows: list[tuple]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    for row in [header, tuple("-" * w for w in widths), *rows]:
        cells = [str(c).rjust(w) if i > 2 else str(c).ljust(w) for i, (c, w) in
                 enumerate(zip(row, widths, strict=True))]  # fmt: skip
        print("  ".join(cells))


def run_rollup_day(scale: float) -> None:
    """bench/rollups.py on the same server: one day of 1 M events (× scale) rolled up, in a
    database of its own (it drops it afterwards)."""
    import subprocess

    events, baseline = max(10_000, round(1_000_000 * scale)), max(1_000, round(100_000 * scale))
    script = Path(__file__).resolve().parent / "rollups.py"
    command = [sys.executable, str(script), "--database", "postgres", "--events", str(events),
               "--baseline-events", str(baseline)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    print(f"\n$ {' '.join(command[1:])}", flush=True)
    subprocess.run(command, env=env, check=True)


def main() -> None:
    args = parse_args()
    setup_django(args.keep, args.name)
    from analytics.models import RawEvent

    if not (args.keep and RawEvent.objects.exists()):
        steps = generate(args)
        print_table("generation", ("step", "s"), [(s, f"{t:.1f}") for s, t in steps])
        print(f"total {sum(t for _, t in steps):.1f} s")
    print_table("rows", ("table", "rows"), [(n, f"{c:,}") for n, c in row_counts()])
    print_views(run_views(args))
    print(
        f"\nmethod: Django test Client in-process, {args.cold} cold requests (Django cache "
        f"cleared before each) and {args.warm} warm ones per figure; days=30 and days=365 "
        "end today. Targets: p95 < 500 ms warm, < 2 s cold."
    )
    if not args.no_rollup_day:
        run_rollup_day(args.scale)


if __name__ == "__main__":
    main()
