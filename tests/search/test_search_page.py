"""The search page: results, facets as links, empty state help, logged clicks."""

import re
from datetime import date

from content.visitors import daily_network_id
from search.models import SearchClick, SearchLog
from tests.analytics.helpers import CHROME


def test_results_with_snippets_and_facet_links(client, corpus):
    html = client.get("/search/", {"q": "岷县"}).content.decode()

    assert "岷县黄芪统货新货上市" in html
    assert "岷县当归统货报价" in html
    assert "<mark>岷县</mark>" in html
    assert 'href="?q=%E5%B2%B7%E5%8E%BF&amp;material=%E5%BD%93%E5%BD%92"' in html


def test_filter_in_the_url_narrows_results(client, corpus):
    html = client.get("/search/", {"q": "岷县", "material": "当归"}).content.decode()

    assert "岷县当归统货报价" in html
    assert "岷县黄芪统货新货上市" not in html


def test_empty_state_suggests_materials_and_related_searches(client, corpus):
    for address in ("203.0.113.1", "198.51.100.2"):  # a search that found articles, two people
        client.get("/search/", {"q": "黄芪 岷县"}, HTTP_USER_AGENT=CHROME, REMOTE_ADDR=address)
        # a phone number is never shown, however many people typed it
        client.get(
            "/search/",
            {"q": "岷县 广告电话13800000000"},
            HTTP_USER_AGENT=CHROME,
            REMOTE_ADDR=address,
        )

    filtered_out = client.get("/search/", {"q": "岷县", "kind": "technology"}).content.decode()
    unknown = client.get("/search/", {"q": "黄精"}).content.decode()

    assert "没有匹配的文章" in filtered_out
    assert '<a class="chip" href="?q=%E9%BB%84%E8%8A%AA%20%E5%B2%B7%E5%8E%BF">黄芪 岷县</a>' in (
        filtered_out
    )
    assert "13800000000" not in filtered_out  # one visitor's search is never shown to others
    assert '<a class="chip" href="?q=%E9%BB%84%E8%8A%AA">黄芪</a>' in unknown
    assert '<a class="chip" href="?q=%E9%BB%84%E8%8A%A9">黄芩</a>' in unknown


def test_click_is_logged_and_redirects(client, corpus):
    client.get("/search/", {"q": "花旗参"})
    log = SearchLog.objects.get(query="花旗参")
    page = corpus["西洋参进口与国产对比"]

    response = client.get("/search/go/", {"log": log.pk, "page": page.pk, "pos": 1})

    assert response.status_code == 302
    assert response["Location"] == page.url
    click = SearchClick.objects.get()
    assert (click.log_id, click.page_id, click.position) == (log.pk, page.pk, 1)


def test_malformed_click_links_are_404_and_write_nothing(client, corpus):
    assert client.get("/search/go/", {"log": "x", "page": "1"}).status_code == 404
    assert client.get("/search/go/", {"log": 1, "page": 999999}).status_code == 404
    assert not SearchClick.objects.exists()


def test_page_works_with_bad_paging_and_without_query(client, corpus):
    assert client.get("/search/", {"q": "黄芪", "page": "abc"}).status_code == 200
    assert client.get("/search/", {"q": "黄芪", "page": "99999"}).status_code == 200
    assert client.get("/search/").status_code == 200


def test_one_person_with_many_cookies_cannot_put_text_on_the_empty_page(client, corpus):
    for visitor in ("spam-visitor-1", "spam-visitor-2", "spam-visitor-3"):
        client.get(
            "/search/",
            {"q": "岷县 加微信abc123"},
            HTTP_USER_AGENT=CHROME,
            HTTP_COOKIE=f"yy_vid={visitor}",
        )

    html = client.get("/search/", {"q": "岷县", "kind": "technology"}).content.decode()

    assert "没有匹配的文章" in html
    assert "abc123" not in html
    logs = SearchLog.objects.filter(query="岷县 加微信abc123")
    assert logs.values("visitor_id").distinct().count() == 3  # the cookies differ …
    assert logs.values("daily_id").distinct().count() == 1  # … the person does not


def test_one_network_changing_user_agent_cannot_put_text_on_the_empty_page(client, corpus):
    agents = (CHROME, CHROME.replace("Chrome/", "Chrome/1"), "Mozilla/5.0 (X11) Firefox/130.0")
    for n, agent in enumerate(agents):  # neighbouring addresses of one /24, a new UA each time
        client.get(
            "/search/",
            {"q": "岷县 加微信abc123"},
            HTTP_USER_AGENT=agent,
            REMOTE_ADDR=f"203.0.113.{n}",
        )

    html = client.get("/search/", {"q": "岷县", "kind": "technology"}).content.decode()

    assert "没有匹配的文章" in html
    assert "abc123" not in html
    logs = SearchLog.objects.filter(query="岷县 加微信abc123")
    assert logs.values("daily_id").distinct().count() == 3  # the user agents differ …
    assert logs.values("network_id").distinct().count() == 1  # … the network does not


def test_crawler_searches_do_not_count_as_visitors(client, corpus):
    for n, agent in enumerate((CHROME, "python-requests/2.32")):
        client.get(
            "/search/",
            {"q": "岷县 加微信abc123"},
            HTTP_USER_AGENT=agent,
            REMOTE_ADDR=("203.0.113.1", "198.51.100.1")[n],  # two networks
            HTTP_COOKIE=f"yy_vid=visitor-{n}",
        )

    html = client.get("/search/", {"q": "岷县", "kind": "technology"}).content.decode()

    assert "abc123" not in html
    logs = SearchLog.objects.filter(query="岷县 加微信abc123").order_by("id")
    assert list(logs.values_list("bot_reason", flat=True)) == ["", "bot"]


def test_network_ids_group_a_24_or_a_48_per_day_and_hide_the_address():
    day, next_day = date(2026, 5, 1), date(2026, 5, 2)
    office = daily_network_id(day, "203.0.113.7")

    assert office == daily_network_id(day, "203.0.113.200")
    assert office == daily_network_id(day, "::ffff:203.0.113.9")  # the same address, mapped
    assert office != daily_network_id(day, "203.0.114.7")
    assert office != daily_network_id(next_day, "203.0.113.7")  # unlinkable across days
    assert daily_network_id(day, "2001:db8:1:aaaa::1") == daily_network_id(
        day, "2001:db8:1:ffff::2"
    )
    assert daily_network_id(day, "2001:db8:1::1") != daily_network_id(day, "2001:db8:2::1")
    assert re.fullmatch(r"n-[0-9a-f]{24}", office)
    assert "203.0.113" not in office
    assert daily_network_id(day, "") == daily_network_id(day, "not an address") == ""
