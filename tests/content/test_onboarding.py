"""The admin's Onboard supplier action."""

from django.urls import reverse

from content.models import SupplierPage


def test_admin_onboards_a_supplier_with_a_login(admin_client, site):
    response = admin_client.post(
        reverse("content_onboard_supplier"),
        {
            "name": "安国数字药都饮片厂",
            "region": "河北省安国市",
            "username": "anguo",
            "email": "a@example.com",
            "password": "long-enough-1",
        },
    )

    page = SupplierPage.objects.get(title="安国数字药都饮片厂")
    assert response.status_code == 302
    assert page.region == "河北省安国市"
    assert page.group.user_set.get().username == "anguo"


def test_onboarding_form_errors_write_nothing(admin_client, site):
    response = admin_client.post(reverse("content_onboard_supplier"), {"name": "", "password": "x"})

    assert response.status_code == 200
    assert not SupplierPage.objects.exists()


def test_suppliers_cannot_onboard(client_a):
    before = SupplierPage.objects.count()

    response = client_a.post(
        reverse("content_onboard_supplier"),
        {"name": "冒名公司", "username": "x", "password": "long-enough-1"},
    )

    # Wagtail's admin turns PermissionDenied into a redirect home with a message
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert SupplierPage.objects.count() == before


def test_onboarding_refuses_a_taken_login_and_writes_nothing(admin_client, supplier_a):
    before = SupplierPage.objects.count()

    response = admin_client.post(
        reverse("content_onboard_supplier"),
        {"name": "另一家公司", "username": "alice", "password": "long-enough-1"},
    )

    assert response.status_code == 200
    assert "该登录名已被占用。" in response.content.decode()
    assert SupplierPage.objects.count() == before
    assert list(supplier_a.user.groups.all()) == [supplier_a.group]
