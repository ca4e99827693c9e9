"""``/api/v1/analytics/``: live reading and share chains, for platform staff; attribution, for
staff and (their own articles only) suppliers' users; and
``/api/v1/inquiries/``, where buyers (and their own systems) send inquiries."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field

from analytics.conversions import (
    InquiryOrigin,
    RateLimitedError,
    bot_errors,
    is_bot,
    record_inquiry,
    validate_inquiry,
)
from analytics.credits import STORED_MODELS
from analytics.inbox import own_suppliers
from analytics.queries.attribution import BY, CreditQuery, stored_credit
from analytics.queries.reading_now import reading_now
from analytics.shares import share_tree
from content.staff import is_platform_staff
from content.visitors import client_address, request_daily_id

router = Router(auth=django_auth, tags=["analytics"])
# Public and without a session: nothing a cookie authorises happens here, so no CSRF token is
# asked for; the honeypot and the rate limits stand in for it.
inquiry_router = Router(tags=["inquiries"])
Number = Decimal | int | float | str | None


def _staff_only(request: HttpRequest) -> None:
    if not is_platform_staff(request.user):  # the same staff as the admin's Engagement page
        raise HttpError(403, "platform staff only")


@router.get("/reading-now/")
def reading_now_view(request: HttpRequest) -> dict:
    """Distinct visitors with any event in the last 5 minutes, and the busiest pages."""
    _staff_only(request)
    now = reading_now()
    return {
        "visitors": now.visitors,
        "minutes": now.minutes,
        "pages": [{"page_id": p, "visitors": n} for p, n in now.pages],
    }


@router.get("/shares/{page_id}/")
def share_tree_view(request: HttpRequest, page_id: int) -> dict:
    """How a page spread: each share, its readers, and what they shared in turn."""
    _staff_only(request)
    return asdict(share_tree(page_id))


class InquiryIn(Schema):
    """Loosely typed on purpose: every field is checked by ``validate_inquiry`` (the form's own
    check), so an API client gets the same field messages a buyer in the form does."""

    material: str | None = Field(None, description="Name in the dictionary; aliases accepted")
    spec: str | None = None
    quantity: Number = Field(None, description="Greater than 0")
    unit: str | None = Field(None, description="kg, 吨, 件 or 箱")
    delivery_date: str | None = Field(None, description="YYYY-MM-DD, today or later")
    delivery_place: str | None = None
    target_price: Number = Field(None, description="CNY, at most 2 decimal places")
    message: str | None = None
    contact_name: str | None = None
    company: str | None = None
    credit_code: str | None = Field(None, description="Unified social credit code (18)")
    phone: str | None = Field(None, description="Phone or email, at least one")
    email: str | None = None
    page_id: int | str | None = Field(None, description="Article or supplier page sent from")
    share_token: str | None = None
    supplier: str | None = Field(None, description="Supplier name; required without page_id")
    website: str | None = Field(None, description="Leave empty (spam trap)")


class InquiryOut(Schema):
    inquiry_id: int


class ErrorOut(Schema):
    error: str
    detail: list[dict[str, str]]


def inquiry_origin(request: HttpRequest) -> InquiryOrigin:
    """The tracker's visitor cookie when the reader consented, else the server's daily id."""
    browser = request.COOKIES.get("yy_vid", "")[:64]
    return InquiryOrigin(
        visitor_id=browser or request_daily_id(request), address=client_address(request)
    )


@inquiry_router.post(
    "/",
    response={201: InquiryOut, 400: ErrorOut, 429: ErrorOut},
    summary="Send an inquiry to a supplier",
)
def send_inquiry(request: HttpRequest, payload: InquiryIn, lang: str = "") -> HttpResponse:
    """201 with the new inquiry's id; the same contact, material and spec again within 10
    minutes answers 201 with the first inquiry's id and stores nothing. Errors are in the
    language of ``?lang=`` or Accept-Language."""
    language = lang if lang in dict(settings.LANGUAGES) else translation.get_language()
    with translation.override(language):
        data = payload.dict()
        if is_bot(data):
            return 400, {"error": "rejected", "detail": bot_errors()}
        cleaned, errors = validate_inquiry(data)
        if errors:
            return 400, {"error": "invalid", "detail": errors}
        try:
            inquiry, _created = record_inquiry(cleaned, inquiry_origin(request))
        except RateLimitedError as limited:
            response = JsonResponse(
                {"error": "rate_limited",
                 "detail": [{"field": "", "message": limited.message()}]},
                status=429,
            )  # fmt: skip
            response["Retry-After"] = str(limited.retry_after)
            return response
    return 201, {"inquiry_id": inquiry.pk}


# --- Attribution (stored credit; the `attribution` command computes the same numbers) -------


class AttributionCreditOut(Schema):
    conversions: float = Field(description="Share of conversions credited (sum of fractions)")
    value: float = Field(description="Share of the conversions' revenue, CNY, unrounded")


class AttributionOut(Schema):
    models: dict[str, dict[str, dict[str, AttributionCreditOut]]] = Field(
        description="model → conversion (inquiry, order) → article, supplier, material or "
        "channel → credit; supplier users see credit on their own suppliers' articles only"
    )


@router.get(
    "/attribution/",
    response={200: AttributionOut, 400: ErrorOut, 403: ErrorOut},
    summary="Attributed inquiries and revenue per article, supplier, material or channel",
)
def attribution_view(
    request: HttpRequest,
    model: Literal[(*STORED_MODELS, "all")] = "all",  # type: ignore[valid-type]
    start: date | None = None,
    end: date | None = None,
    by: Literal[BY] = "article",  # type: ignore[valid-type]
) -> tuple[int, dict]:
    """Credit of the conversions whose local day lies in [start, end], from the stored rows
    (Markov is computed by the ``attribution`` command only: it cannot be stored per company).
    Platform staff see every article; a supplier's users their own suppliers' articles only."""
    if start and end and start > end:
        detail = [{"field": "end", "message": "must not be before start"}]
        return 400, {"error": "invalid_input", "detail": detail}
    suppliers = None
    if not is_platform_staff(request.user):
        suppliers = list(own_suppliers(request.user).values_list("pk", flat=True))
        if not suppliers:
            raise HttpError(403, "platform staff or a supplier's users only")
    models = STORED_MODELS if model == "all" else (model,)
    credit = stored_credit(CreditQuery(models, start, end, by, suppliers))
    return 200, {
        "models": {
            name: {
                kind: {
                    key: {"conversions": c.conversions, "value": c.value} for key, c in rows.items()
                }
                for kind, rows in kinds.items()
            }
            for name, kinds in credit.items()
        }
    }
