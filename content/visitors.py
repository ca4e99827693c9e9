"""Who sent a request, as far as the server can tell: crawler test, address, keyed daily id.

Shared by analytics' /collect and search logging (search may not import analytics), so a reader
has the same anonymous daily id in both and a crawler is recognised by the same rules.
"""

import hashlib
import hmac
import ipaddress
from collections.abc import Mapping
from datetime import date
from functools import lru_cache

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

# A search whose text holds an email address or a phone number names a person, not a demand.
CONTACT_DETAILS = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|[0-9]{7,}"
# Networks that tell people apart for "several people searched this": a /24 of IPv4 (one
# office or one home's provider block) and a /48 of IPv6 (one site), as the server saw them.
IPV4_NETWORK, IPV6_NETWORK = 24, 48

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


def daily_network_id(day: date, address: str) -> str:
    """A keyed, per-day id of the network ``address`` is in (/24, IPv6 /48); "" for no address.

    Unlike the daily visitor id it takes nothing the client chooses (no User-Agent, no Host),
    so a script cannot pose as many people by varying headers. The network itself is stored
    nowhere and the key changes daily, so the id cannot be reversed or linked across days.
    """
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = IPV4_NETWORK if ip.version == 4 else IPV6_NETWORK
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    key = hmac.new(
        settings.SECRET_KEY.encode(), f"network|{day.isoformat()}".encode(), hashlib.sha256
    ).digest()
    return f"n-{hmac.new(key, str(network).encode(), hashlib.sha256).hexdigest()[:24]}"


def request_network_id(request: HttpRequest) -> str:
    """The daily network id of whoever sent ``request`` (see ``daily_network_id``)."""
    return daily_network_id(timezone.localdate(), client_address(request))


def request_daily_id(request: HttpRequest) -> str:
    """The daily id of whoever sent ``request``: derived by the server, never chosen by them."""
    return daily_visitor_id(
        timezone.localdate(),
        client_address(request),
        request.headers.get("User-Agent", ""),
        request.get_host(),
    )
