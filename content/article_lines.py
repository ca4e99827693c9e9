"""One line of an article import: strict validation into a record, naming the field at fault."""

import datetime as dt
import json
from dataclasses import dataclass

from bs4 import BeautifulSoup
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from content.materials import MaterialResolver
from content.models import ArticleKind, Material

BODY_FEATURES = ["bold", "italic", "ol", "ul", "link", "h3", "h4", "blockquote"]
REQUIRED = ("external_id", "supplier", "kind", "title", "summary", "body", "published_at")
OPTIONAL = ("materials", "origin", "tags")
MAX_TAG_LENGTH = 100  # taggit's column
MAX_LEN = {"external_id": 80, "supplier": 255, "title": 255, "summary": 400, "origin": 60}


class LineError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass
class ArticleRecord:
    external_id: str
    supplier: str
    kind: str
    title: str
    summary: str
    body: str
    published_at: dt.date
    materials: list[Material]
    origin: str
    tags: list[str]


def parse_line(raw: str, resolver: MaterialResolver) -> ArticleRecord:
    """Validate one JSON line into a record; raise ``LineError`` naming the field at fault."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LineError("", f"invalid JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise LineError("", f"expected a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise LineError(unknown[0], f"unknown field(s): {', '.join(unknown)}")
    values = {name: _text(data, name, required=True) for name in REQUIRED if name != "published_at"}
    if values["kind"] not in ArticleKind.values:
        raise LineError("kind", f"must be 'product' or 'technology', got {values['kind']!r}")
    values["body"] = clean_body_html(values["body"])
    return ArticleRecord(
        **values,
        published_at=_date(data.get("published_at")),
        materials=_materials(data.get("materials", []), resolver),
        origin=_text(data, "origin", required=False),
        tags=_tags(data.get("tags", [])),
    )


def _tags(value: object) -> list[str]:
    tags = _str_list(value, "tags")
    too_long = next((t for t in tags if len(t) > MAX_TAG_LENGTH), None)
    if too_long:
        raise LineError(
            "tags", f"tag {too_long[:20]!r}… is longer than {MAX_TAG_LENGTH} characters"
        )
    return tags


def _text(data: dict, name: str, *, required: bool) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise LineError(name, "missing" if value is None else "must be a string")
    value = value.strip()
    if required and not value:
        raise LineError(name, "must not be empty")
    limit = MAX_LEN.get(name)
    if limit and len(value) > limit:
        raise LineError(name, f"is {len(value)} characters; at most {limit} allowed")
    return value


def _date(value: object) -> dt.date:
    if not isinstance(value, str):
        raise LineError(
            "published_at", "missing" if value is None else "must be an ISO date string"
        )
    try:
        return (
            dt.datetime.fromisoformat(value).date()
            if "T" in value
            else (dt.date.fromisoformat(value))
        )
    except ValueError as exc:
        raise LineError("published_at", f"not an ISO date (YYYY-MM-DD): {value!r}") from exc


def _str_list(value: object, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LineError(name, "must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def _materials(value: object, resolver: MaterialResolver) -> list[Material]:
    found = []
    for name in _str_list(value, "materials"):
        material = resolver.resolve(name)
        if material is None:
            raise LineError("materials", f"unknown material {name!r} (not in the dictionary)")
        found.append(material)
    return list(dict.fromkeys(found))


def clean_body_html(html: str) -> str:
    """Reduce arbitrary HTML to what the rich-text editor allows (no scripts, no styles).

    The converter trips on some real-world HTML (void or mis-nested tags); that is the line's
    fault, reported as a ``body`` error rather than a crash of the whole import.
    """
    soup = BeautifulSoup(html, "html.parser")  # closes void and mis-nested tags
    for element in soup(["script", "style", "iframe", "object", "template"]):
        element.decompose()
    converter = ContentstateConverter(BODY_FEATURES)
    try:
        return converter.to_database_format(converter.from_database_format(str(soup)))
    except Exception as exc:  # the converter raises AssertionError, KeyError, …
        raise LineError(
            "body", f"HTML could not be converted ({type(exc).__name__}: {exc})"
        ) from exc
