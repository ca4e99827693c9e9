"""``POST /api/v1/orders/``: the signed order webhook of buyers' trade systems.

The body is signed with HMAC-SHA256 over ``timestamp + "." + body`` and the shared secret
``ORDER_WEBHOOK_SECRET``. Answers: 503 when no secret is configured; 401 for a missing, malformed
or wrong signature (logged without the body); 409 ``replay`` for a timestamp more than 5 minutes
from the server's clock either way, or for a signature already spent; 400 with every field error;
409 ``conflict`` when the status would move backwards; 200 with the stored order.

A signature is spent only by a delivery that was stored (200): one refused or failed can be
retried as it is. Spent signatures live on the shared cache for 10 minutes, twice the window, so
any signature the window accepts is remembered for as long as it would be accepted; losing the
cache can only let a repeat through, and a repeat of a stored order changes nothing.
"""

import hashlib
import hmac
import json
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from analytics.models import OrderStatusChange
from analytics.orders import FIELDS, FieldError, order_payload, save_order, validate_order
from content.visitors import client_address

logger = logging.getLogger(__name__)
router = Router(tags=["orders"])

TIMESTAMP_HEADER = "X-Yaoyun-Timestamp"
SIGNATURE_HEADER = "X-Yaoyun-Signature"
TOLERANCE_SECONDS = 5 * 60
SPENT_SECONDS = 2 * TOLERANCE_SECONDS
MAX_BODY_BYTES = 64 * 1024  # one order is well under 2 KB
TIMESTAMP = re.compile(r"^\d{1,12}$")
SIGNATURE = re.compile(r"^sha256=([0-9a-fA-F]{64})$")


def _error(status: int, code: str, field: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": code, "detail": [{"field": field, "message": message}]}, status=status
    )


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value a sender puts on ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def signature_problem(secret: str, timestamp: str, signature: str, body: bytes) -> tuple | None:
    """(header, message) when the headers do not prove the body came from the secret's holder."""
    if not timestamp or not TIMESTAMP.match(timestamp):
        return TIMESTAMP_HEADER, _("Send the time of signing in unix seconds.")
    match = SIGNATURE.match(signature)
    if not match:
        return SIGNATURE_HEADER, _("Send sha256= and the hex HMAC-SHA256 of timestamp.body.")
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected, f"sha256={match.group(1).lower()}"):
        return SIGNATURE_HEADER, _("The signature does not match the body.")
    return None


def is_fresh(timestamp: str, now: float | None = None) -> bool:
    return abs((now if now is not None else time.time()) - int(timestamp)) <= TOLERANCE_SECONDS


def _spent_key(signature: str) -> str:
    return f"orders:webhook:signature:{signature.lower()}"


@router.post(
    "/",
    summary="Record an order from a trade system (signed webhook)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {name: {"type": "string"} for name in FIELDS},
                    }
                }
            },
        },
        "parameters": [
            {
                "in": "header",
                "name": TIMESTAMP_HEADER,
                "required": True,
                "schema": {"type": "string"},
            },
            {
                "in": "header",
                "name": SIGNATURE_HEADER,
                "required": True,
                "schema": {"type": "string"},
            },
        ],
    },
)
def receive_order(request: HttpRequest) -> HttpResponse:
    secret = settings.ORDER_WEBHOOK_SECRET
    if not secret:
        return _error(503, "not_configured", "", _("The order webhook is not configured."))
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if (
        not declared.isdigit()
        or int(declared) > MAX_BODY_BYTES
        or len(request.body) > MAX_BODY_BYTES
    ):
        return _error(413, "too_large", "body", f"larger than {MAX_BODY_BYTES} bytes")
    timestamp = request.headers.get(TIMESTAMP_HEADER, "").strip()
    signature = request.headers.get(SIGNATURE_HEADER, "").strip()
    problem = signature_problem(secret, timestamp, signature, request.body)
    if problem:
        logger.warning(
            "order webhook refused (%s): timestamp=%r remote=%s length=%d",
            problem[0],
            timestamp[:20],
            client_address(request),
            len(request.body),
        )
        return _error(401, "invalid_signature", *problem)
    if not is_fresh(timestamp):
        message = _("The timestamp is more than 5 minutes from the server's clock.")
        return _error(409, "replay", TIMESTAMP_HEADER, message)
    key = _spent_key(signature)
    if not cache.add(key, timestamp, timeout=SPENT_SECONDS):
        return _error(409, "replay", SIGNATURE_HEADER, _("This signature was already used."))
    response = _record(request.body)
    if response.status_code != 200:
        cache.delete(key)  # not stored: the sender may retry the same delivery
    return response


def _record(body: bytes) -> HttpResponse:
    try:
        row = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        row = None
    if not isinstance(row, dict):
        return _error(400, "invalid_order", "body", _("Send one order as a JSON object."))
    data, errors = validate_order(row)
    if errors:
        detail = [{"field": name, "message": message} for name, message in errors]
        return JsonResponse({"error": "invalid_order", "detail": detail}, status=400)
    try:
        recorded = save_order(data, OrderStatusChange.Source.WEBHOOK)
    except FieldError as exc:
        return _error(409, "conflict", exc.field, exc.message)
    except DatabaseError:
        logger.exception("order webhook: could not store order %s", data.order_id)
        response = _error(503, "unavailable", "", _("The order could not be stored; retry."))
        response["Retry-After"] = "5"
        return response
    return JsonResponse(order_payload(recorded.order, created=recorded.created))
