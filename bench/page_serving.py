"""Benchmark article page serving under gunicorn against a do-nothing 204 baseline, with wrk."""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
MATERIALS = ROOT / "content" / "data" / "materials.json"
MATERIALS_WAIT_S = 600
HOST = "127.0.0.1"
# Targets from DESIGN.md, "Performance targets".
TARGET_RATIO_PCT = 16.0
TARGET_P99_MS = 50.0
TARGET_QUERIES = 10
# Settings that would point the instance at shared services instead of its own temp dir.
SHARED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "MEDIA_ROOT",
)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}

URL_SNIPPET = """
from content.models import ArticlePage
page = (ArticlePage.objects.live().public()
        .filter(kind="product", supplier__isnull=False).order_by("pk").first())
print("BENCH_URL=" + ((page.get_url() or "") if page else ""))
"""

QUERY_SNIPPET = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
# A session cookie makes the page cache step aside, so these are the uncached queries.
client, runs = Client(HTTP_COOKIE="sessionid=bench-uncached"), []
for _ in range(2):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get({url!r})
    runs.append([response.status_code, len(ctx), len(response.content)])
print("BENCH_QUERIES=" + json.dumps(runs))
"""


class BenchError(Exception):
    """A setup step failed; the message says which and why."""


@dataclass
class WrkResult:
    rps: float
    p50: float
    p90: float
    p99: float
    requests: int
    non_2xx_3xx: int
    socket_errors: str


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32, help="wrk open connections")
    parser.add_argument("--articles", type=int, default=60, help="demo articles to seed")
    return parser.parse_args()


def build_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SHARED_ENV}
    env.update(
        YAOYUN_VAR_DIR=str(tmp / "var"),
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DEBUG="false",
        ALLOWED_HOSTS="*",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        CELERY_TASK_ALWAYS_EAGER="true",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], args: list[str], timeout: float) -> str:
    """Run ``manage.py args`` in the project; return stdout, raise BenchError on failure."""
    command = [PYTHON, "manage.py", *args]
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"manage.py {args[0]} took longer than {timeout:.0f} s") from exc
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-25:])
        raise BenchError(f"manage.py {args[0]} exited {done.returncode}:\n{tail}")
    return done.stdout


def marked(output: str, marker: str) -> str:
    for line in output.splitlines():
        if line.startswith(marker):
            return line[len(marker) :]
    raise BenchError(f"no {marker!r} line in the output:\n{output[-2000:]}")


def wait_for_materials() -> None:
    if MATERIALS.exists():
        return
    print(f"waiting up to {MATERIALS_WAIT_S // 60} min for {MATERIALS} ...", flush=True)
    deadline = time.monotonic() + MATERIALS_WAIT_S
    while time.monotonic() < deadline:
        time.sleep(5)
        if MATERIALS.exists():
            time.sleep(2)  # let the writer finish the file
            return
    raise BenchError(
        f"{MATERIALS} is still missing after {MATERIALS_WAIT_S // 60} min; "
        "seed_demo needs it (load the material dictionary first)."
    )


def build_instance(env: dict[str, str], articles: int) -> None:
    print("migrate, collectstatic, seed_demo ...", flush=True)
    manage(env, ["migrate", "--no-input"], timeout=900)
    manage(env, ["collectstatic", "--no-input"], timeout=600)
    wait_for_materials()
    seed = ["seed_demo", "--suppliers", "4", "--articles", str(articles)]
    manage(env, [*seed, "--insights", "1", "--no-progress"], timeout=1800)


def pick_article_url(env: dict[str, str]) -> str:
    raw = marked(manage(env, ["shell", "-c", URL_SNIPPET], timeout=180), "BENCH_URL=")
    if not raw:
        raise BenchError("the seed produced no live supplier product article")
    parts = urlsplit(raw)
    return quote(parts.path, safe="/%") + (f"?{parts.query}" if parts.query else "")


def count_queries(env: dict[str, str], path: str) -> list[list[int]]:
    """[[status, queries, bytes]] for a first and a warm GET through Django's test client."""
    output = manage(env, ["shell", "-c", QUERY_SNIPPET.format(url=path)], timeout=180)
    return json.loads(marked(output, "BENCH_QUERIES="))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, log: IO[str]) -> subprocess.Popen:
    gunicorn = str(VENV_BIN / "gunicorn") if (VENV_BIN / "gunicorn").exists() else "gunicorn"
    command = [gunicorn, "cms.wsgi:application", "--workers", "2", "--bind", f"{HOST}:{port}"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_healthy(proc: subprocess.Popen, port: int, timeout: float = 60) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {proc.returncode} before answering")
        try:
            with opener.open(f"http://{HOST}:{port}/healthz", timeout=2) as response:
                if response.status == 204:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise BenchError(f"/healthz did not answer 204 within {timeout:.0f} s")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: the master and its workers
        proc.wait(timeout=10)


def to_ms(value: str, unit: str) -> float:
    return float(value) * UNIT_MS[unit]


def parse_wrk(text: str) -> WrkResult:
    """Read requests/s, the latency distribution and error counts from ``wrk --latency``."""
    latency = {
        pct: to_ms(value, unit)
        for pct, value, unit in re.findall(
            r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M
        )
    }
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    total = re.search(r"^\s+(\d+) requests in", text, re.M)
    if not rps or not total or len(latency) < 3:
        raise BenchError(f"could not parse wrk output:\n{text}")
    non_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:\s+(.+)$", text, re.M)
    return WrkResult(
        rps=float(rps.group(1)),
        p50=latency["50"],
        p90=latency["90"],
        p99=latency["99"],
        requests=int(total.group(1)),
        non_2xx_3xx=int(non_ok.group(1)) if non_ok else 0,
        socket_errors=errors.group(1).strip() if errors else "none",
    )


def run_wrk(url: str, connections: int, duration: int, cookie: str = "") -> WrkResult:
    command = ["wrk", "--latency", "-t2", f"-c{connections}", f"-d{duration}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    print(f"wrk {url} for {duration} s ...", flush=True)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk against {url} did not finish") from exc
    if done.returncode != 0:
        raise BenchError(f"wrk exited {done.returncode}: {done.stderr.strip()}")
    return parse_wrk(done.stdout)


def print_report(results: dict[str, WrkResult], queries: list[list[int]]) -> None:
    print()
    print(f"{'endpoint':<10} | {'req/s':>9} | {'p50 ms':>7} | {'p99 ms':>7} | {'non-2xx':>7}")
    print("-" * 54)
    for name, r in results.items():
        print(f"{name:<10} | {r.rps:>9.1f} | {r.p50:>7.2f} | {r.p99:>7.2f} | {r.non_2xx_3xx:>7}")
    print()
    for name, r in results.items():
        print(
            f"{name}: {r.requests} requests, p90 {r.p90:.2f} ms, socket errors: {r.socket_errors}"
        )
    base = results["baseline"]
    for name in ("article", "uncached"):
        ratio = 100 * results[name].rps / base.rps if base.rps else 0.0
        print(
            f"{name} req/s / baseline req/s: {ratio:.1f} %   (target >= {TARGET_RATIO_PCT:.0f} %)"
        )
        print(f"{name} p99: {results[name].p99:.2f} ms   (target <= {TARGET_P99_MS:.0f} ms)")
    (s1, q1, b1), (s2, q2, b2) = queries
    print(f"SQL queries, first request:  {q1}   (HTTP {s1}, {b1} bytes)")
    print(
        f"SQL queries, warm request:   {q2}   (HTTP {s2}, {b2} bytes)   "
        f"(target <= {TARGET_QUERIES} uncached)"
    )


def log_problems(log_path: Path) -> None:
    text = log_path.read_text(encoding="utf-8", errors="replace")
    hits = [line for line in text.splitlines() if re.search(r"Traceback|ERROR|CRITICAL", line)]
    if hits:
        print(f"\ngunicorn log has {len(hits)} error line(s); first ones:")
        print("\n".join(hits[:10]))


def bench(args: argparse.Namespace, tmp: Path) -> None:
    env = build_env(tmp)
    build_instance(env, args.articles)
    path = pick_article_url(env)
    queries = count_queries(env, path)
    port, log_path, proc = free_port(), tmp / "gunicorn.log", None
    with log_path.open("w", encoding="utf-8") as log:
        try:
            proc = start_gunicorn(env, port, log)
            wait_healthy(proc, port)
            results = {
                "baseline": run_wrk(
                    f"http://{HOST}:{port}/healthz", args.connections, args.duration
                ),
                "article": run_wrk(f"http://{HOST}:{port}{path}", args.connections, args.duration),
                "uncached": run_wrk(
                    f"http://{HOST}:{port}{path}",
                    args.connections,
                    args.duration,
                    cookie="sessionid=bench-uncached",
                ),
            }
        finally:
            stop(proc)
    print(f"\nbaseline = GET /healthz (204, no database)\narticle  = GET {path}")
    print("uncached = the same GET with a session cookie, which bypasses the page cache")
    print_report(results, queries)
    log_problems(log_path)


def run_with_wrk(
    measure: Callable[[Path], bool | None], prefix: str, cleanup: Callable[[], None] | None = None
) -> int:
    """Run a benchmark in a temporary directory; the exit code every bench/ script returns:
    2 without wrk, 1 when set-up fails or ``measure`` returns False, 0 otherwise."""
    if shutil.which("wrk") is None:
        print("wrk is not installed; install it (e.g. `apt-get install -y wrk`) and rerun.")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        return 1 if measure(tmp) is False else 0
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if cleanup:
            cleanup()


def main() -> int:
    args = parse_args()
    return run_with_wrk(lambda tmp: bench(args, tmp), "yaoyun-bench-")


if __name__ == "__main__":
    sys.exit(main())
