"""Search engines behind one interface; ``get_engine()`` picks Elasticsearch or the embedded one."""

from functools import cache

from django.conf import settings

from search.engines.base import SearchEngine


@cache
def get_engine() -> SearchEngine:
    """The engine queries go to: Elasticsearch (falling back to embedded) when configured."""
    from search.engines.embedded import EmbeddedEngine

    if not settings.ELASTICSEARCH_URL:
        return EmbeddedEngine()
    from search.engines.elastic import ElasticsearchEngine
    from search.engines.fallback import FallbackEngine

    return FallbackEngine(ElasticsearchEngine(settings.ELASTICSEARCH_URL), EmbeddedEngine())


def write_engines() -> list[SearchEngine]:
    """Engines every index write goes to: the embedded index is always kept current, as the
    source of result fields and the fallback, and Elasticsearch too when configured."""
    from search.engines.embedded import EmbeddedEngine

    engines: list[SearchEngine] = [EmbeddedEngine()]
    if settings.ELASTICSEARCH_URL:
        from search.engines.elastic import ElasticsearchEngine

        engines.append(ElasticsearchEngine(settings.ELASTICSEARCH_URL))
    return engines
