"""Benchmark /collect ingestion: batched beacons against a naive one-INSERT view, and zero loss."""

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from string import Template

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.page_serving import (
    HOST,
    ROOT,
    BenchError,
    WrkResult,
    free_port,
    log_problems,
    manage,
    marked,
    run_with_wrk,
    start_gunicorn,
    stop,
    wait_healthy,
)
from bench.search_latency import drop_database, instance_env, wrk

BENCH_DATABASE = "yaoyun_ingestion_bench"
SETTINGS = "bench.ingestion_settings"  # cms.settings.dev plus the naive view's URL
PAGE_PREFIX = "/bench-ingest/"  # events of scenario X report pages under /bench-ingest/X/
# DESIGN.md, "Performance targets": /collect.
TARGET_RATIO = 5.0
TARGET_P99_MS = 50.0
# Long enough for both workers to import, connect and answer, short next to a measured run.
WARMUP_SECONDS, WARMUP_CONNECTIONS = 2, 2
# A desktop Chrome: the bot filter drops empty, headless and library user agents (wrk sends none).
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
RECONCILE = """\
acknowledged = (completed requests - non-2xx) x events per request, from wrk's summary.
wrk counts a request once its response has arrived; one still in flight when the run ends
(at most one per connection: no pipelining) may be committed without being counted. So zero
loss means persisted >= acknowledged, and persisted - acknowledged <= connections x events
per request (the in-flight slack). Rows are counted after gunicorn has stopped gracefully."""

# wrk's Lua (LuaJIT). Event ids are UUID v4 strings whose hex digits carry the wrk run's number,
# the wrk thread and a per-thread counter, so they are unique by construction: a collision
# would be dropped by ON CONFLICT DO NOTHING and show up as loss. The random digits (seeded per
# run and thread) only fill the version and variant groups.
LUA = Template(
    r"""-- bench/ingestion.py, scenario $name
local path, page, batch, single, run = "$path", "$page", $batch, $single, $run
local threads, count = 0, 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  math.randomseed(run * 1000003 + tid)
  wrk.method = "POST"
  wrk.headers["Host"] = "$host"
  wrk.headers["User-Agent"] = "$user_agent"
  wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
end

local function uuid()
  count = count + 1
  return string.format("%08x-%04x-4%03x-%04x-%012x", run, tid,
    math.random(0, 4095), 32768 + math.random(0, 16383), count)
end

local function pageview(id, url, visitor)
  return string.format('{"event_id":"%s","type":"pageview","url":"%s",'
    .. '"referrer":"https://www.baidu.com/s?wd=huangqi","visitor_id":"%s"}', id, url, visitor)
end

local function follow_up(i, pv, url, visitor)
  if i % 2 == 0 then
    return string.format('{"event_id":"%s","type":"engagement","url":"%s","pageview_id":"%s",'
      .. '"visitor_id":"%s","engaged_ms":%d}', uuid(), url, pv, visitor, i * 5000)
  end
  return string.format('{"event_id":"%s","type":"scroll","url":"%s","pageview_id":"%s",'
    .. '"visitor_id":"%s","scroll_pct":%d}', uuid(), url, pv, visitor, math.min(100, i * 5))
end

function request()
  local pv = uuid()
  local url = string.format("http://$host%sarticles/%d/", page, math.random(1, 5000))
  local visitor = string.format("bench%04x%08x", tid, math.random(0, 2147483646))
  local events = {pageview(pv, url, visitor)}
  for i = 2, batch do
    events[i] = follow_up(i, pv, url, visitor)
  end
  local body = single and events[1] or "[" .. table.concat(events, ",") .. "]"
  return wrk.format(nil, path, nil, body)
end
"""
)

FACTS_SNIPPET = """
import json, sqlite3
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    if connection.vendor == "sqlite":
        cursor.execute("PRAGMA synchronous")
        level = ["OFF", "NORMAL", "FULL", "EXTRA"][cursor.fetchone()[0]]
        cursor.execute("PRAGMA journal_mode")
        facts = {"database": "SQLite " + sqlite3.sqlite_version,
                 "durability": f"PRAGMA synchronous={level}, journal_mode={cursor.fetchone()[0]}"}
    else:
        shown = {}
        for name in ("server_version", "fsync", "synchronous_commit", "wal_sync_method"):
            cursor.execute("SHOW " + name)
            shown[name] = cursor.fetchone()[0]
        facts = {"database": "PostgreSQL " + shown.pop("server_version"),
                 "durability": ", ".join(f"{k}={v}" for k, v in shown.items())}
facts["cache"] = settings.CACHES["default"]["BACKEND"]
print("BENCH_FACTS=" + json.dumps(facts))
"""

COUNT_SNIPPET = """
import json, os
from django.db.models import Sum
from analytics.models import FilteredHit, RawEvent
prefix, names = os.environ["BENCH_PREFIX"], json.loads(os.environ["BENCH_SCENARIOS"])
counts = {n: RawEvent.objects.filter(url__contains=f"{prefix}{n}/").count() for n in names}
counts["_filtered"] = FilteredHit.objects.aggregate(n=Sum("events"))["n"] or 0
print("BENCH_COUNTS=" + json.dumps(counts))
"""


@dataclass(frozen=True)
class Scenario:
    name: str  # also the URL marker that tells its rows apart
    path: str
    batch: int  # events per request; 0 for the ceiling, which sends none
    single: bool  # the body is one JSON object (the naive view) rather than a list
    about: str

    def url(self, port: int) -> str:
        return f"http://{HOST}:{port}{self.path}"


@dataclass
class Outcome:
    scenario: Scenario
    load: WrkResult
    persisted: int = 0

    @property
    def acknowledged(self) -> int:
        return (self.load.requests - self.load.non_2xx_3xx) * self.scenario.batch

    @property
    def events_per_s(self) -> float:
        return self.load.rps * self.scenario.batch


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=16, help="wrk open connections")
    parser.add_argument("--batch", type=int, default=20, help="events per batched beacon")
    args = parser.parse_args()
    if min(args.duration, args.connections, args.batch) < 1:
        parser.error("--duration, --connections and --batch must be at least 1")
    return args


def scenarios(batch: int) -> list[Scenario]:
    return [
        Scenario("ceiling", "/healthz", 0, False, "GET /healthz: 204, no database"),
        Scenario(
            "naive",
            "/bench/naive-collect",
            1,
            True,
            "POST 1 event to a view doing one RawEvent.objects.create() (bench/ingestion_urls.py)",
        ),
        Scenario("single", "/collect", 1, False, "POST /collect, a batch of 1 event"),
        Scenario(
            f"batch-{batch}",
            "/collect",
            batch,
            False,
            f"POST /collect, batches of {batch}: a pageview, then engagement and scroll events",
        ),
    ]


# ---------------------------------------------------------------- the instance
def ingestion_env(tmp: Path, database: str) -> dict[str, str]:
    """search_latency's instance (own database on PostgreSQL) served with the naive view."""
    env = instance_env(tmp, database, BENCH_DATABASE)
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env.update(DJANGO_SETTINGS_MODULE=SETTINGS, PYTHONPATH=pythonpath)
    if database == "postgres" and os.environ.get("REDIS_URL"):  # production's cache beside it
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    return env


def machine_facts(env: dict[str, str], database: str) -> dict[str, str]:
    facts = json.loads(marked(manage(env, ["shell", "-c", FACTS_SNIPPET], 180), "BENCH_FACTS="))
    if database == "sqlite":  # an fsync on tmpfs is free, so say where the file lives
        target = env["YAOYUN_VAR_DIR"]
        found = subprocess.run(
            ["findmnt", "-n", "-o", "FSTYPE,SOURCE", "--target", target],
            capture_output=True,
            text=True,
            check=False,
        )
        where = " ".join(found.stdout.split()) or "an unknown filesystem"
        facts["durability"] += f"; {target} on {where}"
    return facts


def count_rows(env: dict[str, str], names: list[str]) -> dict[str, int]:
    env = {**env, "BENCH_PREFIX": PAGE_PREFIX, "BENCH_SCENARIOS": json.dumps(names)}
    return json.loads(marked(manage(env, ["shell", "-c", COUNT_SNIPPET], 600), "BENCH_COUNTS="))


# ---------------------------------------------------------------- load
def write_lua(tmp: Path, scenario: Scenario, marker: str, port: int, run: int) -> Path | None:
    """wrk's script for one run of ``scenario`` (None for the ceiling, a plain GET).

    ``marker`` tells the run's rows apart; ``run`` numbers the run and leads its event ids.
    """
    if not scenario.batch:
        return None
    script = tmp / f"{marker}.lua"
    script.write_text(
        LUA.substitute(
            name=marker,
            path=scenario.path,
            page=f"{PAGE_PREFIX}{marker}/",
            batch=scenario.batch,
            single="true" if scenario.single else "false",
            run=run,
            host=f"{HOST}:{port}",
            user_agent=USER_AGENT,
        ),
        encoding="utf-8",
    )
    return script


def warm_up(tmp: Path, port: int, plan: list[Scenario]) -> None:
    """Load both workers once per endpoint; a refusal here is a setup fault, not a figure."""
    for run, scenario in enumerate(plan, start=1):
        script = write_lua(tmp, scenario, f"warmup-{scenario.name}", port, run)
        result = wrk(scenario.url(port), WARMUP_CONNECTIONS, WARMUP_SECONDS, script)
        if result.non_2xx_3xx or not result.requests:
            raise BenchError(
                f"{result.non_2xx_3xx} of {result.requests} warm-up requests to "
                f"{scenario.path} were refused (the gunicorn log says why)"
            )


def measure(tmp: Path, port: int, plan: list[Scenario], args: argparse.Namespace) -> list[Outcome]:
    outcomes = []
    for run, scenario in enumerate(plan, start=len(plan) + 1):  # after the warm-up runs
        script = write_lua(tmp, scenario, scenario.name, port, run)
        outcomes.append(
            Outcome(scenario, wrk(scenario.url(port), args.connections, args.duration, script))
        )
    return outcomes


def serve_and_load(
    env: dict[str, str], tmp: Path, args: argparse.Namespace
) -> tuple[list[Outcome], tuple[float, float, float]]:
    plan = scenarios(args.batch)
    port, log_path, proc = free_port(), tmp / "gunicorn.log", None
    with log_path.open("w", encoding="utf-8") as log:
        try:
            proc = start_gunicorn(env, port, log)
            wait_healthy(proc, port)
            try:
                warm_up(tmp, port, plan)
            except BenchError:
                print_log_warnings(log_path)
                raise
            load = os.getloadavg()  # the machine may be shared: say how busy it was
            outcomes = measure(tmp, port, plan, args)
        finally:
            stop(proc)  # graceful: in-flight requests finish (and commit) before rows are counted
    log_problems(log_path)
    print_log_warnings(log_path)
    return outcomes, load


# ---------------------------------------------------------------- report
def print_log_warnings(log_path: Path) -> None:
    """Django logs refused requests (4xx) as warnings, which log_problems does not show."""
    text = log_path.read_text(encoding="utf-8", errors="replace")
    hits = [line for line in text.splitlines() if " WARNING " in line]
    if hits:
        print(f"\ngunicorn log has {len(hits)} warning line(s); first ones:")
        print("\n".join(hits[:10]))


def print_facts(facts: dict[str, str], load: tuple[float, float, float]) -> None:
    print(f"\nmachine: {os.cpu_count()} CPUs, shared by gunicorn and wrk on loopback")
    print(f"load average before the measured runs: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"database: {facts['database']}; {facts['durability']}")
    print(f"cache: {facts['cache']}")


def print_load(outcomes: list[Outcome], connections: int, duration: int) -> None:
    naive = next(o for o in outcomes if o.scenario.name == "naive")
    print(f"\nwrk, 2 threads, {connections} connections, {duration} s a scenario; ", end="")
    print("gunicorn, 2 sync workers")
    for o in outcomes:
        print(f"  {o.scenario.name:<9} = {o.scenario.about}")
    head = f"{'scenario':<9} | {'ev/req':>6} | {'req/s':>8} | {'events/s':>9} | {'p50 ms':>7} | "
    head += f"{'p99 ms':>7} | {'requests':>8} | {'non-2xx':>7} | {'x naive':>7} | socket errors"
    print(f"{head}\n{'-' * 109}")
    for o in outcomes:
        r, events = o.load, o.scenario.batch
        ratio = f"{o.events_per_s / naive.events_per_s:.2f}" if events and naive.load.rps else "-"
        rate = f"{o.events_per_s:>9.0f}" if events else f"{'-':>9}"
        print(
            f"{o.scenario.name:<9} | {events or '-':>6} | {r.rps:>8.1f} | {rate} | {r.p50:>7.2f} | "
            f"{r.p99:>7.2f} | {r.requests:>8} | {r.non_2xx_3xx:>7} | {ratio:>7} | {r.socket_errors}"
        )


def verdict(outcome: Outcome, slack: int) -> str:
    extra = outcome.persisted - outcome.acknowledged
    if extra < 0:
        return f"LOSS: {-extra} acknowledged events are not in the database"
    if extra <= slack:
        return "events persisted == events acknowledged (extra rows: requests in flight at stop)"
    return f"persisted exceeds acknowledged + slack by {extra - slack} (events of non-2xx answers?)"


def print_reconciliation(outcomes: list[Outcome], connections: int) -> None:
    print(f"\nzero-loss check\n{RECONCILE}")
    print(f"{'scenario':<9} | {'acknowledged':>12} | {'persisted':>9} | {'extra':>5} | ", end="")
    print(f"{'slack':>5} | verdict")
    print("-" * 109)
    for o in outcomes:
        if o.scenario.batch:
            slack = connections * o.scenario.batch
            extra = o.persisted - o.acknowledged
            print(
                f"{o.scenario.name:<9} | {o.acknowledged:>12} | {o.persisted:>9} | {extra:>5} | "
                f"{slack:>5} | {verdict(o, slack)}"
            )


def print_targets(outcomes: list[Outcome], connections: int) -> None:
    naive = next(o for o in outcomes if o.scenario.name == "naive")
    batched = outcomes[-1]
    ratio = batched.events_per_s / naive.events_per_s if naive.events_per_s else 0.0
    met = {True: "met", False: "missed"}
    print(
        f"\n{batched.scenario.name} events/s / naive events/s: {ratio:.2f}x   "
        f"(target >= {TARGET_RATIO:.0f}x: {met[ratio >= TARGET_RATIO]})"
    )
    for o in outcomes[2:]:
        print(
            f"{o.scenario.name} p99: {o.load.p99:.2f} ms   "
            f"(target < {TARGET_P99_MS:.0f} ms: {met[o.load.p99 < TARGET_P99_MS]})"
        )
    # A closed loop: each connection waits for its answer, so the mean latency is at least
    # connections / (requests/s) (Little's law) however fast each request is served.
    floors = ", ".join(
        f"{o.scenario.name} {1000 * connections / o.load.rps:.0f} ms"
        for o in outcomes
        if o.load.rps
    )
    print(f"mean latency implied by {connections} connections at the measured req/s: {floors}")


# ---------------------------------------------------------------- run
def bench(args: argparse.Namespace, tmp: Path) -> bool:
    """Build, load and check an instance; True when no acknowledged event went missing."""
    started = time.monotonic()
    env = ingestion_env(tmp, args.database)
    print(f"migrate ({args.database}) ...", flush=True)
    manage(env, ["migrate", "--no-input"], timeout=900)
    facts = machine_facts(env, args.database)
    outcomes, load = serve_and_load(env, tmp, args)
    counts = count_rows(env, [o.scenario.name for o in outcomes if o.scenario.batch])
    for o in outcomes:
        o.persisted = counts.get(o.scenario.name, 0)
    print_facts(facts, load)
    print_load(outcomes, args.connections, args.duration)
    print_reconciliation(outcomes, args.connections)
    print_targets(outcomes, args.connections)
    if counts["_filtered"]:
        print(f"\n{counts['_filtered']} events were filtered as bots: check the User-Agent")
    print(f"\nwall time: {time.monotonic() - started:.0f} s")
    lossless = all(o.persisted >= o.acknowledged for o in outcomes)
    if not lossless:
        print("LOSS: acknowledged events are missing from the database", file=sys.stderr)
    return lossless


def main() -> int:
    args = parse_args()

    def cleanup() -> None:
        if args.database == "postgres" and os.environ.get("BENCH_DATABASE_URL"):
            drop_database(BENCH_DATABASE)

    return run_with_wrk(lambda tmp: bench(args, tmp), "yaoyun-ingestion-", cleanup)


if __name__ == "__main__":
    sys.exit(main())
