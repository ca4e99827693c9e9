"""An engine that asks Elasticsearch first and answers from the embedded engine when it is down."""

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import elasticsearch

from search.engines.base import EngineQuery, EngineResult, IndexDocument, SearchEngine

logger = logging.getLogger(__name__)

# Connection-level failures only: an API error (a 4xx such as a bad query or a missing index) is
# a bug or a missing setup() and must surface, not hide behind the fallback.
UNREACHABLE = (
    elasticsearch.ConnectionError,
    elasticsearch.ConnectionTimeout,
    elasticsearch.TransportError,
)

T = TypeVar("T")


class FallbackEngine(SearchEngine):
    """Every call goes to ``primary``; when it cannot be reached, ``fallback`` answers.

    Reads (search, suggest, count) are answered from the fallback, search results labelled
    ``"<fallback> (fallback)"``. Writes (index, delete, clear) that fail on the primary are
    applied to the fallback too and then re-raised, so the caller's Celery task retries them
    and the primary catches up once it is back. The first failure after a healthy spell logs
    one WARNING line; ``healthy`` and ``last_error`` tell health checks what happened, and
    the next call that succeeds on the primary makes the engine healthy again.
    """

    def __init__(self, primary: SearchEngine, fallback: SearchEngine) -> None:
        self.primary = primary
        self.fallback = fallback
        self.healthy = True
        self.last_error = ""

    @property
    def name(self) -> str:  # type: ignore[override]
        if self.healthy:
            return self.primary.name
        return f"{self.fallback.name} (fallback)"

    def index(self, documents: list[IndexDocument]) -> None:
        self._write(lambda engine: engine.index(documents))

    def delete(self, page_ids: list[int]) -> None:
        self._write(lambda engine: engine.delete(page_ids))

    def clear(self) -> None:
        self._write(lambda engine: engine.clear())

    def search(self, query: EngineQuery) -> EngineResult:
        try:
            result = self.primary.search(query)
        except UNREACHABLE as error:
            self._mark_unreachable(error)
            return replace(self.fallback.search(query), engine=self.name)
        self.healthy = True
        return result

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        return self._read(lambda engine: engine.suggest(prefix, limit))

    def count(self) -> int:
        return self._read(lambda engine: engine.count())

    def _read(self, call: Callable[[SearchEngine], T]) -> T:
        try:
            value = call(self.primary)
        except UNREACHABLE as error:
            self._mark_unreachable(error)
            return call(self.fallback)
        self.healthy = True
        return value

    def _write(self, call: Callable[[SearchEngine], None]) -> None:
        try:
            call(self.primary)
        except UNREACHABLE as error:
            self._mark_unreachable(error)
            call(self.fallback)
            raise
        self.healthy = True

    def _mark_unreachable(self, error: Exception) -> None:
        # the transport's message names the host and the cause; str() of a connection error
        # is often just "Connection error"
        self.last_error = f"{type(error).__name__}: {getattr(error, 'message', error)}"
        if self.healthy:
            # once per outage, not once per request: a busy site would flood the log
            logger.warning(
                "search: Elasticsearch unreachable (%s); answering from the embedded engine",
                self.last_error,
            )
        self.healthy = False
