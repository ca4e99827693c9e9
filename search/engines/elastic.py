"""The Elasticsearch engine: a versioned index behind an alias, queried through its DSL."""

import re
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, helpers
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Integer,
    Keyword,
    MetaField,
    Q,
    Search,
    Text,
    analyzer,
)
from elasticsearch.dsl.function import SF
from elasticsearch.dsl.query import Query

from search.analysis import CJK_RUN, normalize, to_pinyin
from search.engines.base import (
    FACET_NAMES,
    EngineHit,
    EngineQuery,
    EngineResult,
    IndexDocument,
    SearchEngine,
)

DEFAULT_ALIAS = "yaoyun-articles"

# The Python pipeline (search.analysis) has already segmented, normalised and expanded the text
# into space-separated tokens, so the server only splits on spaces: Chinese needs no plugin and
# both engines rank exactly the same tokens.
PRE_ANALYSED = analyzer("yaoyun_pre_analysed", tokenizer="whitespace", filter=["lowercase"])

TEXT_FIELDS = ["title_tokens^4", "material_tokens^3", "meta_tokens^2", "body_tokens"]
FACET_SIZE = 20
# Ranking nudges as in the embedded engine, multiplied into the text score as
# 1 + verified + recency (at most +25 %), so a better text match still beats a fresher or
# verified one. Recency falls linearly from 1 today to 0 at two years (half at one).
VERIFIED_BOOST = 0.10
RECENCY_BOOST = 0.15
RECENCY_DECAY = {"origin": "now", "scale": "365d", "decay": 0.5}
# A migration copies the whole index in one request; give it far longer than a search.
REINDEX_TIMEOUT = 3600.0
# A suggestion is stored as its search key and the term it suggests, joined by the ASCII unit
# separator (in neither), so one keyword prefix query maps "hq" or "huangqi" to 黄芪.
SUGGEST_SEPARATOR = "\x1f"
SUGGEST_CANDIDATES = 4  # entries read per suggestion asked: one term has up to three keys
INITIALS_MAX_LENGTH = 6  # pinyin initials only for names ("hq" for 黄芪), not for whole titles


class ArticleDocument(Document):
    """One article; facet fields carry the facet names, so ``IndexDocument.facets`` fills them."""

    page_id = Integer()
    title_tokens = Text(analyzer=PRE_ANALYSED)
    material_tokens = Text(analyzer=PRE_ANALYSED)
    meta_tokens = Text(analyzer=PRE_ANALYSED)
    body_tokens = Text(analyzer=PRE_ANALYSED)
    kind = Keyword()
    material = Keyword(multi=True)
    supplier = Keyword()
    origin = Keyword()
    tag = Keyword(multi=True)
    year = Keyword()
    verified = Boolean()
    published_at = Date()
    external_id = Keyword()
    supplier_id = Integer()
    # display only: kept in _source, never searched (the token fields are)
    title = Text(index=False)
    summary = Text(index=False)
    url = Text(index=False)
    # "key<US>term": titles and material names under themselves and their pinyin (prefix match)
    suggest = Keyword(multi=True)

    class Meta:
        dynamic = MetaField("strict")  # a field missing here is a bug, not a guess for the server

    class Index:
        name = DEFAULT_ALIAS
        # One shard keeps term statistics (and so scores) global, as in the embedded engine;
        # a replica appears by itself once a second node joins.
        settings = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}


def to_source(document: IndexDocument) -> dict[str, Any]:
    """The ``_source`` stored for ``document`` (empty facet values are left out, not indexed)."""
    article = ArticleDocument(
        page_id=document.page_id,
        title_tokens=document.title_tokens,
        material_tokens=document.material_tokens,
        meta_tokens=document.meta_tokens,
        body_tokens=document.body_tokens,
        verified=document.verified,
        published_at=document.published_at,
        external_id=document.external_id,
        supplier_id=document.supplier_id,
        title=document.title,
        summary=document.summary,
        url=document.url,
        suggest=suggest_entries(document.suggest_terms),
        **document.facets,
    )
    return article.to_dict()


def text_query(query: EngineQuery) -> Query:
    """Each group matches on any of its tokens; groups combine with AND (or OR when relaxed)."""
    groups = [
        Q(
            "bool",
            should=[Q("multi_match", query=token, fields=TEXT_FIELDS) for token in tokens],
            minimum_should_match=1,
        )
        for tokens in query.groups
        if tokens
    ]
    if not groups:
        return Q("match_all")
    if query.match_all_groups:
        return Q("bool", must=groups)
    return Q("bool", should=groups, minimum_should_match=1)


def ranked(query: Query) -> Query:
    """``query`` with the small verified-supplier and recency nudges multiplied into its score."""
    return Q(
        "function_score",
        query=query,
        functions=[
            SF({"weight": 1}),
            SF({"filter": Q("term", verified=True), "weight": VERIFIED_BOOST}),
            SF("linear", published_at=RECENCY_DECAY, weight=RECENCY_BOOST),
        ],
        score_mode="sum",
        boost_mode="multiply",
    )


def suggest_entries(terms: list[str]) -> list[str]:
    """``key<US>term`` entries: each term under itself and its pinyin, as the embedded engine."""
    entries = []
    for term in terms:
        keys = [term.replace(" ", "")]
        if CJK_RUN.search(term):
            full, initials = to_pinyin(term)
            keys.append(full)
            if len(term) <= INITIALS_MAX_LENGTH:
                keys.append(initials)
        entries += [f"{key}{SUGGEST_SEPARATOR}{term}" for key in keys if key]
    return list(dict.fromkeys(entries))


def prefix_pattern(prefix: str) -> str:
    """A Lucene regular expression for terms starting with ``prefix`` (taken literally)."""
    escaped = "".join(char if char.isalnum() else "\\" + char for char in prefix)
    return escaped + ".*"


class ElasticsearchEngine(SearchEngine):
    """Articles in ``<alias>-v<N>`` indices, read and written only through ``alias``.

    ``setup()`` is safe on every deploy; ``migrate()`` rebuilds the index after a mapping change
    while searches keep working. Writes made during a migration, between its copy and its alias
    swap, are lost: pause indexing (or reindex everything afterwards) when migrating.
    """

    name = "elasticsearch"

    def __init__(self, url: str, alias: str = DEFAULT_ALIAS, timeout: float = 2.0) -> None:
        # no retries: the only node is the one that just failed, and the fallback answers at once
        self.client = Elasticsearch(url, request_timeout=timeout, max_retries=0)
        self.alias = alias

    # -- schema ------------------------------------------------------------------------------

    def setup(self) -> str:
        """Create the first versioned index behind the alias unless the alias exists; its name."""
        if self.client.indices.exists_alias(name=self.alias):
            return self._current_indices()[0]
        name = self._next_index_name()
        index = ArticleDocument._index.clone(name=name, using=self.client)
        index.aliases(**{self.alias: {}})
        try:
            index.create()
        except BadRequestError as error:
            # a concurrent setup() created the same version first
            if error.error != "resource_already_exists_exception":
                raise
        return name

    def migrate(self) -> str:
        """Copy the alias's documents into a new index with the current mapping, then swap."""
        if not self.client.indices.exists_alias(name=self.alias):
            return self.setup()
        old = self._current_indices()
        new = self._next_index_name()
        ArticleDocument._index.clone(name=new, using=self.client).create()
        self.client.options(request_timeout=REINDEX_TIMEOUT).reindex(
            source={"index": self.alias},
            dest={"index": new},
            refresh=True,
            wait_for_completion=True,
        )
        actions: list[dict[str, Any]] = [
            {"remove": {"index": name, "alias": self.alias}} for name in old
        ]
        actions.append({"add": {"index": new, "alias": self.alias}})
        self.client.indices.update_aliases(actions=actions)
        self.client.indices.delete(index=",".join(old))
        return new

    def _current_indices(self) -> list[str]:
        return sorted(self.client.indices.get_alias(name=self.alias))

    def _next_index_name(self) -> str:
        found = self.client.indices.resolve_index(
            name=f"{self.alias}-v*", expand_wildcards="all", allow_no_indices=True
        )
        version = re.compile(re.escape(self.alias) + r"-v(\d+)")
        matches = (version.fullmatch(entry["name"]) for entry in found["indices"])
        latest = max((int(match.group(1)) for match in matches if match), default=0)
        return f"{self.alias}-v{latest + 1}"

    # -- writes ------------------------------------------------------------------------------

    def index(self, documents: list[IndexDocument]) -> None:
        actions = (
            {"_index": self.alias, "_id": doc.page_id, "_source": to_source(doc)}
            for doc in documents
        )
        helpers.bulk(self.client, actions)

    def delete(self, page_ids: list[int]) -> None:
        actions = (
            {"_op_type": "delete", "_index": self.alias, "_id": page_id} for page_id in page_ids
        )
        helpers.bulk(self.client, actions, ignore_status=404)

    def clear(self) -> None:
        self.client.delete_by_query(
            index=self.alias, query={"match_all": {}}, conflicts="proceed", refresh=True
        )

    def refresh(self) -> None:
        """Make every write so far visible to searches (tests; bulk jobs rely on the interval)."""
        self.client.indices.refresh(index=self.alias)

    # -- reads -------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.client.count(index=self.alias)["count"])

    def build_search(self, query: EngineQuery) -> Search:
        """The request for ``query``: filters narrow both the hits and the facet counts."""
        search = Search(using=self.client, index=self.alias).query(ranked(text_query(query)))
        for facet, value in query.filters.items():
            if facet in FACET_NAMES and value:  # field names are facet names (ArticleDocument)
                search = search.filter("term", **{facet: value})
        for facet in FACET_NAMES:
            search.aggs.bucket(facet, "terms", field=facet, size=FACET_SIZE)
        # page id breaks score ties, as in the embedded engine, so pages never overlap
        search = search.sort("_score", {"page_id": "desc"}).source(False)
        search = search.extra(track_total_hits=True)
        return search[query.offset : query.offset + query.limit]

    def search(self, query: EngineQuery) -> EngineResult:
        response = self.build_search(query).execute()
        aggregations = response.aggregations
        return EngineResult(
            total=response.hits.total.value,
            hits=[EngineHit(int(hit.meta.id), float(hit.meta.score)) for hit in response],
            facets={
                facet: [(str(b.key), b.doc_count) for b in aggregations[facet].buckets]
                for facet in FACET_NAMES
            },
            engine=self.name,
        )

    def build_suggest(self, key: str, limit: int) -> Search:
        """Suggestion entries whose key starts with the normalised prefix ``key``."""
        search = Search(using=self.client, index=self.alias).query("prefix", suggest=key)
        search.aggs.bucket(
            "suggest",
            "terms",
            field="suggest",
            size=limit * SUGGEST_CANDIDATES,
            include=prefix_pattern(key),
            order={"_key": "asc"},
        )
        return search.extra(size=0)

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        key = normalize(prefix).replace(" ", "")
        if not key or limit < 1:
            return []
        buckets = self.build_suggest(key, limit).execute().aggregations.suggest.buckets
        terms = {bucket.key.split(SUGGEST_SEPARATOR, 1)[-1] for bucket in buckets}
        return sorted(terms, key=lambda term: (len(term), term))[:limit]  # short names first
