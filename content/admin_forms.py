"""Admin forms: the Material snippet (name lists one a line, checked for clashes) and pages
whose slug is the pinyin of their title."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex
from wagtail.permissions import policy_registry

from content.slugs import ascii_slug, free_slug, is_autofilled_slug


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


class TopicSynonymGroupForm(WagtailAdminModelForm):
    """A topic synonym group: each word may belong to one group only, or search could not say
    which canonical word it stands for."""

    synonyms = LinesField(
        label=_("synonyms"), required=False, help_text=_("One word a line, e.g. 辨别、真伪、真假")
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        canonical = (cleaned.get("canonical") or "").strip()
        synonyms = [w for w in cleaned.get("synonyms") or [] if w != canonical]
        cleaned["synonyms"] = synonyms
        clash = _group_holding(self.instance.pk, [canonical, *synonyms])
        if clash is not None:
            word, group = clash
            field = "canonical" if word == canonical else "synonyms"
            self.add_error(
                field,
                _("“%(word)s” is already in the group %(group)s; a word belongs to one group.")
                % {"word": word, "group": group},
            )
        return cleaned


def _group_holding(own_pk: int | None, words: list[str]) -> tuple[str, str] | None:
    """The first of ``words`` another synonym group already holds, with that group's name."""
    from content.models import TopicSynonymGroup

    for group in TopicSynonymGroup.objects.exclude(pk=own_pk):
        held = set(group.words)
        for word in words:
            if word in held:
                return word, group.canonical
    return None


class MediaChoicePageForm(WagtailAdminPageForm):
    """A page form that refuses images and documents the editor may not choose.

    Wagtail's choosers list only the collections the editor may choose from, but the form
    accepts any id, in a foreign key, a StreamField block or a rich-text embed. Saving a page
    that uses another supplier's unpublished image would make it public once the page goes
    live (``content.media_access``), so each must be choosable by the editor, already public,
    or already used by this page.
    """

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.for_user is None:
            return
        # content.media_access imports the page models, which import this module
        from content.media_access import public_documents, public_images

        kinds = (
            (get_image_model(), public_images()),
            (get_document_model(), public_documents()),
        )
        for model, public in kinds:
            self._refuse_unchoosable(model, public)

    def _refuse_unchoosable(self, model, public) -> None:
        content_type = ContentType.objects.get_for_model(model)
        used: dict[int, str] = {}
        for type_id, object_id, model_path, _path in self._references():
            if type_id == content_type.pk and object_id.isascii() and object_id.isdigit():
                used.setdefault(int(object_id), model_path.split(".")[0])
        if not used:
            return
        allowed = set(
            policy_registry.get_by_type(model)
            .instances_user_has_any_permission_for(self.for_user, ["choose"])
            .filter(pk__in=used)
            .values_list("pk", flat=True)
        )
        allowed |= set(public.filter(pk__in=used).values_list("pk", flat=True))
        if self.instance.pk:
            allowed |= {
                int(r.to_object_id)
                for r in ReferenceIndex.get_references_for_object(self.instance)
                if r.to_content_type_id == content_type.pk and r.to_object_id.isdigit()
            }
        for pk, field in used.items():
            if pk not in allowed:
                self.add_error(
                    field if field in self.fields else None,
                    _("You may not use %(kind)s %(pk)s: it is not in your collections.")
                    % {"kind": model._meta.verbose_name, "pk": pk},
                )

    def _references(self):
        return ReferenceIndex._extract_references_from_object(self.instance)


class PinyinSlugPageForm(MediaChoicePageForm):
    """A page form that gives a page not yet published the pinyin slug of its title.

    The browser fills the slug from the title as it is typed: percent-encoded Chinese, or only
    the digits when ``WAGTAIL_ALLOW_UNICODE_SLUGS`` is off. That slug, or an empty one, becomes
    ``ascii_slug(title)``, numbered when a sibling has it, as imported articles get. A slug the
    editor typed is kept, and so is a published page's slug (its URL is out there).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self) -> dict:
        title, slug = self.cleaned_data.get("title"), self.cleaned_data.get("slug")
        unpublished = self.instance.first_published_at is None
        if (
            title
            and slug is not None
            and is_autofilled_slug(slug, title)
            and (unpublished or not slug)
        ):
            base = ascii_slug(title)
            self.cleaned_data["slug"] = free_slug(self.parent_page, base, self.instance)
        return super().clean()


class ArticlePageForm(PinyinSlugPageForm):
    """The article form: pinyin slug, and a materials error that names the unknown name."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "materials" in self.fields:
            self.fields["materials"].error_messages["invalid_pk_value"] = _(
                "“%(pk)s” is not in the material dictionary."
            )
