"""Template context for analytics: the consent mode that base.html gives the tracker."""

from django.conf import settings
from django.http import HttpRequest


def consent(request: HttpRequest) -> dict[str, str]:
    # "ask" shows the banner; anything else means the tracker never sets a cookie.
    return {"analytics_consent": settings.ANALYTICS_CONSENT}
