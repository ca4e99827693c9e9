"""Share links: the ``?s=`` token a reader's share adds to a page URL, and the URL it is added to.

Content owns the shape because its QR codes encode the token; analytics, which builds on content,
validates incoming tokens against the same pattern.
"""

import re
from urllib.parse import urljoin

from django.conf import settings

SHARE_TOKEN = re.compile(r"[A-Za-z0-9_-]{6,32}")  # use fullmatch: "$" lets a newline through


def public_url(page_url: str | None) -> str:
    """A page's URL as readers are given it: on ``SITE_URL``, whatever Host the request named.

    Share links and QR codes outlive the request (the QR code is cached for a day), so a forged
    Host header must not end up in them. A URL that is already absolute (a page of another Wagtail
    site) comes from the site records, not the request, and stays as it is.
    """
    return urljoin(settings.SITE_URL + "/", page_url or "")
