"""Admin for sourcing returns, platform staff only: content costs (entered by platform
marketing) and per-supplier API tokens (issued with the token shown once, revoked later)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from analytics.api_tokens import issue_token
from analytics.models import ContentCost, SupplierApiToken
from content.staff import PLATFORM_PERMISSION, is_platform_staff


class PlatformStaffPolicy(ModelPermissionPolicy):
    """Every action for platform staff, none for anyone else (a supplier's group never gets
    these models, whatever permissions it is given by mistake)."""

    def user_has_permission(self, user, action: str) -> bool:
        return user.is_active and is_platform_staff(user)

    def user_has_any_permission(self, user, actions) -> bool:
        return self.user_has_permission(user, "")

    def users_with_any_permission(self, actions) -> QuerySet:
        app, codename = PLATFORM_PERMISSION.split(".")
        permission = Permission.objects.filter(content_type__app_label=app, codename=codename)
        staff = Q(is_superuser=True) | Q(user_permissions__in=permission)
        staff |= Q(groups__permissions__in=permission)
        return get_user_model().objects.filter(staff, is_active=True).distinct()


class ContentCostForm(WagtailAdminModelForm):
    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("article")) == bool(data.get("supplier")):
            raise forms.ValidationError(_("Choose an article or a supplier, not both."))
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end must be on or after the start."))
        if data.get("amount") is not None and data["amount"] < 0:
            self.add_error("amount", _("The amount cannot be negative."))
        return data


class ContentCostViewSet(ModelViewSet):
    model = ContentCost
    name = "content_costs"
    url_prefix = "returns/costs"
    icon = "tag"
    menu_label = _("Content costs")
    form_fields = ["article", "supplier", "amount", "start", "end", "note"]
    list_display = ["__str__", "amount", "start", "end", "note"]
    list_filter = ["supplier"]
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_form_class(self, for_update: bool = False) -> type:
        return forms.modelform_factory(self.model, form=ContentCostForm, fields=self.form_fields)


class TokenForm(WagtailAdminModelForm):
    """Issue: a supplier and a label. Edit: the label, and a box to revoke."""

    revoke = forms.BooleanField(label=_("Revoke this token"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["supplier"].disabled = True
            if self.instance.revoked_at:
                self.fields["revoke"].disabled = True
                self.fields["revoke"].initial = True
        else:
            del self.fields["revoke"]

    def save(self, commit: bool = True) -> SupplierApiToken:
        if self.cleaned_data.get("revoke") and not self.instance.revoked_at:
            self.instance.revoked_at = timezone.now()
        return super().save(commit)


class IssueTokenView(CreateView):
    """Creates the token through ``issue_token`` and shows it on this one response, never in
    a message stored in the session or a cookie."""

    def save_instance(self) -> SupplierApiToken:
        record, self.plain_token = issue_token(
            self.form.cleaned_data["supplier"], self.form.cleaned_data["label"]
        )
        return record

    def save_action(self) -> HttpResponse:
        context = {
            "token": self.plain_token,
            "record": self.object,
            "index_url": self.get_success_url(),
        }
        return TemplateResponse(self.request, "analytics/admin/token_issued.html", context)


class SupplierApiTokenViewSet(ModelViewSet):
    model = SupplierApiToken
    name = "supplier_api_tokens"
    url_prefix = "returns/api-tokens"
    icon = "key"
    menu_label = _("Supplier API tokens")
    add_view_class = IssueTokenView
    form_fields = ["supplier", "label"]
    list_display = ["supplier", "label", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["supplier"]
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_form_class(self, for_update: bool = False) -> type:
        return forms.modelform_factory(self.model, form=TokenForm, fields=self.form_fields)


class ReturnsGroup(ViewSetGroup):
    menu_label = _("Sourcing returns")
    menu_icon = "tag"
    menu_order = 870
    items = (ContentCostViewSet, SupplierApiTokenViewSet)
