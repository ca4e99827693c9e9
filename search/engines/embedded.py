"""Built-in engine on the database in use: SQLite FTS5 (bm25) or PostgreSQL full text.

Documents, facet values and suggestions live in ordinary tables (``search.models``); the text
index is an FTS5 virtual table on SQLite and a weighted ``tsvector`` column on PostgreSQL, both
fed with the pipeline's tokens. Boosts for verified suppliers and recency re-rank the top
candidates in Python, the same way for both databases.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from search.analysis import normalize
from search.engines.base import (
    FACET_NAMES,
    EngineHit,
    EngineQuery,
    EngineResult,
    IndexDocument,
    SearchEngine,
)
from search.engines.embedded_rows import replace_facets_and_suggestions, upsert_documents
from search.engines.result_cache import (
    cached_result,
    keep_result,
    mark_index_changed,
    result_key,
)
from search.models import SearchDocument, SearchFacet, SearchSuggestion

FIELD_WEIGHTS = (10.0, 6.0, 3.0, 1.0)  # title, materials, meta, body
MIN_CANDIDATES = 200
FACET_LIMIT = 20
# Facet counts are exact up to this many matches. Past it they are counted over an evenly
# spread sample of about this many matches (every n-th page id) and scaled up, flagged
# approximate: counting every facet row of 48,000 matches took most of a broad query's time.
FACET_SAMPLE = 2000
TITLE_BOOST = 0.5  # at most, when every query word is in the title
VERIFIED_BOOST = 0.10
RECENCY_BOOST = 0.15  # at most, for today's articles, fading to 0 over RECENCY_DAYS
RECENCY_DAYS = 730
DOC = SearchDocument._meta.db_table
FACET = SearchFacet._meta.db_table


class EmbeddedEngine(SearchEngine):
    name = "embedded"

    def __init__(self) -> None:
        self.text = PostgresText() if connection.vendor == "postgresql" else SqliteText()
        self.name = f"embedded-{self.text.vendor}"

    def index(self, documents: list[IndexDocument]) -> None:
        # One row per page: a multi-row upsert may not touch a row twice.
        documents = list({d.page_id: d for d in documents}.values())
        ids = [d.page_id for d in documents]
        with transaction.atomic():
            # Upsert rather than delete + insert, so two tasks indexing the same page at once
            # (a double publish, a reindex racing a publish) both succeed.
            with connection.cursor() as cursor:
                upsert_documents(cursor, documents, self.text.vector)
            replace_facets_and_suggestions(documents)
            self.text.delete(ids)
            self.text.write(documents)
            mark_index_changed()

    def delete(self, page_ids: list[int]) -> None:
        if page_ids:
            self.text.delete(page_ids)
            SearchDocument.objects.filter(page_id__in=page_ids).delete()
            mark_index_changed()

    def count(self) -> int:
        return SearchDocument.objects.count()

    def clear(self) -> None:
        self.text.clear()
        SearchDocument.objects.all().delete()
        mark_index_changed()

    def prune(self) -> None:
        self.text.prune()

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        key = normalize(prefix).replace(" ", "")
        if not key:
            return []
        rows = (
            SearchSuggestion.objects.filter(key__startswith=key)
            .values_list("term", flat=True)
            .order_by("term")
            .distinct()[: limit * 4]
        )
        ranked = sorted(set(rows), key=lambda t: (len(t), t))  # short names before long titles
        return ranked[:limit]

    def search(self, query: EngineQuery) -> EngineResult:
        candidates = max(MIN_CANDIDATES, query.offset + query.limit)
        key = result_key(self.name, query, candidates)
        found = cached_result(key)
        if found is None:
            found = self._rank(query, candidates)
            keep_result(key, found[0], found)
        total, ranked, facets, approximate = found
        hits = [
            EngineHit(pid, score)
            for pid, score in ranked[query.offset : query.offset + query.limit]
        ]
        return EngineResult(
            total=total,
            hits=hits,
            facets=facets,
            engine=self.name,
            facets_approximate=approximate,
        )

    def _rank(self, query: EngineQuery, candidates: int) -> tuple:
        """(total, the top ``candidates`` boosted and sorted, facets, whether estimated).

        One statement ranks the matches, counts them (a window over the same scan: counting
        them apart read the index and the table a second time, up to 140 ms of a broad
        word's cold query on PostgreSQL) and brings what the boosts need of the candidates."""
        matched_sql, params = self.text.matches(query)
        filter_sql, filter_params = _filters(query.filters)
        base = f"SELECT m.page_id, m.score FROM ({matched_sql}) m WHERE 1=1 {filter_sql}"
        params = [*params, *filter_params]
        with connection.cursor() as cursor, self.text.counting(cursor):
            cursor.execute(
                "SELECT r.page_id, r.score, r.total, d.verified, d.published_at,"
                " d.title_tokens FROM (SELECT t.page_id, t.score, count(*) OVER () AS total"
                f" FROM ({base}) t ORDER BY t.score DESC, t.page_id DESC LIMIT %s) r"
                f" LEFT JOIN {DOC} d ON d.page_id = r.page_id",
                [*params, candidates],
            )
            rows = cursor.fetchall()
            total = rows[0][2] if rows else 0
            facets, approximate = (
                _count_facets(cursor, base, params, total) if total else (_facets([]), False)
            )
        return total, _boost(rows, query.groups), facets, approximate


def _filters(filters: dict[str, str]) -> tuple[str, list]:
    sql, params = "", []
    for name, value in filters.items():
        if name in FACET_NAMES and value:
            sql += (
                f" AND m.page_id IN (SELECT document_id FROM {FACET}"
                " WHERE name = %s AND value = %s)"
            )
            params += [name, value]
    return sql, params


def _boost(rows: list[tuple], groups: list[list[str]]) -> list[tuple[int, float]]:
    """Multiply relevance by title-match, verified-supplier and recency factors, then re-sort.
    ``rows``: page id, score, total, and the document's verified flag, publication date and
    title tokens (None for a text row whose document is gone).

    The title factor matters on SQLite: bm25 gives a word found in most articles (检测, 种植)
    almost no weight, so "山药 种植" would otherwise rank by the material alone.
    """
    today = dt.date.today()
    boosted = []
    for page_id, score, _total, verified, published, title_tokens in rows:
        title = set(title_tokens.split()) if title_tokens else set()
        age = (today - published).days if published else RECENCY_DAYS
        recency = max(0.0, 1 - max(age, 0) / RECENCY_DAYS)
        in_title = sum(1 for g in groups if title.intersection(g)) / len(groups) if groups else 0
        factor = (
            (1 + TITLE_BOOST * in_title)
            * (1 + VERIFIED_BOOST * bool(verified))
            * (1 + RECENCY_BOOST * recency)
        )
        boosted.append((page_id, float(score or 0.0) * factor))
    return sorted(boosted, key=lambda r: (-r[1], -r[0]))


def _count_facets(
    cursor: CursorWrapper, base: str, params: list, total: int
) -> tuple[dict[str, list[tuple[str, int]]], bool]:
    """Facet counts over every match, or estimated from a sample past ``FACET_SAMPLE``
    matches; the flag says which."""
    step = max(1, -(-total // FACET_SAMPLE))  # 1 while exact
    sample = f"SELECT page_id FROM ({base}) t" + (" WHERE page_id %% %s = 0" if step > 1 else "")
    cursor.execute(
        f"SELECT name, value, count(*) FROM {FACET} WHERE document_id IN ({sample})"
        " GROUP BY name, value",
        [*params, step] if step > 1 else params,
    )
    rows = cursor.fetchall()
    if step > 1 and not rows:  # no page id of the sample matched: count them all after all
        return _count_facets(cursor, base, params, min(total, FACET_SAMPLE))
    if step == 1:
        return _facets(rows), False
    # Every document has exactly one kind, so the kind counts add up to the sample's size.
    sampled = sum(count for name, _value, count in rows if name == "kind") or 1
    scaled = [(name, value, max(1, round(count * total / sampled))) for name, value, count in rows]
    return _facets(scaled), True


def _facets(rows: list[tuple[str, str, int]]) -> dict[str, list[tuple[str, int]]]:
    facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACET_NAMES}
    for name, value, count in rows:
        facets.setdefault(name, []).append((value, count))
    return {
        name: sorted(values, key=lambda v: (-v[1], v[0]))[:FACET_LIMIT]
        for name, values in facets.items()
    }


class SqliteText:
    """FTS5 table ``search_fts`` keyed by page id; bm25 with per-column weights."""

    vendor = "sqlite"
    vector = None  # the text lives in its own table, written by ``write``

    def write(self, documents: list[IndexDocument]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts(rowid, title, materials, meta, body) "
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    (d.page_id, d.title_tokens, d.material_tokens, d.meta_tokens, d.body_tokens)
                    for d in documents
                ],
            )

    def delete(self, page_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM search_fts WHERE rowid IN ({','.join(['%s'] * len(page_ids))})",
                page_ids,
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def prune(self) -> None:
        """Text rows whose document went without the engine (a cascade from a deleted page, a
        flushed test database): unreachable by a search, but rows a rebuild must not keep."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM search_fts WHERE rowid NOT IN (SELECT page_id FROM {DOC})")

    @contextmanager
    def counting(self, cursor: CursorWrapper) -> Iterator[None]:
        """Ranking and counting need no settings on SQLite."""
        yield

    def matches(self, query: EngineQuery) -> tuple[str, list]:
        expression = _fts5_expression(query)
        if not expression:
            return f"SELECT page_id, 0.0 AS score FROM {DOC}", []
        weights = ", ".join(str(w) for w in FIELD_WEIGHTS)
        return (
            f"SELECT rowid AS page_id, -bm25(search_fts, {weights}) AS score "
            "FROM search_fts WHERE search_fts MATCH %s",
            [expression],
        )


def _fts5_expression(query: EngineQuery) -> str:
    """Groups as ``("北芪" OR "黄芪") AND "种植"``; every token quoted, so no FTS5 syntax
    (NEAR, *, column filters, parentheses) in a query can reach the parser."""
    groups = [
        "(" + " OR ".join('"' + token.replace('"', '""') + '"' for token in group) + ")"
        for group in query.groups
        if group
    ]
    return (" AND " if query.match_all_groups else " OR ").join(groups)


class PostgresText:
    """A weighted ``tsvector`` column (A title … D body) with a GIN index; ``ts_rank_cd``."""

    vendor = "postgresql"
    # The column and its value from the row's four token columns, in the document row's
    # upsert: an UPDATE after it wrote every row (and its GIN entries) a second time.
    vector = (
        "search_vector",
        "setweight(to_tsvector('simple', r.title_tokens), 'A')"
        " || setweight(to_tsvector('simple', r.material_tokens), 'B')"
        " || setweight(to_tsvector('simple', r.meta_tokens), 'C')"
        " || setweight(to_tsvector('simple', r.body_tokens), 'D')",
    )

    def write(self, documents: list[IndexDocument]) -> None:
        """The vector is written with its document's row (``vector``)."""

    def delete(self, page_ids: list[int]) -> None:
        """Rows go with their SearchDocument; nothing separate to remove."""

    def clear(self) -> None:
        """The vector is a column of the documents table."""

    def prune(self) -> None:
        """Nothing is kept apart from the documents."""

    @contextmanager
    def counting(self, cursor: CursorWrapper) -> Iterator[None]:
        """Rank, count and count facets through the GIN index. For a word in most articles the
        planner picks a sequential scan, which decompresses every matching TOASTed vector to
        test it and then again to rank it: a bitmap scan of the index tests none (a word's
        entries are exact) and ranking decompresses each once (检测 at 50,000 articles: rank
        340 -> 260 ms, count 865 -> 15-50 ms). The planner's penalty for a scan it cannot
        avoid would cross the JIT threshold, so JIT is off too. ``SET LOCAL`` needs a
        transaction; inside an outer one the settings are put back afterwards."""
        outer = connection.in_atomic_block
        with transaction.atomic():
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), current_setting('jit'),"
                " set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
            )
            seqscan, jit, _, _ = cursor.fetchone()
            yield
            if outer:  # else the settings end with the transaction
                cursor.execute(
                    "SELECT set_config('enable_seqscan', %s, true), set_config('jit', %s, true)",
                    [seqscan, jit],
                )

    def matches(self, query: EngineQuery) -> tuple[str, list]:
        groups = [g for g in query.groups if g]
        if not groups:
            return f"SELECT page_id, 0.0 AS score FROM {DOC}", []
        params: list[str] = []
        parts = []
        for group in groups:
            parts.append("(" + " || ".join(["phraseto_tsquery('simple', %s)"] * len(group)) + ")")
            params.extend(group)
        tsquery = (" && " if query.match_all_groups else " || ").join(parts)
        ratios = ", ".join(str(w / FIELD_WEIGHTS[0]) for w in reversed(FIELD_WEIGHTS))
        weights = f"'{{{ratios}}}'"  # ts_rank_cd takes {D, C, B, A}
        return (
            f"SELECT page_id, ts_rank_cd({weights}, search_vector, q) AS score "
            f"FROM {DOC}, ({'SELECT ' + tsquery + ' AS q'}) tq WHERE search_vector @@ q",
            params,
        )
