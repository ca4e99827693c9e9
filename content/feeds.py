"""RSS feed of newly published articles."""

from django.contrib.syndication.views import Feed
from django.utils.translation import gettext_lazy as _

from content.models import ArticlePage


class LatestArticlesFeed(Feed):
    title = _("药云 Yaoyun — new supplier articles")
    link = "/"
    description = _("New product and technology articles from herbal-material suppliers.")

    def items(self):
        return ArticlePage.objects.for_listing()[:50]

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        return item.summary

    def item_link(self, item: ArticlePage) -> str:
        return item.url

    def item_pubdate(self, item: ArticlePage):
        return item.first_published_at

    def item_author_name(self, item: ArticlePage) -> str:
        return item.supplier.title if item.supplier else "药云 Yaoyun"

    def item_categories(self, item: ArticlePage) -> list[str]:
        return [m.name for m in item.materials.all()]
