"""The audit trail from the object itself: a sale's and an integration's change page link to their
history, which lists who did what and when, for whoever may see the object, and is never a form."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import history
from sales import services as sale_services
from tests.core.factories import UserFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed_sale(financeiro):
    sale = PendingSaleFactory()
    sale_services.confirm_sale(sale, financeiro)
    return sale


@pytest.fixture
def switched_integration(gestor_client):
    integration = IntegrationFactory()
    gestor_client.post(reverse("integrations:toggle", args=[integration.pk]), {"enabled": "0"})
    return integration


def test_a_sale_page_links_to_its_history_of_who_confirmed_it(financeiro_client, confirmed_sale):
    history_url = reverse("admin:sales_sale_history", args=[confirmed_sale.pk])
    change = financeiro_client.get(reverse("admin:sales_sale_change", args=[confirmed_sale.pk]))
    assert change.status_code == 200
    assert f'href="{history_url}"' in change.content.decode()

    page = financeiro_client.get(history_url)

    assert page.status_code == 200
    text = page.content.decode()
    assert "Venda confirmada" in text and "fin" in text
    assert [entry for entry, _ in page.context["entries"]] == list(
        history(confirmed_sale).order_by("-created_at", "-pk")
    )
    # The change in words, not the stored codes: "Situação: Revisão pendente → Confirmada".
    assert "Situação: Revisão pendente → Confirmada" in text and "review_pending" not in text


def test_an_integration_page_links_to_its_history_of_who_switched_it(gestor_client, switched_integration):
    history_url = reverse("admin:integrations_integration_history", args=[switched_integration.pk])
    change = gestor_client.get(
        reverse("admin:integrations_integration_change", args=[switched_integration.pk])
    )
    assert f'href="{history_url}"' in change.content.decode()

    page = gestor_client.get(history_url)

    assert page.status_code == 200
    rows = page.content.decode().count('class="audit-entry"')
    assert (
        rows == 1 and "Integração desativada" in page.content.decode() and "gestor" in page.content.decode()
    )
    # The Gestor may open each entry in the trail's own read-only page.
    entry = AuditEntry.objects.get()
    assert reverse("admin:audit_auditentry_change", args=[entry.pk]) in page.content.decode()


def test_the_history_is_for_those_who_may_see_the_object(confirmed_sale, switched_integration):
    client = Client()  # the `client` fixture is the Gestor's here
    sale_history = reverse("admin:sales_sale_history", args=[confirmed_sale.pk])
    integration_history = reverse("admin:integrations_integration_history", args=[switched_integration.pk])
    assert client.get(sale_history).status_code == 302  # anonymous: to the login
    client.force_login(UserFactory(is_staff=True))  # staff without a role
    assert client.get(sale_history).status_code == 403
    assert client.get(integration_history).status_code == 403


def test_the_history_is_never_a_form_and_a_post_changes_nothing(gestor_client, switched_integration):
    url = reverse("admin:integrations_integration_history", args=[switched_integration.pk])
    before = list(AuditEntry.objects.values())

    page = gestor_client.get(url).content.decode()
    posted = gestor_client.post(url, {"action": "integration_enabled", "note": "forjado", "actor": ""})

    main = page[page.index('id="content-main"') :]
    assert "<form" not in main and "<input" not in main and "<textarea" not in main
    assert posted.status_code in (200, 405)
    assert list(AuditEntry.objects.values()) == before
