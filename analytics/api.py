"""``/api/v1/analytics/``: live reading and share chains, for platform staff; sourcing returns
and attribution, for staff and each supplier (session or API token; their own articles only);
and ``/api/v1/inquiries/``, where buyers (and their own systems) send inquiries."""

from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field

from analytics.api_tokens import SupplierTokenAuth, token_suppliers
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
from analytics.queries.attribution import BY as CREDIT_BY
from analytics.queries.attribution import CreditQuery, stored_credit
from analytics.queries.reading_now import reading_now
from analytics.returns import (
    BY,
    ReturnsQuery,
    ReturnsRow,
    sourcing_returns,
    stored_order_credits,
)
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


# --- Sourcing returns: platform staff see every supplier; a supplier's users (session) or its
# API token (``Authorization: Bearer``) only their own. ---------------------------------------
supplier_auth = [SupplierTokenAuth(), django_auth]  # reusable by any supplier-scoped endpoint
MAX_RETURNS_DAYS = 366


def reader_suppliers(request: HttpRequest) -> frozenset[int] | None:
    """The suppliers the caller may see: the token's, every one for platform staff (None), or
    the session user's own; 403 for anyone else."""
    scope = token_suppliers(request.auth)
    if scope is not None:
        return scope
    if is_platform_staff(request.user):
        return None
    own = frozenset(own_suppliers(request.user).values_list("pk", flat=True))
    if not own:
        raise HttpError(403, "platform staff or a supplier's users only")
    return own


def _day(value: str, field: str, default: date, errors: list[dict[str, str]]) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append({"field": field, "message": _("Enter a date as YYYY-MM-DD.")})
        return default


def returns_query(start: str, end: str, by: str, model: str) -> tuple[ReturnsQuery, list]:
    errors: list[dict[str, str]] = []
    last = _day(end, "end", timezone.localdate(), errors)
    first = _day(start, "start", last - timedelta(days=29), errors)
    if not errors and first > last:
        errors.append({"field": "start", "message": _("The start must be on or before the end.")})
    if not errors and (last - first).days >= MAX_RETURNS_DAYS:
        errors.append(
            {
                "field": "end",
                "message": _("At most %(days)d days after the start.") % {"days": MAX_RETURNS_DAYS},
            }
        )
    if by not in BY:
        errors.append(
            {"field": "by", "message": _("One of: %(choices)s.") % {"choices": ", ".join(BY)}}
        )
    if model != "all" and model not in STORED_MODELS:
        errors.append(
            {
                "field": "model",
                "message": _("One of: %(choices)s.")
                % {"choices": ", ".join(("all", *STORED_MODELS))},
            }
        )
    return ReturnsQuery(start=first, end=last, by=by if by in BY else BY[0]), errors


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def returns_row(row: ReturnsRow) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "views": row.views,
        "engaged_reads": row.engaged_reads,
        "inquiries": row.inquiries,
        "orders": row.orders,
        "lost_orders": row.lost_orders,
        "revenue": _money(row.revenue),
        "engaged_rate": row.engaged_rate,
        "inquiry_rate": row.inquiry_rate,
        "order_rate": row.order_rate,
        "revenue_per_1000_engaged": _money(row.revenue_per_1000_engaged),
        "days_to_inquiry": row.days_to_inquiry,
        "days_to_order": row.days_to_order,
        "cost": _money(row.cost),
        "roi": row.roi(),
        "attributed_revenue": {m: _money(v) for m, v in sorted(row.attributed.items())},
        "attributed_roi": {m: row.roi(v) for m, v in sorted(row.attributed.items())},
    }


@router.get("/returns/", auth=supplier_auth, response={200: dict, 400: ErrorOut})
def returns_view(
    request: HttpRequest, start: str = "", end: str = "", by: str = "article", model: str = "all"
) -> tuple[int, dict]:
    """Per article, supplier or material from ``start`` to ``end`` (days, both included;
    default the last 30): views, engaged reads, inquiries, orders, revenue (cancelled and
    refunded orders count 0), rates, revenue per 1,000 engaged reads, median days from the
    company's first engaged read to inquiry and order, cost, ROI, and the revenue each stored
    rule-based model attributes to the content (Markov: the ``attribution`` command)."""
    suppliers = reader_suppliers(request)
    query, errors = returns_query(start, end, by, model)
    if errors:
        return 400, {"error": "invalid", "detail": errors}
    query = ReturnsQuery(query.start, query.end, query.by, suppliers)
    models = STORED_MODELS if model == "all" else (model,)
    rows = sourcing_returns(query, stored_order_credits(query, models))
    return 200, {
        "start": query.start.isoformat(),
        "end": query.end.isoformat(),
        "by": query.by,
        "rows": [returns_row(row) for row in rows],
    }


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
    auth=supplier_auth,
    response={200: AttributionOut, 400: ErrorOut, 403: ErrorOut},
    summary="Attributed inquiries and revenue per article, supplier, material or channel",
)
def attribution_view(
    request: HttpRequest,
    model: Literal[(*STORED_MODELS, "all")] = "all",  # type: ignore[valid-type]
    start: date | None = None,
    end: date | None = None,
    by: Literal[CREDIT_BY] = "article",  # type: ignore[valid-type]
) -> tuple[int, dict]:
    """Credit of the conversions whose local day lies in [start, end], from the stored rows
    (Markov is computed by the ``attribution`` command only: it cannot be stored per company).
    Platform staff see every article; a supplier's users (session or API token) their own
    suppliers' articles only."""
    if start and end and start > end:
        detail = [{"field": "end", "message": "must not be before start"}]
        return 400, {"error": "invalid_input", "detail": detail}
    scope = reader_suppliers(request)
    suppliers = None if scope is None else sorted(scope)
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
