"""seed_demo: a small demo (with engagement) is complete and a rerun adds nothing."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.documents import get_document_model

from analytics.models import Account, DailyRollup, RawEvent
from content.models import ArticlePage, SupplierPage


def test_seed_demo_builds_a_living_site_and_is_idempotent(db, capsys):
    args = ["--suppliers", "3", "--articles", "9", "--insights", "2", "--no-progress"]
    args += ["--engagement-days", "3"]

    call_command("seed_demo", *args)
    first = capsys.readouterr().out
    call_command("seed_demo", *args)
    second = capsys.readouterr().out

    assert "3 suppliers; articles: 11 created, 0 already there" in first
    assert "3 suppliers; articles: 0 created, 11 already there" in second
    stored = int(first.split("engagement: ")[1].split()[0])
    assert stored > 100
    assert "engagement: 0 new events over 3 days" in second
    assert RawEvent.objects.count() == stored
    site_days = DailyRollup.objects.filter(dimension="site")
    assert site_days.count() == 3
    assert sum(site_days.values_list("views", flat=True)) == (
        RawEvent.objects.filter(type="pageview").count()
    )
    assert DailyRollup.objects.filter(dimension="account").exists()
    assert Account.objects.count() == 6  # every demo buyer company has contacts
    assert ArticlePage.objects.live().count() == 11
    assert SupplierPage.objects.live().count() == 3
    articles = ArticlePage.objects.filter(supplier__isnull=False)
    assert all(a.cover_image_id and a.materials.exists() for a in articles)
    assert {b.block_type for a in articles for b in a.body} >= {
        "heading",
        "paragraph",
        "spec_table",
    }
    for doc in get_document_model().objects.all():
        assert doc.file.read(5) == b"%PDF-"
    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
    assert users.get(username="supplier1").groups.get().supplier_page.title == (
        SupplierPage.objects.order_by("pk").first().title
    )
