"""Readable, translated names for the codes analytics stores (channels, share methods, bots)."""

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()

CHANNELS = {
    "campaign": _("Campaigns (utm links)"),
    "internal": _("Within this site"),
    "wechat": _("WeChat"),
    "search": _("Search engines"),
    "social": _("Social media"),
    "referral": _("Other websites"),
    "direct": _("Direct visits"),
}
SHARE_METHODS = {
    "copy": _("copied link"),
    "qr": _("QR code"),
    "native": _("system share sheet"),
    "wechat": _("WeChat forward"),
    "link": _("shared link"),
}
FILTER_REASONS = {
    "empty-ua": _("no browser identification"),
    "prefetch": _("prefetch or link preview"),
    "headless": _("headless browser"),
    "bot": _("crawler or bot"),
    "page-id": _("page id corrected from the url"),
}


def _label(table: dict[str, Promise], code: str) -> str:
    """The label of ``code``, or the code itself for one added later without a label."""
    return str(table.get(code, code))


@register.filter
def channel_label(code: str) -> str:
    return _label(CHANNELS, code)


@register.filter
def share_method_label(code: str) -> str:
    return _label(SHARE_METHODS, code)


@register.filter
def filter_reason_label(code: str) -> str:
    return _label(FILTER_REASONS, code)
