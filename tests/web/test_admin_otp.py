"""The Django admin needs the second factor like every staff page."""

from __future__ import annotations

import pytest

from tests.cases.test_api import staff_client

pytestmark = pytest.mark.django_db


def test_admin_refuses_a_session_without_the_second_factor(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_opens_for_a_verified_administrator(client, admin_user):
    staff_client(client, admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "shebao" in response.content.decode()
