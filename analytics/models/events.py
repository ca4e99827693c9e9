"""Raw tracker events as /collect made them durable, and the count of what it filtered out."""

from django.db import models


class EventType(models.TextChoices):
    PAGEVIEW = "pageview"
    ENGAGEMENT = "engagement"
    SCROLL = "scroll"
    SHARE = "share"
    CLICK = "click"
    DOWNLOAD = "download"


class RawEvent(models.Model):
    """One accepted event, stamped by the server; the durable buffer that rollups read.

    No foreign keys: the edge must write without reading anything, and an article deleted later
    must not take its history with it.
    """

    event_id = models.UUIDField(unique=True)
    type = models.CharField(max_length=12, choices=EventType.choices)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    visitor_id = models.CharField(max_length=64)
    # "cookie": a consented first-party id; "daily": an anonymous id that changes every day.
    visitor_kind = models.CharField(max_length=8)
    user_id = models.IntegerField(null=True, blank=True)
    pageview_id = models.UUIDField(null=True, blank=True)
    page_id = models.IntegerField(null=True, blank=True)
    url = models.TextField()
    referrer = models.TextField(blank=True)
    channel = models.CharField(max_length=12)
    source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    share_token = models.CharField(max_length=32, blank=True)
    method = models.CharField(max_length=12, blank=True)
    target = models.TextField(blank=True)
    engaged_ms = models.IntegerField(null=True, blank=True)
    scroll_pct = models.SmallIntegerField(null=True, blank=True)
    device = models.CharField(max_length=8)
    browser = models.CharField(max_length=12)
    ip_prefix = models.CharField(max_length=48, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["occurred_at"], name="rawevent_occurred"),
            # What arrived since the last rollup run (analytics.processing.touched_days).
            models.Index(fields=["received_at"], name="rawevent_received"),
            # An article's events over a range (share trees, article detail).
            models.Index(fields=["page_id", "occurred_at"], name="rawevent_page"),
            models.Index(fields=["visitor_id", "occurred_at"], name="rawevent_visitor"),
            models.Index(fields=["pageview_id"], name="rawevent_pageview"),
            models.Index(
                fields=["share_token"],
                name="rawevent_share_token",
                condition=~models.Q(share_token=""),
            ),
            # Who arrived through which share, read from the index alone (share trees).
            models.Index(
                fields=["share_token", "visitor_id", "occurred_at"],
                name="rawevent_share_arrival",
                condition=models.Q(type="pageview") & ~models.Q(share_token=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class FilteredHit(models.Model):
    """Events /collect filtered, counted per post: not stored because a bot or a prefetch sent
    them (reasons empty-ua, prefetch, headless, bot), or stored with the page their url shows
    instead of the page_id the client claimed (reason page-id)."""

    day = models.DateField()
    reason = models.CharField(max_length=16)
    events = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "reason"], name="filteredhit_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.reason} ×{self.events}"
