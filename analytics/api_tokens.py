"""Per-supplier API tokens: issue (the token shown once), revoke, and authenticate
``Authorization: Bearer <token>`` on any ninja endpoint that lists ``SupplierTokenAuth``."""

import hashlib
import secrets
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from analytics.models import SupplierApiToken
from content.models import SupplierPage

TOKEN_PREFIX = "yy_"
# Writing last-used on every call would turn each read into a write; once a minute is enough
# for "is this token still in use?".
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    """SHA-256 is enough: tokens are 256 random bits, so nothing is left to guess slowly."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(supplier: SupplierPage, label: str = "") -> tuple[SupplierApiToken, str]:
    """A new token for ``supplier``; the plain token is returned here and stored nowhere."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = SupplierApiToken.objects.create(
        supplier=supplier, label=label, token_hash=hash_token(token), prefix=token[:8]
    )
    return record, token


def revoke_token(record: SupplierApiToken) -> None:
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])


def token_for(token: str) -> SupplierApiToken | None:
    """The live token record, its last use stamped; None when unknown or revoked."""
    if not token:
        return None
    record = (
        SupplierApiToken.objects.select_related("supplier")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if record is not None:
        now = timezone.now()
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_PRECISION:
            SupplierApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record


class SupplierTokenAuth(HttpBearer):
    """Ninja auth: ``request.auth`` is the ``SupplierApiToken``. Listed before ``django_auth``
    so a script's token wins over any session cookie it happens to carry; a Bearer token that
    is unknown or revoked answers 401 at once, never falling back to that session."""

    openapi_description = "Per-supplier API token issued by the platform"

    def authenticate(self, request: HttpRequest, token: str) -> SupplierApiToken:
        record = token_for(token)
        if record is None:
            raise AuthenticationError(401, "unknown or revoked token")
        return record


def token_suppliers(auth: object) -> frozenset[int] | None:
    """The supplier a token authenticates as, as a scope; None when ``auth`` is no token."""
    if isinstance(auth, SupplierApiToken):
        return frozenset({auth.supplier_id})
    return None
