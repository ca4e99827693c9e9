"""App config of the project package: connects cross-app signal handlers."""

from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"

    def ready(self) -> None:
        from cms import signal_handlers

        signal_handlers.connect()
