"""Fixed-window hit counters on the shared cache, for rate limits that must hold across processes.

django-ratelimit refuses the embedded default's cache (its system check reports FileBasedCache as
"does not support atomic increment": Django's file cache increments by get-then-set, so two
processes can both read 4 and both write 5). Redis increments atomically; on the file cache the
add + incr pair here runs under an exclusive file lock, so every local process counts each hit.
"""

import fcntl
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """ "5/h", "20/10m", "3/30s", "100/d" → Rate."""
        count, _, period = text.partition("/")
        units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
        number = period[:-1] or "1"
        return cls(int(count), int(number) * units[period[-1]])


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window resets


def hit(scope: str, key: str, rate: Rate, now: float | None = None) -> Verdict:
    """Count one hit of ``key`` in its current window; allowed while the count is within limit."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds) * rate.seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # keys hold no address or email
    cache_key = f"throttle:{scope}:{window}:{digest}"
    cache = caches["default"]
    with _counter_lock(cache):
        if cache.add(cache_key, 1, rate.seconds + 60):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between add and incr
                cache.set(cache_key, 1, rate.seconds + 60)
                count = 1
    return Verdict(count <= rate.limit, count, max(1, int(window + rate.seconds - now)))


@contextmanager
def _counter_lock(cache: object) -> Iterator[None]:
    directory = getattr(cache, "_dir", None)
    if not isinstance(cache, FileBasedCache) or directory is None:
        yield  # Redis and memcached increment atomically; the local-memory cache is one process
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    with open(Path(directory) / "throttle.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
