"""Yaoyun Django project: settings, urls, Celery app."""

from cms.celery import app as celery_app

__all__ = ["celery_app"]
