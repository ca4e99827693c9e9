"""The naive /collect that bench/ingestion.py compares against, mounted beside cms.urls."""

import json

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from analytics.collect import make_origin, stamp
from analytics.enrich import classify_client
from cms import urls as site_urls


@csrf_exempt
def naive_collect(request: HttpRequest) -> HttpResponse:
    """One event per POST and one ORM INSERT in autocommit, so one commit per event.

    It stamps the same fields as /collect but skips schema validation and the bot filter,
    which only flatters the baseline: /collect's lead over it is, if anything, understated.
    """
    event = json.loads(request.body)
    user_agent = request.headers.get("User-Agent", "")
    origin = make_origin(
        address=request.META.get("REMOTE_ADDR", ""),
        user_agent=user_agent,
        host=request.get_host(),
        client=classify_client(user_agent, request.headers),
    )
    stamp(event, origin).save(force_insert=True)  # what RawEvent.objects.create(...) runs
    return HttpResponse(status=204)


# Before the site's patterns: they end with Wagtail's catch-all page route.
urlpatterns = [
    path("bench/naive-collect", naive_collect, name="bench_naive_collect"),
    *site_urls.urlpatterns,
]
handler404 = site_urls.handler404
handler500 = site_urls.handler500
