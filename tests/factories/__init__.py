"""factory_boy factories for content models."""

import datetime as dt

import factory
import wagtail_factories

from content.models import ArticlePage, Material


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"药材{n}")
    pinyin = factory.Sequence(lambda n: f"yaocai{n}")
    category = "根及根茎类"
    aliases = factory.LazyFunction(list)
    origins = factory.LazyFunction(list)


class ArticlePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"测试文章 {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    kind = "product"
    summary = "甘肃岷县新货黄芪，统货与选货现货供应。"
    origin = "甘肃岷县"
    publish_date = factory.LazyFunction(lambda: dt.date(2026, 11, 1))
