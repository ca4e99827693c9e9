"""Image files behind the visibility rule: renditions for whoever may see the image, originals
only for its supplier's users, platform staff and moderators.

Rendition file names carry the original's name and the filter spec (``cover.fill-480x270.png``),
and the admin and page previews make renditions of draft images, so a rendition URL is as easy
to guess as the original's; both are checked. Anything hidden answers exactly like a file that
does not exist.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.static import serve
from wagtail.images import get_image_model

from content.media_access import can_view_unpublished, is_public

ORIGINALS = "original_images/"
RENDITIONS = "images/"
# Browsers and proxies may keep a public rendition this long, so each image of an article is
# not re-checked on every view; an unpublished page's images can linger in caches as long.
PUBLIC_MAX_AGE = 3600


def serve_original_image(request: HttpRequest, path: str) -> HttpResponse:
    """An original upload, for the users who may see unpublished media; 404 for anyone else."""
    image = (
        get_image_model().objects.select_related("collection").filter(file=ORIGINALS + path).first()
    )
    if image is None or not can_view_unpublished(request.user, image):
        raise Http404
    return _private(serve(request, ORIGINALS + path, document_root=settings.MEDIA_ROOT))


def serve_rendition(request: HttpRequest, path: str) -> HttpResponse:
    """A rendition of a public image for anyone; of another image only for who may see it."""
    rendition = (
        get_image_model()
        .get_rendition_model()
        .objects.select_related("image__collection")
        .filter(file=RENDITIONS + path)
        .first()
    )
    if rendition is None:
        raise Http404
    if is_public(rendition.image):
        response = serve(request, RENDITIONS + path, document_root=settings.MEDIA_ROOT)
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response
    if can_view_unpublished(request.user, rendition.image):
        return _private(serve(request, RENDITIONS + path, document_root=settings.MEDIA_ROOT))
    raise Http404


def _private(response: HttpResponse) -> HttpResponse:
    """No shared cache may keep a file only some users may see."""
    add_never_cache_headers(response)
    return response
