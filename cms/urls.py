"""Root URL configuration: admin, APIs, feeds, sitemap, then Wagtail's page serving."""

from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from analytics.views import collect, inquire, inquiry_thanks
from cms.api import api_router
from cms.api_v1 import api as api_v1
from cms.views import healthz, switch_language
from content.feeds import LatestArticlesFeed
from content.media_views import serve_original_image, serve_rendition
from search.views import result_click, search_page

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("collect", collect, name="collect"),
    path("inquire/", inquire, name="inquire"),
    path("inquire/sent/<str:token>/", inquiry_thanks, name="inquiry_thanks"),
    path("lang/<str:code>/", switch_language, name="switch_language"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("api/v1/", api_v1.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("feed/articles/", LatestArticlesFeed(), name="article_feed"),
    path("qr/", include("content.urls")),
    path("search/", search_page, name="search"),
    path("search/go/", result_click, name="search_click"),
    # Image files go through the visibility rule (content.media_access); nothing else under
    # MEDIA_ROOT (documents/ in particular) has a URL: documents go through Wagtail's document
    # view above and its before_serve_document hook.
    re_path(
        rf"^{settings.MEDIA_URL.strip('/')}/original_images/(?P<path>.+)$",
        serve_original_image,
    ),
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/images/(?P<path>.+)$", serve_rendition),
]
urlpatterns += [path("", include(wagtail_urls))]

handler404 = "content.views.page_not_found"
handler500 = "content.views.server_error"
