"""Index health in the admin, the rebuild action, and the search commands."""

import json

from django.core.management import call_command

from search.engines import get_engine
from search.models import SearchLog


def test_admin_shows_index_health_and_zero_result_queries(admin_client, corpus):
    SearchLog.objects.create(query="没找到", result_count=0, engine="x", latency_ms=1)

    html = admin_client.get("/admin/search-index/").content.decode()

    assert '<td data-testid="documents">6</td>' in html
    assert '<td data-testid="published">6</td>' in html
    assert "没找到" in html


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
