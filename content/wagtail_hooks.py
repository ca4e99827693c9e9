"""Admin wiring: materials and topic synonyms (viewsets, autocomplete), onboarding, isolation,
the document check."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from content.admin_isolation import hide_platform_reports, restrict_chooser_pages
from content.material_chooser import autocomplete_materials
from content.media_access import can_view_document
from content.models import Material, TopicSynonymGroup
from content.staff import PLATFORM_PERMISSION, StaffMenuItem
from content.workspaces import UsernameTakenError, add_supplier_user, create_supplier


class MaterialViewSet(SnippetViewSet):
    model = Material
    icon = "pick"
    menu_label = _("Materials")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "pinyin", "latin", "category"]
    list_filter = {"category": ["exact"]}
    search_fields = ["name", "pinyin", "latin"]
    ordering = ["pinyin"]


register_snippet(MaterialViewSet)


class TopicSynonymGroupViewSet(SnippetViewSet):
    model = TopicSynonymGroup
    icon = "list-ul"
    menu_label = _("Topic synonyms")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["canonical", "synonyms"]
    search_fields = ["canonical"]
    ordering = ["canonical"]


register_snippet(TopicSynonymGroupViewSet)


class OnboardSupplierForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=120)
    region = forms.CharField(label=_("Region"), max_length=60, required=False)
    verified = forms.BooleanField(label=_("Verified by the platform"), required=False)
    username = forms.CharField(label=_("Login name for the supplier"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(
        label=_("Initial password"), min_length=8, widget=forms.PasswordInput
    )


@permission_required(PLATFORM_PERMISSION, raise_exception=True)
def onboard_supplier(request: HttpRequest) -> HttpResponse:
    """Create a supplier workspace and its first login from the admin."""
    form = OnboardSupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                workspace = create_supplier(
                    data["name"], region=data["region"], verified=data["verified"]
                )
                add_supplier_user(workspace, data["username"], data["email"], data["password"])
        except UsernameTakenError:
            form.add_error("username", _("This login name is already taken."))
            return TemplateResponse(request, "content/admin/onboard_supplier.html", {"form": form})
        messages.success(request, _("Supplier workspace created: %s") % workspace.page.title)
        return redirect("wagtailadmin_explore", workspace.page.pk)
    return TemplateResponse(request, "content/admin/onboard_supplier.html", {"form": form})


@hooks.register("register_admin_urls")
def register_onboarding_url() -> list:
    return [
        path("suppliers/onboard/", onboard_supplier, name="content_onboard_supplier"),
        path(
            "materials/autocomplete/",
            autocomplete_materials,
            name="content_material_autocomplete",
        ),
    ]


@hooks.register("register_admin_menu_item")
def onboarding_menu_item() -> MenuItem:
    return StaffMenuItem(
        _("Onboard supplier"), reverse("content_onboard_supplier"), icon_name="group", order=210
    )


# A supplier's users link to live pages and to their own drafts, never to another's drafts.
hooks.register("construct_page_chooser_queryset", restrict_chooser_pages)
hooks.register("construct_reports_menu", hide_platform_reports)


@hooks.register("before_serve_document")
def hide_unpublished_document(document, request: HttpRequest) -> None:
    """A report no live page publishes answers like a missing document, except to who may see it.

    Raising (not returning a response) gives the very 404 an unknown document id gets, so a
    hidden report cannot be told from one that does not exist.
    """
    if not can_view_document(request.user, document):
        raise Http404
