import pytest
from django.contrib.auth import get_user_model
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
