"""The search page where it used to end: empty box, no full match, pages past the end, the
engine line, one-character suggestions."""

from search.documents import build_document
from search.engines.elastic import suggest_entries
from search.models import SearchLog

RELAXED = "以下显示包含部分词语的文章"
NOTHING = "没有匹配的文章"


BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
)


def test_empty_query_shows_popular_materials_and_recent_searches(client, corpus):
    def person(n: int, agent: str = BROWSER) -> dict:  # told apart by network, not cookie or UA
        return {"REMOTE_ADDR": f"10.0.{n}.1", "HTTP_USER_AGENT": agent}

    for n in (1, 2):
        client.get("/search/", {"q": "黄芪 岷县"}, **person(n))
        client.get("/search/", {"q": "13800000000 岷县"}, **person(n))  # a phone: never shown
    client.get("/search/", {"q": "党参 岷县"}, **person(3))  # one network, two user agents
    client.get("/search/", {"q": "党参 岷县"}, HTTP_COOKIE="yy_vid=v9", **person(3, "Firefox/1"))
    client.get("/search/", {"q": "黄精"}, **person(1))  # found nothing
    client.get("/search/", {"q": "黄精"}, **person(2))
    for n in (4, 5):  # a script from two addresses
        client.get("/search/", {"q": "当归"}, REMOTE_ADDR=f"10.0.{n}.1", HTTP_USER_AGENT="curl/8.5")

    html = client.get("/search/").content.decode()

    popular, recent = html.split('<section id="popular-materials">')[1].split(
        '<section id="recent-searches">'
    )

    assert (
        '<a class="chip" href="?q=%E9%BB%84%E8%8A%AA">黄芪 <span class="meta small">2</span>'
        in (popular)
    )
    assert (
        '<a class="chip" href="?q=%E5%BD%93%E5%BD%92">当归 <span class="meta small">1</span>'
        in (popular)
    )
    assert recent.count('<a class="chip"') == 1
    assert (
        '<a class="chip" href="?q=%E9%BB%84%E8%8A%AA%20%E5%B2%B7%E5%8E%BF">黄芪 岷县</a>' in recent
    )
    assert "13800000000" not in html  # a search holding a phone number
    assert "党参 岷县" not in html  # one network's search
    assert "%E9%BB%84%E7%B2%BE" not in html  # 黄精 found nothing
    assert "当归</a>" not in recent  # searched only by a script


def test_no_match_at_all_says_only_that_nothing_matched(client, corpus):
    html = client.get("/search/", {"q": "黄精 玉竹"}).content.decode()

    assert NOTHING in html
    assert RELAXED not in html
    assert SearchLog.objects.get().result_count == 0


def test_partial_match_still_says_it_is_partial(client, corpus):
    html = client.get("/search/", {"q": "黄芩 玉竹"}).content.decode()

    assert RELAXED in html
    assert NOTHING not in html
    assert "黄芩采收与炮制" in html


def test_page_past_the_end_shows_the_last_page_and_logs_once(client, corpus):
    html = client.get("/search/", {"q": "岷县", "page": "999999999"}).content.decode()

    assert "岷县黄芪统货新货上市" in html
    assert "岷县当归统货报价" in html
    assert NOTHING not in html
    assert "第 1000 页" not in html
    log = SearchLog.objects.get()
    assert (log.query, log.result_count) == ("岷县", 2)
    assert f"?log={log.pk}&amp;page=" in html


def test_engine_and_timing_only_for_platform_staff(client, admin_client, corpus):
    buyer = client.get("/search/", {"q": "岷县"}).content.decode()
    staff = admin_client.get("/search/", {"q": "岷县"}).content.decode()

    engine = SearchLog.objects.first().engine  # embedded-sqlite or embedded-postgres

    assert engine not in buyer
    assert " ms</span>" not in buyer
    assert f"· {engine} ·" in staff


def test_one_chinese_character_suggests_aliases_and_names(client, corpus):
    north = client.get("/api/v1/search/suggest/", {"q": "北"}).json()
    yellow = client.get("/api/v1/search/suggest/", {"q": "黄"}).json()

    assert north["suggestions"] == ["北芪"]
    assert yellow["suggestions"][:2] == ["黄芩", "黄芪"]


def test_aliases_reach_the_elasticsearch_suggestions_too(corpus):
    document = build_document(corpus["岷县黄芪统货新货上市"])

    assert "北芪" in document.suggest_terms
    assert {"北芪\x1f北芪", "beiqi\x1f北芪"} <= set(suggest_entries(document.suggest_terms))
