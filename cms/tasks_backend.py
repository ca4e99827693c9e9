"""django-tasks backend that hands Wagtail's background work (index updates) to Celery."""

from django.db import transaction
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id, normalize_json


class CeleryBackend(BaseTaskBackend):
    """Enqueue each task on Celery once the surrounding transaction commits.

    Deferring to ``on_commit`` costs nothing when there is no transaction and keeps a worker
    from reading rows the web request has not committed yet. Results stay in Celery.
    """

    supports_defer = False
    supports_get_result = False

    def enqueue(self, task: Task, args: tuple, kwargs: dict) -> TaskResult:
        from cms.tasks import run_django_task

        self.validate_task(task)
        args, kwargs = normalize_json(list(args)), normalize_json(dict(kwargs))
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        transaction.on_commit(lambda: run_django_task.delay(task.module_path, args, kwargs))
        return result
