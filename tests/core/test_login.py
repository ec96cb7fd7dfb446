import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


def test_login_page_is_in_portuguese_and_in_the_admins_look(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "admin/css/base.css" in page and "admin/css/login.css" in page
    assert 'id="login-form"' in page
    assert "Ponte" in page and "Entrar" in page
    # Accounts are made by a manager: no sign-up offer.
    assert reverse("account_signup") not in page


@pytest.mark.parametrize("login", ["fin", "fin@example.com"])
def test_staff_log_in_with_username_or_email_and_land_in_the_admin(client, financeiro, login):
    response = client.post(LOGIN, {"login": login, "password": "senha-de-teste-123"})
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert client.get(reverse("admin:sales_sale_changelist")).status_code == 200


def test_a_wrong_password_is_refused_with_a_portuguese_message(client, financeiro):
    response = client.post(LOGIN, {"login": "fin", "password": "errada"})
    assert response.status_code == 200
    assert "senha especificados estão incorretos" in response.content.decode()


def test_the_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert "Ponte" in response.content.decode()
    client.post(
        reverse("account_signup"),
        {
            "username": "novo",
            "email": "novo@example.com",
            "password1": "x-Senha-123",
            "password2": "x-Senha-123",
        },
    )
    assert not get_user_model().objects.filter(username="novo").exists()


def test_two_factor_setup_is_in_the_admins_look(financeiro_client):
    # Asks for the password again first (recent login), on a page of the same look.
    response = financeiro_client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "admin/css/base.css" in page and "Ponte" in page


TOO_MANY = "Muitas tentativas"
PROXY = "10.0.0.2"


def _wrong_password(client, login, *, forwarded_for, remote_addr=PROXY):
    data = {"login": login, "password": "errada"}
    return client.post(LOGIN, data, REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded_for)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_two_clients_are_limited_apart(client, financeiro):
    # Both arrive from the proxy's address; the proxy appends the client's to X-Forwarded-For.
    for n in range(6):
        _wrong_password(client, f"ninguem-{n}", forwarded_for="203.0.113.7")
    assert TOO_MANY in _wrong_password(client, "outro", forwarded_for="203.0.113.7").content.decode()

    response = client.post(
        LOGIN,
        {"login": "fin", "password": "senha-de-teste-123"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 302 and response.url == reverse("admin:index")


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_a_forged_forwarded_for_does_not_escape_the_limit(client):
    # The client may prepend anything; only the entry our proxy appended (the last) is read.
    for n in range(6):
        _wrong_password(client, f"ninguem-{n}", forwarded_for=f"192.0.2.{n}, 203.0.113.7")
    assert TOO_MANY in _wrong_password(client, "outro", forwarded_for="203.0.113.7").content.decode()


def test_without_trusted_proxies_the_forwarded_for_header_is_ignored(client):
    for n in range(6):
        _wrong_password(client, f"ninguem-{n}", forwarded_for=f"192.0.2.{n}")
    assert TOO_MANY in _wrong_password(client, "outro", forwarded_for="192.0.2.99").content.decode()


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_request_that_skipped_the_proxies_is_limited_by_its_own_address(client):
    response = _wrong_password(client, "alguem", forwarded_for="1.2.3.4", remote_addr="10.0.0.9")
    assert response.status_code == 200
    assert "senha especificados estão incorretos" in response.content.decode()
