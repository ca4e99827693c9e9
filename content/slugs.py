"""ASCII page slugs from Chinese titles (pinyin), unique among siblings."""

from django.utils.text import slugify
from pypinyin import lazy_pinyin
from wagtail.models import Page


def ascii_slug(text: str, max_length: int = 60) -> str:
    """``"岷县当归新货"`` → ``"min-xian-dang-gui-xin-huo"``, cut at a word boundary."""
    slug = slugify("-".join(lazy_pinyin(text)))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "page"


def free_slug(parent: Page, base: str) -> str:
    """``base`` or ``base-2``, ``base-3`` … whichever no child of ``parent`` uses yet."""
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
