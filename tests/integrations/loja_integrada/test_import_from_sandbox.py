"""The real client, source and sync against the sandbox over loopback (live_server)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import importing
from integrations.importing import sync_integration
from integrations.loja_integrada import source as li_source
from integrations.loja_integrada.mapper import CONCLUDED_CODES
from integrations.models import ImportRecord, ImportRun, Integration
from sales.models import Sale
from sandboxes.loja_integrada import store as sandbox
from tests.integrations.factories import IntegrationFactory

NOT_CONCLUDED = [
    "aguardando_pagamento",
    "pagamento_em_analise",
    "pedido_efetuado",
    "pagamento_em_disputa",  # dispute: aprovado is true, still not a sale
    "pedido_chargeback",  # chargeback: aprovado is true too
    "solicitacao_cancelamento",  # cancellation request
    "pagamento_devolvido",
    "pedido_cancelado",
    "codigo_que_ninguem_conhece",  # unknown
]


@pytest.fixture
def integration(sandbox_api, sandbox_store):
    return IntegrationFactory(
        name="Loja do teste",
        credential=sandbox_store.api_key,
        activated_at=timezone.now() - timedelta(days=1),
    )


def imported_numbers(integration):
    return sorted(
        int(n)
        for n in ImportRecord.objects.filter(integration=integration, status="imported").values_list(
            "store_order_id", flat=True
        )
    )


def test_only_concluded_situations_become_sales(integration, sandbox_store):
    orders = {
        code: sandbox.add_order(sandbox_store, situacao=code) for code in [*CONCLUDED_CODES, *NOT_CONCLUDED]
    }

    run = sync_integration(integration)

    assert run.status == ImportRun.Status.DONE, run.error
    sales = Sale.objects.filter(integration=integration)
    assert sorted(sales.values_list("external_id", flat=True)) == sorted(
        str(orders[code].numero) for code in CONCLUDED_CODES
    )
    assert all(sale.status == Sale.Status.REVIEW_PENDING for sale in sales)
    for code in NOT_CONCLUDED:
        record = ImportRecord.objects.get(integration=integration, store_order_id=str(orders[code].numero))
        assert record.status == ImportRecord.Status.SKIPPED and record.sale is None, code
    assert run.imported == len(CONCLUDED_CODES) and run.skipped == len(NOT_CONCLUDED)
    integration.refresh_from_db()
    assert integration.last_sync_at is not None and integration.sync_cursor is not None


def test_a_sale_comes_in_with_the_store_data(integration, sandbox_store):
    order = sandbox.add_paid_order(
        sandbox_store,
        customer={"nome": "Maria Souza", "cpf": "529.982.247-25", "email": "maria@example.com",
                  "telefone_principal": "", "telefone_celular": "11988887777"},
        items=[{"nome": "Casaco infantil", "sku": "", "quantidade": "2.00", "preco": "10.4550"}],
        freight="15.00",
    )  # fmt: skip
    sync_integration(integration)
    sale = Sale.objects.get(integration=integration, external_id=str(order.numero))
    assert sale.customer.name == "Maria Souza" and sale.customer.document == "52998224725"
    assert sale.customer.mobile_phone == "11988887777"
    [item] = sale.items.all()
    assert (item.details, str(item.quantity), str(item.unit_price)) == ("Casaco infantil", "2.000", "10.4550")
    assert str(sale.shipping_amount) == "15.00" and sale.seller == integration.seller
    assert sale.payment_method == Sale.PaymentMethod.CASH and sale.installments == 1


def test_orders_placed_before_activation_are_skipped(integration, sandbox_store):
    # Placed before activation, paid (changed) after it: seen by the walk, never imported.
    early = sandbox.add_paid_order(
        sandbox_store, placed_at=integration.activated_at - timedelta(hours=2), changed_at=timezone.now()
    )
    late = sandbox.add_paid_order(sandbox_store)
    sync_integration(integration)
    assert imported_numbers(integration) == [late.numero]
    record = ImportRecord.objects.get(integration=integration, store_order_id=str(early.numero))
    assert record.status == ImportRecord.Status.SKIPPED and record.reason_code == "before_activation"


def test_an_order_paid_later_comes_in_on_a_later_run(integration, sandbox_store):
    order = sandbox.add_order(sandbox_store, situacao="aguardando_pagamento")
    sync_integration(integration)
    assert not Sale.objects.exists()
    sandbox.set_situation(order, "pedido_pago")
    sync_integration(integration)
    assert imported_numbers(integration) == [order.numero]


def test_a_revoked_key_disconnects_with_its_reason_and_others_keep_importing(integration, sandbox_store):
    other_store = sandbox.create_store("Outra loja", api_key="chave-sandbox-0002")
    other = IntegrationFactory(credential=other_store.api_key, activated_at=integration.activated_at)
    sandbox.add_paid_order(sandbox_store)
    sandbox.add_paid_order(other_store)
    sandbox.revoke_key(sandbox_store)

    runs = [sync_integration(i) for i in Integration.objects.order_by("pk")]

    integration.refresh_from_db()
    assert integration.connection_status == Integration.ConnectionStatus.DISCONNECTED
    assert "401" in integration.disconnected_reason and integration.disconnected_at is not None
    assert runs[0].status == ImportRun.Status.FAILED
    assert Sale.objects.filter(integration=other).count() == 1
    assert not Sale.objects.filter(integration=integration).exists()
    # Disconnected: the next run does not even call the store.
    served = type(sandbox_store).objects.get(pk=sandbox_store.pk).requests_served
    assert sync_integration(integration).status == ImportRun.Status.SKIPPED
    assert type(sandbox_store).objects.get(pk=sandbox_store.pk).requests_served == served


def test_a_disabled_integration_imports_nothing(integration, sandbox_store):
    sandbox.add_paid_order(sandbox_store)
    Integration.objects.filter(pk=integration.pk).update(enabled=False)
    run = sync_integration(integration)
    assert run.status == ImportRun.Status.SKIPPED and not Sale.objects.exists()
    assert type(sandbox_store).objects.get(pk=sandbox_store.pk).requests_served == 0


@pytest.mark.parametrize(("status", "every", "count"), [(429, 2, 40), (500, 3, 30), (500, 1, 12)])
def test_429_storms_and_500s_end_with_every_order_imported_exactly_once(
    integration, sandbox_store, status, every, count
):
    orders = [sandbox.add_paid_order(sandbox_store) for _ in range(12)]
    sandbox.set_faults(sandbox_store, status, every=every, count=count)

    runs = [sync_integration(integration) for _ in range(4)]

    assert imported_numbers(integration) == [o.numero for o in orders]
    assert Sale.objects.filter(integration=integration).count() == len(orders)
    assert runs[-1].status == ImportRun.Status.DONE
    # The storm really happened: at least seven forced faults were answered.
    assert type(sandbox_store).objects.get(pk=sandbox_store.pk).faults_served >= 7


def test_a_malformed_order_fails_alone_and_the_rest_import(integration, sandbox_store):
    good = [sandbox.add_paid_order(sandbox_store) for _ in range(3)]
    broken = sandbox.add_paid_order(sandbox_store)
    broken.payload["itens"][0]["quantidade"] = "muitos"
    broken.save()
    good.append(sandbox.add_paid_order(sandbox_store))

    run = sync_integration(integration)

    assert imported_numbers(integration) == [o.numero for o in good]
    record = ImportRecord.objects.get(integration=integration, store_order_id=str(broken.numero))
    assert record.status == ImportRecord.Status.FAILED
    assert record.reason == (
        f"Pedido {broken.numero}: quantidade de Casaco infantil não é um número (muitos)."
    )
    assert run.failed == 1 and run.status == ImportRun.Status.DONE


def test_the_cursor_survives_a_crash_mid_page(integration, sandbox_store, monkeypatch):
    monkeypatch.setattr(li_source, "DETAILS_PER_PAGE", 3)
    base = timezone.now() - timedelta(hours=1)
    orders = [sandbox.add_paid_order(sandbox_store, placed_at=base + timedelta(minutes=i)) for i in range(8)]
    real_plan = importing.rules.plan_order
    calls = {"n": 0}

    def crash_on_the_fifth(integration_, fetched, lookups):
        calls["n"] += 1
        if calls["n"] == 5:
            raise SystemExit("worker killed")
        return real_plan(integration_, fetched, lookups)

    monkeypatch.setattr(importing.rules, "plan_order", crash_on_the_fifth)
    with pytest.raises(SystemExit):
        sync_integration(integration)

    integration.refresh_from_db()
    # Only the first page (orders 1-3) was wholly processed; the cursor stands at its last order,
    # and nothing of the second page is half-written.
    assert imported_numbers(integration) == [o.numero for o in orders[:3]]
    assert Sale.objects.filter(integration=integration).count() == 3
    assert integration.sync_cursor == orders[2].data_modificacao
    assert integration.sync_lease_until is None

    monkeypatch.setattr(importing.rules, "plan_order", real_plan)
    run = sync_integration(integration)
    assert run.status == ImportRun.Status.DONE
    assert imported_numbers(integration) == [o.numero for o in orders]
    assert Sale.objects.filter(integration=integration).count() == 8
    integration.refresh_from_db()
    assert integration.sync_cursor == orders[-1].data_modificacao


def test_a_second_run_fetches_no_detail_again(integration, sandbox_store):
    for _ in range(5):
        sandbox.add_paid_order(sandbox_store)
    sync_integration(integration)
    before = type(sandbox_store).objects.get(pk=sandbox_store.pk).requests_served
    run = sync_integration(integration)
    after = type(sandbox_store).objects.get(pk=sandbox_store.pk).requests_served
    # One search request (inside the overlap), no detail: the records already match.
    assert after - before == 1 and run.imported == 0


def test_totals_with_cents_in_freight_import_on_every_database(integration, sandbox_store):
    order = sandbox.add_paid_order(
        sandbox_store,
        items=[
            {"nome": "Casaco infantil", "sku": "", "quantidade": "1.00", "preco": "10.00"},
            {"nome": "Gorro", "sku": "", "quantidade": "1.00", "preco": "10.00"},
        ],
        freight="21.38",
    )
    sync_integration(integration)
    record = ImportRecord.objects.get(integration=integration, store_order_id=str(order.numero))
    assert record.status == ImportRecord.Status.IMPORTED, record.reason
    assert str(record.sale.total_amount) == "41.38"
