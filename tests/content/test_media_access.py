"""Media isolation: images and reports of unpublished content reach only who may see them.

``SURFACES`` lists every URL that serves an image or document as (name, object kind, URL
builder, audience); each is requested for every object state and every viewer, and the status
and body are checked against the audience's rule. New media URLs join by adding a row.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.utils.translation import gettext
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

from content.models import InsightsIndexPage
from content.staff import PLATFORM_PERMISSION
from tests.conftest import PASSWORD
from tests.factories import ArticlePageFactory

WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI "
    "Language/zh_CN"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Media:
    obj: object
    title: str
    filename: str
    public: bool  # a live page uses it
    owned_by_a: bool  # in supplier A's collection (else the platform's)


@dataclass
class Surface:
    """A URL serving one object; ``audience`` says who gets it.

    ``published``: anyone, for public objects only (the content API, a published surface).
    ``public-or-privileged``: anyone for public objects, else the owner's users, staff and
    moderators. ``privileged``: only the owner's users, staff and moderators, public or not.
    """

    name: str
    kind: str
    url: Callable[[object], str]
    audience: str


SURFACES = [
    Surface("image-api-detail", "image", lambda m: f"/api/v2/images/{m.pk}/", "published"),
    Surface("image-original", "image", lambda m: m.file.url, "privileged"),
    Surface(
        "image-rendition",
        "image",
        lambda m: m.get_rendition("fill-480x270").url,
        "public-or-privileged",
    ),
    Surface("document-download", "document", lambda m: m.url, "public-or-privileged"),
]
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
# viewer -> (fixture giving the user or None, privileged for A's media, privileged for the
# platform's, user agent)
VIEWERS = {
    "anonymous": (None, False, False, BROWSER_UA),
    "anonymous-wechat": (None, False, False, WECHAT_UA),
    "other-supplier": ("supplier_b_user", False, False, BROWSER_UA),
    "owner": ("supplier_a_user", True, False, BROWSER_UA),
    "platform-staff": ("platform_staff", True, True, BROWSER_UA),
    "moderator": ("moderator", True, True, BROWSER_UA),
}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def supplier_a_user(supplier_a):
    return supplier_a.user


@pytest.fixture
def supplier_b_user(supplier_b):
    return supplier_b.user


@pytest.fixture
def platform_staff(site):
    user = get_user_model().objects.create_user("staff", "staff@example.com", PASSWORD)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename=PLATFORM_PERMISSION.split(".")[1]),
    )
    return user


def _image(collection: Collection, title: str, filename: str):
    image = get_image_model().objects.create(
        title=title, collection=collection, file=get_test_image_file(filename=filename)
    )
    return image


def _document(collection: Collection, title: str, filename: str):
    return get_document_model().objects.create(
        title=title, collection=collection, file=ContentFile(PDF, name=filename)
    )


def _body(image=None, report=None) -> list[dict]:
    blocks = []
    if image is not None:
        blocks.append({"type": "image", "value": {"image": image.pk, "caption": ""}})
    if report is not None:
        blocks.append(
            {
                "type": "report",
                "value": {"title": "检测报告", "lab": "", "report_no": "", "document": report.pk},
            }
        )
    return blocks


@pytest.fixture
def media(supplier_a, supplier_b, site, django_capture_on_commit_callbacks) -> dict[str, Media]:
    """Supplier A's and the platform's images and reports in every state, reference-indexed."""
    own, root = supplier_a.collection, Collection.get_first_root_node()
    images = {
        "live-cover": (own, "岷县黄芪封面 live-cover", "live-cover.png", True),
        "live-body": (own, "黄芪切片 live-body", "live-body.png", True),
        "platform-live": (root, "行情图 platform-live", "platform-live.png", True),
        "draft": (own, "待审封面 draft-cover", "draft-cover.png", False),
        "pending": (own, "待审新图 pending-edit", "pending-edit.png", False),
        "unused": (own, "未用图片 unused-image", "unused-image.png", False),
        "platform-unused": (root, "平台未用 platform-unused", "platform-unused.png", False),
    }
    reports = {
        "live": (own, "岷县黄芪检测报告 live-report", "live-report.pdf", True),
        "draft": (own, "待审检测报告 draft-report", "draft-report.pdf", False),
        "pending": (own, "待审新报告 pending-report", "pending-report.pdf", False),
        "unused": (own, "未用报告 unused-report", "unused-report.pdf", False),
    }
    with django_capture_on_commit_callbacks(execute=True):
        made = {
            ("image", state): (_image(c, t, f), t, p, c == own)
            for state, (c, t, f, p) in images.items()
        } | {
            ("document", state): (_document(c, t, f), t, p, c == own)
            for state, (c, t, f, p) in reports.items()
        }

        def obj(kind: str, state: str):
            return made[(kind, state)][0]

        live = ArticlePageFactory(
            parent=supplier_a.page,
            title="岷县黄芪 现货",
            cover_image=obj("image", "live-cover"),
            body=_body(obj("image", "live-body"), obj("document", "live")),
        )
        live.save_revision().publish()
        live.cover_image = obj("image", "pending")
        live.body = _body(obj("image", "live-body"), obj("document", "pending"))
        live.save_revision()  # an edit awaiting moderation: not live yet
        ArticlePageFactory(
            parent=supplier_a.page,
            title="待审文章",
            live=False,
            cover_image=obj("image", "draft"),
            body=_body(report=obj("document", "draft")),
        ).save_revision()
        insight = ArticlePageFactory(
            parent=InsightsIndexPage.objects.get(),
            title="平台行情",
            cover_image=obj("image", "platform-live"),
        )
        insight.save_revision().publish()
    return {
        f"{kind}:{state}": Media(o, title, o.file.name.rsplit("/", 1)[-1], public, owned)
        for (kind, state), (o, title, public, owned) in made.items()
    }


def _expected_status(surface: Surface, item: Media, viewer: str) -> int:
    _, privileged_own, privileged_platform, _ = VIEWERS[viewer]
    privileged = privileged_own if item.owned_by_a else privileged_platform
    allowed = {
        "published": item.public,
        "public-or-privileged": item.public or privileged,
        "privileged": privileged,
    }[surface.audience]
    return 200 if allowed else 404


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _leaks(item: Media, body: bytes) -> list[str]:
    """What of the object a refused answer gives away (its title, its file name)."""
    names = [item.title, item.filename, item.filename.rsplit(".", 1)[0]]
    return [name for name in names if name.encode() in body]


def _serves_the_object(surface: Surface, item: Media, response) -> bool:
    body = _content(response)
    if surface.name == "image-api-detail":
        return response.json()["title"] == item.title and b"original_images" not in body
    if surface.name == "image-original":
        with item.obj.file.open("rb") as original:
            return body == original.read() and "private" in response["Cache-Control"]
    if surface.name == "image-rendition":
        cache = "public, max-age=3600" if item.public else "private"
        return body[:4] == b"\x89PNG" and cache in response["Cache-Control"]
    return body[:4] == b"%PDF"


@pytest.mark.parametrize("surface", SURFACES, ids=[s.name for s in SURFACES])
def test_media_url_answers_only_who_may_see_it(client, request, media, surface):
    # given every object of this kind in every state, and every viewer
    items = {key.split(":")[1]: m for key, m in media.items() if key.startswith(surface.kind)}
    urls = {state: surface.url(item.obj) for state, item in items.items()}
    expected, answered, wrong_bodies = {}, {}, []

    # when
    for viewer, (user_fixture, _, _, user_agent) in VIEWERS.items():
        client.logout()
        if user_fixture is not None:
            client.force_login(request.getfixturevalue(user_fixture))
        for state, item in items.items():
            response = client.get(urls[state], HTTP_USER_AGENT=user_agent)
            expected[state, viewer] = _expected_status(surface, item, viewer)
            answered[state, viewer] = response.status_code
            if response.status_code == 404 and _leaks(item, _content(response)):
                wrong_bodies.append((state, viewer, _leaks(item, _content(response))))
            if response.status_code == 200 and not _serves_the_object(surface, item, response):
                wrong_bodies.append((state, viewer, "not the object"))

    # then
    assert answered == expected
    assert wrong_bodies == []


def test_images_listing_shows_exactly_the_public_images(client, request, media):
    public = sorted(m.title for k, m in media.items() if k.startswith("image:") and m.public)
    hidden = [m for k, m in media.items() if k.startswith("image:") and not m.public]
    listed, leaks = {}, []

    for viewer, (user_fixture, *_) in VIEWERS.items():
        client.logout()
        if user_fixture is not None:
            client.force_login(request.getfixturevalue(user_fixture))
        response = client.get("/api/v2/images/", {"limit": 100})
        listed[viewer] = sorted(i["title"] for i in response.json()["items"])
        leaks += [(viewer, leak) for item in hidden for leak in _leaks(item, response.content)]
        leaks += [(viewer, "original_images")] if b"original_images" in response.content else []

    assert listed == dict.fromkeys(VIEWERS, public)
    assert public == ["岷县黄芪封面 live-cover", "行情图 platform-live", "黄芪切片 live-body"]
    assert leaks == []


def test_images_listing_gives_renditions_not_originals(client, media):
    listing = client.get("/api/v2/images/", {"limit": 100}).json()

    first = listing["items"][0]
    assert sorted(first) == ["id", "meta", "rendition", "title"]
    assert sorted(first["meta"]) == ["detail_url", "tags", "type"]
    assert first["rendition"]["url"].startswith("/media/images/")
    assert client.get(first["rendition"]["url"]).status_code == 200


def test_original_url_field_cannot_be_asked_for(client, media):
    response = client.get("/api/v2/images/", {"fields": "download_url"})

    assert response.status_code == 400
    assert response.json() == {"message": "unknown fields: download_url"}


def test_pages_api_nests_cover_images_without_the_original(client, media):
    article = media["image:live-cover"]

    response = client.get("/api/v2/pages/", {"type": "content.ArticlePage", "fields": "*"})

    covers = [i["cover_image"] for i in response.json()["items"] if i["title"] == "岷县黄芪 现货"]
    assert covers[0]["title"] == article.title
    assert covers[0]["rendition"]["url"].startswith("/media/images/")
    assert "original_images" not in response.content.decode()
    assert "download_url" not in response.content.decode()


def test_live_report_downloads_inline_in_wechat(client, media):
    report = media["document:live"]

    response = client.get(report.obj.url, HTTP_USER_AGENT=WECHAT_UA)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert _content(response) == PDF


def test_document_files_have_no_direct_url(client, request, media):
    report = media["document:live"].obj
    answered = {}

    for viewer, (user_fixture, *_) in VIEWERS.items():
        client.logout()
        if user_fixture is not None:
            client.force_login(request.getfixturevalue(user_fixture))
        response = client.get(f"/media/{report.file.name}")
        answered[viewer] = (response.status_code, report.filename.encode() in response.content)

    assert report.file.name == "documents/live-report.pdf"
    assert answered == dict.fromkeys(VIEWERS, (404, False))


def test_images_search_with_any_text_answers_results(client, media):
    queries = ['"', '""', "'", '"cover', 'cover"', 'co"ver', "*", "NEAR(a b)", "a AND", "\\", "^"]
    answers = {}

    for query in queries:
        response = client.get("/api/v2/images/", {"search": query})
        answers[query] = (response.status_code, [i["title"] for i in response.json()["items"]])

    assert answers == {
        query: (200, ["岷县黄芪封面 live-cover"] if "cover" in query else []) for query in queries
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"search": "黄" * 101}, "search: at most 100 characters"),
        ({"search": "黄芪\x00"}, "search: control characters are not allowed"),
        ({"search": "黄芪", "search_operator": "xor"}, "search_operator: must be 'and' or 'or'"),
    ],
    ids=["too-long", "nul", "bad-operator"],
)
def test_images_search_refuses_unusable_text(client, site, params, message):
    response = client.get("/api/v2/images/", params)

    assert response.status_code == 400
    assert response.json() == {"message": message}


def test_images_search_finds_only_public_images(client, media):
    response = client.get("/api/v2/images/", {"search": "cover"})  # draft-cover is hidden

    assert response.status_code == 200
    assert [i["title"] for i in response.json()["items"]] == ["岷县黄芪封面 live-cover"]
    assert "draft-cover" not in response.content.decode()


def test_hidden_files_answer_exactly_like_missing_ones(client, media):
    report, image = media["document:draft"].obj, media["image:draft"].obj
    rendition_url = image.get_rendition("fill-480x270").url
    hidden = [client.get(report.url), client.get(rendition_url), client.get(image.file.url)]
    missing = [
        client.get(f"/documents/999999/{report.filename}"),
        client.get(rendition_url.replace("draft-cover", "no-such-image")),
        client.get(image.file.url.replace("draft-cover", "no-such-image")),
    ]

    def answer(response) -> tuple:
        return response.status_code, response["Content-Type"], response.content

    assert [answer(r) for r in hidden] == [answer(r) for r in missing]
    assert answer(hidden[0]) == (
        404,
        "text/plain; charset=utf-8",
        gettext("This file does not exist or is not published.").encode(),
    )
