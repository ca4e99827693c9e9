"""One typed reader for environment variables, failing fast on bad or missing values."""

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: Any = _MISSING, cast: type = str) -> Any:
    """Return ``name`` from the environment cast to ``cast``; raise if absent without a default."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":  # an empty line in an env file means "not set"
        if default is _MISSING:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    try:
        return _cast(raw, cast)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a valid {cast.__name__}: {exc}") from exc


def _cast(raw: str, cast: type) -> Any:
    if cast is bool:
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError("expected one of 1/0, true/false, yes/no, on/off")
    if cast is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    return cast(raw)
