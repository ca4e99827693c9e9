"""The isolation matrix: every URL that names a supplier's unpublished work, asked by every role.

Each ``Row`` is one admin view, API endpoint, export or media URL, built from supplier B's objects
(``conftest.Secret``), and is requested by four roles:

- anonymous: sent to the admin login (admin URLs) or refused with 401/403/404;
- other: supplier A's user, refused with 403/404, or 200 for a listing scoped to A's workspace;
- owner: supplier B's user, ``owner`` (200 unless suppliers are refused that view);
- staff: platform staff (a superuser), ``staff`` (200).

Anonymous and other never find any of the row's markers (unique titles of B's objects) in the
body; the owner and staff, where ``owner_sees``/``staff_sees``, find the first one (a positive
control that the row would catch a leak). Grow the matrix by adding rows (inquiries, dashboards,
exports); mark a role ``xfail`` (strict) only for a known leak that named work is closing.
"""

import json
from dataclasses import dataclass, field

import pytest

from analytics.api_tokens import issue_token
from tests.isolation.conftest import RETURNS_DAY, Secret

ROLES = ("anonymous", "other", "owner", "staff")
REFUSED = (403, 404)
ANONYMOUS_REFUSED = (401, 403, 404)
LOGIN = "login"  # anonymous admin requests: 302 to the admin login
LISTING = 200  # a listing the other supplier may open, scoped to its own workspace
DENIED = 302  # Wagtail's own "permission denied": a redirect to the dashboard with a message
HIDDEN = 403  # a platform-wide view suppliers cannot open


@dataclass(frozen=True)
class Row:
    id: str
    path: str  # formatted with s=Secret, e.g. "/admin/pages/{s.draft.pk}/edit/"
    markers: tuple[str, ...] = ("draft",)  # keys of Secret.markers; the first is the positive one
    anonymous: str | int = LOGIN
    other: int | tuple[int, ...] = REFUSED
    owner: int = 200
    staff: int = 200
    owner_sees: bool = True
    staff_sees: bool = True
    # "token": other and owner send their supplier's API token instead of a session
    auth: str = "session"
    # a POST: its form fields, each value formatted like ``path`` (None: a GET)
    post: dict[str, str] | None = None
    # a public marker (key of Secret.markers) every role finds: the row's positive control
    # where the secret is a draft of something public (a live page renamed in a draft)
    shown: str = ""
    # role -> reason: a known leak that named work closes (strict, so its fix shows up here)
    xfail: dict[str, str] = field(default_factory=dict)

    def url(self, secret: Secret) -> str:
        return self.path.format(s=secret)

    def data(self, secret: Secret) -> dict[str, str]:
        return {k: v.format(s=secret) for k, v in (self.post or {}).items()}


def api(row_id: str, path: str, **expected) -> Row:
    """A public or typed API row: no admin login, refused or empty for anonymous visitors."""
    return Row(row_id, path, **{"anonymous": ANONYMOUS_REFUSED, **expected})


def owner_denied(row_id: str, path: str, **expected) -> Row:
    """A view of the owner's own page that Wagtail refuses suppliers (no such permission)."""
    return Row(row_id, path, owner=DENIED, owner_sees=False, **expected)


def platform_only(row_id: str, path: str, **expected) -> Row:
    """A platform-wide view: refused to every supplier, the owner's too."""
    return Row(row_id, path, owner=HIDDEN, owner_sees=False, **expected)


PAGE = "/admin/pages/{s.draft.pk}"
BULK_PAGE = "/admin/bulk/wagtailcore/page/"
# a malformed id: 404 for every admin user, before any view reads it
MALFORMED = {"owner": 404, "staff": 404, "owner_sees": False, "staff_sees": False}
RETURNS = f"/api/v1/analytics/returns/?start={RETURNS_DAY}&end={RETURNS_DAY}"
RETURNS_DASHBOARD = f"/admin/analytics/returns/?start={RETURNS_DAY}&end={RETURNS_DAY}"

ROWS = [
    # page explorer, editor, history, revisions, workflow
    Row("explore", "/admin/pages/{s.supplier_page_id}/"),
    Row("explore-results", "/admin/pages/{s.supplier_page_id}/results/"),
    Row("page-edit", f"{PAGE}/edit/"),
    Row("page-preview", f"{PAGE}/edit/preview/", owner_sees=False, staff_sees=False),
    Row("page-view-draft", f"{PAGE}/view_draft/"),
    Row("page-history", f"{PAGE}/history/"),
    Row("page-history-results", f"{PAGE}/history/results/", owner_sees=False, staff_sees=False),
    Row(
        "page-revisions",
        f"{PAGE}/revisions/",
        owner=302,
        staff=302,
        owner_sees=False,
        staff_sees=False,
    ),
    Row("page-revision-view", PAGE + "/revisions/{s.first_revision_id}/view/"),
    Row("page-revision-revert", PAGE + "/revisions/{s.first_revision_id}/revert/"),
    Row(
        "page-revisions-compare",
        PAGE + "/revisions/compare/{s.first_revision_id}...{s.latest_revision_id}/",
    ),
    Row("page-usage", f"{PAGE}/usage/"),
    Row("page-delete", f"{PAGE}/delete/"),
    Row("page-copy", f"{PAGE}/copy/"),
    Row("page-move", f"{PAGE}/move/"),
    Row(
        "page-add-subpage",
        "/admin/pages/{s.supplier_page_id}/add_subpage/",
        owner=302,
        staff=302,
        owner_sees=False,
        staff_sees=False,
    ),  # one page type: straight to its form
    owner_denied("page-privacy", f"{PAGE}/privacy/", staff_sees=False),
    Row("page-workflow-history", f"{PAGE}/workflow_history/"),
    owner_denied(
        "page-workflow-preview", "/admin/pages/workflow/preview/{s.draft.pk}/{s.task_id}/"
    ),
    Row(
        "page-workflow-cancel",
        "/admin/pages/workflow/confirm_cancellation/{s.draft.pk}/",
        owner_sees=False,
        staff_sees=False,
    ),
    Row("page-bulk-delete", "/admin/bulk/wagtailcore/page/delete/?id={s.draft.pk}"),
    Row(
        "page-editing-session",
        "/admin/editing-sessions/ping/wagtailcore/page/{s.draft.pk}/1/",
        owner=405,
        staff=405,
        owner_sees=False,
        staff_sees=False,
    ),
    # ids Wagtail reads with int() but are not plain digits: refused to every admin user
    Row("page-bulk-plus", BULK_PAGE + "delete/?id=%2B{s.draft.pk}", **MALFORMED),
    Row("page-bulk-space", BULK_PAGE + "delete/?id=%20{s.draft.pk}", **MALFORMED),
    Row(
        "chooser-chosen-plus", "/admin/choose-page/chosen-multiple/?id=%2B{s.draft.pk}", **MALFORMED
    ),
    Row(
        "image-bulk-plus",
        "/admin/bulk/wagtailimages/image/delete/?id=%2B{s.image_id}",
        markers=("image",),
        **MALFORMED,
    ),
    Row(
        "document-bulk-plus",
        "/admin/bulk/wagtaildocs/document/delete/?id=%2B{s.document_id}",
        markers=("document",),
        **MALFORMED,
    ),
    # non-ASCII digits ("²" is a digit to str.isdigit(), not to int())
    Row("chooser-parent-superscript", "/admin/choose-page/?parent_page_id=%C2%B2", **MALFORMED),
    Row("admin-api-child-superscript", "/admin/api/main/pages/?child_of=%C2%B2", **MALFORMED),
    # "select all" in a bulk action: the children of B's supplier page, or every page at all
    *(
        Row(f"page-bulk-{action}-all", BULK_PAGE + action + "/?id=all&childOf={s.supplier_page_id}")
        for action in ("delete", "unpublish", "move", "publish")
    ),
    Row("page-bulk-all-everywhere", BULK_PAGE + "delete/?id=all", owner=404, owner_sees=False),
    # a live page renamed in a draft, and a password-protected live page, in the page chooser
    Row(
        "chooser-search-renamed",
        "/admin/choose-page/search/?q=RN2LIVE",
        markers=("renamed",),
        other=LISTING,
    ),
    Row(
        "chooser-chosen-renamed",
        "/admin/choose-page/chosen-multiple/?id={s.renamed.pk}",
        markers=("renamed",),
    ),
    Row(
        "chooser-search-protected",
        "/admin/choose-page/search/?q=PW5PROTECTED",
        markers=("protected",),
        other=LISTING,
    ),
    Row(
        "chooser-chosen-protected",
        "/admin/choose-page/chosen-multiple/?id={s.protected.pk}",
        markers=("protected",),
    ),
    # the external-link chooser no longer turns a page's URL into a link titled with its draft
    *(
        Row(
            f"chooser-external-link-{key}",
            "/admin/choose-external-link/",
            markers=(key,),
            other=LISTING,
            owner_sees=False,
            staff_sees=False,
            post={"external-link-chooser-url": "{s." + key + ".url}"},
        )
        for key in ("renamed", "protected")
    ),
    # admin search and the admin API behind the explorer menu
    Row("admin-search", "/admin/pages/search/?q=QX7DRAFT", other=LISTING),
    Row("admin-search-results", "/admin/pages/search/results/?q=QX7DRAFT", other=LISTING),
    Row("admin-api-page", "/admin/api/main/pages/{s.draft.pk}/"),
    Row(
        "admin-api-children",
        "/admin/api/main/pages/?child_of={s.supplier_page_id}",
        markers=("draft", "locked"),
    ),
    Row("admin-api-search", "/admin/api/main/pages/?search=QX7DRAFT", other=LISTING),
    Row(
        "page-type-use",
        "/admin/pages/usage/content/articlepage/",
        markers=("draft", "locked"),
        other=LISTING,
    ),
    # page chooser (rich text links, page choosers)
    Row("chooser-root", "/admin/choose-page/", other=LISTING, owner_sees=False, staff_sees=False),
    Row(
        "chooser-browse-supplier",
        "/admin/choose-page/{s.supplier_page_id}/",
        markers=("draft", "locked"),
        other=LISTING,
    ),
    Row("chooser-browse-draft", "/admin/choose-page/{s.draft.pk}/"),
    Row("chooser-search", "/admin/choose-page/search/?q=QX7DRAFT", other=LISTING),
    Row("chooser-chosen", "/admin/choose-page/chosen-multiple/?id={s.draft.pk}"),
    Row(
        "chooser-link-parent",
        "/admin/choose-external-link/?parent_page_id={s.draft.pk}",
        owner_sees=False,
        staff_sees=False,
    ),
    # dashboard and reports
    Row("dashboard", "/admin/", markers=("draft", "locked"), other=LISTING),
    platform_only("report-locked", "/admin/reports/locked/", markers=("locked",)),
    Row("report-workflow", "/admin/reports/workflow/", other=LISTING),
    Row("report-workflow-export", "/admin/reports/workflow/?export=csv", other=LISTING),
    Row("report-workflow-tasks", "/admin/reports/workflow_tasks/", other=LISTING),
    platform_only("report-site-history", "/admin/reports/site-history/"),
    platform_only("report-site-history-export", "/admin/reports/site-history/?export=csv"),
    # aging pages lists pages the user may publish: none for suppliers, whose edits are moderated
    Row(
        "report-aging-pages",
        "/admin/reports/aging-pages/",
        markers=("live",),
        other=LISTING,
        owner_sees=False,
    ),
    Row(
        "report-aging-export",
        "/admin/reports/aging-pages/?export=csv",
        markers=("live",),
        other=LISTING,
        owner_sees=False,
    ),
    # "last edited page" per page type: B's newest article
    platform_only(
        "report-page-types", "/admin/reports/page-types-usage/", markers=("live", "locked", "draft")
    ),
    # images
    Row("image-edit", "/admin/images/{s.image_id}/", markers=("image",)),
    Row("image-usage", "/admin/images/usage/{s.image_id}/", markers=("image", "draft")),
    Row("image-delete", "/admin/images/{s.image_id}/delete/", markers=("image",)),
    Row("image-index", "/admin/images/?q=IM5IMAGE", markers=("image",), other=LISTING),
    Row("image-chooser", "/admin/images/chooser/", markers=("image",), other=LISTING),
    Row("image-chosen", "/admin/images/chooser/chosen/{s.image_id}/", markers=("image",)),
    Row(
        "image-bulk-delete",
        "/admin/bulk/wagtailimages/image/delete/?id={s.image_id}",
        markers=("image",),
    ),
    platform_only("admin-api-images", "/admin/api/main/images/", markers=("image",)),
    platform_only("admin-api-image", "/admin/api/main/images/{s.image_id}/", markers=("image",)),
    # documents
    Row("document-edit", "/admin/documents/edit/{s.document_id}/", markers=("document",)),
    Row("document-usage", "/admin/documents/usage/{s.document_id}/", markers=("document", "draft")),
    Row("document-delete", "/admin/documents/delete/{s.document_id}/", markers=("document",)),
    Row("document-index", "/admin/documents/?q=DC9REPORT", markers=("document",), other=LISTING),
    Row("document-chooser", "/admin/documents/chooser/", markers=("document",), other=LISTING),
    Row(
        "document-chosen", "/admin/documents/chooser/chosen/{s.document_id}/", markers=("document",)
    ),
    platform_only("admin-api-documents", "/admin/api/main/documents/", markers=("document",)),
    platform_only(
        "admin-api-document", "/admin/api/main/documents/{s.document_id}/", markers=("document",)
    ),
    # public and typed APIs, feeds
    api(
        "api-page-detail",
        "/api/v2/pages/{s.draft.pk}/",
        owner=404,
        staff=404,
        owner_sees=False,
        staff_sees=False,
    ),
    api(
        "api-page-search",
        "/api/v2/pages/?search=QX7DRAFT",
        anonymous=200,
        other=LISTING,
        owner_sees=False,
        staff_sees=False,
    ),
    api(
        "search-api",
        "/api/v1/search/?q=QX7DRAFT",
        anonymous=200,
        other=LISTING,
        owner_sees=False,
        staff_sees=False,
    ),
    api(
        "feed", "/feed/articles/", anonymous=200, other=LISTING, owner_sees=False, staff_sees=False
    ),
    *(
        api(
            f"{row_id}-renamed",
            path,
            markers=("renamed",),
            anonymous=200,
            other=LISTING,
            owner_sees=False,
            staff_sees=False,
            shown="renamed_live",
        )
        for row_id, path in (
            ("api-page-search", "/api/v2/pages/?search=RN2LIVE"),
            ("search-api", "/api/v1/search/?q=RN2LIVE"),
            ("feed", "/feed/articles/"),
        )
    ),
    api(
        "api-page-search-protected",
        "/api/v2/pages/?search=PW5PROTECTED",
        markers=("protected",),
        anonymous=200,
        other=LISTING,
        owner_sees=False,
        staff_sees=False,
    ),
    # the inquiry form names the page it was opened from: only a live, unrestricted one
    api(
        "inquire-protected",
        "/inquire/?page={s.protected.pk}",
        markers=("protected",),
        anonymous=200,
        other=200,
        owner_sees=False,
        staff_sees=False,
    ),
    api(
        "inquire-renamed",
        "/inquire/?page={s.renamed.pk}",
        markers=("renamed",),
        anonymous=200,
        other=200,
        owner_sees=False,
        staff_sees=False,
        shown="renamed_live",
    ),
    api(
        "inquire-superscript",
        "/inquire/?page=%C2%B2",
        markers=(),
        anonymous=200,
        other=200,
        owner_sees=False,
        staff_sees=False,
    ),
    api(
        "analytics-shares",
        "/api/v1/analytics/shares/{s.draft.pk}/",
        owner=403,
        owner_sees=False,
        staff_sees=False,
    ),  # suppliers' own analytics: later work
    # the inquiry inbox (analytics/inbox.py): a supplier's inbox lists only its own inquiries
    Row("inquiry-inbox", "/admin/inquiries/", markers=("inquiry",), other=LISTING),
    Row(
        "inquiry-inbox-filter",
        "/admin/inquiries/?supplier={s.supplier_page_id}",
        markers=("inquiry",),
        other=LISTING,
    ),
    Row("inquiry-detail", "/admin/inquiries/{s.inquiry_id}/", markers=("inquiry",)),
    api(
        "inquiry-api-read",
        "/api/v1/inquiries/{s.inquiry_id}/",
        markers=("inquiry",),
        other=(404, 405),
        owner=404,
        staff=404,
        owner_sees=False,
        staff_sees=False,
    ),
    # orders (analytics/order_views.py): a supplier's listing holds only its own orders
    Row("orders-listing", "/admin/orders/", markers=("order",), other=LISTING),
    # sourcing returns (analytics/returns.py): B's live article, by session and by API token
    api("returns-api", RETURNS, markers=("live",), other=LISTING),
    api("returns-api-token", RETURNS, markers=("live",), other=LISTING, auth="token"),
    # the sourcing-returns dashboard: B's live article under the cost the platform entered for it
    # (another supplier asking for B by ?supplier= still gets its own scope)
    *(
        Row(row_id, RETURNS_DASHBOARD + query, markers=("live",), other=LISTING)
        for row_id, query in (
            ("returns-dashboard", ""),
            ("returns-dashboard-switch", "&supplier={s.supplier_page_id}&model=u_shaped"),
            ("returns-dashboard-csv", "&supplier={s.supplier_page_id}&format=csv"),
        )
    ),
    # content costs and API tokens: platform staff only, never a supplier (not even the owner)
    Row(
        "content-costs",
        "/admin/returns/costs/",
        markers=("cost",),
        other=DENIED,
        owner=DENIED,
        owner_sees=False,
    ),
    Row(
        "content-cost-edit",
        "/admin/returns/costs/edit/{s.cost_id}/",
        markers=("cost",),
        other=DENIED,
        owner=DENIED,
        owner_sees=False,
    ),
    Row(
        "buying-group",
        "/admin/buyers/groups/{s.account_id}/",
        markers=("order",),
        other=DENIED,
        owner=DENIED,
        owner_sees=False,
    ),
    Row(
        "api-tokens",
        "/admin/returns/api-tokens/",
        markers=("token",),
        other=DENIED,
        owner=DENIED,
        owner_sees=False,
    ),
    # buyer-company dashboards (analytics/buyer_views.py): B's order makes its buyer B's company
    Row("buyer-companies", "/admin/analytics/buyers/", markers=("buyer",), other=LISTING),
    Row(
        "buyer-companies-csv",
        "/admin/analytics/buyers/?format=csv",
        markers=("buyer",),
        other=LISTING,
    ),
    Row(
        "buyer-timeline",
        "/admin/analytics/buyers/{s.account_id}/",
        markers=("order", "buyer"),
    ),
    Row(
        "buyer-timeline-csv",
        "/admin/analytics/buyers/{s.account_id}/?format=csv",
        markers=("order", "buyer"),
    ),
    # the buyer never read an article: no cohort holds it, for anyone
    Row(
        "cohorts",
        "/admin/analytics/cohorts/?format=csv",
        markers=("buyer", "order"),
        other=LISTING,
        owner_sees=False,
        staff_sees=False,
    ),
    # media and document serving (content/media_access.py); the public API lists only images on
    # live pages, for everyone alike (drafts' images are reviewed in the admin)
    api(
        "api-image-detail",
        "/api/v2/images/{s.image_id}/",
        markers=("image",),
        owner=404,
        staff=404,
        owner_sees=False,
        staff_sees=False,
    ),
    api(
        "api-image-listing",
        "/api/v2/images/?search=IM5IMAGE",
        markers=("image",),
        anonymous=LISTING,  # public images only: an empty page here
        other=LISTING,
        owner_sees=False,
        staff_sees=False,
    ),
    api(
        "media-original",
        "/media/{s.image_file}",
        markers=(),
        owner_sees=False,
        staff_sees=False,
    ),
    api(
        "media-rendition",
        "{s.rendition_url}",
        markers=(),
        owner_sees=False,
        staff_sees=False,
    ),
    api(
        "document-serve",
        "/documents/{s.document_id}/{s.document_filename}",
        markers=(),
        owner_sees=False,
        staff_sees=False,
    ),
]


def _cases():
    for row in ROWS:
        for role in ROLES:
            reason = row.xfail.get(role)
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            yield pytest.param(row, role, id=f"{row.id}-{role}", marks=marks)


CASES = list(_cases())


def body_text(response) -> str:
    """The response body as text, with JSON (chooser modals, APIs) unescaped."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    text = raw.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json") and text:
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def assert_status(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    elif isinstance(expected, tuple):
        assert response.status_code in expected
    else:
        assert response.status_code == expected


@pytest.fixture
def log_in(client, supplier_a, supplier_b, staff_user):
    users = {"other": supplier_a.user, "owner": supplier_b.user, "staff": staff_user}
    suppliers = {"other": supplier_a.page, "owner": supplier_b.page}

    def as_role(role: str, auth: str = "session") -> dict:
        """Log in (session) or return the headers carrying the role's supplier API token."""
        if auth == "token" and role in suppliers:
            _record, token = issue_token(suppliers[role])
            return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if role in users:
            client.force_login(users[role])
        return {}

    return as_role


@pytest.mark.parametrize(("row", "role"), CASES)
def test_isolation(client, log_in, secret, row: Row, role: str):
    headers = log_in(role, row.auth)

    if row.post is None:
        response = client.get(row.url(secret), **headers)
    else:
        response = client.post(row.url(secret), row.data(secret), **headers)

    body = body_text(response)
    markers = [secret.markers[key] for key in row.markers]
    assert_status(response, getattr(row, role))
    if role in ("anonymous", "other"):
        assert [m for m in markers if m in body] == []
    elif getattr(row, f"{role}_sees"):
        assert markers[0] in body
    if row.shown:
        assert secret.markers[row.shown] in body


def test_matrix_size():
    """The matrix covers every row for every role (a row added is a row tested four times)."""
    assert len(CASES) == len(ROWS) * len(ROLES)
    assert len({row.id for row in ROWS}) == len(ROWS)
