"""Platform staff in the admin: who counts as staff, the menu item and view guard for them."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from wagtail.admin.menu import MenuItem

# Onboarding suppliers (creating their groups) is the platform's own job, so the permission to
# add groups is what tells platform staff from suppliers and moderators.
PLATFORM_PERMISSION = "auth.add_group"
# Moderators review every supplier's drafts; the moderators group holds this permission.
MODERATOR_PERMISSION = "content.verify_supplier"


def is_platform_staff(user) -> bool:
    return user.is_superuser or user.has_perm(PLATFORM_PERMISSION)


def sees_every_workspace(user) -> bool:
    """Platform staff and moderators; every other user is confined to its own workspaces."""
    return is_platform_staff(user) or user.has_perm(MODERATOR_PERMISSION)


class StaffMenuItem(MenuItem):
    """An admin menu item only platform staff see."""

    def is_shown(self, request: HttpRequest) -> bool:
        return is_platform_staff(request.user)


def platform_staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An admin view for platform staff; other admin users are sent to the dashboard."""

    @permission_required("wagtailadmin.access_admin", raise_exception=True)
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_platform_staff(request.user):
            return redirect("wagtailadmin_home")
        return view(request, *args, **kwargs)

    return guarded
