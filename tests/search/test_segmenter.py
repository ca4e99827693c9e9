"""jieba-rs (rjieba) segments the demo corpus exactly as Python jieba does, user words included.

The analysis pipeline switched from Python jieba to jieba-rs for speed; these tests run both
over every CJK run of a generated demo corpus with the shipped material dictionary added as
user words, and compare the analyzer's tokens with each segmenter behind it.
"""

import json
import random
import re

import pytest
import rjieba

from bench.import_articles import PythonJieba
from content.demo_text import DEMO_MATERIALS, KINDS, make_article, supplier_names
from content.materials import DATA_FILE
from content.models import Material
from search import analysis
from search.analysis import (
    _T2S,
    CJK_RUN,
    SPLIT,
    Analyzer,
    Vocabulary,
    normalize,
    to_simplified,
)

ARTICLES = 400
# Characters Python jieba never keeps inside a word (its han pattern is U+4E00-U+9FD5).
OUTSIDE_JIEBA_HAN = re.compile(r"[\u3400-\u4dbf\u9fd6-\u9fff]")


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    entries = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return Vocabulary.from_materials(Material(**entry) for entry in entries)


@pytest.fixture(scope="module")
def analyzers(vocabulary) -> tuple[Analyzer, Analyzer]:
    """The production analyzer (rjieba) and the same analyzer over Python jieba, each on a
    segmenter of its own: the process-wide one may hold words earlier tests taught it (topic
    synonym groups from the database), which the reference would not have."""
    state = analysis._segmenter_state
    saved = state.pop("segmenter", None)
    try:
        state["segmenter"] = rjieba.Jieba()
        fast = Analyzer(vocabulary)
        state["segmenter"] = PythonJieba()
        reference = Analyzer(vocabulary)
    finally:
        if saved is None:
            state.pop("segmenter", None)
        else:
            state["segmenter"] = saved
    return fast, reference


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    """Titles, summaries and body text of demo articles about every demo material."""
    rng = random.Random(13)
    suppliers = [s["name"] for s in supplier_names(24, 13)]
    texts = []
    for i in range(ARTICLES):
        material = DEMO_MATERIALS[i % len(DEMO_MATERIALS)]
        article = make_article(material, KINDS[i % 2], rng.choice(suppliers), rng)
        texts.append(" ".join([article.title, article.summary, *(str(v) for _, v in article.body)]))
    return texts


def test_the_analyzer_segments_with_jieba_rs(analyzers):
    fast, reference = analyzers

    assert isinstance(fast._segmenter, rjieba.Jieba)
    assert isinstance(reference._segmenter, PythonJieba)


def test_every_material_name_and_place_is_a_user_word(vocabulary, analyzers):
    fast, _ = analyzers
    words = [w for w in (*vocabulary.canonical, *vocabulary.places) if CJK_RUN.fullmatch(w)]

    assert len(words) > 500
    assert [w for w in words if not fast._segmenter.has_word(w)] == []


def test_segments_equal_python_jieba_on_every_run_of_the_demo_corpus(analyzers, corpus):
    fast, reference = analyzers
    runs = [p for text in corpus for p in SPLIT.split(normalize(text)) if CJK_RUN.fullmatch(p)]
    plain = [run for run in runs if not OUTSIDE_JIEBA_HAN.search(run)]

    different = [
        run
        for run in plain
        if fast._segmenter.cut_for_search(run, True)
        != reference._segmenter.cut_for_search(run, True)
    ]

    assert len(plain) > 20_000
    assert different == []


def test_index_tokens_equal_python_jieba_for_every_demo_article(analyzers, corpus):
    fast, reference = analyzers
    plain = [text for text in corpus if not OUTSIDE_JIEBA_HAN.search(normalize(text))]

    different = [text[:40] for text in plain if fast.index_text(text) != reference.index_text(text)]

    assert len(plain) > ARTICLES * 0.9
    assert different == []


def test_extension_a_alias_is_one_word_where_python_jieba_split_it(analyzers):
    # 芎䓖 is an alias of 川芎; 䓖 (U+44D6) is outside Python jieba's han range.
    fast, reference = analyzers

    assert fast.index_text("川芎又称芎䓖") == "川芎 又称 芎䓖 川芎"
    assert reference.index_text("川芎又称芎䓖") == "川芎 又称"
    assert fast.query_groups("芎䓖") == [["芎䓖", "川芎"]]


def test_an_origin_added_as_a_user_word_is_kept_whole_with_its_parts(analyzers):
    fast, reference = analyzers
    text = "内蒙古固阳黄芪新货"

    tokens = fast.tokens(text)

    assert tokens == reference.tokens(text)
    assert {"内蒙古", "黄芪"} <= set(tokens)


def test_the_skipped_conversion_equals_opencc_on_every_demo_text(corpus):
    texts = [*corpus, "黃芪當歸", "乾燥後的著名藥材", "岷县當歸片"]

    assert [to_simplified(text) for text in texts] == [_T2S.convert(text) for text in texts]
    assert to_simplified("乾燥後的著名藥材") == "干燥后的著名药材"
