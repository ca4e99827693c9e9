"""Admin form for the Material snippet: name lists edited one per line, checked for clashes."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


class LinesField(forms.CharField):
    """A list of strings edited as one item a line (commas and 、 also split)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value: object) -> list[str]:
        text = super().to_python(value) or ""
        for separator in (",", "，", "、", ";"):
            text = text.replace(separator, "\n")
        return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


class MaterialForm(WagtailAdminModelForm):
    aliases = LinesField(
        label=_("aliases and trade names"),
        required=False,
        help_text=_("One name a line, e.g. 北芪"),
    )
    english = LinesField(
        label=_("English names"),
        required=False,
        help_text=_("One name a line, most usual first, e.g. Astragalus root"),
    )
    origins = LinesField(
        label=_("typical origins"), required=False, help_text=_("One place a line, e.g. 甘肃岷县")
    )

    def clean_aliases(self) -> list[str]:
        from content.models import Material

        aliases = self.cleaned_data["aliases"]
        others = Material.objects.exclude(pk=self.instance.pk)
        for alias in aliases:
            clash = others.filter(name=alias).first()
            if clash is None:
                clash = next((m for m in others if alias in m.aliases), None)
            if clash is not None:
                raise forms.ValidationError(
                    _("“%(alias)s” already names %(other)s; an alias must point to one material.")
                    % {"alias": alias, "other": clash.name}
                )
        return aliases
