"""Fixtures the analytics tests share: a platform staff login and a client logged in as it."""

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def staff(site):
    return get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-123456")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
