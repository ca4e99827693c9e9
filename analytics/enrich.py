"""Server-side enrichment of an event: channel, device class, bot test and truncated IP."""

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from content.visitors import bot_reason

SEARCH_ENGINES = {
    "baidu.com": "baidu",
    "sogou.com": "sogou",
    "so.com": "360",
    "sm.cn": "shenma",
    "bing.com": "bing",
    "google.com": "google",
    "google.com.hk": "google",
    "so.toutiao.com": "toutiao",
    "yandex.ru": "yandex",
    "duckduckgo.com": "duckduckgo",
}
SOCIAL = {
    "weibo.com": "weibo",
    "weibo.cn": "weibo",
    "zhihu.com": "zhihu",
    "douyin.com": "douyin",
    "xiaohongshu.com": "xiaohongshu",
    "xhslink.com": "xiaohongshu",
    "linkedin.com": "linkedin",
    "qzone.qq.com": "qzone",
    "facebook.com": "facebook",
    "x.com": "x",
    "twitter.com": "x",
    "t.co": "x",
}
WECHAT_HOSTS = {"weixin.qq.com": "wechat", "mp.weixin.qq.com": "wechat"}


@dataclass(frozen=True)
class Client:
    """What the request says about the reader's software, computed once per POST."""

    device: str
    browser: str
    wechat: bool
    bot_reason: str  # "" when a person's browser sent it


def classify_client(user_agent: str, headers: Mapping[str, str]) -> Client:
    """Device, browser and the bot test (crawlerdetect, cached per user agent) of one request."""
    wechat = "MicroMessenger" in user_agent
    reason = bot_reason(user_agent, headers)
    return Client(_device(user_agent), _browser(user_agent), wechat, reason)


def _device(ua: str) -> str:
    if re.search(r"iPad|Tablet|PlayBook|Silk", ua):
        return "tablet"
    if re.search(r"Mobi|Android|iPhone|iPod|HarmonyOS|Windows Phone", ua):
        return "mobile"
    return "desktop"


def _browser(ua: str) -> str:
    for needle, name in (
        ("wxwork", "wecom"),
        ("MicroMessenger", "wechat"),
        ("DingTalk", "dingtalk"),
        ("Edg/", "edge"),
        ("Firefox/", "firefox"),
        ("Chrome/", "chrome"),
        ("Safari/", "safari"),
    ):
        if needle in ua:
            return name
    return "other"


@dataclass(frozen=True)
class Channel:
    channel: str  # campaign | internal | wechat | search | social | referral | direct
    source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""


def _match_host(host: str, table: dict[str, str]) -> str:
    """The table's name for ``host`` or any parent domain of it (m.baidu.com → baidu)."""
    parts = host.split(".")
    for i in range(len(parts) - 1):
        name = table.get(".".join(parts[i:]))
        if name:
            return name
    return ""


def classify_channel(url: str, referrer: str, site_hosts: set[str], wechat: bool) -> Channel:
    """Where a pageview came from, by the same rules for live events and imports."""
    query = parse_qs(urlsplit(url).query)
    if "utm_source" in query or "utm_campaign" in query:
        return Channel(
            "campaign",
            query.get("utm_source", [""])[0][:100],
            query.get("utm_medium", [""])[0][:100],
            query.get("utm_campaign", [""])[0][:100],
        )
    ref_host = (urlsplit(referrer).hostname or "").lower() if referrer else ""
    if ref_host and ref_host in site_hosts:
        return Channel("internal")
    if wechat or _match_host(ref_host, WECHAT_HOSTS):
        return Channel("wechat", "wechat")
    for channel, table in (("search", SEARCH_ENGINES), ("social", SOCIAL)):
        name = _match_host(ref_host, table)
        if name:
            return Channel(channel, name)
    if ref_host:
        return Channel("referral", ref_host[:100])
    return Channel("direct")


def truncate_ip(address: str) -> str:
    """The network, never the host: /24 for IPv4, /48 for IPv6; "" for anything unparsable."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
