"""Interim article search: every word must match a text field or name a material (alias-aware).

Substring matching works for unsegmented Chinese without an analyser; the trade-aware engine
(segmentation, ranking, facets) replaces it.
"""

from django.db.models import Q

from content.materials import MaterialResolver
from content.models import ArticlePage
from content.models.articles import ArticleQuerySet

MAX_TERMS = 8


def basic_search(query: str) -> ArticleQuerySet:
    """Live articles matching every whitespace-separated word of ``query``, newest first."""
    resolver = MaterialResolver()
    articles = ArticlePage.objects.for_listing()
    for term in query.split()[:MAX_TERMS]:
        condition = (
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(origin__icontains=term)
            | Q(grade__icontains=term)
        )
        material = resolver.resolve(term)
        if material is not None:
            condition |= Q(materials=material)
        articles = articles.filter(pk__in=ArticlePage.objects.filter(condition).values("pk"))
    return articles
