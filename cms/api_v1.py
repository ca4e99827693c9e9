"""``/api/v1``: the platform's typed API; errors answer ``{"error", "detail": [...]}``."""

import logging

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from analytics.api import inquiry_router
from analytics.api import router as analytics_router
from analytics.order_webhook import router as orders_router
from search.api import router as search_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="药云 Yaoyun API",
    version="1",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/search/", search_router)
api.add_router("/analytics/", analytics_router)
api.add_router("/inquiries/", inquiry_router)
api.add_router("/orders/", orders_router)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = [
        {
            "field": ".".join(str(p) for p in e.get("loc", [])[1:] or e.get("loc", [])),
            "message": e.get("msg", "invalid"),
        }
        for e in exc.errors
    ]
    return api.create_response(request, {"error": "invalid_input", "detail": detail}, status=400)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(
        request,
        {"error": "http_error", "detail": [{"field": "", "message": str(exc)}]},
        status=exc.status_code,
    )


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Never an HTML error page from the API: log the failure and answer in the error shape."""
    logger.exception("api/v1 failed on %s", request.path)
    return api.create_response(
        request,
        {"error": "server_error", "detail": [{"field": "", "message": "internal error"}]},
        status=500,
    )
