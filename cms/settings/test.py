"""Test settings: fast hashing, eager tasks unless a real worker is asked for."""

from cms.settings.base import *  # noqa: F403
from cms.settings.env import env

DEBUG = False
SECRET_KEY = "tests-only-" + "k" * 50  # a constant is fine where nothing is ever served
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = env("CELERY_TASK_ALWAYS_EAGER", True, cast=bool)
CELERY_TASK_EAGER_PROPAGATES = True
if not REDIS_URL:  # noqa: F405  (with Redis, the cache is shared with the worker process)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STATIC_ROOT = VAR_DIR / "static"  # noqa: F405  (tests never collect static files)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: tests that start a real server or worker process share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
ORDER_WEBHOOK_SECRET = "test-only-order-webhook-secret"
