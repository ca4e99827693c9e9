"""Search relevance: the embedded engine against Wagtail's database search on generated articles."""

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
BENCH_DATABASE = "yaoyun_relevance"
SUPPLIERS = 40
FOCUS_SHARE = 0.55  # of the corpus for the materials the queries name; the rest is background
FOCUS_MAX = 40  # articles per queried material: at most 50 relevant, so Recall@50 can reach 1
DAYS_BACK = 420  # publish dates spread like content.demo.seed's
TOP_K, RECALL_K = 10, 50
KINDS = ("product", "technology")
BACKGROUND_KINDS = ("product",) * 3 + ("technology",) * 2  # content.demo.seed's 60/40
RUN_TIMEOUT_S = 3 * 3600

sys.path.insert(0, str(ROOT))  # the inner run imports the project's apps
from bench.page_serving import build_env as page_serving_env  # noqa: E402
from bench.relevance_queries import (  # noqa: E402
    QUERY_TYPES,
    ArticleTruth,
    BenchQuery,
    bench_queries,
    focus_materials,
    grade,
)
from bench.relevance_queries_external import (  # noqa: E402
    EXTERNAL_QUERY_TYPES,
    external_focus_materials,
    external_queries,
    grade_external,
)
from bench.relevance_queries_heldout import (  # noqa: E402
    HELDOUT_QUERY_TYPES,
    grade_heldout,
    heldout_focus_materials,
    heldout_queries,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from wagtail.documents.models import AbstractDocument

    from content.demo_text import DemoArticle
    from content.models import Material, SupplierPage


class BenchError(Exception):
    """A setup step failed; the message says which and why."""


class QuerySet(NamedTuple):
    """A judged query set: its classes, queries, focus materials and grading rule."""

    types: tuple[str, ...]
    queries: "Callable[[], list[BenchQuery]]"
    focus: "Callable[[], list[str]]"
    grade: "Callable[[BenchQuery, ArticleTruth], int]"


QUERY_SETS = {
    "team": QuerySet(QUERY_TYPES, bench_queries, focus_materials, grade),
    # written by a judge who has not read the engine's code (bench/relevance_queries_external.py)
    "external": QuerySet(
        EXTERNAL_QUERY_TYPES, external_queries, external_focus_materials, grade_external
    ),
    # written blind after the engine's relevance work, as a held-out check
    "heldout": QuerySet(
        HELDOUT_QUERY_TYPES, heldout_queries, heldout_focus_materials, grade_heldout
    ),
}


# ---------------------------------------------------------------- outer process: the instance
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000, help="generated articles")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=2026, help="corpus random seed")
    parser.add_argument("--explain", type=int, default=8, help="worst engine queries to show")
    parser.add_argument(
        "--queries",
        choices=tuple(QUERY_SETS),
        default="team",
        help="judged query set: the team's own, the external one, or the blind held-out one",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and database")
    parser.add_argument("--inner", metavar="JSON", help=argparse.SUPPRESS)
    return parser.parse_args()


def build_env(tmp: Path, database_url: str) -> dict[str, str]:
    """page_serving's isolated instance, quieter, optionally on a PostgreSQL database."""
    env = page_serving_env(tmp)
    env["LOG_LEVEL"] = "WARNING"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def postgres_database(drop_only: bool = False) -> str:
    """Drop and create ``yaoyun_relevance`` on BENCH_DATABASE_URL's server; return its URL."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url:
        raise BenchError(
            "--database postgres needs BENCH_DATABASE_URL (postgres://user:pw@host/db)"
        )
    import psycopg

    parts = urlsplit(url)
    maintenance = parts.path.lstrip("/")
    if maintenance in ("", BENCH_DATABASE):
        maintenance = "postgres"
    admin = urlunsplit(parts._replace(path=f"/{maintenance}"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
            if not drop_only:
                conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    except psycopg.Error as exc:
        raise BenchError(f"cannot (re)create {BENCH_DATABASE} via {parts.hostname}: {exc}") from exc
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def run(env: dict[str, str], args: list[str], what: str, capture: bool = True) -> None:
    try:
        done = subprocess.run(
            [PYTHON, *args],
            cwd=ROOT,
            env=env,
            capture_output=capture,
            text=True,
            timeout=RUN_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{what} took longer than {RUN_TIMEOUT_S} s") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stderr or "").strip().splitlines()[-25:])
        raise BenchError(f"{what} exited {done.returncode}\n{tail}")


def cleanup(tmp: Path, database: str) -> None:
    shutil.rmtree(tmp, ignore_errors=True)
    if database == "postgres" and os.environ.get("BENCH_DATABASE_URL"):
        try:
            postgres_database(drop_only=True)
        except BenchError as exc:
            print(f"could not drop {BENCH_DATABASE}: {exc}", file=sys.stderr)


def outer(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="yaoyun-relevance-"))
    results = tmp.parent / f"{tmp.name}.json"
    print(
        f"instance: {tmp}  ({args.database}, {args.articles} articles, {args.queries} queries)",
        flush=True,
    )
    try:
        url = postgres_database() if args.database == "postgres" else ""
        env = build_env(tmp, url)
        run(env, ["manage.py", "migrate", "--no-input"], "manage.py migrate")
        inner_args = ["--articles", str(args.articles), "--seed", str(args.seed)]
        inner_args += ["--explain", str(args.explain), "--queries", args.queries]
        inner_args += ["--inner", str(results)]
        run(env, [__file__, *inner_args], "the measurement", capture=False)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            cleanup(tmp, args.database)
    print(f"per-query results: {results}")
    print(f"wall time: {time.perf_counter() - started:.0f} s")
    return 0


# ---------------------------------------------------------------- inner process: the corpus
def corpus_plan(
    articles: int, names: list[str], rng: random.Random, queried: list[str]
) -> list[tuple[str, str]]:
    """(material, kind) per article: each queried material gets up to FOCUS_MAX articles, half
    of them technology (five topics), and the rest of the corpus spreads over the others."""
    focus = [n for n in queried if n in names]
    per_focus = max(4, min(FOCUS_MAX, int(articles * FOCUS_SHARE / len(focus))))
    plan = [(name, KINDS[i % 2]) for name in focus for i in range(per_focus)]
    background = [n for n in names if n not in focus]
    rng.shuffle(background)
    for number in range(max(0, articles - len(plan))):
        plan.append((background[number % len(background)], rng.choice(BACKGROUND_KINDS)))
    rng.shuffle(plan)  # interleave page ids so no material owns a block of them
    return plan


def topic_of(demo: "DemoArticle") -> str:
    """The topic the generator drew, recognised by its topic tags (the topics' tag sets are
    disjoint, and every technology article carries at least one fixed tag of its topic)."""
    from content.demo_text import _TOPICS

    if demo.kind == "product":
        return "product"
    found = [name for name, topic in _TOPICS.items() if set(demo.tags) & set(topic.tags)]
    if len(found) != 1:
        raise BenchError(f"cannot tell the topic of {demo.title!r} from tags {demo.tags}")
    return found[0]


def body_blocks(demo: "DemoArticle", document: "AbstractDocument") -> list[tuple[str, object]]:
    """The generator's blocks as StreamField data; every report shares one placeholder PDF."""
    import datetime as dt

    from wagtail.rich_text import RichText

    blocks = []
    for block_type, value in demo.body:
        if block_type == "paragraph":
            value = RichText(value)
        elif block_type == "quote":
            value = dict(value)
            days = value.pop("valid_until_days", 30)
            value["valid_until"] = dt.date.today() + dt.timedelta(days=days)
        elif block_type == "report":
            value = {**value, "document": document}
        blocks.append((block_type, value))
    return blocks


def create_article(
    number: int,
    material: "Material",
    kind: str,
    supplier: "SupplierPage",
    document: "AbstractDocument",
    rng: random.Random,
) -> ArticleTruth:
    import datetime as dt

    from content.demo import demo_material
    from content.demo_text import make_article
    from content.models import ArticlePage
    from content.slugs import ascii_slug, free_slug

    demo = make_article(demo_material(material), kind, supplier.title, rng)
    page = ArticlePage(
        title=demo.title[:255],
        slug=free_slug(supplier, ascii_slug(demo.title)),
        kind=demo.kind,
        summary=demo.summary[:400],
        origin=demo.origin[:60],
        grade=demo.grade[:80],
        publish_date=dt.date.today() - dt.timedelta(days=rng.randint(0, DAYS_BACK)),
        external_id=f"relevance-{number:05d}",
        body=body_blocks(demo, document),
    )
    page.materials = [material]
    page.tags.set(demo.tags)
    supplier.add_child(instance=page)  # live on creation; no revision needed for search
    return ArticleTruth(page.pk, material.name, demo.kind, topic_of(demo), page.origin, page.title)


def placeholder_document() -> "AbstractDocument":
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    from content.demo_media import report_pdf

    pdf = report_pdf("Relevance bench report", ["placeholder"])
    document = get_document_model()(
        title="relevance bench report", collection=Collection.get_first_root_node()
    )
    document.file_size = len(pdf)
    document.file.save("relevance-report.pdf", ContentFile(pdf), save=True)
    return document


def build_corpus(
    articles: int, seed_value: int, queried: list[str]
) -> tuple[list[ArticleTruth], float]:
    """Suppliers from content.demo.seed, then generated articles; returns their ground truth."""
    from django.db import transaction
    from django.db.models.signals import post_save
    from modelsearch.signal_handlers import post_save_signal_handler

    from content.demo import seed
    from content.models import ArticlePage, Material, SupplierPage

    seed(suppliers=SUPPLIERS, articles=0, insights=0, seed_value=seed_value)
    # Both indexes are built in bulk (and timed) afterwards, not page by page on save.
    post_save.disconnect(post_save_signal_handler, sender=ArticlePage)
    rng = random.Random(seed_value)
    suppliers = list(SupplierPage.objects.order_by("pk"))
    materials = {m.name: m for m in Material.objects.exclude(category="矿物类").order_by("pk")}
    document, truths, started = placeholder_document(), [], time.perf_counter()
    plan = corpus_plan(articles, list(materials), rng, queried)
    for start in range(0, len(plan), 100):
        with transaction.atomic():
            for number in range(start, min(start + 100, len(plan))):
                name, kind = plan[number]
                truths.append(
                    create_article(
                        number, materials[name], kind, rng.choice(suppliers), document, rng
                    )
                )
        if len(truths) % 500 == 0 or len(truths) == len(plan):
            print(f"  {len(truths)}/{len(plan)} articles", flush=True)
    check_truth(truths)
    return truths, time.perf_counter() - started


def check_truth(truths: list[ArticleTruth]) -> None:
    """Read the articles back: the stored material, kind, origin and title are what we recorded."""
    from content.models import ArticlePage

    stored = (
        ArticlePage.objects.live()
        .prefetch_related("materials")
        .in_bulk([t.page_id for t in truths])
    )
    for truth in truths:
        page = stored.get(truth.page_id)
        if (
            page is None
            or [m.name for m in page.materials.all()] != [truth.material]
            or ((page.kind, page.origin, page.title) != (truth.kind, truth.origin, truth.title))
        ):
            raise BenchError(f"article {truth.page_id} does not match its recorded ground truth")


def check_queries(queries: list[BenchQuery]) -> None:
    """Aliases, traditional names, pinyin, Latin names and places come from materials.json."""
    from content.models import Material

    by_name = {m.name: m for m in Material.objects.all()}
    for query in queries:
        material = by_name.get(query.material)
        if material is None:
            raise BenchError(f"{query.query!r}: no material {query.material!r}")
        names = {
            "alias": list(material.aliases),
            "traditional": [material.traditional],
            "pinyin": [material.pinyin],
            "latin": [material.latin],
            "origin+material": [o for o in material.origins if query.extra in o],
        }.get(query.type)
        if names is not None and not names:
            raise BenchError(f"{query.query!r}: {query.extra!r} is no origin of {material.name}")
        if query.type in ("alias", "traditional", "pinyin", "latin") and query.query not in names:
            raise BenchError(f"{query.query!r} is not a {query.type} name of {material.name}")


# ---------------------------------------------------------------- inner process: measuring
def index_engine() -> tuple[int, float]:
    from search.analysis import get_analyzer
    from search.indexing import rebuild

    get_analyzer()  # load jieba and the vocabulary outside the timing
    started = time.perf_counter()
    return rebuild(), time.perf_counter() - started


def index_baseline() -> tuple[int, float]:
    """What ``manage.py update_index`` does, for ArticlePage only (modelsearch's rebuild path)."""
    from wagtail.search.backends import get_search_backend

    from content.models import ArticlePage

    backend, count = get_search_backend(), 0
    started = time.perf_counter()
    index = backend.get_index_for_model(ArticlePage)
    rebuilder = backend.rebuilder_class(index) if backend.rebuilder_class else None
    index = rebuilder.start() if rebuilder else index
    index.add_model(ArticlePage)
    pages = ArticlePage.get_indexed_objects().order_by("pk")
    for start in range(0, pages.count(), 1000):
        chunk = list(pages[start : start + 1000])
        index.add_items(ArticlePage, chunk)
        count += len(chunk)
    if rebuilder:
        rebuilder.finish()
    return count, time.perf_counter() - started


def engine_search(q: str) -> dict:
    from search.queries import SearchRequest, search_articles

    response = search_articles(SearchRequest(q=q, page_size=RECALL_K), log=False)
    return {
        "ids": [r.id for r in response.results],
        "total": response.total,
        "relaxed": response.relaxed,
        "normalized": response.normalized,
    }


def baseline_search(q: str) -> dict:
    from content.models import ArticlePage

    try:
        results = ArticlePage.objects.live().search(q)
        return {"ids": [p.pk for p in results[:RECALL_K]], "total": results.count()}
    except Exception as exc:  # a query the backend cannot parse scores as no results
        return {"ids": [], "total": 0, "error": repr(exc)}


def ndcg(ranked: list[int], grades: dict[int, int], k: int = TOP_K) -> float:
    """nDCG@k with gain 2^grade - 1; the ideal ranking is over every graded article."""

    def dcg(values: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(pid, 0) for pid in ranked]) / ideal if ideal else 0.0


def recall(ranked: list[int], grades: dict[int, int], k: int = RECALL_K) -> float:
    relevant = {pid for pid, g in grades.items() if g >= 1}
    return len(relevant.intersection(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[int], grades: dict[int, int]) -> float:
    return next((1 / (i + 1) for i, pid in enumerate(ranked) if grades.get(pid, 0) >= 1), 0.0)


def score(found: dict, grades: dict[int, int], lookalike: set[int]) -> dict:
    ranked = found["ids"]
    return {
        **found,
        "ndcg10": ndcg(ranked, grades),
        "recall50": recall(ranked, grades),
        "mrr": reciprocal_rank(ranked, grades),
        "lookalike_top10": len(lookalike.intersection(ranked[:TOP_K])),
    }


def measure(
    queries: list[BenchQuery], truths: list[ArticleTruth], grade_article: "Callable"
) -> list[dict]:
    rows = []
    for query in queries:
        graded = {t.page_id: grade_article(query, t) for t in truths}
        grades = {pid: g for pid, g in graded.items() if g}
        lookalike = {
            t.page_id for t in truths if query.type == "distractor" and t.material == query.extra
        }
        rows.append(
            {
                **query._asdict(),
                "relevant": len(grades),
                "grade2": sum(g == 2 for g in grades.values()),
                "engine": score(engine_search(query.query), grades, lookalike),
                "baseline": score(baseline_search(query.query), grades, lookalike),
            }
        )
    return rows


# ---------------------------------------------------------------- inner process: reporting
def mean(rows: list[dict], system: str, metric: str) -> float:
    return sum(r[system][metric] for r in rows) / len(rows) if rows else 0.0


def print_table(rows: list[dict], types: tuple[str, ...]) -> None:
    head = f"{'type':<16} | {'n':>3} | {'engine nDCG@10':>14} | {'R@50':>5} | {'MRR':>5} | "
    print(head + f"{'baseline nDCG@10':>16} | {'R@50':>5} | {'MRR':>5}")
    print("-" * len(head + " " * 36))
    groups = [(t, [r for r in rows if r["type"] == t]) for t in types] + [("overall", rows)]
    for name, group in groups:
        if name == "overall":
            print("-" * len(head + " " * 36))
        cells = [
            f"{mean(group, s, m):>{w}.3f}"
            for s in ("engine", "baseline")
            for m, w in (("ndcg10", 14 if s == "engine" else 16), ("recall50", 5), ("mrr", 5))
        ]
        print(f"{name:<16} | {len(group):>3} | " + " | ".join(cells))


def print_distractors(rows: list[dict]) -> None:
    group = [r for r in rows if r["type"] == "distractor"]
    for system in ("engine", "baseline"):
        hits = sum(r[system]["lookalike_top10"] for r in group)
        worst = [f"{r['query']}→{r['extra']}" for r in group if r[system]["lookalike_top10"]]
        print(f"look-alike articles in the top 10 ({system}): {hits}  {' '.join(worst)}")


def explain(
    rows: list[dict], truths: list[ArticleTruth], count: int, grade_article: "Callable"
) -> None:
    """The worst engine queries: the analyzer's groups and the top titles with their grades."""
    from search.analysis import get_analyzer

    by_id = {t.page_id: t for t in truths}
    analyzer = get_analyzer()
    worst = sorted(rows, key=lambda r: (r["engine"]["ndcg10"], r["engine"]["mrr"]))[:count]
    for row in worst:
        query = BenchQuery(row["type"], row["query"], row["material"], row["extra"])
        found = row["engine"]
        print(
            f"\n[{row['type']}] {row['query']!r} nDCG@10 {found['ndcg10']:.3f} "
            f"total {found['total']} relaxed {found['relaxed']} (relevant {row['relevant']}, "
            f"grade 2: {row['grade2']})\n  query_groups: {analyzer.query_groups(row['query'])}"
        )
        for pid in found["ids"][:5]:
            truth = by_id[pid]
            print(
                f"  {grade_article(query, truth)} {truth.material}/{truth.topic}/{truth.origin}  "
                f"{truth.title}"
            )


def warn_unanswerable(rows: list[dict]) -> list[dict]:
    """Queries with nothing to find (or no grade-2 article for origin/topic) are left out."""
    kept = []
    for row in rows:
        needs_two = row["type"] in ("origin+material", "material+topic") or (
            row["type"] in EXTERNAL_QUERY_TYPES and bool(row["extra"])
        )
        if row["relevant"] == 0 or (needs_two and row["grade2"] == 0):
            print(f"left out {row['query']!r}: the corpus has no article it should find")
        else:
            kept.append(row)
    return kept


def inner(args: argparse.Namespace) -> int:
    import django

    django.setup()
    print("building the corpus ...", flush=True)
    query_set = QUERY_SETS[args.queries]
    truths, created_s = build_corpus(args.articles, args.seed, query_set.focus())
    queries = query_set.queries()
    check_queries(queries)
    print(
        f"corpus: {len(truths)} articles, {len({t.material for t in truths})} materials, "
        f"{SUPPLIERS} suppliers, created in {created_s:.0f} s"
    )
    timings = {"engine": index_engine(), "baseline": index_baseline()}
    started = time.perf_counter()
    rows = warn_unanswerable(measure(queries, truths, query_set.grade))
    print(f"{len(rows)} queries x 2 systems in {time.perf_counter() - started:.1f} s\n")
    print_table(rows, query_set.types)
    print()
    print_distractors(rows)
    for name, (count, seconds) in timings.items():
        label = (
            "embedded engine (search.indexing.rebuild)"
            if name == "engine"
            else ("Wagtail database backend (update_index path, ArticlePage)")
        )
        print(
            f"indexing, {label}: {count} articles in {seconds:.1f} s = "
            f"{count / seconds:.0f} articles/s"
        )
    errors = [r["query"] for r in rows if r["baseline"].get("error")]
    if errors:
        print(f"baseline errors (scored as no results): {errors}")
    explain(rows, truths, args.explain, query_set.grade)
    Path(args.inner).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def main() -> int:
    args = parse_args()
    if not args.inner:
        return outer(args)
    try:
        return inner(args)
    except BenchError as exc:
        print(f"measurement failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
