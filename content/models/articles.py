"""Article pages: supplier product and technology articles, and platform insights."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager, PageQuerySet, PageViewRestriction
from wagtail.search import index

from content.admin_forms import ArticlePageForm
from content.blocks import ArticleBodyBlock
from content.material_chooser import MaterialsInput
from content.share_links import public_url


class ArticleKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    TECHNOLOGY = "technology", _("Technology")


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticleQuerySet(PageQuerySet):
    def public(self) -> "ArticleQuerySet":
        """Pages no view restriction applies to (none on them or an ancestor), as Wagtail's
        ``public()`` but in the query itself: Wagtail's reads every restriction first."""
        restricted = PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
        return self.filter(~Exists(restricted))

    def for_listing(self) -> "ArticleQuerySet":
        """Live articles, newest first, with what cards show fetched up front."""
        return (
            self.live()
            .public()
            .select_related("supplier", "cover_image")
            .prefetch_related("materials")
            .order_by("-publish_date", "-pk")
        )


ArticleManager = PageManager.from_queryset(ArticleQuerySet)


class ArticlePage(Page):
    """A product or technology article, written by a supplier or by the platform."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=ArticleKind.choices, default=ArticleKind.PRODUCT
    )
    summary = models.TextField(_("summary"), max_length=400)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    materials = ParentalManyToManyField(
        "content.Material", blank=True, related_name="articles", verbose_name=_("materials")
    )
    origin = models.CharField(_("origin"), max_length=60, blank=True)
    grade = models.CharField(_("grade / spec"), max_length=80, blank=True)
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("tags"))
    publish_date = models.DateField(_("publish date"), default=timezone.localdate)
    body = StreamField(ArticleBodyBlock(), blank=True, verbose_name=_("body"))
    # Set from the page's place in the tree on save; never edited by hand.
    supplier = models.ForeignKey(
        "content.SupplierPage",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="supplier_articles",
    )
    external_id = models.CharField(
        _("external id"),
        max_length=80,
        blank=True,
        editable=False,
        help_text=_("Key of the article in the supplier's own system, for re-imports."),
    )

    objects = ArticleManager()
    base_form_class = ArticlePageForm

    parent_page_types = ["content.SupplierPage", "content.InsightsIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel(
                    "materials",
                    widget=MaterialsInput,
                    help_text=_("Type a name, pinyin or alias (e.g. 北芪, huangqi) and pick one."),
                ),
                FieldPanel("origin"),
                FieldPanel("grade"),
                FieldPanel("tags"),
                FieldPanel("publish_date"),
            ],
            heading=_("Trade details"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("origin"),
        index.FilterField("kind"),
        index.FilterField("publish_date"),
    ]
    api_fields = [
        APIField("kind"),
        APIField("summary"),
        APIField("cover_image"),
        APIField("materials"),
        APIField("origin"),
        APIField("grade"),
        APIField("tags"),
        APIField("publish_date"),
        APIField("body"),
        APIField("supplier"),
        APIField("external_id"),
    ]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "external_id"],
                condition=~Q(external_id=""),
                name="article_unique_external_id_per_supplier",
            )
        ]
        indexes = [models.Index(fields=["supplier", "-publish_date"], name="article_supplier_date")]

    def save(self, *args, **kwargs) -> None:
        from content.models.pages import SupplierPage

        parent = self.get_parent() if self.pk or self.path else None
        if parent is not None:
            self.supplier = SupplierPage.objects.filter(pk=parent.pk).first()
        super().save(*args, **kwargs)

    @classmethod
    def serving_queryset(cls) -> "ArticleQuerySet":
        """What rendering the page reads anyway, fetched with the page itself."""
        return cls.objects.select_related("cover_image", "supplier", "supplier__logo")

    def get_view_restrictions(self):
        """The restrictions on this page or an ancestor (an alias counting as its source page),
        as Wagtail's, in one query instead of two: every page the site serves asks."""
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        sources = (
            Page.objects.filter(path__in=paths)
            .annotate(source=Coalesce("alias_of_id", "id"))
            .values("source")
        )
        return PageViewRestriction.objects.filter(page_id__in=sources)

    def related_articles(self, limit: int = 4) -> "ArticleQuerySet":
        """Other live articles sharing a material, newest first."""
        return (
            ArticlePage.objects.for_listing()
            .filter(materials__in=self.materials.all())
            .exclude(pk=self.pk)
            .distinct()[:limit]
        )

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["related"] = self.related_articles()
        context["materials"] = list(self.materials.select_related("hub_page"))
        context["supplier"] = self.supplier
        context["share_url"] = public_url(self.url)
        return context
