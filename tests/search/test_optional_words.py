"""Words the vocabulary does not know become optional when too few articles contain them all:
the complete matches first, then the articles with every known word, and the page says so."""

from search import queries
from search.queries import FEW_MATCHES, SearchRequest, rank_pages, search_articles

FIRST = "蒙古黄芪仿野生种植技术要点"  # body: 北芪需要排水良好的沙质土壤
SECOND = "岷县黄芪统货新货上市"


def test_complete_matches_come_first_then_articles_with_every_known_word(corpus):
    response = search_articles(SearchRequest(q="黄芪 土壤"), log=False)

    assert [r.title for r in response.results] == [FIRST, SECOND]
    assert (response.total, response.optional, response.complete_matches) == (2, ["土壤"], 1)
    assert response.relaxed is False
    assert FEW_MATCHES > 1


def test_the_merged_order_pages_without_repeats(corpus):
    pages = [
        search_articles(SearchRequest(q="黄芪 土壤", page=n, page_size=1), log=False)
        for n in (1, 2)
    ]

    assert [[r.title for r in p.results] for p in pages] == [[FIRST], [SECOND]]
    assert [p.total for p in pages] == [2, 2]
    assert rank_pages("黄芪 土壤", 10) == [corpus[FIRST].pk, corpus[SECOND].pk]


def test_enough_complete_matches_leave_every_word_required(corpus, monkeypatch):
    monkeypatch.setattr(queries, "FEW_MATCHES", 1)

    response = search_articles(SearchRequest(q="黄芪 土壤"), log=False)

    assert [r.title for r in response.results] == [FIRST]
    assert (response.optional, response.complete_matches) == ([], None)


def test_known_words_other_than_materials_go_next(corpus):
    response = search_articles(SearchRequest(q="黄芪 内蒙古"), log=False)

    assert [r.title for r in response.results] == [FIRST, SECOND]
    assert (response.optional, response.complete_matches) == (["内蒙古"], 1)


def test_a_material_and_a_topic_no_article_has_together_give_the_materials_articles(corpus):
    response = search_articles(SearchRequest(q="什么时候种当归"), log=False)

    assert [r.title for r in response.results] == ["岷县当归统货报价"]
    assert response.optional == ["种植"]  # the one-character word's topic, as the page says
    assert (response.relaxed, response.complete_matches) == (True, 0)


def test_topics_alone_are_not_widened(corpus):
    response = search_articles(SearchRequest(q="种植 检测"), log=False)

    assert response.optional == []
    assert response.relaxed is True  # the relaxed search: either word


def test_no_complete_match_is_said_as_the_relaxed_search_says_it(corpus):
    response = search_articles(SearchRequest(q="黄芩 玉竹"), log=False)

    assert [r.title for r in response.results] == ["黄芩采收与炮制"]
    assert (response.relaxed, response.optional, response.complete_matches) == (
        True,
        ["玉竹"],
        0,
    )


def test_the_page_and_the_api_name_the_optional_words(client, corpus):
    html = client.get("/search/", {"q": "黄芪 土壤"}).content.decode()
    body = client.get("/api/v1/search/", {"q": "黄芪 土壤"}).json()

    assert "只有 1 篇文章包含全部词语，排在最前；其后的文章不含“土壤”。" in html
    assert html.index(FIRST) < html.index(SECOND)
    assert (body["optional"], body["complete_matches"], body["total"]) == (["土壤"], 1, 2)


def test_a_filter_applies_to_the_articles_that_follow(corpus):
    response = search_articles(SearchRequest(q="黄芪 土壤", origin="内蒙古"), log=False)

    assert [r.title for r in response.results] == [FIRST]
    assert response.optional == []
