"""What Celery builds from raw events: share tokens, sessions and daily rollups."""

from django.db import models


class ShareToken(models.Model):
    """A token a reader minted by sharing (``?s=…``): who shared which article, from where."""

    token = models.CharField(max_length=32, unique=True)
    page_id = models.IntegerField(null=True, blank=True)
    sharer_visitor_id = models.CharField(max_length=64)
    # The token the sharer arrived through, so chains (sharer → readers → their shares) link up.
    parent_token = models.CharField(max_length=32, blank=True)
    method = models.CharField(max_length=12)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["page_id", "created_at"], name="sharetoken_page")]

    def __str__(self) -> str:
        return self.token


class Session(models.Model):
    """A visitor's run of events with no gap longer than the session gap (30 min by default)."""

    visitor_id = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    pageviews = models.IntegerField()
    events = models.IntegerField()
    engaged_ms = models.BigIntegerField()
    entry_page_id = models.IntegerField(null=True, blank=True)
    channel = models.CharField(max_length=12)
    source = models.CharField(max_length=100, blank=True)
    share_token = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visitor_id", "started_at"], name="session_unique")
        ]
        indexes = [models.Index(fields=["started_at"], name="session_started")]

    def __str__(self) -> str:
        return f"{self.visitor_id} @ {self.started_at:%Y-%m-%d %H:%M}"


class Dimension(models.TextChoices):
    SITE = "site"
    ARTICLE = "article"
    SUPPLIER = "supplier"
    MATERIAL = "material"
    CHANNEL = "channel"
    ACCOUNT = "account"


class DailyRollup(models.Model):
    """One day of engagement for one article, supplier, material, channel or buyer company."""

    day = models.DateField()
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.CharField(max_length=64)  # page, supplier, material or account id; channel name
    views = models.IntegerField(default=0)
    visitors = models.IntegerField(default=0)
    engaged_reads = models.IntegerField(default=0)
    active_ms = models.BigIntegerField(default=0)
    # Pageviews whose deepest scroll reached at least 25 / 50 / 75 / 100 %.
    scroll_25 = models.IntegerField(default=0)
    scroll_50 = models.IntegerField(default=0)
    scroll_75 = models.IntegerField(default=0)
    scroll_100 = models.IntegerField(default=0)
    shares = models.IntegerField(default=0)
    share_views = models.IntegerField(default=0)  # pageviews arriving through a share token
    share_reach = models.IntegerField(default=0)  # distinct visitors among them
    downloads = models.IntegerField(default=0)
    outbound_clicks = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key", "day"], name="rollup_unique")
        ]
        # The unique constraint is the (dimension, key, day) index a series or a top-N reads.
        indexes = [models.Index(fields=["day", "dimension"], name="rollup_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}:{self.key}"


class CompanyRead(models.Model):
    """One day of a buyer company's engaged reads of one page by one of its contacts through one
    channel: what the buyer-company, cohort and article dashboards and the returns' first
    touches sum, so none of them reads raw events. Rebuilt with the day's rollups (and, after an
    identity change, for the companies it touched); kept when raw events are purged."""

    day = models.DateField()
    account_id = models.IntegerField()
    contact_id = models.IntegerField()
    page_id = models.IntegerField()
    channel = models.CharField(max_length=12)
    reads = models.IntegerField()  # engaged reads (DESIGN.md's definition)
    first_at = models.DateTimeField()  # the first and the last of them
    last_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["day", "account_id"], name="companyread_day"),
            models.Index(fields=["account_id", "day"], name="companyread_account"),
            models.Index(fields=["page_id", "day"], name="companyread_page"),
        ]

    def __str__(self) -> str:
        return f"{self.day} company {self.account_id} page {self.page_id}: {self.reads}"


class RollupMark(models.Model):
    """How far the periodic run has got: events received before ``received_through`` have had
    their days processed. One row; the next run processes only the days of events received
    since (less a margin for transactions that were still committing)."""

    received_through = models.DateTimeField()
    ran_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"rolled up through {self.received_through:%Y-%m-%d %H:%M}"


class RetentionPurge(models.Model):
    """Each purge of raw events; days before the latest horizon are never recomputed."""

    purged_before = models.DateTimeField()
    events_deleted = models.IntegerField()
    ran_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"purged before {self.purged_before:%Y-%m-%d}"
