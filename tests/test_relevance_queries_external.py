"""The external judged query set: its shape and its grading rule."""

import json
from collections import Counter
from pathlib import Path

from bench.relevance_queries import ArticleTruth, BenchQuery
from bench.relevance_queries_external import (
    EXTERNAL_QUERY_TYPES,
    TOPICS,
    external_focus_materials,
    external_queries,
    grade_external,
)

MATERIALS = Path(__file__).resolve().parent.parent / "content" / "data" / "materials.json"


def _truth(material: str, topic: str) -> ArticleTruth:
    return ArticleTruth(1, material, "technology", topic, "甘肃岷县", "title")


def test_every_class_has_at_least_25_queries() -> None:
    counts = Counter(query.type for query in external_queries())
    assert set(counts) == set(EXTERNAL_QUERY_TYPES)
    assert min(counts.values()) >= 25


def test_queries_name_canonical_materials_and_generator_topics() -> None:
    names = {m["name"] for m in json.loads(MATERIALS.read_text(encoding="utf-8"))}
    queries = external_queries()
    assert [q for q in queries if q.material not in names] == []
    assert [q for q in queries if q.extra and q.extra not in TOPICS] == []
    assert len(external_focus_materials()) >= 40


def test_topic_query_grades_topic_two_material_one_other_zero() -> None:
    query = BenchQuery("question", "当归怎么辨别真假", "当归", "testing")
    assert grade_external(query, _truth("当归", "testing")) == 2
    assert grade_external(query, _truth("当归", "product")) == 1
    assert grade_external(query, _truth("黄芪", "testing")) == 0


def test_material_query_grades_every_article_of_the_material_two() -> None:
    query = BenchQuery("english", "dong quai", "当归", "")
    assert grade_external(query, _truth("当归", "storage")) == 2
    assert grade_external(query, _truth("党参", "storage")) == 0
