"""``/api/v1/analytics/``: live reading and share chains, for platform staff."""

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from ninja.security import django_auth

from analytics.queries.reading_now import reading_now
from analytics.shares import share_tree
from content.staff import is_platform_staff

router = Router(auth=django_auth, tags=["analytics"])


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
