"""App config for search: registers the index-sync signal handlers."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "搜索 Search"

    def ready(self) -> None:
        from search import signal_handlers

        signal_handlers.connect()
