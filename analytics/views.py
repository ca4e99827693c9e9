"""HTTP endpoints of analytics: /collect for the tracker; the inquiry form and thank-you page."""

import re
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core import signing
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from analytics.api import inquiry_origin
from analytics.collect import Origin, foreign_urls, make_origin, record_events
from analytics.conversions import RateLimitedError, bot_errors, record_inquiry
from analytics.enrich import classify_client
from analytics.forms import InquiryForm
from analytics.models import Inquiry
from analytics.schema import SchemaError, parse_batch
from content.models import Material, SupplierPage
from content.share_links import SHARE_TOKEN
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


THANKS_SALT = "analytics.inquiry-thanks"
THANKS_MAX_AGE = 86400  # the thank-you link shows the sender's details: it expires in a day
PREFILL = ("material", "spec", "quantity", "unit", "target_price", "supplier")


@never_cache  # holds a CSRF token: never in the anonymous page cache
@require_http_methods(["GET", "POST"])
def inquire(request: HttpRequest) -> HttpResponse:
    """The inquiry form (works without JavaScript); errors next to each field, 400."""
    if request.method == "POST":
        form = InquiryForm(request.POST)
        status, retry_after = 400, 0
        if form.is_bot():
            form.is_valid()
            form.errors.clear()
            form.add_error(None, bot_errors()[0]["message"])
        elif form.is_valid():
            try:
                inquiry, _created = record_inquiry(form.inquiry, inquiry_origin(request))
            except RateLimitedError as limited:
                form.add_error(None, limited.message())
                status, retry_after = 429, limited.retry_after
            else:
                token = signing.dumps(inquiry.pk, salt=THANKS_SALT)
                return redirect(reverse("inquiry_thanks", args=[token]))
        response = _form_page(request, form, status)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response
    initial = {name: request.GET.get(name, "")[:200] for name in PREFILL}
    initial["page_id"] = request.GET.get("page", "")[:12]
    initial["share_token"] = _share_token(request)
    return _form_page(request, InquiryForm(initial=initial), 200)


def _share_token(request: HttpRequest) -> str:
    """The ``?s=`` token of the link the buyer arrived through: this URL's, else the page's
    they came from (the cached article page cannot write it into the button)."""
    token = request.GET.get("s", "")
    if not token:
        referrer = urlsplit(request.headers.get("Referer", ""))
        if referrer.netloc == request.get_host():
            token = parse_qs(referrer.query).get("s", [""])[0]
    return token if SHARE_TOKEN.fullmatch(token) else ""


def _form_page(request: HttpRequest, form: InquiryForm, status: int) -> TemplateResponse:
    page_id = str(form["page_id"].value() or "")
    source = None
    if re.fullmatch(r"[0-9]{1,12}", page_id):
        source = Page.objects.live().public().filter(pk=page_id).specific().first()
    supplier = getattr(source, "supplier", None) or (
        source if isinstance(source, SupplierPage) else None
    )
    context = {
        "form": form,
        "source": source,
        "supplier": supplier,
        "material_names": Material.objects.order_by("pinyin").values_list("name", flat=True),
    }
    return TemplateResponse(request, "analytics/inquiry_form.html", context, status=status)


@never_cache
def inquiry_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """What was sent, for the sender only: the link is signed and expires."""
    try:
        inquiry_id = signing.loads(token, salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404 from exc
    inquiry = Inquiry.objects.select_related("supplier", "material").filter(pk=inquiry_id).first()
    if inquiry is None:
        raise Http404
    return TemplateResponse(request, "analytics/inquiry_thanks.html", {"inquiry": inquiry})
