"""Search tables: the embedded engine's documents, facets and suggestions; query and click logs."""

from django.db import models


class SearchDocument(models.Model):
    """An article as the embedded engine indexes it (one row per live article page)."""

    page_id = models.IntegerField(primary_key=True)
    external_id = models.CharField(max_length=80, blank=True)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    kind = models.CharField(max_length=12)
    supplier = models.CharField(max_length=255, blank=True)
    supplier_id = models.IntegerField(null=True, blank=True)
    verified = models.BooleanField(default=False)
    materials = models.JSONField(default=list)
    origin = models.CharField(max_length=60, blank=True)
    grade = models.CharField(max_length=80, blank=True)
    tags = models.JSONField(default=list)
    published_at = models.DateField()
    title_tokens = models.TextField(blank=True)
    material_tokens = models.TextField(blank=True)
    meta_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["-published_at"], name="searchdoc_published")]

    def __str__(self) -> str:
        return self.title


class SearchFacet(models.Model):
    """One facet value of a document; counting these over the matches gives facet counts."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=20)
    value = models.CharField(max_length=255)

    class Meta:
        indexes = [
            models.Index(fields=["name", "value", "document"], name="searchfacet_lookup"),
            models.Index(fields=["document", "name"], name="searchfacet_document"),
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class SearchSuggestion(models.Model):
    """A completion (title or material name) under a normalised key (Chinese or pinyin)."""

    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="suggestions"
    )
    key = models.CharField(max_length=255)
    term = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["key"], name="searchsuggest_key")]

    def __str__(self) -> str:
        return self.term


class SearchLog(models.Model):
    """Every search: what was asked, how it was understood, what came back and how fast."""

    query = models.CharField(max_length=200)
    normalized = models.CharField(max_length=400, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    page = models.PositiveIntegerField(default=1)
    result_count = models.PositiveIntegerField()
    engine = models.CharField(max_length=40)
    latency_ms = models.FloatField()
    source = models.CharField(max_length=10, default="web")  # web | api | cli
    visitor_id = models.CharField(max_length=64, blank=True)  # the tracker's cookie, if any
    # Derived by the server (keyed daily hash of address, user agent and host): unlike the
    # cookie, a client cannot choose it, so "several visitors" counts these.
    daily_id = models.CharField(max_length=32, blank=True)
    # keyed per-day id of the searcher's /24 (IPv6 /48) network: who counts as another person
    network_id = models.CharField(max_length=32, blank=True)
    bot_reason = models.CharField(max_length=16, blank=True)  # "" when a person searched
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["result_count", "-created_at"], name="searchlog_zero")]

    def __str__(self) -> str:
        return f"{self.query} ({self.result_count})"


class SearchClick(models.Model):
    """A result a searcher opened, with its position on the results page."""

    log = models.ForeignKey(SearchLog, on_delete=models.CASCADE, related_name="clicks")
    page_id = models.IntegerField()
    position = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.log_id} → {self.page_id} @{self.position}"
