"""Operational endpoints of the project itself."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: answers 204 without touching the database (also the benchmarks' baseline)."""
    return HttpResponse(status=204)
