"""Settings shared by every environment, each read from the environment with a safe default.

Also the default settings module of ``manage.py``, ``cms.wsgi`` and ``cms.celery``: the embedded
platform on one machine, debug off, answering only to loopback names and ``SITE_URL``'s host.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab

from cms.settings.env import env
from cms.settings.secret_key import read_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env("YAOYUN_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Never a constant: without SECRET_KEY, this installation's own key, made once in var/.
SECRET_KEY = env("SECRET_KEY", "") or read_or_create_secret_key(VAR_DIR / "secret_key")
DEBUG = env("DEBUG", False, cast=bool)
# Absolute URLs the site hands out (share links, QR codes, sitemaps, the API, admin emails) start
# with this, never with a request's Host header.
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")
_SITE_HOST = urlsplit(SITE_URL).hostname or "localhost"
_SITE_HOST = f"[{_SITE_HOST}]" if ":" in _SITE_HOST else _SITE_HOST  # IPv6, as Host carries it
ALLOWED_HOSTS = env(
    "ALLOWED_HOSTS", list(dict.fromkeys(["localhost", "127.0.0.1", "[::1]", _SITE_HOST])), cast=list
)
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS", [], cast=list)
# Cookies travel only over HTTPS once the site is served over HTTPS.
SESSION_COOKIE_SECURE = env("SESSION_COOKIE_SECURE", SITE_URL.startswith("https://"), cast=bool)
CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# bin/run: accept the published demo passwords on a server reachable from other machines.
DEMO_LOGINS = env("DEMO_LOGINS", False, cast=bool)
WAGTAILADMIN_BASE_URL = SITE_URL
# The external-link chooser would turn a URL of a page into a link to that page, answering
# with the page's draft title: another supplier's unpublished title. Keep URLs as typed.
WAGTAILADMIN_EXTERNAL_LINK_CONVERSION = ""

INSTALLED_APPS = [
    "content",
    "search.apps.SearchConfig",
    "analytics.apps.AnalyticsConfig",
    "cms.apps.CmsConfig",
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "ninja",  # serves its API docs assets locally (no CDN)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses admin URLs naming another supplier's page, image or document (needs the user).
    "content.admin_isolation.SupplierIsolationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After the middleware that sets headers, so a cached response carries them too.
    "cms.page_cache.PageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "analytics.context_processors.consent",
            ],
        },
    },
]

# SQLite in WAL mode is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yaoyun.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Kept open like PostgreSQL's: opening and closing (a WAL checkpoint) on every request took
    # over a third of a /collect request's time on SQLite.
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids
        # "database is locked" upgrades from read to write inside a transaction. FULL syncs the
        # WAL at every commit, so an event /collect acknowledged survives a power cut, not just a
        # crashed process (NORMAL would); it costs one fsync per write transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; "
            f"PRAGMA synchronous={env('SQLITE_SYNCHRONOUS', 'FULL')};"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A file cache is shared by every gunicorn worker and the Celery worker on this machine,
    # so a publish invalidates cached pages everywhere.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
PAGE_CACHE_SECONDS = env("PAGE_CACHE_SECONDS", 300, cast=int)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# locale/ is ours (makemessages); wagtail_locale/ fills gaps in Wagtail's zh_Hans catalogue.
# The first path wins, then the second, then the apps' own catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "wagtail_locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # The plotly.js the ``plotly`` package ships, for the analytics dashboards (no CDN).
    "analytics.staticfiles.PlotlyFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "药云 Yaoyun"
# ASCII slugs: the browser never fills in percent-encoded Chinese; pages get pinyin slugs
# (content.admin_forms.PinyinSlugPageForm, content.slugs.ascii_slug).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILDOCS_EXTENSIONS = ["pdf"]
# Always through Wagtail's document view and its before_serve_document check (content.media_access),
# never a redirect to the storage's own URL, whatever storage is configured.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
REPORT_MAX_UPLOAD_SIZE = env("REPORT_MAX_UPLOAD_SIZE", 20 * 1024 * 1024, cast=int)
# The standard a new spec table cites until its editor changes it; empty means the current
# edition in content/pharmacopoeia.py (《中国药典》2025年版一部).
PHARMACOPOEIA_STANDARD = env("PHARMACOPOEIA_STANDARD", "")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILAPI_BASE_URL = SITE_URL
WAGTAILAPI_LIMIT_MAX = 100

# Celery: a filesystem broker needs no server; CELERY_BROKER_URL points at Redis in production.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", f"file://{VAR_DIR / 'celery' / 'results'}")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT = "cms.filesystem_broker:Transport"  # atomic, synced publishing
    for _sub in ("queue", "processed", "results", "control"):
        (VAR_DIR / "celery" / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcast (control) messages: kombu's default is ./control in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A task whose pool process died (killed, out of memory) goes back to the queue rather than being
# acknowledged as failed: tasks are idempotent, and acks_late is there so none is lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# On a cold shutdown (SIGQUIT, as bin/run stops the worker) running tasks get this many seconds to
# finish; those still running are then cancelled and, acknowledged late, requeued.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = env("CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT", 3.0, cast=float)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env("CELERY_TASK_ALWAYS_EAGER", False, cast=bool)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # Sessions and rollups of the days live events still change (today, early on yesterday).
    "analytics-recent": {
        "task": "analytics.tasks.process_recent",
        "schedule": env("ANALYTICS_ROLLUP_SECONDS", 300, cast=int),
    },
    "analytics-retention": {"task": "analytics.tasks.purge_expired_events", "schedule": 86400},
    # Suppliers' weekly summaries of the week that just ended. Crontab fields are read in
    # CELERY_TIMEZONE (Asia/Shanghai, above), so this is Monday 08:00 Beijing time.
    "analytics-weekly-summary": {
        "task": "analytics.tasks.send_weekly_summaries",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
    },
}

# Wagtail's own background work (search and reference index updates) goes through django-tasks;
# TASKS_BACKEND selects the backend, the default hands it to Celery.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "cms.tasks_backend.CeleryBackend")}}

ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
WAGTAILDOCS_DOCUMENT_FORM_BASE = "content.forms.ReportDocumentForm"
WAGTAILDOCS_MAX_UPLOAD_SIZE = REPORT_MAX_UPLOAD_SIZE

# Intranet-friendly admin: no update check against wagtail.org, no Gravatar avatars.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Engagement tracking (analytics/). Consent: "ask" shows a banner and sets a first-party visitor
# cookie only after the reader agrees; "anonymous" never asks and never sets one.
ANALYTICS_CONSENT = env("ANALYTICS_CONSENT", "ask")
ANALYTICS_MAX_BODY_BYTES = env("ANALYTICS_MAX_BODY_BYTES", 16 * 1024, cast=int)
ANALYTICS_MAX_BATCH = env("ANALYTICS_MAX_BATCH", 100, cast=int)
# Behind a reverse proxy, the client address is the last X-Forwarded-For hop the proxy added.
ANALYTICS_TRUST_X_FORWARDED_FOR = env("ANALYTICS_TRUST_X_FORWARDED_FOR", False, cast=bool)
# Hosts whose pages may report events (besides this request's host and SITE_URL's).
ANALYTICS_EXTRA_HOSTS = env("ANALYTICS_EXTRA_HOSTS", [], cast=list)
# An engaged read: at least this much active reading time, or this scroll depth.
ANALYTICS_ENGAGED_SECONDS = env("ANALYTICS_ENGAGED_SECONDS", 30, cast=int)
ANALYTICS_ENGAGED_SCROLL_PCT = env("ANALYTICS_ENGAGED_SCROLL_PCT", 75, cast=int)
ANALYTICS_SESSION_GAP_MINUTES = env("ANALYTICS_SESSION_GAP_MINUTES", 30, cast=int)
# Raw events older than this are purged daily; sessions and rollups stay. 0 keeps them forever.
ANALYTICS_RAW_RETENTION_DAYS = env("ANALYTICS_RAW_RETENTION_DAYS", 395, cast=int)
# Attribution's touchpoints: "engaged" reads (the rule above) or every article "views".
ATTRIBUTION_TOUCHES = env("ATTRIBUTION_TOUCHES", "engaged")

# Inquiries (analytics/conversions.py): accepted per client address and per contact, per window.
# Written "<count>/<n><s|m|h|d>", e.g. "20/h" or "5/10m".
INQUIRY_RATE_PER_ADDRESS = env("INQUIRY_RATE_PER_ADDRESS", "20/h")
INQUIRY_RATE_PER_CONTACT = env("INQUIRY_RATE_PER_CONTACT", "5/h")

# Email (inquiry notices): files in var/mail unless an SMTP host is given.
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_PORT = env("EMAIL_PORT", 587, cast=int)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", True, cast=bool)
EMAIL_TIMEOUT = env("EMAIL_TIMEOUT", 20, cast=int)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "药云 Yaoyun <noreply@localhost>")
# The secret buyers' trade systems sign order webhooks with (HMAC-SHA256). No default: while it
# is unset, POST /api/v1/orders/ answers 503 and orders come in by CSV only.
ORDER_WEBHOOK_SECRET = env("ORDER_WEBHOOK_SECRET", "")
