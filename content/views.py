"""Public helper views: page QR codes and the 404/500 pages."""

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from wagtail.models import Page

from content.share_links import SHARE_TOKEN, public_url

FILE_PREFIXES = (settings.MEDIA_URL, "/documents/")


@cache_control(public=True, max_age=86400)
def page_qr_code(request: HttpRequest, page_id: int) -> HttpResponse:
    """An SVG QR code of a live page's full URL on ``SITE_URL``, for scanning into WeChat.

    ``?s=TOKEN`` (a share token the page minted) goes into the encoded URL, so whoever scans it
    arrives through that share; a value that is not a token is ignored, not encoded.
    """
    page = Page.objects.live().public().filter(pk=page_id).first()
    if page is None or not page.url:  # the tree's root has no URL: it would encode this request's
        raise Http404("No such page")
    url = public_url(page.url)
    token = request.GET.get("s", "")
    if SHARE_TOKEN.fullmatch(token):
        url += f"?s={token}"
    image = qrcode.make(
        url,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=8,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 404 page; a short plain answer for file URLs.

    A file URL carries the file's name, and the 404 page repeats the request path (in its
    language switch), so a hidden report or image would have its name echoed back. The plain
    answer is also the same whether the file is missing or hidden.
    """
    if request.path.startswith(FILE_PREFIXES):
        return HttpResponseNotFound(
            gettext("This file does not exist or is not published."),
            content_type="text/plain; charset=utf-8",
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
