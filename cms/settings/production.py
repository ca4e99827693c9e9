"""Production: secrets and addresses from the environment, HTTPS only, nothing guessed."""

from django.core.exceptions import ImproperlyConfigured

from cms.settings.env import env

# Required, and checked before base runs: without SECRET_KEY, base would make a key of this
# machine's own in var/, and every web and worker machine must sign with the same one.
env("SECRET_KEY")
env("DATABASE_URL")  # production never runs on the embedded SQLite file
_HOSTS = env("ALLOWED_HOSTS", cast=list)
if not _HOSTS or "*" in _HOSTS:
    raise ImproperlyConfigured(
        "Set ALLOWED_HOSTS to the host names the site answers to (* would accept any Host header)."
    )

from cms.settings.base import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = _HOSTS
# Share links, QR codes and the API: the first allowed host over HTTPS unless SITE_URL says.
SITE_URL = env("SITE_URL", f"https://{ALLOWED_HOSTS[0].lstrip('.')}").rstrip("/")
WAGTAILADMIN_BASE_URL = WAGTAILAPI_BASE_URL = SITE_URL

# HTTPS only, behind a proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", True, cast=bool)
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", 365 * 24 * 3600, cast=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env("SECURE_HSTS_INCLUDE_SUBDOMAINS", True, cast=bool)
SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD", True, cast=bool)
SESSION_COOKIE_SECURE = env("SESSION_COOKIE_SECURE", True, cast=bool)
CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Stated rather than inherited from Django's defaults, so a later edit sees what is relied on.
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
