"""Production: every secret and address must come from the environment."""

from cms.settings.base import *  # noqa: F403
from cms.settings.env import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env("ALLOWED_HOSTS", cast=list)
env("DATABASE_URL")  # required: production never runs on the embedded SQLite file
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env("SESSION_COOKIE_SECURE", True, cast=bool)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
