"""Supplier workspaces: onboarding, and that supplier A can never reach supplier B's work."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from content.demo_media import report_pdf
from content.models import ArticlePage, SupplierPage
from content.workspaces import create_supplier
from tests.factories import ArticlePageFactory

Image = get_image_model()
Document = get_document_model()


@pytest.fixture
def b_article(supplier_b):
    """A draft article in B's workspace (never published)."""
    article = ArticlePageFactory(parent=supplier_b.page, title="文山三七草稿", live=False)
    article.save_revision()
    return article


@pytest.fixture
def b_media(supplier_b):
    image = Image.objects.create(
        title="B 的图片", file=get_test_image_file(), collection=supplier_b.collection
    )
    document = Document.objects.create(
        title="B 的报告",
        collection=supplier_b.collection,
        file=SimpleUploadedFile("b.pdf", report_pdf("B report", [])),
    )
    return image, document


def test_create_supplier_is_idempotent(site):
    first = create_supplier("亳州本草饮片有限公司", region="安徽省亳州市")
    second = create_supplier("亳州本草饮片有限公司")

    assert first.page.pk == second.page.pk
    assert SupplierPage.objects.filter(title="亳州本草饮片有限公司").count() == 1
    assert first.page.slug == "bo-zhou-ben-cao-yin-pian-you-xian-gong-si"
    assert first.page.live
    assert sorted(first.group.page_permissions.values_list("permission__codename", flat=True)) == [
        "add_page",
        "change_page",
    ]


def test_create_supplier_command_with_login(site, capsys):
    call_command("create_supplier", "岷县当归合作社", "--username", "mx", "--password", "pw-123456")

    out = capsys.readouterr().out
    page = SupplierPage.objects.get(title="岷县当归合作社")
    assert "login: mx (member of 供应商 岷县当归合作社 only)" in out
    assert list(page.group.user_set.values_list("username", flat=True)) == ["mx"]


def test_supplier_explorer_is_own_subtree_only(client_a, supplier_a, supplier_b):
    own = ArticlePageFactory(parent=supplier_a.page, title="A 的文章")

    mine = client_a.get(reverse("wagtailadmin_explore", args=[supplier_a.page.pk]))
    theirs = client_a.get(reverse("wagtailadmin_explore", args=[supplier_b.page.pk]))

    assert mine.status_code == 200
    assert own.title in mine.content.decode()
    assert theirs.status_code == 404
    assert supplier_b.page.title not in theirs.content.decode()


def test_admin_search_finds_own_drafts_only(
    client_a, supplier_a, supplier_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the search index updates on commit
        ArticlePageFactory(parent=supplier_a.page, title="Astragalus 甲方草稿", live=False)
        ArticlePageFactory(parent=supplier_b.page, title="Astragalus 乙方草稿", live=False)

    response = client_a.get(reverse("wagtailadmin_pages:search"), {"q": "Astragalus"})

    assert response.status_code == 200
    assert "Astragalus 甲方草稿" in response.content.decode()
    assert "Astragalus 乙方草稿" not in response.content.decode()


def _chooser_html(response) -> str:
    """The page chooser answers a modal step: JSON carrying the HTML."""
    assert response.status_code == 200
    return response.json()["html"]


def test_page_chooser_search_shows_live_pages_and_own_drafts(
    client_a, supplier_a, supplier_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePageFactory(parent=supplier_a.page, title="Radix 甲方草稿", live=False)
        ArticlePageFactory(parent=supplier_b.page, title="Radix 乙方草稿", live=False)
        ArticlePageFactory(parent=supplier_b.page, title="Radix 乙方已发布")

    response = client_a.get(reverse("wagtailadmin_choose_page_search"), {"q": "Radix"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Radix 甲方草稿" in html
    assert "Radix 乙方已发布" in html
    assert "Radix 乙方草稿" not in html


def test_page_chooser_browse_hides_other_workspace_drafts(client_a, supplier_a, supplier_b):
    own_draft = ArticlePageFactory(parent=supplier_a.page, title="甲方草稿", live=False)
    their_draft = ArticlePageFactory(parent=supplier_b.page, title="乙方草稿", live=False)
    ArticlePageFactory(parent=supplier_b.page, title="乙方已发布")
    # a live page renamed in a pending draft: the chooser would show the unpublished title
    renamed = ArticlePageFactory(parent=supplier_b.page, title="乙方旧标题")
    renamed.title = "乙方未发布的新标题"
    renamed.save_revision()

    own = _chooser_html(
        client_a.get(reverse("wagtailadmin_choose_page_child", args=[supplier_a.page.pk]))
    )
    theirs = _chooser_html(
        client_a.get(reverse("wagtailadmin_choose_page_child", args=[supplier_b.page.pk]))
    )
    into_draft = client_a.get(reverse("wagtailadmin_choose_page_child", args=[their_draft.pk]))

    assert own_draft.title in own
    assert "乙方已发布" in theirs
    assert "乙方草稿" not in theirs
    assert "乙方未发布的新标题" not in theirs
    assert into_draft.status_code == 404
    assert "乙方草稿" not in into_draft.content.decode()


def test_reports_menu_hides_platform_wide_reports_from_suppliers(rf, supplier_a, moderator):
    from wagtail.admin.menu import reports_menu

    def names(user) -> list[str]:
        request = rf.get("/admin/")
        request.user = user
        return sorted(item.name for item in reports_menu.menu_items_for_request(request))

    assert names(supplier_a.user) == ["aging-pages", "workflow-tasks", "workflows"]
    assert names(moderator) == [
        "aging-pages",
        "locked-pages",
        "page-types-usage",
        "site-history",
        "workflow-tasks",
        "workflows",
    ]


@pytest.mark.parametrize(
    "url_name",
    ["wagtailadmin_pages:edit", "wagtailadmin_pages:delete", "wagtailadmin_pages:unpublish"],
)
def test_supplier_cannot_open_other_workspace_pages(client_a, b_article, url_name):
    response = client_a.get(reverse(url_name, args=[b_article.pk]))

    assert response.status_code == 404
    assert b_article.title not in response.content.decode()


def test_supplier_cannot_edit_or_publish_other_workspace_page(client_a, b_article):
    edit = reverse("wagtailadmin_pages:edit", args=[b_article.pk])

    client_a.post(edit, {"title": "被篡改", "slug": "x", "action-publish": "1"})

    b_article.refresh_from_db()
    assert b_article.title == "文山三七草稿"
    assert not b_article.live
    assert b_article.get_latest_revision_as_object().title == "文山三七草稿"


def test_supplier_cannot_add_pages_in_other_workspace(client_a, supplier_b):
    url = reverse("wagtailadmin_pages:add", args=["content", "articlepage", supplier_b.page.pk])

    response = client_a.post(
        url, {"title": "入侵", "slug": "intrude", "summary": "x", "kind": "product"}
    )

    assert response.status_code == 404
    assert not ArticlePage.objects.filter(slug="intrude").exists()


def test_supplier_media_listing_shows_only_own_collection(client_a, supplier_a, b_media):
    own = Image.objects.create(
        title="A 的图片",
        file=get_test_image_file(),
        collection=supplier_a.collection,
        uploaded_by_user=supplier_a.user,
    )

    own_document = Document.objects.create(
        title="A 的报告",
        collection=supplier_a.collection,
        file=SimpleUploadedFile("a.pdf", report_pdf("A report", [])),
    )

    images = client_a.get(reverse("wagtailimages:index"))
    documents = client_a.get(reverse("wagtaildocs:index"))
    image_chooser = client_a.get(reverse("wagtailimages_chooser:choose"))
    document_chooser = client_a.get(reverse("wagtaildocs_chooser:choose"))

    assert [r.status_code for r in (images, documents, image_chooser, document_chooser)] == [
        200,
        200,
        200,
        200,
    ]
    assert own.title in images.content.decode()
    assert "B 的图片" not in images.content.decode()
    assert own.title in image_chooser.json()["html"]
    assert "B 的图片" not in image_chooser.json()["html"]
    assert own_document.title in documents.content.decode()
    assert "B 的报告" not in documents.content.decode()
    assert own_document.title in document_chooser.json()["html"]
    assert "B 的报告" not in document_chooser.json()["html"]


def test_supplier_cannot_edit_other_workspace_media(client_a, b_media):
    image, document = b_media

    image_resp = client_a.get(reverse("wagtailimages:edit", args=[image.pk]))
    doc_resp = client_a.post(reverse("wagtaildocs:edit", args=[document.pk]), {"title": "改"})

    assert image_resp.status_code == 404
    assert doc_resp.status_code == 404
    document.refresh_from_db()
    assert document.title == "B 的报告"


def test_supplier_cannot_upload_into_other_collection(client_a, supplier_a, supplier_b):
    url = reverse("wagtaildocs:add")
    pdf = SimpleUploadedFile("r.pdf", report_pdf("x", []), content_type="application/pdf")

    response = client_a.post(
        url, {"title": "偷放", "file": pdf, "collection": supplier_b.collection.pk}
    )

    # A has one collection, so the form has no collection choice: the file lands in A's own
    assert response.status_code == 302
    assert Document.objects.get(title="偷放").collection == supplier_a.collection


def test_supplier_can_upload_pdf_report_into_own_collection(client_a, supplier_a):
    pdf = SimpleUploadedFile("r.pdf", report_pdf("x", []), content_type="application/pdf")

    client_a.post(
        reverse("wagtaildocs:add"),
        {"title": "检测报告", "file": pdf, "collection": supplier_a.collection.pk},
    )

    assert Document.objects.get(title="检测报告").collection == supplier_a.collection


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "该文件似乎不是 PDF 文档。"),
        ("report.exe", b"%PDF-1.4", "检测报告必须为 PDF 文件（.pdf）。"),
    ],
    ids=["wrong-content", "wrong-extension"],
)
def test_report_upload_rejects_non_pdf(client_a, supplier_a, name, content, error):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = client_a.post(
        reverse("wagtaildocs:add"),
        {"title": "坏文件", "file": upload, "collection": supplier_a.collection.pk},
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Document.objects.filter(title="坏文件").exists()


def test_public_api_never_shows_other_workspace_drafts(client_a, b_article):
    listing = client_a.get("/api/v2/pages/?type=content.ArticlePage").json()
    detail = client_a.get(f"/api/v2/pages/{b_article.pk}/")

    assert listing["meta"]["total_count"] == 0
    assert detail.status_code == 404


def test_admin_api_does_not_expose_other_workspace(client_a, b_article):
    response = client_a.get(f"/admin/api/main/pages/{b_article.pk}/")

    assert response.status_code == 404


def test_moving_an_article_moves_its_supplier(supplier_a, supplier_b):
    article = ArticlePageFactory(parent=supplier_a.page, title="搬家文章")

    article.move(supplier_b.page, pos="last-child")

    assert ArticlePage.objects.get(pk=article.pk).supplier == supplier_b.page
