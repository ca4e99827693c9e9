"""Celery side of the django-tasks bridge: runs a Wagtail/django-tasks task in a worker."""

from celery import shared_task
from django.utils.module_loading import import_string


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def run_django_task(module_path: str, args: list, kwargs: dict) -> None:
    """Import the django-tasks ``Task`` at ``module_path`` and call its function."""
    task = import_string(module_path)
    task.call(*args, **kwargs)
