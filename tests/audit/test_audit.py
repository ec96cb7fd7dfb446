from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import history
from integrations import services as integration_services
from integrations.models import Integration
from sales import services as sale_services
from tests.core.factories import UserFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action


def actions(obj):
    return [(entry.action, entry.actor) for entry in history(obj).order_by("pk")]


def test_connecting_and_reconnecting_a_store_is_audited_with_who_did_it(gestor):
    other = UserFactory()
    (integration, created), (again, created_again) = (
        integration_services.activate_integration(
            provider=Integration.Provider.NUVEMSHOP, name="Loja", credential=token, seller=by, store_id="9"
        )
        for token, by in [("tok-1234567890", gestor), ("tok-0987654321", other)]
    )
    assert (created, created_again, again.pk) == (True, False, integration.pk)
    assert actions(integration) == [
        (Action.INTEGRATION_CONNECTED, gestor),
        (Action.INTEGRATION_RECONNECTED, other),
    ]


def test_audit_entries_never_hold_the_credential(gestor):
    integration, _ = integration_services.activate_integration(
        provider=Integration.Provider.NUVEMSHOP,
        name="Loja",
        credential="segredo-muito-secreto",
        seller=gestor,
    )
    integration_services.replace_credential(integration, "outro-segredo-secreto", by=gestor)
    for entry in AuditEntry.objects.all():
        text = f"{entry.changes} {entry.note} {entry.object_repr}"
        assert "segredo" not in text


def test_the_manager_switch_is_audited_through_the_page(gestor_client, gestor):
    integration = IntegrationFactory()
    gestor_client.post(reverse("integrations:toggle", args=[integration.pk]), {"enabled": "0"})
    gestor_client.post(reverse("integrations:toggle", args=[integration.pk]), {"enabled": "1"})
    entries = list(history(integration).order_by("pk"))
    assert [(e.action, e.actor, e.changes) for e in entries] == [
        (Action.INTEGRATION_DISABLED, gestor, {"enabled": [True, False]}),
        (Action.INTEGRATION_ENABLED, gestor, {"enabled": [False, True]}),
    ]


def test_a_store_refusing_the_credentials_is_audited_once_as_the_system():
    integration = IntegrationFactory()
    integration_services.disconnect_integration(integration, "Chave revogada")
    integration_services.disconnect_integration(integration, "Chave revogada")
    entries = list(history(integration))
    assert [(e.action, e.actor, e.note) for e in entries] == [
        (Action.INTEGRATION_DISCONNECTED, None, "Chave revogada")
    ]
    integration_services.replace_credential(integration, "nova-chave-1234", by=None)
    assert history(integration).first().action == Action.INTEGRATION_RECONNECTED


def test_terms_change_confirm_and_cancel_are_audited_with_before_and_after(financeiro):
    sale = PendingSaleFactory()
    seller_before = sale.seller_id
    new_seller = UserFactory()
    sale_services.update_sale_terms(
        sale,
        payment_method="pix",
        installments=3,
        first_due_date=date(2027, 1, 5),
        seller=new_seller,
        by=financeiro,
    )
    sale_services.confirm_sale(sale, financeiro)
    terms, confirmed = history(sale).order_by("pk")
    assert (terms.action, terms.actor) == (Action.SALE_TERMS_CHANGED, financeiro)
    assert terms.changes["payment_method"] == ["cash", "pix"]
    assert terms.changes["installments"] == [1, 3]
    assert terms.changes["seller_id"] == [seller_before, new_seller.pk]
    assert (confirmed.action, confirmed.actor) == (Action.SALE_CONFIRMED, financeiro)

    other = PendingSaleFactory()
    sale_services.cancel_sale(other, financeiro, reason="Pedido duplicado")
    assert [(e.action, e.note) for e in history(other)] == [(Action.SALE_CANCELLED, "Pedido duplicado")]


def test_a_refused_operation_leaves_no_entry(financeiro):
    sale = PendingSaleFactory()
    sale_services.confirm_sale(sale, financeiro)
    with pytest.raises(sale_services.SaleNotPending):
        sale_services.confirm_sale(sale, financeiro)
    with pytest.raises(sale_services.SaleNotPending):
        sale_services.cancel_sale(sale, financeiro)
    assert [e.action for e in history(sale)] == [Action.SALE_CONFIRMED]


def test_saving_freight_in_the_admin_records_what_changed(financeiro):
    sale = PendingSaleFactory()
    sale.shipping_amount = sale.shipping_amount + 5
    sale_services.save_sale_changes(sale, ["shipping_amount"], by=financeiro)
    entry = history(sale).get()
    assert entry.action == Action.SALE_CHANGED and entry.actor == financeiro
    assert set(entry.changes) >= {"shipping_amount", "total_amount"}


def test_entries_cannot_be_changed_or_deleted(financeiro):
    sale = PendingSaleFactory()
    sale_services.confirm_sale(sale, financeiro)
    entry = history(sale).get()
    entry.note = "apagando rastros"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_the_admin_shows_the_trail_to_gestor_read_only(gestor_client, financeiro):
    sale = PendingSaleFactory()
    sale_services.confirm_sale(sale, financeiro)
    entry = AuditEntry.objects.get()
    changelist = reverse("admin:audit_auditentry_changelist")
    response = gestor_client.get(changelist)
    assert response.status_code == 200
    assert "Venda confirmada" in response.content.decode()
    detail = gestor_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert gestor_client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert gestor_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    gestor_client.force_login(financeiro)
    assert gestor_client.get(changelist).status_code == 403
    assert AuditEntry.objects.count() == 1
