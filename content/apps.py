"""App config for supplier content."""

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "内容 Content"

    def ready(self) -> None:
        from content import signal_handlers  # noqa: F401
