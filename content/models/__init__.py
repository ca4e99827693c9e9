"""Content models, re-exported so other apps import from ``content.models``."""

from content.models.articles import ArticleKind, ArticlePage, ArticleTag
from content.models.pages import (
    CertificationKind,
    HomePage,
    InsightsIndexPage,
    MaterialIndexPage,
    MaterialPage,
    SupplierCertification,
    SupplierIndexPage,
    SupplierPage,
)
from content.models.snippets import Material, MaterialCategory, TopicSynonymGroup

__all__ = [
    "ArticleKind",
    "ArticlePage",
    "ArticleTag",
    "CertificationKind",
    "HomePage",
    "InsightsIndexPage",
    "Material",
    "MaterialCategory",
    "MaterialIndexPage",
    "MaterialPage",
    "SupplierCertification",
    "SupplierIndexPage",
    "SupplierPage",
    "TopicSynonymGroup",
]
