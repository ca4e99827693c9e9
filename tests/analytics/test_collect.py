"""/collect: strict validation, enrichment, bot filtering and idempotent durable writes."""

import json
from datetime import date

import pytest
from freezegun import freeze_time
from wagtail.contrib.redirects.models import Redirect

from analytics.models import FilteredHit, RawEvent
from content.visitors import crawler_name
from tests.analytics.helpers import CHROME, URL, WECHAT, event, post, reading
from tests.factories import ArticlePageFactory


@pytest.fixture(autouse=True)
def _db(db):
    pass


def test_a_batch_is_stored_and_answered_with_204(client, two_articles):
    article, _ = two_articles
    batch = _read(article, page_id=article.pk)

    response = post(client, batch)

    assert response.status_code == 204
    assert response.content == b""
    stored = {str(e.event_id): e for e in RawEvent.objects.all()}
    assert set(stored) == {e["event_id"] for e in batch}
    engagement = stored[batch[2]["event_id"]]
    assert (engagement.engaged_ms, engagement.scroll_pct) == (42_000, 60)
    assert str(engagement.pageview_id) == batch[0]["event_id"]
    assert {e.page_id for e in stored.values()} == {article.pk}
    assert not FilteredHit.objects.exists()


def test_the_same_batch_sent_twice_counts_once(client):
    batch = reading(page_id=7)

    assert post(client, batch).status_code == 204
    assert post(client, batch).status_code == 204
    assert post(client, [batch[1], batch[1]]).status_code == 204

    assert RawEvent.objects.count() == 3


def test_a_single_event_object_is_accepted(client):
    assert post(client, event(page_id=3)).status_code == 204
    assert RawEvent.objects.get().type == "pageview"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ([event("purchase")], "events[0].type", "must be one of"),
        ([event(page_id="7")], "events[0].page_id", "must be an integer"),
        ([event(page_id=True)], "events[0].page_id", "must be an integer"),
        ([event("scroll", pageview_id=None, scroll_pct=101)], "events[0].scroll_pct", "between"),
        ([event(engaged=1)], "events[0].engaged", "unknown field"),
        ([{**event(), "event_id": "not-a-uuid"}], "events[0].event_id", "UUID"),
        ([event("engagement")], "events[0].pageview_id", "is required"),
        (
            [{**event(), "url": "http://testserver/<script>alert(1)</script>"}],
            "events[0].url",
            "not allowed in a URL",
        ),
        ([{**event(), "url": "javascript:alert(1)"}], "events[0].url", "absolute http(s) URL"),
        ([{**event(), "url": "http://testserver/" + "a" * 3000}], "events[0].url", "longer than"),
        ([{**event(), "url": "http://testserver:99999/x/"}], "events[0].url", "port"),
        ([event(referrer="http://testserver:-1/")], "events[0].referrer", "port"),
        ([event(visitor_id="x" * 65)], "events[0].visitor_id", "8–64"),
        ([event(visitor_id="abc\x00defgh")], "events[0].visitor_id", "8–64"),
        ([event(visitor_id="abcdefgh\n")], "events[0].visitor_id", "8–64"),
        ([event(referrer={"nested": [1, 2]})], "events[0].referrer", "must be a string"),
        ([[event()]], "events[0]", "JSON object"),
        ([], "body", "expected an event"),
        ("42", "body", "expected an event"),
        ([{**event(), "url": "https://evil.example/page"}], "events[0].url", "not a page of"),
        ([{**event(), "url": "http://testserver/\ud800"}], "events[0].url", "not valid text"),
        ([event(referrer="https://www.baidu.com/\udfff")], "events[0].referrer", "not valid text"),
        (
            [event("click", pageview_id=None, target="http://testserver/\ud83d")],
            "events[0].target",
            "not valid text",
        ),
        ([{**event(), "note\ud800": 1}], "events[0].note\ud800", "unknown field"),
    ],
    ids=[
        "unknown-type",
        "string-int",
        "bool-int",
        "scroll-range",
        "unknown-field",
        "bad-uuid",
        "missing-pageview",
        "script-in-url",
        "javascript-url",
        "huge-string",
        "port-out-of-range",
        "negative-port-in-referrer",
        "long-id",
        "nul-byte",
        "trailing-newline",
        "object-for-string",
        "list-for-event",
        "empty-batch",
        "number-body",
        "foreign-site",
        "surrogate-in-url",
        "surrogate-in-referrer",
        "surrogate-in-target",
        "surrogate-in-field-name",
    ],
)
def test_invalid_events_get_400_with_the_field_and_nothing_is_stored(client, body, field, message):
    good = event()
    payload = [good, *body] if isinstance(body, list) and body else body

    response = post(client, payload)

    assert response.status_code == 400
    detail = response.json()["detail"]
    expected_field = field.replace("events[0]", "events[1]") if payload is not body else field
    assert any(d["field"] == expected_field and message in d["message"] for d in detail), detail
    assert response.json()["error"] == "invalid_event"
    assert not RawEvent.objects.exists()  # not even the good event beside the bad one


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b'{"event_id": ', "not JSON"),
        (b"", "not JSON"),
    ],
    ids=["invalid-utf8", "deep-nesting", "truncated-json", "empty-body"],
)
def test_undecodable_bodies_get_400(client, raw, message):
    response = post(client, raw, raw=True)

    assert response.status_code == 400
    assert message in response.json()["detail"][0]["message"]
    assert not RawEvent.objects.exists()


def test_bodies_over_16_kb_get_413(client):
    batch = [event(referrer="http://testserver/" + "r" * 2000) for _ in range(9)]
    assert len(json.dumps(batch)) > 16 * 1024

    response = post(client, batch)

    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert not RawEvent.objects.exists()


def test_more_events_than_a_batch_allows_get_400(client, settings):
    settings.ANALYTICS_MAX_BATCH = 3

    response = post(client, [event() for _ in range(4)])

    assert response.status_code == 400
    assert "at most 3" in response.json()["detail"][0]["message"]


def test_other_methods_and_media_types_are_refused(client):
    assert client.get("/collect").status_code == 405
    form = client.post("/collect", {"type": "pageview"})
    assert form.status_code == 415
    assert not RawEvent.objects.exists()


@pytest.mark.parametrize(
    ("agent", "headers", "reason"),
    [
        ("", {}, "empty-ua"),
        (
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
            {},
            "bot",
        ),
        ("Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)", {}, "bot"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36",
            {},
            "headless",
        ),
        ("python-requests/2.32", {}, "bot"),
        ("curl/8.5.0", {}, "bot"),
        ("PostmanRuntime/7.36.0", {}, "bot"),
        ("HTTPie/3.2.2", {}, "bot"),
        ("Mozilla/5.0 (compatible; Qwantify/2.4w; +https://www.qwant.com/)/2.4w", {}, "bot"),
        ("WhatsApp/2.23.20.0 A", {}, "bot"),
        (CHROME, {"HTTP_SEC_PURPOSE": "prefetch"}, "prefetch"),
    ],
    ids=[
        "no-agent",
        "baidu",
        "sogou",
        "headless",
        "requests",
        "curl",
        "postman",
        "httpie",
        "qwant",
        "link-preview",
        "prefetch",
    ],
)
def test_bots_are_counted_not_stored(client, agent, headers, reason):
    response = post(client, reading(page_id=1), agent=agent, **headers)

    assert response.status_code == 204
    assert not RawEvent.objects.exists()
    hit = FilteredHit.objects.get()
    assert (hit.reason, hit.events) == (reason, 3)


@pytest.mark.parametrize(
    ("agent", "url", "referrer", "expected"),
    [
        (WECHAT, URL, "", ("wechat", "wechat", "", "")),
        (CHROME, URL, "https://www.baidu.com/s?wd=黄芪", ("search", "baidu", "", "")),
        (CHROME, URL, "https://m.sogou.com/web?query=x", ("search", "sogou", "", "")),
        (CHROME, URL, "https://www.so.com/s?q=x", ("search", "360", "", "")),
        (CHROME, URL, "https://cn.bing.com/search?q=x", ("search", "bing", "", "")),
        (CHROME, URL, "https://www.zhihu.com/question/1", ("social", "zhihu", "", "")),
        (CHROME, URL, "http://testserver/search/?q=x", ("internal", "", "", "")),
        (CHROME, URL, "https://news.example.com/a", ("referral", "news.example.com", "", "")),
        (CHROME, URL, "", ("direct", "", "", "")),
        (
            CHROME,
            URL + "?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
            "https://www.baidu.com/",
            ("campaign", "newsletter", "email", "spring"),
        ),
    ],
    ids=[
        "wechat",
        "baidu",
        "sogou",
        "360",
        "bing",
        "social",
        "internal",
        "referral",
        "direct",
        "utm",
    ],
)
def test_channel_is_classified_server_side(client, agent, url, referrer, expected):
    assert post(client, [event(url=url, referrer=referrer)], agent=agent).status_code == 204

    row = RawEvent.objects.get()
    assert (row.channel, row.source, row.utm_medium, row.utm_campaign) == expected


def test_device_and_browser_classes(client):
    post(client, [event()], agent=WECHAT)
    post(client, [event()], agent=CHROME)

    assert set(RawEvent.objects.values_list("device", "browser")) == {
        ("mobile", "wechat"),
        ("desktop", "chrome"),
    }


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
    ],
    ids=["ipv4", "ipv6", "mapped"],
)
def test_ip_is_truncated_before_storing(client, address, stored):
    post(client, [event()], REMOTE_ADDR=address)

    assert RawEvent.objects.get().ip_prefix == stored


def test_forwarded_for_is_used_only_when_trusted(client, settings):
    post(client, [event()], REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    settings.ANALYTICS_TRUST_X_FORWARDED_FOR = True
    post(client, [event()], REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")

    assert list(RawEvent.objects.order_by("id").values_list("ip_prefix", flat=True)) == [
        "10.0.0.0/24",
        "203.0.113.0/24",
    ]


def test_without_a_visitor_id_the_anonymous_id_rotates_daily_and_no_cookie_is_set(client):
    with freeze_time("2026-05-01 10:00:00+08:00"):
        first = post(client, [event()])
        post(client, [event()])
    with freeze_time("2026-05-02 10:00:00+08:00"):
        post(client, [event()])

    assert not first.cookies
    ids = list(RawEvent.objects.order_by("id").values_list("visitor_id", "visitor_kind"))
    assert ids[0] == ids[1]
    assert ids[0][1] == ids[2][1] == "daily"
    assert ids[2][0] != ids[0][0]
    assert {r.occurred_at.date() for r in RawEvent.objects.all()} == {
        date(2026, 5, 1),
        date(2026, 5, 2),
    }


def test_a_consented_visitor_id_is_kept_unless_dnt_or_gpc(client):
    post(client, [event(visitor_id="v-consented-1")])
    post(client, [event(visitor_id="v-consented-1")], HTTP_DNT="1")
    post(client, [event(visitor_id="v-consented-1")], HTTP_SEC_GPC="1")

    kinds = list(RawEvent.objects.order_by("id").values_list("visitor_id", "visitor_kind"))
    assert kinds[0] == ("v-consented-1", "cookie")
    assert kinds[1][1] == kinds[2][1] == "daily"
    assert kinds[1][0].startswith("d-")


def test_server_time_is_stamped_and_client_ts_is_refused(client):
    with freeze_time("2026-05-01 02:03:04+00:00"):
        post(client, [event()])
        refused = post(client, [event(ts="2020-01-01T00:00:00Z")])

    assert RawEvent.objects.get().occurred_at.isoformat() == "2026-05-01T02:03:04+00:00"
    assert refused.status_code == 400  # live events cannot choose their time


def test_a_logged_in_reader_is_stamped_with_the_user(client, django_user_model):
    user = django_user_model.objects.create_user("buyer1", "buyer1@example.com", "x")
    client.force_login(user)

    post(client, [event()])

    assert RawEvent.objects.get().user_id == user.pk


@pytest.fixture
def two_articles(supplier_a, supplier_b):
    a = ArticlePageFactory(parent=supplier_a.page, title="岷县黄芪", slug="minxian-huangqi")
    b = ArticlePageFactory(parent=supplier_b.page, title="文山三七", slug="wenshan-sanqi")
    for page in (a, b):
        page.save_revision().publish()
    return a, b


def _url(page) -> str:
    return f"http://testserver{page.url}"


def _read(page, **pageview) -> list[dict]:
    """A pageview, scroll and engagement, all on ``page``'s url."""
    return [{**e, "url": _url(page)} for e in reading(**pageview)]


def test_a_page_id_the_url_contradicts_is_corrected_and_counted(client, two_articles):
    a, b = two_articles
    # someone inflating B's article while reading A's (or replaying A's url with B's id)
    batch = _read(a, page_id=b.pk)

    response = post(client, batch)

    assert response.status_code == 204
    assert set(RawEvent.objects.values_list("page_id", flat=True)) == {a.pk}
    assert RawEvent.objects.count() == 3  # a real reader's events are kept, not refused
    hit = FilteredHit.objects.get()
    assert (hit.reason, hit.events) == ("page-id", 1)  # only the pageview claimed a page


def test_a_missing_page_id_is_filled_from_the_url_and_not_counted(client, two_articles):
    a, _ = two_articles

    post(client, [event(url=_url(a) + "?s=abc123&utm_source=x")])

    assert RawEvent.objects.get().page_id == a.pk
    assert not FilteredHit.objects.exists()


def test_a_url_of_no_live_page_stores_no_page(client, two_articles, supplier_a):
    a, b = two_articles
    draft = ArticlePageFactory(parent=supplier_a.page, slug="draft-only", live=False)
    b.unpublish()

    post(client, [event(url="http://testserver/search/?q=黄芪", page_id=a.pk)])
    post(client, [event(url=_url(b), page_id=b.pk)])
    post(
        client, [event(url=f"http://testserver{supplier_a.page.url}draft-only/", page_id=draft.pk)]
    )

    assert list(RawEvent.objects.values_list("page_id", flat=True)) == [None, None, None]
    assert sum(FilteredHit.objects.filter(reason="page-id").values_list("events", flat=True)) == 3


def test_a_resent_batch_counts_its_corrections_once(client, two_articles):
    a, b = two_articles
    batch = _read(a, page_id=b.pk)

    post(client, batch)
    post(client, batch)
    post(client, [batch[0], event(url=_url(a), page_id=b.pk)])

    assert RawEvent.objects.count() == 4
    counted = FilteredHit.objects.filter(reason="page-id").values_list("events", flat=True)
    assert sum(counted) == 2  # the first pageview once, the new event once


def test_a_moved_article_keeps_readers_whose_old_url_redirects_to_it(client, two_articles):
    a, b = two_articles
    Redirect.add_redirect("/old/minxian-huangqi/", redirect_to=a)
    Redirect.add_redirect("/old/by-link/", redirect_to=a.url)

    post(client, [event(url="http://testserver/old/minxian-huangqi/", page_id=a.pk)])
    post(client, [event(url="http://testserver/old/by-link", page_id=a.pk)])
    # the redirect leads to A: a claim of B on the old url is still corrected
    post(client, [event(url="http://testserver/old/minxian-huangqi/", page_id=b.pk)])
    post(client, [event(url="http://testserver/old/elsewhere/", page_id=a.pk)])

    assert list(RawEvent.objects.order_by("id").values_list("page_id", flat=True)) == [
        a.pk,
        a.pk,
        None,
        None,
    ]
    assert sum(FilteredHit.objects.filter(reason="page-id").values_list("events", flat=True)) == 2


def test_a_redirect_to_a_page_no_longer_live_keeps_no_page(client, two_articles):
    a, _ = two_articles
    Redirect.add_redirect("/old/minxian-huangqi/", redirect_to=a)
    a.unpublish()

    post(client, [event(url="http://testserver/old/minxian-huangqi/", page_id=a.pk)])

    assert RawEvent.objects.get().page_id is None
    assert FilteredHit.objects.get(reason="page-id").events == 1


def test_the_url_map_follows_a_slug_change(
    client, two_articles, django_capture_on_commit_callbacks
):
    a, _ = two_articles
    old = _url(a)
    post(client, [event(url=old)])  # remembered: old path → a

    a.slug = "minxian-huangqi-2026"
    with django_capture_on_commit_callbacks(execute=True):
        a.save_revision().publish()
    a.refresh_from_db()
    assert _url(a) != old
    post(client, [event(url=old)])
    post(client, [event(url=_url(a))])

    assert list(RawEvent.objects.order_by("id").values_list("page_id", flat=True)) == [
        a.pk,
        None,
        a.pk,
    ]


def test_the_url_map_is_asked_once_per_path(client, two_articles, django_assert_num_queries):
    a, _ = two_articles
    post(client, [event(url=_url(a))])

    # the second post of the same page: no site or page lookup, only the insert's queries
    with django_assert_num_queries(3):  # SAVEPOINT, the INSERT (executemany), RELEASE
        post(client, _read(a, page_id=a.pk))

    assert RawEvent.objects.filter(page_id=a.pk).count() == 4


def test_the_crawler_test_runs_once_per_user_agent(client):
    crawler_name.cache_clear()

    post(client, [event()])
    post(client, [event()])

    info = crawler_name.cache_info()
    assert (info.misses, info.hits) == (1, 1)
