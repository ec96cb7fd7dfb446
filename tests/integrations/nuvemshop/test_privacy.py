"""LGPD requests relayed by Nuvemshop: erase or report, keeping the books."""

from datetime import UTC, datetime

import pytest

from customers.models import Customer
from integrations.importing import import_order
from integrations.models import ImportRecord, WebhookEvent
from integrations.nuvemshop.mapper import map_order
from integrations.nuvemshop.models import PrivacyRequest
from sales.models import Sale
from sales.services import confirm_sale
from sandboxes.nuvemshop import services as sandbox
from tests.integrations.factories import IntegrationFactory

from .fixtures import brl_order
from .test_webhooks import post, signed

pytestmark = pytest.mark.django_db

CUSTOMER = {"id": 101, "email": "john.doe@example.com", "identification": "52998224725"}


@pytest.fixture
def integration():
    return IntegrationFactory(
        provider="nuvemshop", store_id="555", activated_at=datetime(2022, 1, 1, tzinfo=UTC)
    )


def imported(integration, order_id: int) -> Sale:
    record = import_order(integration, map_order(brl_order(order_id, created_at="2022-02-23T12:25:18+0000")))
    assert record.status == ImportRecord.Status.IMPORTED, record.reason
    return record.sale


def deliver(client, event: str, **body):
    raw, signature = signed({"store_id": 555, "event": event, **body})
    response = post(client, raw, signature)
    assert response.status_code == 200
    return PrivacyRequest.objects.get(kind=event)


def test_customers_redact_anonymises_a_customer_without_confirmed_sales(client, integration):
    sale = imported(integration, 9001)
    request = deliver(client, "customers/redact", customer=CUSTOMER, orders_to_redact=[9001])
    customer = Customer.objects.get(pk=sale.customer_id)
    assert customer.name.startswith("Cliente removido (LGPD)")
    assert (customer.document, customer.email, customer.business_phone, customer.mobile_phone) == (
        "",
        "",
        "",
        "",
    )
    assert ImportRecord.objects.get().payload == {"redacted": True}
    assert WebhookEvent.objects.get().body == {"event": "customers/redact", "redacted": True}
    assert request.completed_at is not None and request.report["anonymised_customers"] == [customer.pk]
    assert "1 cliente(s) anonimizado(s)" in request.summary
    Sale.objects.get(pk=sale.pk)  # the sale itself stays


def test_a_customer_with_a_confirmed_sale_keeps_name_and_document_for_the_books(client, integration, gestor):
    sale = imported(integration, 9001)
    confirm_sale(sale, gestor)
    request = deliver(client, "customers/redact", customer=CUSTOMER, orders_to_redact=[])
    customer = Customer.objects.get(pk=sale.customer_id)
    assert (customer.name, customer.document) == ("João da Silva", "52998224725")
    assert (customer.email, customer.business_phone, customer.mobile_phone) == ("", "", "")
    assert request.report["kept_for_books"] == [customer.pk]


def test_a_customer_also_used_by_other_sales_is_not_erased(client, integration):
    sale = imported(integration, 9001)
    other = IntegrationFactory(provider="nuvemshop", store_id="556", activated_at=integration.activated_at)
    imported(other, 9002)  # the same person bought in another store: same customer (same name and CPF)
    assert Sale.objects.filter(customer_id=sale.customer_id).count() == 2
    request = deliver(client, "customers/redact", customer=CUSTOMER, orders_to_redact=[9001])
    assert Customer.objects.get(pk=sale.customer_id).email == "john.doe@example.com"
    assert request.report["shared_customers"] == [sale.customer_id]


def test_a_data_request_reports_what_ponte_holds(client, integration):
    sale = imported(integration, 9001)
    request = deliver(
        client, "customers/data_request", customer=CUSTOMER, orders_requested=[9001], data_request={"id": 7}
    )
    [held] = request.report["customers"]
    assert held["name"] == "João da Silva" and held["email"] == "john.doe@example.com"
    assert held["sales"] == [
        {
            "number": sale.number,
            "date": "2022-02-23",
            "total": str(sale.total_amount),
            "status": "review_pending",
        }
    ]
    assert request.report["store_orders"] == ["9001"]
    assert Customer.objects.get(pk=sale.customer_id).email == "john.doe@example.com"  # nothing erased


def test_store_redact_erases_what_came_from_the_store(client, integration, gestor):
    kept = imported(integration, 9001)
    confirm_sale(kept, gestor)
    request = deliver(client, "store/redact")
    assert list(ImportRecord.objects.values_list("payload", flat=True)) == [{"redacted": True}]
    assert Customer.objects.get(pk=kept.customer_id).email == ""
    assert request.kind == PrivacyRequest.Kind.STORE_REDACT and request.completed_at is not None


def test_the_admin_shows_the_request_and_its_report_read_only(admin_client, client, integration):
    imported(integration, 9001)
    request = deliver(
        client, "customers/data_request", customer=CUSTOMER, orders_requested=[9001], data_request={"id": 7}
    )
    listing = admin_client.get("/admin/nuvemshop/privacyrequest/")
    assert listing.status_code == 200 and "Relatório dos dados de um cliente" in listing.content.decode()
    page = admin_client.get(f"/admin/nuvemshop/privacyrequest/{request.pk}/change/").content.decode()
    assert "john.doe@example.com" in page and 'name="_save"' not in page


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_panel_relays_a_customers_lgpd_requests(gestor_client, store):
    from sandboxes.nuvemshop.models import SandboxOrder

    from .conftest import installed_integration

    installed_integration(gestor_client, store)
    order = sandbox.create_order(store, paid=True)
    sandbox.send_webhook(store, "order/paid", order.order_id)
    for action in ("customers/data_request", "customers/redact"):
        response = gestor_client.post("/sandbox/nuvemshop/", {"action": action, "order": order.pk})
        assert response.status_code == 302
    report = PrivacyRequest.objects.get(kind="customers/data_request").report
    assert report["customers"][0]["email"] == "ana.souza@example.com.br"
    assert report["store_orders"] == [str(order.order_id)]
    customer = Sale.objects.get().customer
    assert customer.name.startswith("Cliente removido (LGPD)") and customer.email == ""
    assert SandboxOrder.objects.count() == 1
