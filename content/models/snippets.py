"""Snippet models: the Material dictionary that search, pages and analytics share."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from content.admin_forms import MaterialForm, TopicSynonymGroupForm


class MaterialCategory(models.TextChoices):
    ROOT = "根及根茎类", _("根及根茎类")
    FRUIT_SEED = "果实种子类", _("果实种子类")
    FLOWER = "花类", _("花类")
    WHOLE_HERB = "全草类", _("全草类")
    LEAF = "叶类", _("叶类")
    BARK = "皮类", _("皮类")
    STEM_WOOD = "茎木类", _("茎木类")
    VINE = "藤木类", _("藤木类")
    RESIN = "树脂类", _("树脂类")
    FUNGUS_ALGA = "菌藻类", _("菌藻类")
    ANIMAL = "动物类", _("动物类")
    MINERAL = "矿物类", _("矿物类")
    OTHER = "其他类", _("其他类")


class MaterialQuerySet(models.QuerySet):
    def by_category(self, category: str) -> "MaterialQuerySet":
        return self.filter(category=category)


class Material(index.Indexed, models.Model):
    """A herbal material (药材) with the names buyers and sellers use for it."""

    name = models.CharField(_("canonical name"), max_length=40, unique=True)
    traditional = models.CharField(_("traditional form"), max_length=40, blank=True)
    pinyin = models.CharField(_("pinyin"), max_length=80, blank=True, db_index=True)
    latin = models.CharField(_("Latin pharmaceutical name"), max_length=160, blank=True)
    english = models.JSONField(
        _("English names"),
        default=list,
        blank=True,
        help_text=_("Common English names, most usual first, e.g. Astragalus root"),
    )
    category = models.CharField(
        _("category"), max_length=20, choices=MaterialCategory.choices, db_index=True
    )
    aliases = models.JSONField(
        _("aliases and trade names"),
        default=list,
        blank=True,
    )
    origins = models.JSONField(_("typical origins"), default=list, blank=True)

    objects = MaterialQuerySet.as_manager()
    base_form_class = MaterialForm

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("traditional"),
                FieldPanel("pinyin"),
                FieldPanel("latin"),
                FieldPanel("english"),
                FieldPanel("category"),
            ],
            heading=_("Names"),
        ),
        FieldPanel("aliases"),
        FieldPanel("origins"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("pinyin"),
        index.SearchField("latin"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["pinyin", "name"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.name

    @property
    def all_names(self) -> list[str]:
        names = [self.name, self.traditional, *self.aliases]
        return [n for n in dict.fromkeys(names) if n]


class TopicSynonymGroup(models.Model):
    """Topic words buyers and suppliers use for one thing (鉴别, 辨别, 真伪, 真假).

    Search reads a word of any of them as the canonical word and its synonyms, at index time and
    at query time, as it reads a material's aliases.
    """

    canonical = models.CharField(
        _("canonical word"),
        max_length=20,
        unique=True,
        help_text=_("The word the group stands for, e.g. 鉴别"),
    )
    synonyms = models.JSONField(_("synonyms"), default=list, blank=True)

    base_form_class = TopicSynonymGroupForm

    panels = [FieldPanel("canonical"), FieldPanel("synonyms")]

    class Meta:
        ordering = ["canonical"]
        verbose_name = _("topic synonym group")
        verbose_name_plural = _("topic synonym groups")

    def __str__(self) -> str:
        return self.canonical

    @property
    def words(self) -> list[str]:
        """The canonical word first, then each synonym once."""
        return [w for w in dict.fromkeys([self.canonical, *self.synonyms]) if w]
