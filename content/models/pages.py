"""The page tree: home, supplier directory and profiles, insights, material hubs."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from content.admin_forms import MediaChoicePageForm
from content.models.articles import ArticlePage

PAGE_SIZE = 12


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> PaginatorPage:
    """One page of ``queryset`` for ``?page=``; bad or out-of-range numbers fall back safely."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def kind_listing(request: HttpRequest, articles) -> dict:
    """``?kind=product|technology`` applied to ``articles``, then paginated, for templates."""
    kind = request.GET.get("kind")
    if kind in {"product", "technology"}:
        articles = articles.filter(kind=kind)
    return {"kind": kind, "articles": paginate(request, articles)}


class HomePage(Page):
    intro = models.CharField(_("intro"), max_length=200, blank=True)

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "content.SupplierIndexPage",
        "content.InsightsIndexPage",
        "content.MaterialIndexPage",
    ]
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("home page")

    def route(self, request: HttpRequest, path_components: list[str]) -> RouteResult:
        """Find a descendant by its URL path in two queries instead of two per tree level.

        Same outcome as Wagtail's level-by-level walk for this tree (no routable pages): the
        page at that path if it is live, else 404.
        """
        if not path_components:
            return super().route(request, path_components)
        url_path = f"{self.url_path}{'/'.join(path_components)}/"
        found = (
            Page.objects.filter(url_path=url_path, live=True)
            .values_list("pk", "content_type_id")
            .first()
        )
        if found is None:
            raise Http404
        model = ContentType.objects.get_for_id(found[1]).model_class() or Page
        queryset = getattr(model, "serving_queryset", model.objects.all)()
        return RouteResult(queryset.get(pk=found[0]))

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from content.models.snippets import Material, MaterialCategory

        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.for_listing()
        context["latest_products"] = articles.filter(kind="product")[:6]
        context["latest_technology"] = articles.filter(kind="technology")[:6]
        context["featured"] = articles.filter(supplier__verified=True).exclude(cover_image=None)[:3]
        context["suppliers"] = (
            SupplierPage.objects.live().filter(verified=True).select_related("logo")[:8]
        )
        hubs = MaterialPage.objects.live().select_related("material").order_by("material__pinyin")
        context["material_groups"] = [
            (label, [h for h in hubs if h.material.category == value][:12])
            for value, label in MaterialCategory.choices
        ]
        context["material_count"] = Material.objects.count()
        return context


class SupplierIndexPage(Page):
    intro = models.CharField(_("intro"), max_length=200, blank=True)

    max_count = 1
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.SupplierPage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("supplier directory")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        suppliers = SupplierPage.objects.child_of(self).live()
        # verified suppliers first, each with its badge; the counts tell readers the rest aren't
        context["supplier_counts"] = suppliers.aggregate(
            total=models.Count("pk"), verified=models.Count("pk", filter=models.Q(verified=True))
        )
        listing = suppliers.select_related("logo").order_by("-verified", "title")
        context["suppliers"] = paginate(request, listing, 24)
        return context


class SupplierPage(Page):
    """A supplier's public profile and the root of its workspace."""

    base_form_class = MediaChoicePageForm

    region = models.CharField(_("region"), max_length=60, blank=True)
    description = RichTextField(_("about the company"), blank=True, features=["bold", "ol", "ul"])
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    verified = models.BooleanField(
        _("verified by the platform"),
        default=False,
        help_text=_("Only platform moderators can change this."),
    )
    group = models.OneToOneField(
        "auth.Group",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="supplier_page",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="supplier_page",
    )

    parent_page_types = ["content.SupplierIndexPage"]
    subpage_types = ["content.ArticlePage"]
    content_panels = [
        *Page.content_panels,
        FieldPanel("verified", permission="content.verify_supplier"),
        FieldPanel("region"),
        FieldPanel("logo"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("contact_name"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("address"),
            ],
            heading=_("Contact"),
        ),
        InlinePanel("certifications", label=_("Certifications")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("region")]
    api_fields = [
        APIField("region"),
        APIField("description"),
        APIField("logo"),
        APIField("verified"),
        APIField("certifications"),
        APIField("contact_name"),
        APIField("phone"),
    ]

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        permissions = [("verify_supplier", "Can mark a supplier as verified")]

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.for_listing().child_of(self)
        context.update(kind_listing(request, articles))
        return context


class CertificationKind(models.TextChoices):
    GAP = "GAP", _("GAP cultivation base")
    GMP = "GMP", _("GMP certified")
    ORGANIC = "organic", _("Organic")
    ISO9001 = "ISO9001", "ISO 9001"
    GEO = "geo", _("Geographical indication / 道地药材")
    SC = "SC", _("SC production licence")


class SupplierCertification(Orderable):
    page = ParentalKey(SupplierPage, related_name="certifications", on_delete=models.CASCADE)
    kind = models.CharField(_("certification"), max_length=20, choices=CertificationKind.choices)
    number = models.CharField(_("certificate number"), max_length=80, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    panels = [FieldPanel("kind"), FieldPanel("number"), FieldPanel("valid_until")]
    api_fields = [APIField("kind"), APIField("number"), APIField("valid_until")]

    def __str__(self) -> str:
        return self.get_kind_display()


class InsightsIndexPage(Page):
    """Platform-written articles (market reports, standards explained), paginated."""

    intro = models.CharField(_("intro"), max_length=200, blank=True)

    max_count = 1
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.ArticlePage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("insights section")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = paginate(request, ArticlePage.objects.for_listing().child_of(self))
        return context


class MaterialIndexPage(Page):
    intro = models.CharField(_("intro"), max_length=200, blank=True)

    max_count = 1
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.MaterialPage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("material directory")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from content.models.snippets import MaterialCategory

        context = super().get_context(request, *args, **kwargs)
        # One query: each hub with the number of its material's live articles (drafts and
        # pages awaiting moderation are nobody's business here, so they are not counted).
        hubs = (
            MaterialPage.objects.child_of(self)
            .live()
            .select_related("material")
            .annotate(
                article_count=models.Count(
                    "material__articles",
                    filter=models.Q(material__articles__live=True),
                    distinct=True,
                )
            )
            .order_by("material__pinyin")
        )
        groups = []
        for value, label in MaterialCategory.choices:
            members = [h for h in hubs if h.material.category == value]
            with_articles = [h for h in members if h.article_count]
            empty = [h for h in members if not h.article_count]
            groups.append((label, with_articles, empty))
        context["material_groups"] = groups
        context["material_counts"] = {
            "total": len(hubs),
            "with_articles": sum(1 for h in hubs if h.article_count),
        }
        return context


class MaterialPage(Page):
    """The hub of one material: its names, origins and every article about it."""

    material = models.OneToOneField(
        "content.Material", on_delete=models.PROTECT, related_name="hub_page"
    )
    intro = RichTextField(_("intro"), blank=True, features=["bold", "ol", "ul", "link"])

    parent_page_types = ["content.MaterialIndexPage"]
    subpage_types: list[str] = []
    content_panels = [*Page.content_panels, FieldPanel("material"), FieldPanel("intro")]
    api_fields = [APIField("material"), APIField("intro")]

    class Meta:
        verbose_name = _("material hub")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.for_listing().filter(materials=self.material)
        context.update(kind_listing(request, articles))
        context["site_name"] = settings.WAGTAIL_SITE_NAME
        return context
