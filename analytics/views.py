"""HTTP endpoints of analytics: /collect for the tracker."""

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from analytics.collect import Origin, foreign_urls, make_origin, record_events
from analytics.enrich import classify_client
from analytics.schema import SchemaError, parse_batch
from content.visitors import client_address

ACCEPTED_TYPES = ("application/json", "text/plain", "")  # sendBeacon sends text/plain


def _error(status: int, code: str, field: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": code, "detail": [{"field": field, "message": message}]}, status=status
    )


def _read_body(request: HttpRequest) -> bytes | None:
    """At most the size limit plus one byte: None when the body is over the limit."""
    limit = settings.ANALYTICS_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


@csrf_exempt
def collect(request: HttpRequest) -> HttpResponse:
    """Validate, stamp and store tracker events; 204 only after they are committed."""
    if request.method != "POST":
        response = _error(405, "method_not_allowed", "method", "POST events to /collect")
        response["Allow"] = "POST"
        return response
    content_type = request.content_type or ""
    if content_type not in ACCEPTED_TYPES:
        return _error(415, "unsupported_media_type", "Content-Type", "send application/json")
    body = _read_body(request)
    if body is None:
        limit = settings.ANALYTICS_MAX_BODY_BYTES
        return _error(413, "too_large", "body", f"larger than {limit} bytes")
    try:
        events = parse_batch(body, settings.ANALYTICS_MAX_BATCH)
    except SchemaError as exc:
        return JsonResponse({"error": "invalid_event", "detail": exc.detail}, status=400)
    origin = _origin(request)
    problems = foreign_urls(events, origin)
    if problems:
        return JsonResponse({"error": "invalid_event", "detail": problems}, status=400)
    try:
        record_events(events, origin)
    except DatabaseError:  # not durable: tell the tracker to keep the batch and retry
        response = _error(503, "unavailable", "body", "could not store the events; retry")
        response["Retry-After"] = "5"
        return response
    return HttpResponse(status=204)


def _origin(request: HttpRequest) -> Origin:
    user_agent = request.headers.get("User-Agent", "")
    user_id = None
    if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
        user_id = request.user.pk
    privacy = request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1"
    return make_origin(
        address=client_address(request),
        user_agent=user_agent,
        host=request.get_host(),
        client=classify_client(user_agent, request.headers),
        user_id=user_id,
        anonymous_only=privacy,
    )
