"""The inquiry form: renders the fields; every check is ``validate_inquiry``, as for the API."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from analytics.conversions import HONEYPOT, validate_inquiry
from analytics.models import InquiryUnit


class InquiryForm(forms.Form):
    material = forms.CharField(
        label=_("Material"),
        required=False,
        widget=forms.TextInput(attrs={"list": "inquiry-materials", "autocomplete": "off"}),
    )
    spec = forms.CharField(label=_("Spec / grade"), required=False)
    quantity = forms.CharField(
        label=_("Quantity"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    # A CharField with a select: the choice is checked by validate_inquiry, with its message.
    unit = forms.CharField(
        label=_("Unit"), required=False, widget=forms.Select(choices=InquiryUnit.choices)
    )
    delivery_date = forms.CharField(
        label=_("Delivery date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    delivery_place = forms.CharField(label=_("Delivery place"), required=False)
    target_price = forms.CharField(
        label=_("Target price (CNY)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea)
    contact_name = forms.CharField(label=_("Your name"), required=False)
    company = forms.CharField(label=_("Company"), required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), required=False)
    phone = forms.CharField(
        label=_("Phone"), required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.CharField(
        label=_("Email"), required=False, widget=forms.TextInput(attrs={"type": "email"})
    )
    page_id = forms.CharField(required=False, widget=forms.HiddenInput)
    share_token = forms.CharField(required=False, widget=forms.HiddenInput)
    supplier = forms.CharField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.inquiry, errors = validate_inquiry(data)
        hidden = {name for name, field in self.fields.items() if field.widget.is_hidden}
        for error in errors:
            # An error on a hidden field (page, token, supplier) is shown above the form.
            field = error["field"] if error["field"] not in hidden else None
            self.add_error(field or None, error["message"])
        return data

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())
