"""Attribution: ``attribution --paths`` on 20,000 generated journeys, and every model in memory
over 1,000,000 touchpoints and 20,000 conversions (beside ChannelAttribution when installed);
``--database sqlite|postgres``: the same volume written to a database, materialised, queried and
updated incrementally (``bench/attribution_db.py``)."""

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the in-memory run imports the project's pure modules
from analytics.attribution import (  # noqa: E402
    LOOKBACK,
    MODELS,
    Conversion,
    Journey,
    Options,
    Touch,
    attribute_journeys,
    attribute_paths,
)

ARTICLES = [f"a{number}" for number in range(101, 126)]  # 25 articles
POPULARITY = [1 / rank**1.0 for rank in range(1, len(ARTICLES) + 1)]  # a few articles read most


def generate_journey(rng: random.Random) -> list[str]:
    """1-10 reads: mostly popular articles, with repeats (10 %) and back-steps (10 %)."""
    reads = rng.choices(ARTICLES, POPULARITY)
    for _ in range(min(int(rng.expovariate(0.6)), 9)):
        step = rng.random()
        if step < 0.1:
            reads.append(reads[-1])
        elif step < 0.2 and len(reads) > 1:
            reads.append(reads[-2])
        else:
            reads.append(rng.choices(ARTICLES, POPULARITY)[0])
    return reads


def write_paths(file: Path, journeys: int, seed: int) -> tuple[int, int]:
    """Aggregate generated journeys into ChannelAttribution's CSV; (distinct paths, conversions)."""
    rng = random.Random(seed)
    conversions, values, nulls = Counter(), Counter(), Counter()
    for _ in range(journeys):
        reads = generate_journey(rng)
        path = " > ".join(reads)
        chance = 0.05 + 0.04 * len(set(reads)) + 0.1 * ("a103" in reads)
        if rng.random() < chance:
            conversions[path] += 1
            values[path] += rng.choice([8000, 20000, 48000, 120000])
        else:
            nulls[path] += 1
    paths = sorted(set(conversions) | set(nulls))
    with file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "total_conversions", "total_conversion_value", "total_null"])
        for path in paths:
            writer.writerow([path, conversions[path], values[path], nulls[path]])
    return len(paths), sum(conversions.values())


def run_command(file: Path, order: int, var_dir: str) -> float:
    """Wall time of the whole ``manage.py attribution --paths`` process, all models."""
    env = {**os.environ, "YAOYUN_VAR_DIR": var_dir}
    env.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    command = [sys.executable, str(ROOT / "manage.py"), "attribution", "--paths", str(file),
               "--model", "all", "--markov-order", str(order), "--json"]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def run_startup(var_dir: str) -> float:
    """Baseline: the same process doing nothing but start Django (``attribution --help``)."""
    env = {**os.environ, "YAOYUN_VAR_DIR": var_dir}
    env.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    command = [sys.executable, str(ROOT / "manage.py"), "attribution", "--help"]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def run_in_process(file: Path, order: int) -> float:
    """The command's own work without the Django start-up: parse the CSV, run every model."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    os.environ.setdefault("YAOYUN_VAR_DIR", str(file.parent))
    django.setup()
    from analytics.attribution_files import read_paths  # needs Django set up

    started = time.perf_counter()
    rows, problems = read_paths(file.read_text(encoding="utf-8"))
    assert not problems, problems
    attribute_paths(rows, Options(models=MODELS, markov_order=order))
    return time.perf_counter() - started


def counted_pairs(journeys: list[Journey], lookback: timedelta) -> int:
    """How many (conversion, touch) pairs the models weigh: the real size of the work."""
    pairs = 0
    for journey in journeys:
        times = sorted(touch.ts for touch in journey.touches)
        for event in journey.events:
            pairs += bisect_right(times, event.ts) - bisect_left(times, event.ts - lookback)
    return pairs


def run_channelattribution(file: Path, order: int) -> float | None:
    """ChannelAttribution's heuristics + Markov (simulated, its defaults) on the same file."""
    try:
        import pandas as pd
        from ChannelAttribution import heuristic_models, markov_model
    except ImportError:
        return None
    started = time.perf_counter()
    frame = pd.read_csv(file)
    heuristic_models(frame, "path", "total_conversions", var_value="total_conversion_value")
    markov_model(frame, "path", "total_conversions", var_value="total_conversion_value",
                 var_null="total_null", order=order, verbose=False, flg_pro=False)  # fmt: skip
    return time.perf_counter() - started


def generate_accounts(touches: int, conversions: int, seed: int) -> list[Journey]:
    """Buyer companies of 2-6 contacts reading over 180 days; half the conversions inquiries."""
    rng = random.Random(seed)
    accounts = conversions // 2  # one inquiry and one order each
    per_account = touches // accounts
    start = datetime(2024, 1, 1, tzinfo=UTC)
    journeys = []
    for number in range(accounts):
        contacts = [f"c{number}-{i}" for i in range(rng.randint(2, 6))]
        reads = [
            Touch(rng.choice(contacts), rng.choices(ARTICLES, POPULARITY)[0],
                  start + timedelta(seconds=rng.uniform(0, 180 * 86400)))
            for _ in range(per_account)
        ]  # fmt: skip
        asked = start + timedelta(days=rng.uniform(60, 150))
        bought = asked + timedelta(days=rng.uniform(1, 30))
        events = [
            Conversion("inquiry", contacts[0], asked),
            Conversion("order", contacts[0], bought, rng.choice([8000, 20000, 48000])),
        ]
        journeys.append(Journey(f"acct{number}", reads, events))
    return journeys


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--journeys", type=int, default=20_000, help="journeys in the paths file")
    parser.add_argument("--touches", type=int, default=1_000_000, help="in-memory touchpoints")
    parser.add_argument("--conversions", type=int, default=20_000, help="in-memory conversions")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", choices=["sqlite", "postgres"], help="database mode")
    parser.add_argument("--database-url", help="postgres://… (an empty database) for postgres")
    args = parser.parse_args()
    if args.database:
        return run_database_mode(args)

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-attribution-") as tmp:
        file = Path(tmp) / "paths.csv"
        distinct, converted = write_paths(file, args.journeys, args.seed)
        print(f"paths file: {args.journeys:,} journeys, {distinct:,} distinct paths, "
              f"{converted:,} conversions, {len(ARTICLES)} articles")  # fmt: skip
        rows.append(
            ("manage.py attribution --help (start-up only, baseline)", run_startup(tmp), None)
        )
        for order in (1, 2):
            ours = run_command(file, order, tmp)
            theirs = run_channelattribution(file, order)  # None when not installed
            rows.append((f"attribution --paths, all models, Markov order {order}", ours, theirs))
            rows.append((f"  of which reading the file and the models (order {order})",
                         run_in_process(file, order), None))  # fmt: skip

    journeys = generate_accounts(args.touches, args.conversions, args.seed)
    before = peak_rss_mb()
    started = time.perf_counter()
    result = attribute_journeys(journeys, Options(models=MODELS))
    elapsed = time.perf_counter() - started
    credited = sum(t.conversions - t.unattributed for t in result.totals.values())
    rows.append((f"all models in memory, {args.touches:,} touches, {credited:,.0f} credited "
                 f"of {args.conversions:,} conversions", elapsed, None))  # fmt: skip
    pairs = counted_pairs(journeys, LOOKBACK)
    print(f"in memory: {len(journeys):,} buyer companies, {pairs:,} (conversion, touch) pairs")

    print(f"\n{'work':<78} {'ours (s)':>9} {'ChannelAttribution (s)':>23}")
    for work, ours, theirs in rows:
        their = (
            f"{theirs:.2f}" if theirs is not None else "not installed" if "--paths" in work else ""
        )
        print(f"{work:<78} {ours:>9.2f} {their:>23}")
    print(f"\npeak memory of this process: {peak_rss_mb():,.0f} MB "
          f"({before:,.0f} MB after generating the journeys)")  # fmt: skip
    print("targets: the paths command < 5 s; all models in memory < 60 s")
    return 0


def run_database_mode(args: argparse.Namespace) -> int:
    from bench.attribution_db import run_database

    rows = run_database(args.database, args.touches, args.conversions, args.seed, args.database_url)
    print(f"\n{args.database}: {args.touches:,} touchpoints, {args.conversions:,} conversions")
    print(f"{'work':<92} {'s':>8}  note")
    for work, seconds, note in rows:
        print(f"{work:<92} {seconds:>8.2f}  {note}")
    print("target: materialising all models < 60 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
