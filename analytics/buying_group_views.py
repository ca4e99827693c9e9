"""Admin page of one buyer company's buying group, for platform staff: its contacts and what
each read, in order, then what the company inquired about and bought."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from analytics.buying_group import buying_group
from analytics.models import Account
from content.staff import platform_staff_view


@platform_staff_view
def buying_group_view(request: HttpRequest, pk: int) -> HttpResponse:
    group = buying_group(get_object_or_404(Account, pk=pk), timezone.now())
    return TemplateResponse(request, "analytics/admin/buying_group.html", {"group": group})
