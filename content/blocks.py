"""StreamField blocks of article bodies: text, images, spec tables, quotes, test reports."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from content.pharmacopoeia import CURRENT_STANDARD
from content.validators import validate_report_file

UNIT_CHOICES = [
    ("元/公斤", "元/公斤"),
    ("元/克", "元/克"),
    ("元/吨", "元/吨"),
    ("元/斤", "元/斤"),
    ("元/件", "元/件"),
]


class HeadingBlock(blocks.CharBlock):
    class Meta:
        template = "blocks/heading.html"
        icon = "title"
        label = _("Heading")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(required=False, max_length=200, label=_("caption"))

    class Meta:
        template = "blocks/image.html"
        icon = "image"
        label = _("Image")


class SpecRowBlock(blocks.StructBlock):
    item = blocks.CharBlock(max_length=60, label=_("item"), help_text=_("e.g. 含量, 水分, 灰分"))
    value = blocks.CharBlock(max_length=40, label=_("measured"))
    limit = blocks.CharBlock(
        max_length=40, required=False, label=_("pharmacopoeia limit"), help_text="≤ 10.0"
    )
    unit = blocks.CharBlock(max_length=20, required=False, label=_("unit"))
    passed = blocks.BooleanBlock(required=False, default=True, label=_("meets the limit"))


def current_standard() -> str:
    """The standard a new spec table cites: ``settings.PHARMACOPOEIA_STANDARD``, else the
    current edition. Read when a table is added, so changing it needs no migration and leaves
    stored tables as they are."""
    return settings.PHARMACOPOEIA_STANDARD or CURRENT_STANDARD


class SpecTableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(max_length=120, label=_("caption"))
    standard = blocks.CharBlock(
        max_length=120, required=False, label=_("standard"), default=current_standard
    )
    rows = blocks.ListBlock(SpecRowBlock(), min_num=1, label=_("rows"))

    class Meta:
        template = "blocks/spec_table.html"
        icon = "table"
        label = _("Spec / quality table")


class QuoteBlock(blocks.StructBlock):
    price_low = blocks.DecimalBlock(min_value=0, decimal_places=2, label=_("price from"))
    price_high = blocks.DecimalBlock(min_value=0, decimal_places=2, label=_("price to"))
    unit = blocks.ChoiceBlock(choices=UNIT_CHOICES, default="元/公斤", label=_("unit"))
    moq = blocks.CharBlock(max_length=40, label=_("minimum order"), help_text="500公斤")
    valid_until = blocks.DateBlock(label=_("valid until"))
    note = blocks.CharBlock(max_length=200, required=False, label=_("note"))

    class Meta:
        template = "blocks/quote.html"
        icon = "tag"
        label = _("Quote")

    def clean(self, value: blocks.StructValue) -> blocks.StructValue:
        value = super().clean(value)
        low, high = value["price_low"], value["price_high"]
        # A draft may leave either price empty (required fields are deferred until publish).
        if low is not None and high is not None and high < low:
            raise StructBlockValidationError(
                block_errors={
                    "price_high": ValidationError(_("Must not be below the lower price."))
                }
            )
        return value


class ReportBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, label=_("title"))
    lab = blocks.CharBlock(max_length=120, required=False, label=_("laboratory"))
    report_no = blocks.CharBlock(max_length=60, required=False, label=_("report number"))
    document = DocumentChooserBlock(label=_("report (PDF)"))

    class Meta:
        template = "blocks/report.html"
        icon = "doc-full"
        label = _("Test report")

    def clean(self, value: blocks.StructValue) -> blocks.StructValue:
        value = super().clean(value)
        if value["document"] is None:  # a draft without its PDF yet; publishing requires one
            return value
        try:
            validate_report_file(value["document"].file, settings.REPORT_MAX_UPLOAD_SIZE)
        except ValidationError as exc:
            raise StructBlockValidationError(block_errors={"document": exc}) from exc
        return value


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock(max_length=80)
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "ol", "ul", "link", "h3", "h4", "blockquote"],
        template="blocks/paragraph.html",
        label=_("Rich text"),
    )
    image = ImageBlock()
    spec_table = SpecTableBlock()
    quote = QuoteBlock()
    report = ReportBlock()
