"""This installation's own secret key: made once into a file only its owner reads, then reused."""

import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def read_or_create_secret_key(path: Path) -> str:
    """Return the key kept in ``path``, first writing a fresh random one if there is none.

    Every process of one installation (web workers, the Celery worker, commands run by hand) must
    sign with the same key, or sessions break and the anonymous daily visitor ids no longer match.
    The key is written to a private temporary file and linked into place, so processes starting
    at once agree on one key and none reads a half-written file.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(handle, "w") as file:
                file.write(secrets.token_urlsafe(50) + "\n")
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if len(key) < 50:
        raise ImproperlyConfigured(
            f"{path} holds no usable secret key; delete it to make a new one"
        )
    return key
