"""The security baseline a municipality's IT department checks first."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_login_page_sends_strict_security_headers(client: Client) -> None:
    response = client.get("/konto/logga-in/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_need_login_and_the_login_page_is_swedish(client: Client) -> None:
    response = client.get("/arenden/")
    assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")
    page = client.get("/konto/logga-in/").content.decode()
    assert '<html lang="sv">' in page and "Logga in i Brygga" in page


@pytest.mark.django_db
def test_a_signed_in_users_pages_are_never_stored(client: Client, django_user_model) -> None:
    user = django_user_model.objects.create_user("x", password="irrelevant-lösenord")
    client.force_login(user)
    cache_control = client.get("/tillganglighet/")["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    client.logout()
    assert "no-store" not in client.get("/tillganglighet/").get("Cache-Control", "")


@pytest.mark.django_db
def test_logout_is_post_only(client: Client, django_user_model) -> None:
    user = django_user_model.objects.create_user("x", password="irrelevant-lösenord")
    client.force_login(user)
    assert client.get("/konto/logga-ut/").status_code == 405
    assert client.post("/konto/logga-ut/").status_code == 302
