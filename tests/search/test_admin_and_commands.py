"""Index health in the admin, the rebuild action, and the search commands."""

import json

from django.core.management import call_command

from search.engines import get_engine
from search.models import SearchLog
from tests.analytics.helpers import CHROME


def test_admin_shows_index_health_and_zero_result_queries(admin_client, client, corpus):
    for address in ("203.0.113.1", "198.51.100.2"):  # two people, nothing for them
        client.get("/search/", {"q": "量子纠缠"}, HTTP_USER_AGENT=CHROME, REMOTE_ADDR=address)

    response = admin_client.get("/admin/search-index/")

    html = response.content.decode()
    assert '<td data-testid="documents">6</td>' in html
    assert '<td data-testid="published">6</td>' in html
    assert response.context["zero_result_queries"] == [{"query": "量子纠缠", "n": 2}]
    assert "<tr><td>量子纠缠</td><td>2</td></tr>" in html


def test_zero_result_queries_are_people_searching_words_that_found_nothing(
    admin_client, client, corpus
):
    person = {"HTTP_USER_AGENT": CHROME}
    client.get("/search/", {"q": "量子纠缠"}, **person)
    client.get("/search/", {"q": "蜘蛛词"}, HTTP_USER_AGENT="Baiduspider/2.0")  # a crawler
    client.get("/search/", {"q": "脚本词"})  # no user agent: a script
    client.get("/search/", {"q": "", "origin": "火星"}, **person)  # blank query, only a filter
    client.get("/api/v1/search/", {"q": '"'}, **person)  # nothing to look for
    # found articles, but not inside the filter kept from an earlier search: not a word gap
    client.get("/search/", {"q": "北芪", "kind": "technology", "year": "2020"}, **person)
    call_command("search_articles", "命令行词")  # staff trying the engine
    assert SearchLog.objects.filter(result_count=0).count() == 7

    response = admin_client.get("/admin/search-index/")

    assert response.context["zero_result_queries"] == [{"query": "量子纠缠", "n": 1}]


def test_admin_rebuild_refills_the_index(admin_client, corpus):
    get_engine().clear()

    response = admin_client.post("/admin/search-index/rebuild/")

    assert response.status_code == 302
    assert get_engine().count() == 6  # eager Celery in unit tests


def test_suppliers_cannot_see_index_health(client_a, corpus):
    response = client_a.get("/admin/search-index/")

    assert response.status_code == 302
    assert client_a.post("/admin/search-index/rebuild/").status_code == 302
    assert get_engine().count() == 6


def test_rebuild_command(corpus, capsys):
    get_engine().clear()

    call_command("rebuild_search_index", "--no-progress")

    out = capsys.readouterr().out
    assert "indexed 6 article(s)" in out
    assert "index holds 6 of 6 published" in out


def test_search_articles_command_matches_the_api(client, corpus, capsys):
    api = client.get("/api/v1/search/", {"q": "田七 价格", "page_size": 5}).json()

    call_command("search_articles", "田七 价格", "--json", "--limit", "5")

    assert json.loads(capsys.readouterr().out) == api


def test_search_articles_command_text_output(corpus, capsys):
    call_command("search_articles", "北芪")

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("2 result(s) on embedded-")
    titles = sorted(line.split(". ", 1)[1].split("  ")[0] for line in out[1:])
    assert titles == ["岷县黄芪统货新货上市", "蒙古黄芪仿野生种植技术要点"]


def test_rebuild_if_empty_leaves_a_filled_index_alone(corpus, capsys):
    call_command("rebuild_search_index", "--if-empty", "--no-progress")
    assert capsys.readouterr().out == ""

    get_engine().clear()
    call_command("rebuild_search_index", "--if-empty", "--no-progress")
    assert "indexed 6 article(s)" in capsys.readouterr().out
