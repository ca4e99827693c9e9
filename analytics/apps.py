"""App config for analytics: engagement collection, identity, sessions and rollups."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "分析 Analytics"
