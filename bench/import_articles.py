"""Benchmark the bulk import and the index build beside their baselines, in one fresh instance.

One run, one database (SQLite, or PostgreSQL with BENCH_DATABASE_URL):

- ``import_articles`` of N generated demo articles (validation, revisions, publish, reference
  index and search index included) against a plain loop of Wagtail ``add_child`` calls in one
  transaction writing as many pages;
- ``rebuild_search_index`` over those N live articles (as the command runs it: one analysis
  process a core; and in one process) against the engine-only write of the same, already
  built documents; analysis (``build_document``) with jieba-rs, with Python jieba, and along
  the pipeline's path before the index-build speed-up (bench/index_reference.py), with a
  check that the new path builds the reference's documents.

The machine is shared, so the load average is printed, and the rebuild's CPU time beside its
wall time. ``--profile`` prints cProfile of a one-process rebuild (cumulative and own time)
to stderr.

Run: ``python bench/import_articles.py --articles 3000 [--database postgres] [--profile]``.
"""

import argparse
import cProfile
import dataclasses
import io
import json
import os
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.page_serving import PYTHON, ROOT, BenchError, manage, marked
from bench.search_latency import drop_database, instance_env

SEED = 2026
SUPPLIERS = 12
BENCH_DATABASE = "yaoyun_import_bench"
TARGET_IMPORT = 150.0  # articles/s, issue 13
TARGET_INDEX = 1000.0  # documents/s, issue 13


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--profile", action="store_true", help="cProfile a rebuild to stderr")
    return parser.parse_args()


# ---------------------------------------------------------------- inside the Django process
def _lines(count: int, suppliers: list[str]) -> list[str]:
    """JSON lines of ``count`` demo articles about dictionary materials, as a supplier sends."""
    from content.demo import demo_material
    from content.demo_text import make_article
    from content.models import Material

    materials, rng, lines = list(Material.objects.order_by("pk")), random.Random(SEED), []
    for i in range(count):
        material, supplier = rng.choice(materials), rng.choice(suppliers)
        kind = "product" if rng.random() < 0.6 else "technology"
        article = make_article(demo_material(material), kind, supplier, rng)
        html = "".join(
            f"<h3>{value}</h3>" if block == "heading" else str(value)
            for block, value in article.body
            if block in ("heading", "paragraph")
        )
        record = {
            "external_id": f"bench-{i:06d}",
            "supplier": supplier,
            "kind": kind,
            "title": article.title[:255],
            "summary": article.summary[:400],
            "body": html,
            "materials": [material.name],
            "origin": article.origin[:60],
            "tags": article.tags,
            "published_at": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


class PythonJieba:
    """Python jieba behind the segmenter interface the analyzer uses (jieba-rs's): the
    reference this benchmark times and tests/search/test_segmenter.py compares tokens with."""

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(60)
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()

    def add_word(self, word: str, freq: int, tag: str | None) -> None:
        self.tokenizer.add_word(word, freq=freq, tag=tag)

    def cut_for_search(self, text: str, hmm: bool) -> list[str]:
        return list(self.tokenizer.cut_for_search(text, HMM=hmm))


def _analysis_seconds(pages: list, analyzer, build=None) -> float:
    """Seconds to build every page's document with a fresh analyzer and pinyin memory."""
    from search.analysis import to_pinyin
    from search.documents import build_document

    to_pinyin.cache_clear()
    build = build or build_document
    started = time.perf_counter()
    for page in pages:
        build(page, analyzer)
    return time.perf_counter() - started


def _fresh_analyzer():
    from search.analysis import Analyzer, get_analyzer

    return Analyzer(get_analyzer().vocabulary)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the analysis workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed_rebuild(figures: dict, name: str, workers: int) -> None:
    """Time a rebuild from cold analysis caches, as a new ``rebuild_search_index`` process
    has (the import just warmed this one's); ``workers`` 0 is the pre-speed-up path."""
    from bench.index_reference import reference_rebuild
    from search import analysis
    from search.indexing import rebuild

    analysis._state["analyzer"] = None  # built again: empty run and token caches
    analysis.to_pinyin.cache_clear()
    analysis.get_analyzer()
    figures[f"{name}_load"] = os.getloadavg()[0]
    cpu, started = _cpu_seconds(), time.perf_counter()
    figures[name] = rebuild(workers=workers) if workers else reference_rebuild()
    figures[f"{name}_s"] = time.perf_counter() - started
    figures[f"{name}_cpu_s"] = _cpu_seconds() - cpu


def _profile_rebuild() -> None:
    from search.indexing import rebuild

    profile = cProfile.Profile()
    profile.runcall(rebuild, workers=1)
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(30)
        print(out.getvalue(), file=sys.stderr)


def _python_jieba_analyzer():
    from search import analysis
    from search.analysis import Analyzer, get_analyzer

    vocabulary = get_analyzer().vocabulary
    saved = analysis._segmenter_state.pop("segmenter")
    analysis._segmenter_state["segmenter"] = PythonJieba()
    try:
        return Analyzer(vocabulary)
    finally:
        analysis._segmenter_state["segmenter"] = saved


def _add_child_loop(lines: list[str]) -> float:
    """Seconds to add as many article pages with a plain ``add_child`` loop, one transaction."""
    from django.db import transaction

    from content.models import ArticlePage
    from content.workspaces import create_supplier

    parent = create_supplier("基准对照供应商有限公司").page
    started = time.perf_counter()
    with transaction.atomic():
        for i, raw in enumerate(lines):
            record = json.loads(raw)
            parent.add_child(
                instance=ArticlePage(
                    title=record["title"],
                    slug=f"baseline-{i}",
                    supplier=parent,
                    external_id=f"baseline-{i}",
                    kind=record["kind"],
                    summary=record["summary"],
                    origin=record["origin"],
                    body=[("paragraph", record["body"])],
                )
            )
    return time.perf_counter() - started


def run(articles: int, batch_size: int, profile: bool = False) -> None:
    """Set up, import, rebuild, compare; print ``BENCH_IMPORT=`` and the figures as JSON."""
    from django.core.management import call_command

    from bench.index_reference import reference_document
    from content.demo_text import supplier_names
    from content.materials import load_materials
    from content.models import ArticlePage
    from content.site_setup import ensure_site
    from content.workspaces import create_supplier
    from search.analysis import get_analyzer
    from search.documents import build_document
    from search.engines.embedded import EmbeddedEngine
    from search.indexing import BATCH_SIZE, _live_articles, default_workers
    from search.models import SearchDocument

    ensure_site()
    load_materials()
    suppliers = [s["name"] for s in supplier_names(SUPPLIERS, SEED)]
    for name in suppliers:
        create_supplier(name)
    lines = _lines(articles, suppliers)
    get_analyzer()  # load the segmenter and the vocabulary outside the timings
    figures: dict[str, float] = {"articles": articles}

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        call_command("import_articles", str(path), "--no-progress", "--batch-size", str(batch_size))
        figures["import_s"] = time.perf_counter() - started
    figures["imported"] = ArticlePage.objects.filter(external_id__startswith="bench-").count()
    figures["indexed_after_import"] = SearchDocument.objects.count()

    figures["workers"] = default_workers()
    _timed_rebuild(figures, "rebuilt_before", 0)
    _timed_rebuild(figures, "rebuilt", figures["workers"])
    _timed_rebuild(figures, "rebuilt_one_process", 1)
    if profile:
        _profile_rebuild()

    ids, pages = list(_live_articles().order_by("pk").values_list("pk", flat=True)), []
    for start in range(0, len(ids), BATCH_SIZE):
        pages.extend(_live_articles().filter(pk__in=ids[start : start + BATCH_SIZE]))
    figures["analysis_rjieba_s"] = _analysis_seconds(pages, _fresh_analyzer())
    figures["analysis_reference_s"] = _analysis_seconds(
        pages, _fresh_analyzer(), reference_document
    )
    figures["analysis_python_jieba_s"] = _analysis_seconds(pages, _python_jieba_analyzer())
    documents = [build_document(page, get_analyzer()) for page in pages]
    reference = [reference_document(page, get_analyzer()) for page in pages]
    figures["documents_as_reference"] = sum(
        dataclasses.asdict(new) == dataclasses.asdict(old)
        for new, old in zip(documents, reference, strict=True)
    )
    engine = EmbeddedEngine()
    started = time.perf_counter()
    for start in range(0, len(documents), BATCH_SIZE):
        engine.index(documents[start : start + BATCH_SIZE])
    figures["engine_write_s"] = time.perf_counter() - started

    figures["add_child_s"] = _add_child_loop(lines)
    print("BENCH_IMPORT=" + json.dumps(figures))


# ---------------------------------------------------------------- the driver
def report(figures: dict, database: str) -> None:
    n = figures["articles"]
    workers = figures["workers"]
    rows = [
        ("import_articles (indexing included)", n / figures["import_s"], "articles/s"),
        ("baseline: add_child loop, one transaction", n / figures["add_child_s"], "pages/s"),
        (f"rebuild_search_index ({workers} workers)", n / figures["rebuilt_s"], "documents/s"),
        ("rebuild_search_index (one process)", n / figures["rebuilt_one_process_s"], "documents/s"),
        ("rebuild, path before the speed-up", n / figures["rebuilt_before_s"], "documents/s"),
        ("baseline: engine-only write", n / figures["engine_write_s"], "documents/s"),
        ("analysis, jieba-rs (build_document)", n / figures["analysis_rjieba_s"], "documents/s"),
        ("analysis, path before the speed-up", n / figures["analysis_reference_s"], "documents/s"),
        ("analysis, Python jieba", n / figures["analysis_python_jieba_s"], "documents/s"),
    ]
    print(
        f"\n{database}, {n} articles (imported {figures['imported']}, "
        f"indexed {figures['indexed_after_import']} after import, {figures['rebuilt']} rebuilt; "
        f"{figures['documents_as_reference']} documents equal to the reference path's)"
    )
    for label, rate, unit in rows:
        print(f"  {label:<44} {rate:8.0f} {unit}")
    for name in ("rebuilt", "rebuilt_one_process", "rebuilt_before"):
        print(
            f"  {name}: {figures[f'{name}_s']:.1f} s wall, {figures[f'{name}_cpu_s']:.1f} s CPU "
            f"(all processes), load average {figures[f'{name}_load']:.1f} at the start"
        )
    print(
        f"  targets: import >= {TARGET_IMPORT:.0f} articles/s, index >= {TARGET_INDEX:.0f} docs/s"
    )


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        env = instance_env(Path(tmp), args.database, name=BENCH_DATABASE)
        try:
            manage(env, ["migrate", "--noinput"], timeout=600)
            code = (
                "from bench.import_articles import run; "
                f"run({args.articles}, {args.batch_size}, {args.profile})"
            )
            done = subprocess.run(
                [PYTHON, "manage.py", "shell", "-c", code],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
                timeout=600 + args.articles,
            )
            if done.returncode != 0:
                raise BenchError(f"the benchmark process exited {done.returncode}")
            report(json.loads(marked(done.stdout, "BENCH_IMPORT=")), args.database)
        finally:
            if args.database == "postgres":
                drop_database(BENCH_DATABASE)


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"bench: {exc}")
