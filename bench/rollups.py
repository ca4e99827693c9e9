"""Benchmark the daily rollup: generate a day of 1,000,000 raw events in bulk, then time the
set-based SQL rollup (share tokens, sessions, rollups) against the old per-row Python one.

    python bench/rollups.py                      # SQLite in a temporary directory
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:54400/postgres python bench/rollups.py \
        --database postgres                      # a database of its own on that server

The old Python rollup is timed on a smaller day (``--baseline-events``, 100,000 by default), in
the same run and database, and checked to give the same rows as the SQL one on that day.
"""

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if TYPE_CHECKING:
    from analytics.synthetic import Population

BENCH_DATABASE = "yaoyun_rollup_bench"
BIG_DAY, BASELINE_DAY = date(2026, 3, 10), date(2026, 3, 1)  # far apart: sessions read ±1 day
SEED = 2026


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--baseline-events", type=int, default=100_000)
    parser.add_argument("--visitors", type=int, default=60_000)
    return parser.parse_args()


def setup_django(database: str, tmp: Path) -> None:
    os.environ["YAOYUN_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # page saves enqueue indexing: no broker here
    if database == "postgres":
        from bench.search_latency import bench_database_url, recreate_database

        server, url = bench_database_url(BENCH_DATABASE)
        recreate_database(server, create=True, name=BENCH_DATABASE)
        os.environ["DATABASE_URL"] = url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_site(visitors: int) -> "Population":
    """Three suppliers, 30 articles on 10 materials, hub pages, and readers of which a quarter
    belong to one of 300 buyer companies."""
    from analytics.models import Account, Contact, Visitor
    from analytics.synthetic import Population
    from content.models import ArticlePage, Material, MaterialIndexPage, MaterialPage
    from content.site_setup import ensure_site
    from content.workspaces import create_supplier

    ensure_site()
    materials = [Material.objects.create(name=f"药材{i}", pinyin=f"m{i}") for i in range(10)]
    index = MaterialIndexPage.objects.get()
    pages = [
        index.add_child(instance=MaterialPage(title=m.name, slug=m.pinyin, material=m)).pk
        for m in materials[:5]
    ]
    for s in range(3):
        supplier = create_supplier(f"供应商{s}").page
        pages.append(supplier.pk)
        for a in range(10):
            article = supplier.add_child(
                instance=ArticlePage(title=f"文章{s}-{a}", slug=f"a{a}", summary="摘要")
            )
            article.materials.set(materials[a % 10 : a % 10 + 1 + a % 2])
            article.save()
            pages.append(article.pk)
    ids = [f"reader-{i:06d}" for i in range(visitors)]
    accounts = Account.objects.bulk_create(Account(name=f"公司{i}") for i in range(300))
    contacts = Contact.objects.bulk_create(
        Contact(account=accounts[i % 300]) for i in range(visitors // 4)
    )
    Visitor.objects.bulk_create(
        Visitor(visitor_id=v, first_seen="2026-01-01T00:00:00Z", contact=c)
        for v, c in zip(ids, contacts, strict=False)
    )
    return Population([*pages, None], ids)


def timed(step: Callable[[], object]) -> tuple[float, object]:
    began = time.perf_counter()
    result = step()
    return time.perf_counter() - began, result


def generate(day: date, events: int, population: "Population") -> tuple[float, int]:
    from django.db import connection

    from analytics.models import RawEvent
    from analytics.synthetic import insert_synthetic, synthetic_day

    def load() -> int:
        rows = synthetic_day(day, events, population, SEED + day.toordinal())
        if connection.vendor != "sqlite":
            return insert_synthetic(rows)
        # A bulk load: the table's secondary indexes are dropped and rebuilt once afterwards.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [RawEvent._meta.db_table],
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            stored = insert_synthetic(rows)
            for _, sql in indexes:
                cursor.execute(sql)
        return stored

    seconds, stored = timed(load)
    with connection.cursor() as cursor:  # what autovacuum / a periodic ANALYZE would give
        cursor.execute(f"ANALYZE {connection.ops.quote_name(RawEvent._meta.db_table)}")
    return seconds, stored


def sql_steps(day: date) -> dict[str, float]:
    from analytics.days import day_bounds
    from analytics.rollups import rollup_day
    from analytics.sessions import build_sessions
    from analytics.shares import register_share_tokens

    start, end = day_bounds(day)
    return {
        "share tokens": timed(lambda: register_share_tokens(start, end))[0],
        "sessions": timed(lambda: build_sessions(day))[0],
        "rollups": timed(lambda: rollup_day(day))[0],
    }


def python_steps(day: date) -> dict[str, float]:
    from tests.analytics.reference_rollups import reference_rollups
    from tests.analytics.reference_sessions import reference_sessions

    return {
        "sessions": timed(lambda: reference_sessions(day))[0],
        "rollups": timed(lambda: reference_rollups(day))[0],
    }


def same_rows(day: date) -> bool:
    from analytics.models import DailyRollup
    from analytics.rollups import METRICS
    from tests.analytics.reference_rollups import reference_rollups

    stored = {
        (r["dimension"], r["key"]): tuple(r[m] for m in METRICS)
        for r in DailyRollup.objects.filter(day=day).values("dimension", "key", *METRICS)
    }
    return stored == reference_rollups(day)


def print_table(database: str, rows: list[tuple[str, str, str, str]]) -> None:
    header = ("step", "events", "old Python s", "SQL s")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    print(f"\nrollup of one day on {database}")
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(
            "  ".join(
                cell.rjust(w) if i else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-rollups-") as tmp:
        setup_django(args.database, Path(tmp))
        try:
            run(args)
        finally:
            if args.database == "postgres":
                from django.db import connections

                from bench.search_latency import drop_database

                connections.close_all()
                drop_database(BENCH_DATABASE)


def run(args: argparse.Namespace) -> None:
    population = make_site(args.visitors)
    rows: list[tuple[str, str, str, str]] = []
    base_gen, base_n = generate(BASELINE_DAY, args.baseline_events, population)
    old = python_steps(BASELINE_DAY)
    new = sql_steps(BASELINE_DAY)
    for step in ("share tokens", "sessions", "rollups"):
        before = f"{old[step]:.2f}" if step in old else "-"
        rows.append((step, f"{base_n:,}", before, f"{new[step]:.2f}"))
    rows.append(("total", f"{base_n:,}", f"{sum(old.values()):.2f}", f"{sum(new.values()):.2f}"))
    big_gen, big_n = generate(BIG_DAY, args.events, population)
    big = sql_steps(BIG_DAY)
    for step, seconds in big.items():
        rows.append((step, f"{big_n:,}", "-", f"{seconds:.2f}"))
    rows.append(("total", f"{big_n:,}", "-", f"{sum(big.values()):.2f}"))
    print_table(args.database, rows)
    print(
        f"\ngenerated {base_n:,} events in {base_gen:.1f} s and {big_n:,} in {big_gen:.1f} s "
        f"({big_n / big_gen:,.0f} events/s, generation and bulk insert; ANALYZE not included)"
    )
    print(
        f"SQL rollup rows equal the old Python ones on the {base_n:,}-event day: "
        f"{same_rows(BASELINE_DAY)}"
    )


if __name__ == "__main__":
    main()
