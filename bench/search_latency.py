"""Benchmark the search API at N indexed articles on SQLite or PostgreSQL beside a 204 baseline."""

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.page_serving import (
    HOST,
    PYTHON,
    ROOT,
    BenchError,
    WrkResult,
    build_env,
    free_port,
    log_problems,
    manage,
    marked,
    parse_wrk,
    run_with_wrk,
    start_gunicorn,
    stop,
    wait_healthy,
)
from content.demo_text import DemoArticle, make_article, supplier_names

if TYPE_CHECKING:  # Django-backed types, imported for real only inside the indexing worker
    from content.models import Material
    from search.analysis import Analyzer
    from search.engines.base import IndexDocument

SEED = 2026
SUPPLIERS = 24
# 500 documents per engine.index call: one transaction and a few bulk statements per batch,
# large enough to amortise round trips, small enough to keep the worker's memory flat.
BATCH_SIZE = 500
BENCH_DATABASE = "yaoyun_search_bench"
DB_FILE = "yaoyun.sqlite3"  # under YAOYUN_VAR_DIR, as cms.settings.base names it
SEQUENTIAL_ROUNDS = 10  # every query this many times, one request at a time
TARGET_P95_MS = 50.0  # DESIGN.md, "Performance targets": search API at 50,000 articles
PAGE_SIZE = 50  # issue 13: the catalogue-scale target is stated for page_size 50
SETTLE = {"sqlite": "WAL checkpoint", "postgres": "VACUUM ANALYZE search tables, CHECKPOINT"}
ORDINARY = (
    "黄芪",
    "北芪 种植",
    "岷县当归 统货",
    "田七 价格",
    "huangqi",
    "Astragali Radix",
    "当归 炮制",
    "枸杞子 宁夏",
    "三七 检测",
    "金银花",
    "党参 价格",
    "天麻 贵州",
    "人参 仓储",
    "甘草 内蒙古",
    "丹参",
    "川芎 加工",
    "白芍 亳州",
    "花旗参",
    "灵芝",
    "铁皮石斛",
    "连翘 报价",
    "陈皮 新会",
    "杭白菊",
    "dangshen",
    "枸杞 行情",
    "麦冬 规格",
    "茯苓 云南",
    "冬虫夏草 价格",
    "黄芩 检测报告",
    "當歸",
)
# The broadest single words: each matches about half to nearly all of the articles, so they
# measure the cost of ranking and facet counting over tens of thousands of matches.
BROAD = ("价格", "检测", "种植")
QUERY_CLASSES = {"ordinary": ORDINARY, "broad": BROAD}
QUERIES = (*ORDINARY, *BROAD)
LOG_SNIPPET = """
import json
from search.models import SearchLog
rows = SearchLog.objects.filter(source="api").order_by("-id")
print("BENCH_LOG=" + json.dumps(list(rows.values_list("latency_ms", flat=True)[:{count}])))
"""


# A new index version, as after any index write: the cached rankings of broad queries go cold.
COLD_SNIPPET = """
try:
    from search.engines.result_cache import mark_index_changed
except ImportError:  # code without the cache: every request is cold
    pass
else:
    mark_index_changed()
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=50_000, help="articles to index")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk open connections")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the indexed instance in this directory and reuse it when it is there (its "
        "environment is DIR/env.json), to measure two versions of the code on one corpus",
    )
    return parser.parse_args()


# ---------------------------------------------------------------- inside the indexing worker
def _block_text(block_type: str, value: object) -> list[str]:
    """The words ``search.documents.body_text`` takes from a block, for the demo's raw values."""
    from django.utils.html import strip_tags

    if block_type in ("heading", "paragraph"):
        return [strip_tags(str(value))]
    if block_type == "spec_table":
        return [value["caption"], *(f"{r['item']} {r['value']}" for r in value["rows"])]
    if block_type == "quote":  # the page stores a date where the generator has a day count
        days = value["valid_until_days"]
        until = dt.date.today() + dt.timedelta(days=days)
        value = {("valid_until" if k == "valid_until_days" else k): v for k, v in value.items()}
        value["valid_until"] = until
    if block_type in ("quote", "report"):
        return [" ".join(str(v) for k, v in value.items() if k != "document")]
    return []


def _tokens(
    analyzer: "Analyzer", material: "Material", title: str, meta: str, summary: str, body: str
) -> dict[str, str]:
    """The four analysed fields, in build_document's words: title, materials, meta, body."""
    return {
        "title_tokens": analyzer.index_text(title),
        "material_tokens": analyzer.material_text(material),
        "meta_tokens": " ".join(
            [analyzer.index_text(meta), analyzer.pinyin_text(title), analyzer.index_text(summary)]
        ),
        "body_tokens": analyzer.index_text(body),
    }


def _document(
    page_id: int,
    article: DemoArticle,
    material: "Material",
    supplier: dict | None,
    published: dt.date,
    analyzer: "Analyzer",
) -> "IndexDocument":
    """An IndexDocument analysed field by field as ``search.documents.build_document`` does."""
    from search.analysis import normalize, to_pinyin
    from search.documents import BODY_TEXT_LIMIT
    from search.engines.base import IndexDocument

    # The page model's field lengths, which the generated text would otherwise overrun.
    title, summary = article.title[:255], article.summary[:400]
    origin, grade = article.origin[:60], article.grade[:80]
    name = supplier["name"] if supplier else ""
    text = " ".join(" ".join(p for t, v in article.body for p in _block_text(t, v)).split())
    meta = " ".join([origin, grade, " ".join(article.tags), name])
    suggest = [title, material.name, to_pinyin(material.name)[0]]
    return IndexDocument(
        page_id=page_id,
        external_id=f"bench-{page_id:06d}",
        title=title,
        summary=summary,
        body_text=text[:BODY_TEXT_LIMIT],
        url=f"/bench/{page_id}/",
        kind=article.kind,
        supplier=name,
        supplier_id=supplier["id"] if supplier else None,
        verified=bool(supplier and supplier["verified"]),
        materials=[material.name],
        origin=origin,
        grade=grade,
        tags=article.tags,
        published_at=published,
        **_tokens(analyzer, material, title, meta, summary, text),
        suggest_terms=list(dict.fromkeys(normalize(s) for s in suggest if s)),
    )


def _draw(
    rng: random.Random, materials: list["Material"], suppliers: list[dict]
) -> tuple[DemoArticle, "Material", dict | None, dt.date]:
    """(article, material, supplier or None, publish date), as seed_demo mixes them."""
    from content.demo import demo_material  # inside the worker, after django.setup()

    material, supplier = rng.choice(materials), rng.choice(suppliers)
    kind = "product" if rng.random() < 0.6 else "technology"
    supplier = supplier if kind == "product" or rng.random() < 0.8 else None  # some insights
    name = supplier["name"] if supplier else ""
    article = make_article(demo_material(material), kind, name, rng)
    return article, material, supplier, dt.date.today() - dt.timedelta(days=rng.randint(0, 730))


def index_corpus(documents: int, seed: int = SEED) -> None:
    """Generate, analyse and index ``documents`` articles; print the timings (under Django)."""
    from content.models import Material
    from search.analysis import get_analyzer
    from search.engines.embedded import EmbeddedEngine

    materials = list(Material.objects.order_by("pk"))
    suppliers = [{**s, "id": i + 1} for i, s in enumerate(supplier_names(SUPPLIERS, seed))]
    analyzer, engine, rng = get_analyzer(), EmbeddedEngine(), random.Random(seed)
    spent = {"generate": 0.0, "analyse": 0.0, "write": 0.0}
    for start in range(1, documents + 1, BATCH_SIZE):
        batch = []
        for page_id in range(start, min(start + BATCH_SIZE, documents + 1)):
            t0 = time.perf_counter()
            article, material, supplier, published = _draw(rng, materials, suppliers)
            t1 = time.perf_counter()
            batch.append(_document(page_id, article, material, supplier, published, analyzer))
            spent["generate"] += t1 - t0
            spent["analyse"] += time.perf_counter() - t1
        t2 = time.perf_counter()
        engine.index(batch)
        spent["write"] += time.perf_counter() - t2
        done = start - 1 + len(batch)
        if done % 5000 == 0 or done == documents:
            print(f"  indexed {done} / {documents}", file=sys.stderr, flush=True)
    print("BENCH_INDEX=" + json.dumps({**spent, "documents": documents, "count": engine.count()}))


# ---------------------------------------------------------------- the instance
def bench_database_url(name: str = BENCH_DATABASE) -> tuple[str, str]:
    """(server URL from BENCH_DATABASE_URL, URL of the bench's own database on that server)."""
    server = os.environ.get("BENCH_DATABASE_URL", "")
    if not server:
        raise BenchError(
            "--database postgres needs BENCH_DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:54339/postgres (a server you started)"
        )
    return server, urlsplit(server)._replace(path=f"/{name}").geturl()


def recreate_database(server: str, create: bool, name: str = BENCH_DATABASE) -> None:
    """Drop the bench database ``name`` on ``server`` and, with ``create``, make it afresh."""
    import psycopg

    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL at BENCH_DATABASE_URL: {exc}".strip()) from exc


def drop_database(name: str = BENCH_DATABASE) -> None:
    """Cleanup: never let a failed drop hide the benchmark's own outcome."""
    try:
        recreate_database(os.environ["BENCH_DATABASE_URL"], create=False, name=name)
    except BenchError as exc:
        print(f"could not drop {name}: {exc}", file=sys.stderr)


def instance_env(tmp: Path, database: str, name: str = BENCH_DATABASE) -> dict[str, str]:
    """The instance's environment; for PostgreSQL, database ``name`` made afresh."""
    env = build_env(tmp)
    env["LOG_LEVEL"] = "WARNING"
    if database == "postgres":
        server, url = bench_database_url(name)
        recreate_database(server, create=True, name=name)
        env["DATABASE_URL"] = url
    return env


def index_instance(env: dict[str, str], documents: int) -> dict:
    """Run ``index_corpus`` in a Django process; its progress goes straight to stderr."""
    code = f"from bench.search_latency import index_corpus; index_corpus({documents})"
    command, timeout = [PYTHON, "manage.py", "shell", "-c", code], 600 + documents * 0.1
    print(f"generate, analyse and index {documents} documents ...", flush=True)
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"indexing took longer than {timeout:.0f} s") from exc
    if done.returncode != 0:
        raise BenchError(f"indexing exited {done.returncode} (traceback above)")
    return json.loads(marked(done.stdout, "BENCH_INDEX="))


def settle(env: dict[str, str], database: str) -> float:
    """Let the bulk load land before serving: the target is about steady state, not the
    checkpoint and autovacuum that a fresh 50,000-document write sets off. Returns seconds."""
    started = time.perf_counter()
    if database == "postgres":
        import psycopg

        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            for table in ("search_searchdocument", "search_searchfacet", "search_searchsuggestion"):
                conn.execute(f"VACUUM (ANALYZE) {table}")  # what autovacuum would do soon
            conn.execute("CHECKPOINT")
    else:
        import sqlite3

        with contextlib.closing(sqlite3.connect(Path(env["YAOYUN_VAR_DIR"]) / DB_FILE)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


# ---------------------------------------------------------------- load
def search_path(query: str) -> str:
    return f"/api/v1/search/?q={quote(query)}&page_size={PAGE_SIZE}"


def write_lua(tmp: Path) -> Path:
    """A wrk script that sends the queries in turn, one per request."""
    paths = ",\n".join(f'  "{search_path(q)}"' for q in QUERIES)
    script = tmp / "queries.lua"
    script.write_text(
        f"local paths = {{\n{paths}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n',
        encoding="utf-8",
    )
    return script


def wrk(url: str, connections: int, duration: int, script: Path | None = None) -> WrkResult:
    command = ["wrk", "--latency", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    command += ["-s", str(script), url] if script else [url]
    print(f"wrk {url}{' + ' + script.name if script else ''} for {duration} s ...", flush=True)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk against {url} did not finish") from exc
    if done.returncode != 0:
        raise BenchError(f"wrk exited {done.returncode}: {done.stderr.strip()}")
    return parse_wrk(done.stdout)


def sequential(port: int, count: int) -> tuple[dict[str, list[float]], dict[str, str], int]:
    """Per-query latencies (ms) of ``count`` requests sent one at a time, hit totals, failures."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
    latencies: dict[str, list[float]] = {q: [] for q in QUERIES}
    totals: dict[str, str] = {}
    failures = 0
    for n in range(count):
        query = QUERIES[n % len(QUERIES)]
        started = time.perf_counter()
        try:
            with opener.open(f"http://{HOST}:{port}{search_path(query)}", timeout=30) as response:
                body = response.read()
        except (urllib.error.URLError, OSError):
            failures += 1
            continue
        latencies[query].append((time.perf_counter() - started) * 1000)
        payload = json.loads(body)
        totals[query] = f"{payload['total']}{'*' if payload['relaxed'] else ''}"
    return latencies, totals, failures


def cold_broad(env: dict[str, str], port: int) -> dict[str, float]:
    """Latency (ms) of each broad query asked once right after the index version changed."""
    manage(env, ["shell", "-c", COLD_SNIPPET], 180)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    cold = {}
    for query in BROAD:
        started = time.perf_counter()
        with opener.open(f"http://{HOST}:{port}{search_path(query)}", timeout=60) as response:
            response.read()
        cold[query] = (time.perf_counter() - started) * 1000
    return cold


def percentile(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


# ---------------------------------------------------------------- report
def _cell(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns (a CJK character takes two)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


def print_indexing(stats: dict, database: str) -> None:
    n, analyse, write = stats["documents"], stats["analyse"], stats["write"]
    print(f"\nindex ({database}): {stats['count']} documents in the index (asked for {n})")
    print(f"{'step':<22} | {'seconds':>8} | {'docs/s':>8}")
    print("-" * 44)
    for name, seconds in (
        ("generate (demo_text)", stats["generate"]),
        ("analyse (pipeline)", analyse),
        ("engine write", write),
        ("analyse + write", analyse + write),
    ):
        print(f"{name:<22} | {seconds:>8.1f} | {n / seconds if seconds else 0:>8.1f}")


def print_load(results: dict[str, WrkResult], connections: int) -> None:
    print(f"\nwrk, 2 threads, {connections} connections; gunicorn 2 sync workers")
    print(
        f"{'endpoint':<9} | {'req/s':>8} | {'p50 ms':>7} | {'p90 ms':>7} | {'p99 ms':>7} | ", end=""
    )
    print(f"{'requests':>8} | {'non-2xx':>7} | socket errors")
    print("-" * 95)
    for name, r in results.items():
        print(
            f"{name:<9} | {r.rps:>8.1f} | {r.p50:>7.2f} | {r.p90:>7.2f} | {r.p99:>7.2f} | "
            f"{r.requests:>8} | {r.non_2xx_3xx:>7} | {r.socket_errors}"
        )
    base, search = results["baseline"], results["search"]
    ratio = 100 * search.rps / base.rps if base.rps else 0.0
    print(f"search req/s / baseline req/s: {ratio:.1f} %")


def print_classes(latencies: dict[str, list[float]]) -> None:
    """p50 and p95 of each query class, and of the whole mix."""
    print(f"{'class':<9} | {'queries':>7} | {'requests':>8} | {'p50 ms':>7} | {'p95 ms':>7}")
    print("-" * 50)
    classes = {**QUERY_CLASSES, "all": QUERIES}
    for name, queries in classes.items():
        values = [ms for q in queries for ms in latencies.get(q, [])]
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"{name:<9} | {len(queries):>7} | {len(values):>8} | {p50:>7.2f} | {p95:>7.2f}")
    print()


def print_sequential(
    latencies: dict[str, list[float]], totals: dict[str, str], failures: int, server_ms: list[float]
) -> None:
    every = [ms for values in latencies.values() for ms in values]
    print(f"\nsequential, one request at a time ({len(every)} ok, {failures} failed):")
    print_classes(latencies)
    print(f"{'query':<18} | {'hits':>7} | {'median ms':>9} | {'max ms':>7}")
    print("-" * 51)
    for query, values in sorted(latencies.items(), key=lambda kv: -statistics.median(kv[1] or [0])):
        if values:
            median, worst = statistics.median(values), max(values)
            print(f"{_cell(query, 18)} | {totals[query]:>7} | {median:>9.2f} | {worst:>7.2f}")
    print("(* = relaxed: no article has every word, so any word may match)")
    p50, p95 = percentile(every, 50), percentile(every, 95)
    verdict = "met" if p95 <= TARGET_P95_MS else "MISSED"
    print(f"\nHTTP, client side:     p50 {p50:6.2f} ms   p95 {p95:6.2f} ms", end="")
    print(f"   (target: p95 <= {TARGET_P95_MS:.0f} ms at 50,000 articles: {verdict})")
    if server_ms:
        p50, p95 = percentile(server_ms, 50), percentile(server_ms, 95)
        print(f"search_articles() only: p50 {p50:6.2f} ms   p95 {p95:6.2f} ms", end="")
        print("   (SearchLog.latency_ms of the same requests)")


# ---------------------------------------------------------------- run
def measure(env: dict[str, str], tmp: Path, args: argparse.Namespace) -> None:
    port, log_path, proc, script = free_port(), tmp / "gunicorn.log", None, write_lua(tmp)
    base_url = f"http://{HOST}:{port}"
    with log_path.open("w", encoding="utf-8") as log:
        try:
            proc = start_gunicorn(env, port, log)
            wait_healthy(proc, port)
            wrk(f"{base_url}/api/v1/search/", 2, 3, script)  # warm both workers' analyzers
            # Steady state: every query asked once, so broad rankings are cached before wrk
            # (their cost right after an index write is measured on its own, below).
            sequential(port, len(QUERIES))
            load = os.getloadavg()[0]  # the machine may be shared: say how busy it was
            results = {
                "baseline": wrk(f"{base_url}/healthz", args.connections, args.duration),
                "search": wrk(
                    f"{base_url}/api/v1/search/", args.connections, args.duration, script
                ),
            }
            cold = cold_broad(env, port)
            requests = SEQUENTIAL_ROUNDS * len(QUERIES)
            print(f"{requests} sequential requests ...", flush=True)
            latencies, totals, failures = sequential(port, requests)
        finally:
            stop(proc)
    snippet = LOG_SNIPPET.format(count=SEQUENTIAL_ROUNDS * len(QUERIES) - failures)
    server_ms = json.loads(marked(manage(env, ["shell", "-c", snippet], 180), "BENCH_LOG="))
    print("\nbaseline = GET /healthz (204, no database)")
    print(
        f"search   = GET /api/v1/search/?q=…&page_size={PAGE_SIZE}, {len(QUERIES)} queries in turn"
    )
    print(f"1-minute load average before the measured runs: {load:.2f} on {os.cpu_count()} CPUs")
    print_load(results, args.connections)
    print_sequential(latencies, totals, failures, server_ms)
    print("\nbroad words asked once right after an index write (no cached ranking):")
    print("  " + "   ".join(f"{q} {ms:.0f} ms" for q, ms in cold.items()))
    log_problems(log_path)


def kept_instance(keep: Path, database: str) -> tuple[dict[str, str], bool]:
    """(environment, whether it is already indexed) of the instance kept in ``keep``."""
    saved = keep / "env.json"
    if saved.exists():
        return json.loads(saved.read_text(encoding="utf-8")), True
    keep.mkdir(parents=True, exist_ok=True)
    env = instance_env(keep, database, name=f"{BENCH_DATABASE}_{keep.name}".replace("-", "_"))
    return env, False


def bench(args: argparse.Namespace, tmp: Path) -> None:
    started = time.monotonic()
    env, indexed = kept_instance(args.keep, args.database) if args.keep else (None, False)
    env = env or instance_env(tmp, args.database)
    print(f"migrate, load_materials ({args.database}) ...", flush=True)
    manage(env, ["migrate", "--no-input"], timeout=900)  # a kept instance gets new migrations
    stats = None
    if not indexed:
        manage(env, ["load_materials"], timeout=600)
        stats = index_instance(env, args.documents)
        if args.keep:  # saved only once the index is complete
            (args.keep / "env.json").write_text(json.dumps(env), encoding="utf-8")
    settled = settle(env, args.database)
    measure(env, tmp, args)
    if stats:
        print_indexing(stats, args.database)
    else:
        print(f"\nindex: reused the instance kept in {args.keep}")
    print(f"settle before serving ({SETTLE[args.database]}): {settled:.1f} s")
    database = Path(env["YAOYUN_VAR_DIR"]) / DB_FILE
    if args.database == "sqlite" and database.exists():
        print(f"SQLite file: {database.stat().st_size / 1e6:.0f} MB")
    print(f"\nwall time: {time.monotonic() - started:.0f} s")


def main() -> int:
    args = parse_args()

    def cleanup() -> None:
        if args.database == "postgres" and os.environ.get("BENCH_DATABASE_URL") and not args.keep:
            drop_database()

    return run_with_wrk(lambda tmp: bench(args, tmp), "yaoyun-search-bench-", cleanup)


if __name__ == "__main__":
    sys.exit(main())
