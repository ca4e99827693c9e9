"""ASCII page slugs from Chinese titles (pinyin), unique among siblings."""

from django.utils.text import slugify
from wagtail.models import Page


def ascii_slug(text: str, max_length: int = 60) -> str:
    """``"岷县当归新货"`` → ``"min-xian-dang-gui-xin-huo"``, cut at a word boundary."""
    from pypinyin import lazy_pinyin  # loads its phrase dictionary: 1.5 s at every start-up

    slug = slugify("-".join(lazy_pinyin(text)))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "page"


def free_slug(parent: Page, base: str, page: Page | None = None) -> str:
    """``base`` or ``base-2``, ``base-3`` … whichever no child of ``parent`` (other than
    ``page`` itself) uses yet."""
    siblings = parent.get_children().filter(slug__startswith=base)
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    taken = set(siblings.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def is_autofilled_slug(slug: str, title: str) -> bool:
    """Whether ``slug`` is empty or what the admin's browser fills in from ``title`` (with or
    without Unicode), rather than a slug an editor chose."""
    return slug in ("", slugify(title), slugify(title, allow_unicode=True))
