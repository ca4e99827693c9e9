"""Demo engagement for the seeded site: readers from buyer companies reading, sharing and
downloading over recent weeks, stored through the same path as ``import_events``; then the
buying groups' inquiries and orders (``demo_buyers``)."""

import json
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from analytics.backfill import import_events
from analytics.demo_buyers import (
    buyer_lines,
    demo_articles,
    identify_buyers,
    plan_buyers,
    record_buyer_conversions,
)
from analytics.identity import identify
from analytics.processing import process_day
from content.models import ArticlePage

COMPANIES = [
    ("华北药材采购中心", "hbyc-purchase.cn"), ("江南中药饮片有限公司", "jn-yinpian.com"),
    ("岭南制药集团", "lingnan-pharma.cn"), ("川渝中药材贸易公司", "cy-herbs.com"),
    ("东北参茸进出口公司", "db-shenrong.cn"), ("西部中药提取物公司", "xb-extract.com"),
]  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴"
REFERRERS = [
    ("", 0.25), ("https://www.baidu.com/s?wd=", 0.25), ("wechat", 0.25),
    ("https://www.zhihu.com/question/1", 0.05), ("https://m.sogou.com/web?query=", 0.1),
    ("utm", 0.1),
]  # fmt: skip
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
WECHAT = "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/116.0 Mobile MicroMessenger/8.0"


def seed_engagement(
    days: int = 30,
    readers_per_day: int = 60,
    seed_value: int = 2026,
    on_day: Callable | None = None,
) -> int:
    """Create (or, re-run with the same sizes, re-find) demo events; returns events stored."""
    rng = random.Random(seed_value)
    pages = list(ArticlePage.objects.live().values_list("pk", "url_path").order_by("pk"))
    if not pages:
        return 0
    weights = [1 / (i + 1) ** 0.8 for i in range(len(pages))]  # a few articles draw most readers
    rng.shuffle(pages)
    start = timezone.localdate() - timedelta(days=days)  # whole past days: no event in the future
    lines = list(_events(rng, pages, weights, start, days, readers_per_day))
    buyers = plan_buyers(seed_value, demo_articles(_url), start, days)
    lines += buyer_lines(buyers, seed_value)
    # Before the import, so identifying does not re-roll each buyer's days one by one.
    _identify_buyers(rng, readers_per_day)
    identify_buyers(buyers)
    report = import_events(lines)
    for offset in range(days):
        process_day(start + timedelta(days=offset))
        if on_day:
            on_day()
    record_buyer_conversions(buyers)
    return report.stored


def _url(url_path: str) -> str:
    path = "/" + url_path.strip("/").split("/", 1)[-1] + "/"
    return settings.SITE_URL.rstrip("/") + path


def _events(rng, pages, weights, start: date, days: int, per_day: int) -> Iterator[str]:
    ids = uuid.UUID(int=rng.getrandbits(128))
    counter, shared = 0, []  # shared: (page, token) of recent shares, for readers to arrive by
    for offset in range(days):
        day = start + timedelta(days=offset)
        for _ in range(int(per_day * rng.uniform(0.7, 1.3))):
            visitor = f"demo-{rng.randrange(per_day * 3):05d}"  # returning readers recur
            moment = datetime.combine(day, time(8), tzinfo=timezone.get_default_timezone())
            moment += timedelta(minutes=rng.randrange(12 * 60))
            referrer, agent = _source(rng)
            reads = rng.choices(pages, weights, k=rng.randint(1, 4))
            token = ""
            if shared and rng.random() < 0.15:  # arrived through a colleague's forward
                page, token = rng.choice(shared[-30:])
                reads[0], referrer, agent = page, "", WECHAT
            for page_id, url_path in reads:
                counter += 1
                for event in _read(rng, ids, counter, visitor, page_id, _url(url_path), moment,
                                   referrer, token):  # fmt: skip
                    if event["type"] == "share":
                        shared.append(((page_id, url_path), event["share_token"]))
                    yield json.dumps({**event, "user_agent": agent}, ensure_ascii=False)
                moment += timedelta(minutes=rng.randint(2, 12))
                referrer, token = settings.SITE_URL + "/", ""


def _source(rng) -> tuple[str, str]:
    referrer = rng.choices([r for r, _ in REFERRERS], [w for _, w in REFERRERS])[0]
    if referrer == "wechat":
        return "", WECHAT
    if referrer == "utm":
        return "utm", CHROME
    return (referrer + "黄芪" if referrer.endswith("=") else referrer), CHROME


def _read(rng, ids, n, visitor, page_id, url, moment, referrer, token) -> Iterator[dict]:
    def eid(k: int) -> str:
        return str(uuid.uuid5(ids, f"{n}-{k}"))

    if referrer == "utm":
        url, referrer = url + "?utm_source=newsletter&utm_medium=email&utm_campaign=spring", ""
    base = {"visitor_id": visitor, "page_id": page_id, "url": url}
    pv = eid(0)
    active = int(min(rng.lognormvariate(10, 0.9), 600_000))
    scroll = min(100, int(rng.betavariate(2, 1.5) * 110))
    at = moment.isoformat()
    view = {**base, "event_id": pv, "type": "pageview", "referrer": referrer, "ts": at}
    yield {**view, "url": f"{url}?s={token}", "share_token": token} if token else view
    later = (moment + timedelta(milliseconds=active + 2000)).isoformat()
    yield {**base, "event_id": eid(1), "type": "engagement", "pageview_id": pv,
           "engaged_ms": active, "scroll_pct": scroll, "ts": later}  # fmt: skip
    if scroll >= 60 and rng.random() < 0.2:
        yield {**base, "event_id": eid(2), "type": "download", "pageview_id": pv, "ts": later,
               "target": settings.SITE_URL + "/documents/report.pdf"}  # fmt: skip
    if active > 40_000 and rng.random() < 0.12:
        method = rng.choice(["copy", "qr", "wechat"])
        yield {**base, "event_id": eid(3), "type": "share", "pageview_id": pv, "ts": later,
               "share_token": f"demo{n:06d}", "method": method}  # fmt: skip


def _identify_buyers(rng, per_day: int) -> None:
    """A third of the returning readers belong to known buyer companies."""
    for index, number in enumerate(range(0, per_day * 3, 3)):
        name, domain = COMPANIES[index % len(COMPANIES)]
        person = f"{rng.choice(SURNAMES)}{number}"
        identify(f"demo-{number:05d}", email=f"buyer{number}@{domain}", name=person,
                 company=name, reason="demo")  # fmt: skip
