"""The input every dashboard query takes: a date range, the supplier scope and the filters,
parsed from a query string and scoped on the server to what the user may see."""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.templatetags.analytics_labels import CHANNELS
from content.admin_isolation import sees_every_workspace
from content.models import ArticleKind, Material, SupplierPage

PRESETS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


class InputError(ValueError):
    """A query-string value the dashboards cannot use; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class DashboardInput:
    """What a dashboard shows: [start, end] inclusive, one supplier or all, and filters."""

    start: date
    end: date
    supplier_id: int | None = None
    material_id: int | None = None
    kind: str = ""
    channel: str = ""
    # True when the user may only ever see ``supplier_id`` (a supplier's own users).
    forced_supplier: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def article_filtered(self) -> bool:
        """Whether only some articles count (a supplier, a material or a kind is chosen)."""
        return bool(self.supplier_id or self.material_id or self.kind)

    def previous(self) -> "DashboardInput":
        """The period of the same length just before this one."""
        return replace(
            self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1)
        )

    def cache_key(self) -> str:
        return (
            f"{self.start}:{self.end}:{self.supplier_id}:{self.material_id}:"
            f"{self.kind}:{self.channel}"
        )


def own_suppliers(user) -> list[int]:
    """The supplier workspaces whose group ``user`` belongs to."""
    return list(
        SupplierPage.objects.filter(group__user=user).order_by("pk").values_list("pk", flat=True)
    )


def _int(params: QueryDict, field: str) -> int | None:
    raw = params.get(field, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 10:
        raise InputError(field, _("must be a whole number"))
    return int(raw)


def _date(params: QueryDict, field: str) -> date | None:
    raw = params.get(field, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(field, _("must be a date like 2026-01-31")) from None


def _range(params: QueryDict, today: date) -> tuple[date, date]:
    start, end = _date(params, "start"), _date(params, "end")
    if start or end:
        end = end or today
        start = start or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise InputError("start", _("must not be after the end date"))
        if (end - start).days >= MAX_DAYS:
            raise InputError("start", _("the range may span at most three years"))
        return start, end
    days = _int(params, "days") or DEFAULT_DAYS
    if days not in PRESETS:
        raise InputError("days", _("must be one of 7, 30, 90 or 365"))
    return today - timedelta(days=days - 1), today


def _supplier(params: QueryDict, user) -> tuple[int | None, bool]:
    """All suppliers or the one asked for (platform staff); always its own (a supplier)."""
    requested = _int(params, "supplier")
    if sees_every_workspace(user):
        if requested is not None and not SupplierPage.objects.filter(pk=requested).exists():
            raise InputError("supplier", _("no such supplier"))
        return requested, False
    own = own_suppliers(user)
    if not own:
        raise PermissionDenied
    return (requested if requested in own else own[0]), True


def parse_input(params: QueryDict, user, today: date | None = None) -> DashboardInput:
    """The dashboard input of a request; InputError names the first bad field."""
    start, end = _range(params, today or timezone.localdate())
    supplier_id, forced = _supplier(params, user)
    material_id = _int(params, "material")
    if material_id is not None and not Material.objects.filter(pk=material_id).exists():
        raise InputError("material", _("no such material"))
    kind = params.get("kind", "").strip()
    if kind and kind not in ArticleKind.values:
        raise InputError("kind", _("must be product or technology"))
    channel = params.get("channel", "").strip()
    if channel and channel not in CHANNELS:
        raise InputError("channel", _("no such channel"))
    return DashboardInput(start, end, supplier_id, material_id, kind, channel, forced)
