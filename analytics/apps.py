"""App config for analytics: engagement collection, identity, sessions and rollups."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "分析 Analytics"

    def ready(self) -> None:
        from analytics import signal_handlers

        signal_handlers.connect()
