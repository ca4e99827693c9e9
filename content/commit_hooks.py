"""Work to do once a transaction commits, asked for once per bulk write instead of per row."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_coalescing: ContextVar[set[Callable[[], None]] | None] = ContextVar(
    "coalesced_on_commit", default=None
)


@contextmanager
def coalesced_on_commit() -> Iterator[None]:
    """Within: ``on_commit_once(func)`` registers each ``func`` once.

    A bulk write sends a publish signal per page; receivers that invalidate a whole cache then
    run once at commit, not a few hundred times (each is a shared-cache write). Use it around
    work in one atomic block that rolls back no savepoint of its own, so every request it
    drops was made in the block that keeps the first.
    """
    token = _coalescing.set(set())
    try:
        yield
    finally:
        _coalescing.reset(token)


def on_commit_once(func: Callable[[], None]) -> None:
    """``transaction.on_commit(func)``, once per ``coalesced_on_commit`` block."""
    registered = _coalescing.get()
    if registered is not None:
        if func in registered:
            return
        registered.add(func)
    transaction.on_commit(func)
