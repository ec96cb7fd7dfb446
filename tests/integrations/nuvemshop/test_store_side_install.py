"""An install started from the store's side (Nuvemshop app store or admin): a code and no state.

Connected only when a Gestor confirms on Ponte's page (POST, CSRF); the code is exchanged on that
POST and never on a GET. Forged, replayed and expired states stay refused (tests/…/test_connect.py).
"""

import time

import pytest
from django.test import Client
from django.urls import reverse

from integrations.models import Integration
from integrations.nuvemshop import connect
from sandboxes.nuvemshop.models import SandboxAuthCode

from .conftest import press_install

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM = "/integrations/nuvemshop/callback/confirm/"


def from_the_store(client, store) -> str:
    """The merchant presses Instalar in the Nuvemshop admin: back to Ponte with a code, no state."""
    callback = press_install(client, store, "")
    assert "code=" in callback
    return callback


def code_used() -> bool:
    return SandboxAuthCode.objects.filter(used_at__isnull=False).exists()


def test_a_gestor_confirms_and_the_store_is_connected(gestor_client, gestor, store):
    arrival = gestor_client.get(from_the_store(gestor_client, store))
    assert arrival.status_code == 302 and arrival["Location"] == CONFIRM

    page = gestor_client.get(CONFIRM)
    body = page.content.decode()
    assert page.status_code == 200 and "Conectar uma loja Nuvemshop ao Ponte?" in body
    assert "csrfmiddlewaretoken" in body and "cinco minutos" in body
    assert not code_used() and not Integration.objects.exists()

    done = gestor_client.post(CONFIRM)

    integration = Integration.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("nuvemshop:ready", args=[integration.pk])
    assert (integration.store_id, integration.name, integration.seller) == ("817495", "Loja da Ana", gestor)
    assert integration.may_import and code_used()
    ready = gestor_client.get(done["Location"]).content.decode()
    assert "Loja da Ana" in ready and "817495" in ready
    # The code was used once and left the session: a second POST connects nothing again.
    again = gestor_client.post(CONFIRM)
    assert again.status_code == 400 and Integration.objects.count() == 1


def test_a_financeiro_user_is_refused_in_words_and_the_code_is_left_unused(financeiro_client, store):
    assert financeiro_client.get(from_the_store(financeiro_client, store))["Location"] == CONFIRM

    for response in (financeiro_client.get(CONFIRM), financeiro_client.post(CONFIRM)):
        assert response.status_code == 403
        assert "Só um Gestor pode conectar uma loja Nuvemshop ao Ponte" in response.content.decode()
    assert not Integration.objects.exists() and not code_used()


def test_an_anonymous_visitor_logs_in_and_comes_back_to_the_same_confirmation(client, gestor, store):
    assert client.get(from_the_store(client, store))["Location"] == CONFIRM

    to_login = client.get(CONFIRM, follow=True)
    login_url = to_login.redirect_chain[-1][0]
    assert "login" in login_url and "next=%2Fintegrations%2Fnuvemshop%2Fcallback%2Fconfirm%2F" in login_url
    logged_in = client.post(login_url, {"login": "gestor", "password": "senha-de-teste-123"})
    assert logged_in.status_code == 302 and logged_in["Location"] == CONFIRM
    assert "Conectar uma loja Nuvemshop ao Ponte?" in client.get(CONFIRM).content.decode()

    assert client.post(CONFIRM).status_code == 302
    assert Integration.objects.get().store_id == "817495"


def test_the_confirmation_needs_the_csrf_token(gestor, store):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(gestor)
    browser.get(from_the_store(Client(), store))  # the store's own page is not Ponte's form
    assert browser.post(CONFIRM).status_code == 403
    assert not Integration.objects.exists() and not code_used()


def test_a_confirmation_later_than_the_codes_five_minutes_says_it_expired(gestor_client, store):
    gestor_client.get(from_the_store(gestor_client, store))
    session = gestor_client.session
    session[connect.STORE_INSTALL_KEY]["received_at"] = time.time() - 6 * 60
    session.save()

    response = gestor_client.post(CONFIRM)

    assert response.status_code == 400
    assert "esperou mais de cinco minutos" in response.content.decode()
    assert not Integration.objects.exists() and not code_used()


def test_declining_connects_nothing_and_forgets_the_code(gestor_client, store):
    gestor_client.get(from_the_store(gestor_client, store))
    response = gestor_client.post(CONFIRM, {"_cancel": "1"}, follow=True)
    assert "A loja Nuvemshop não foi conectada." in response.content.decode()
    assert gestor_client.post(CONFIRM).status_code == 400
    assert not Integration.objects.exists() and not code_used()


def test_a_state_that_is_present_is_still_checked(gestor_client, store):
    """A callback carrying a state goes through the state check as before: a forged one is refused."""
    response = gestor_client.get(press_install(gestor_client, store, "forjado"))
    assert response.status_code == 400 and "não corresponde" in response.content.decode()
    assert not Integration.objects.exists() and not code_used()
