"""Local development: debug on unless the environment says otherwise."""

from cms.settings.base import *  # noqa: F403
from cms.settings.env import env

DEBUG = env("DEBUG", True, cast=bool)
ALLOWED_HOSTS = env("ALLOWED_HOSTS", ["*"], cast=list)
