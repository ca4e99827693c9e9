"""The article's 药材 field in the admin: tags typed with server-side autocomplete.

A plain multi-select lists every material (246 today, 500+ planned) with no search. This
widget shows the chosen materials as tags (Wagtail's own ``w-tag`` controller) and asks the
server for matches as the editor types: canonical name, traditional form, pinyin, alias or
Latin name. The form still posts to the same many-to-many field, so import, search indexing
and the API read ``ArticlePage.materials`` as before.
"""

import json
from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, JsonResponse
from django.urls import reverse

MAX_MATCHES = 20
SEPARATORS = (",", "，", "、", ";", "；")


@dataclass(frozen=True)
class MaterialNames:
    """Every name one material goes by, as matching reads them."""

    name: str
    traditional: str
    pinyin: str
    latin: str
    aliases: tuple[str, ...]

    def rank(self, term: str) -> int | None:
        """0 for an exact name, then prefixes of name, pinyin, alias; None for no match."""
        key, squashed = term.lower(), "".join(term.lower().split())
        names = (self.name, self.traditional, *self.aliases)
        checks = (
            term in names,
            self.name.startswith(term) or self.traditional.startswith(term),
            bool(squashed) and self.pinyin.lower().startswith(squashed),
            any(alias.startswith(term) for alias in self.aliases),
            any(term in name for name in names if name) or key in self.latin.lower(),
        )
        return next((rank for rank, hit in enumerate(checks) if hit), None)

    def label(self) -> str:
        """``黄芪 huangqi · 北芪、绵芪`` — what the editor sees in the suggestion list."""
        aliases = "、".join(self.aliases[:4])
        return f"{self.name} {self.pinyin}" + (f" · {aliases}" if aliases else "")


def match_materials(term: str, limit: int = MAX_MATCHES) -> list[dict[str, str]]:
    """Materials matching ``term`` as ``{"label", "value"}`` (value: the canonical name),
    best first. Matching runs in Python over the whole dictionary: a few thousand rows of
    names cost about a millisecond, and aliases are JSON lists no portable query searches."""
    from content.models import Material  # the models import this module for their panels

    term = term.strip()
    if not term:
        return []
    rows = Material.objects.values_list("name", "traditional", "pinyin", "latin", "aliases")
    ranked = []
    for name, traditional, pinyin, latin, aliases in rows:
        material = MaterialNames(name, traditional, pinyin, latin, tuple(aliases or ()))
        rank = material.rank(term)
        if rank is not None:
            ranked.append((rank, pinyin, name, material))
    ranked.sort(key=lambda item: item[:3])
    return [{"label": m.label(), "value": m.name} for *_, m in ranked[:limit]]


def autocomplete_materials(request: HttpRequest) -> JsonResponse:
    """``GET ?term=`` → the suggestion list the materials widget shows (admin users only)."""
    return JsonResponse(match_materials(request.GET.get("term", "")[:40]), safe=False)


def split_names(text: str) -> list[str]:
    """``"黄芪, 北芪，当归"`` → ``["黄芪", "北芪", "当归"]`` (quotes the tag input adds dropped)."""
    for separator in SEPARATORS[1:]:
        text = text.replace(separator, SEPARATORS[0])
    names = (part.strip().strip('"').strip() for part in text.split(SEPARATORS[0]))
    return list(dict.fromkeys(name for name in names if name))


class MaterialsInput(forms.TextInput):
    """Materials as comma-separated names with autocomplete; posts the materials' ids.

    A name that is no material is passed on as it was typed, so the field's own check
    reports it by name and nothing is saved.
    """

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-controller": "w-tag",
                "data-w-tag-delay-value": 200,
                "data-w-tag-url-value": reverse("content_material_autocomplete"),
                "data-w-tag-options-value": json.dumps(
                    {"allowSpaces": True, "tagLimit": None, "autocompleteOnly": True}
                ),
            }
        )
        return context

    def format_value(self, value: object) -> str:
        from content.models import Material

        items = value if isinstance(value, (list, tuple)) else [value] if value else []
        keys = [str(item.pk if isinstance(item, Material) else item) for item in items]
        ids = [key for key in keys if key.isdigit()]
        names = {
            str(pk): n for pk, n in Material.objects.filter(pk__in=ids).values_list("pk", "name")
        }
        return ", ".join(names.get(key, key) for key in keys)

    def value_from_datadict(self, data: dict, files: dict, name: str) -> list[str]:
        from content.materials import MaterialResolver

        names = split_names(data.get(name) or "")
        if not names:
            return []
        resolver = MaterialResolver()
        found = [(typed, resolver.resolve(typed)) for typed in names]
        return list(dict.fromkeys(str(m.pk) if m else typed for typed, m in found))
