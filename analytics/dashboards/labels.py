"""Translated names of the codes dashboards show: metrics, channels, attribution models."""

from django.utils.translation import gettext_lazy as _

from analytics.templatetags.analytics_labels import CHANNELS

METRICS = {
    "views": _("Views"),
    "visitors": _("Readers (unique per day)"),
    "engaged_reads": _("Engaged reads"),
    "active_ms": _("Active reading time (minutes)"),
    "shares": _("Shares"),
    "inquiries": _("Inquiries"),
    "orders": _("Orders"),
    "revenue": _("Attributed revenue"),
}
CHANNEL_LABELS = {**CHANNELS, "share": _("Share chains")}
MODELS = {
    "first_touch": _("First touch"),
    "last_touch": _("Last touch"),
    "linear": _("Linear"),
    "time_decay": _("Time decay"),
    "u_shaped": _("Position-based (U-shaped)"),
    "w_shaped": _("W-shaped"),
    "markov": _("Data-driven (Markov)"),
}


def metric_label(key: str) -> str:
    return str(METRICS.get(key, key))


def channel_label(code: str) -> str:
    return str(CHANNEL_LABELS.get(code, code))


def model_label(model: str) -> str:
    return str(MODELS.get(model, model))
