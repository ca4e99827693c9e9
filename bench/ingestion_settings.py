"""Settings of bench/ingestion.py's server: the dev settings plus the naive baseline's URL."""

from cms.settings.dev import *  # noqa: F403

ROOT_URLCONF = "bench.ingestion_urls"
