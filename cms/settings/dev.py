"""Local development: debug pages on, otherwise the safe base (loopback hosts, own secret key)."""

from cms.settings.base import *  # noqa: F403
from cms.settings.env import env

DEBUG = env("DEBUG", True, cast=bool)
