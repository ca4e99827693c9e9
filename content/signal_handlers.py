"""Page lifecycle receivers of the content app itself; other apps register their own."""

from wagtail.signals import post_page_move


def article_moved(sender: type, instance, parent_page_after, **kwargs) -> None:
    """An article's supplier is where it sits in the tree; a move (which bypasses ``save``)
    must carry the denormalised ``supplier`` along."""
    from content.models import ArticlePage, SupplierPage

    if not issubclass(sender, ArticlePage):
        return
    supplier = SupplierPage.objects.filter(pk=parent_page_after.pk).first()
    ArticlePage.objects.filter(pk=instance.pk).update(supplier=supplier)


post_page_move.connect(article_moved, dispatch_uid="content-article-moved")
