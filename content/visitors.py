"""Who sent a request, as far as the server can tell: crawler test, address, keyed daily id.

Shared by analytics' /collect and search logging (search may not import analytics), so a reader
has the same anonymous daily id in both and a crawler is recognised by the same rules.
"""

import hashlib
import hmac
from collections.abc import Mapping
from datetime import date
from functools import lru_cache

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

# Distinct user agents seen in a day are few thousand at most; a miss costs ~1 ms (crawlerdetect
# runs one regular expression of ~1,500 alternatives), a hit well under a microsecond.
USER_AGENT_CACHE = 4096


@lru_cache(maxsize=USER_AGENT_CACHE)
def crawler_name(user_agent: str) -> str:
    """The crawler, HTTP library or automated browser ``user_agent`` names; "" for a person's."""
    detector = CrawlerDetect(user_agent=user_agent)  # one per call: it keeps the last match
    return (detector.get_matches() or "crawler") if detector.is_crawler() else ""


def bot_reason(user_agent: str, headers: Mapping[str, str]) -> str:
    """Why a request is not a person reading: empty-ua, prefetch, headless or bot; "" if it is."""
    purpose = (headers.get("Sec-Purpose") or headers.get("X-Purpose") or "").lower()
    if not user_agent.strip():
        return "empty-ua"
    if "prefetch" in purpose or "preview" in purpose:
        return "prefetch"
    name = crawler_name(user_agent)
    if not name:
        return ""
    return "headless" if "headless" in name.lower() else "bot"


def client_address(request: HttpRequest) -> str:
    """The reader's IP: the proxy's last X-Forwarded-For hop when trusted, else the peer."""
    if settings.ANALYTICS_TRUST_X_FORWARDED_FOR:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def daily_visitor_id(day: date, address: str, user_agent: str, host: str) -> str:
    """An anonymous id that is stable for one reader for one day and unlinkable across days.

    Keyed with the secret key and the date; the full address is hashed here and stored nowhere,
    so the id cannot be reversed or recomputed from what the database holds.
    """
    key = hmac.new(settings.SECRET_KEY.encode(), day.isoformat().encode(), hashlib.sha256).digest()
    digest = hmac.new(key, f"{address}|{user_agent}|{host}".encode(), hashlib.sha256).hexdigest()
    return f"d-{digest[:24]}"


def request_daily_id(request: HttpRequest) -> str:
    """The daily id of whoever sent ``request``: derived by the server, never chosen by them."""
    return daily_visitor_id(
        timezone.localdate(),
        client_address(request),
        request.headers.get("User-Agent", ""),
        request.get_host(),
    )
