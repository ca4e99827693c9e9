"""The engine interface: what every search engine takes and returns.

Engines receive documents whose text fields are already analysed into space-separated tokens
by ``search.analysis`` (so every engine ranks the same tokens) and queries already expanded into
groups of alternative tokens.
"""

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

FACET_NAMES = ("kind", "material", "supplier", "origin", "tag", "year")


@dataclass
class IndexDocument:
    """One article as the index sees it (built by ``search.documents.build_document``)."""

    page_id: int
    external_id: str
    title: str
    summary: str
    body_text: str
    url: str
    kind: str
    supplier: str
    supplier_id: int | None
    verified: bool
    materials: list[str]
    origin: str
    grade: str
    tags: list[str]
    published_at: dt.date
    # analysed token strings, space separated, in field-weight order (heaviest first)
    title_tokens: str
    material_tokens: str
    meta_tokens: str
    body_tokens: str
    # prefix suggestions: titles and material names, with their pinyin
    suggest_terms: list[str] = field(default_factory=list)

    @property
    def facets(self) -> dict[str, list[str]]:
        return {
            "kind": [self.kind],
            "material": self.materials,
            "supplier": [self.supplier] if self.supplier else [],
            "origin": [self.origin] if self.origin else [],
            "tag": self.tags,
            "year": [str(self.published_at.year)],
        }


@dataclass
class EngineQuery:
    """A parsed query: every group must match (AND); a group matches on any of its tokens."""

    groups: list[list[str]]
    filters: dict[str, str] = field(default_factory=dict)  # facet name -> value
    offset: int = 0
    limit: int = 20
    match_all_groups: bool = True  # False: any group may match (the relaxed retry)


@dataclass
class EngineHit:
    page_id: int
    score: float


@dataclass
class EngineResult:
    total: int
    hits: list[EngineHit]
    facets: dict[str, list[tuple[str, int]]]  # facet -> [(value, count)], count descending
    engine: str
    # True when the counts are estimates (a sample of a very large match set), shown as 约;
    # ``total`` and the order of ``hits`` are exact either way.
    facets_approximate: bool = False


class SearchEngine(ABC):
    """Hooks an engine implements; views and the API never branch on which one is in use."""

    name: str = "base"

    @abstractmethod
    def index(self, documents: list[IndexDocument]) -> None:
        """Insert or replace these documents (idempotent by page_id)."""

    @abstractmethod
    def delete(self, page_ids: list[int]) -> None:
        """Remove these documents; unknown ids are ignored."""

    @abstractmethod
    def search(self, query: EngineQuery) -> EngineResult:
        """Ranked page ids with facet counts over every match (not only this page); an engine
        may estimate the counts of a very large match set if it says so
        (``facets_approximate``)."""

    @abstractmethod
    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Completions of ``prefix`` among titles and material names (Chinese or pinyin)."""

    @abstractmethod
    def count(self) -> int:
        """Documents in the index."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    def prune(self) -> None:  # noqa: B027 - optional hook: most engines keep nothing apart
        """After a rebuild: drop whatever the engine keeps apart from its documents for a
        document that is gone."""
