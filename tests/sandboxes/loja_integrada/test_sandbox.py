"""The sandbox answers like the documented API: envelope, auth, paging, date filters, limits."""

from datetime import timedelta

import requests
from django.utils import timezone

from integrations.loja_integrada.mapper import map_order
from sandboxes.loja_integrada import store as sandbox
from sandboxes.loja_integrada.models import SandboxOrder

from .conftest import fixture


def get(url, store, **params):
    headers = {"Authorization": f"chave_api {store.api_key} aplicacao test-application-key"}
    return requests.get(url, params=params, headers=headers, timeout=5)


def test_search_rows_have_the_documented_keys_and_envelope(sandbox_api, sandbox_store):
    sandbox.add_paid_order(sandbox_store)
    body = get(f"{sandbox_api}/pedido/search/", sandbox_store).json()
    documented = fixture("pedido_search")
    assert body.keys() == documented.keys() and body["meta"].keys() == documented["meta"].keys()
    assert body["objects"][0].keys() == documented["objects"][0].keys()
    assert body["meta"]["total_count"] == 1 and body["meta"]["next"] is None


def test_the_detail_maps_like_the_documented_one(sandbox_api, sandbox_store):
    order = sandbox.add_paid_order(sandbox_store)
    detail = get(f"{sandbox_api}/pedido/{order.numero}", sandbox_store).json()
    assert set(fixture("pedido")) <= set(detail)
    mapped = map_order(detail)
    assert mapped.is_paid and mapped.placed_at == order.data_criacao
    assert mapped.total_amount == mapped.items[0].unit_price + mapped.shipping_amount


def test_paging_and_the_inclusive_date_filter(sandbox_api, sandbox_store):
    base = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    for minute in range(5):
        sandbox.add_paid_order(sandbox_store, placed_at=base + timedelta(minutes=minute))
    since = sandbox.local_iso(base + timedelta(minutes=1)).split(".")[0]
    first = get(f"{sandbox_api}/pedido/search/", sandbox_store, since_atualizado=since, limit=3).json()
    assert [row["numero"] for row in first["objects"]] == [102, 103, 104]
    assert first["meta"]["total_count"] == 4 and "offset=3" in first["meta"]["next"]
    second = requests.get(
        f"{sandbox_api.split('/sandbox/')[0]}{first['meta']['next']}",
        headers={"Authorization": f"chave_api {sandbox_store.api_key} aplicacao test-application-key"},
        timeout=5,
    ).json()
    assert [row["numero"] for row in second["objects"]] == [105] and second["meta"]["next"] is None


def test_auth_and_unknown_orders(sandbox_api, sandbox_store):
    assert requests.get(f"{sandbox_api}/pedido/search/", timeout=5).status_code == 401
    assert get(f"{sandbox_api}/pedido/999", sandbox_store).status_code == 404
    # The credentials may also come as query parameters, as the real API allows.
    response = requests.get(
        f"{sandbox_api}/pedido/search/",
        params={"chave_api": sandbox_store.api_key, "aplicacao": "test-application-key"},
        timeout=5,
    )
    assert response.status_code == 200 and "chave_api" not in str(response.json()["meta"])


def test_over_the_limit_is_429_with_retry_after(sandbox_api, transactional_db):
    store = sandbox.create_store("Loja", api_key="chave-x", rate_limit=2)
    answers = [get(f"{sandbox_api}/situacao/", store) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60


def test_the_page_adds_a_paid_order_with_a_button(sandbox_api, gestor_client, sandbox_store):
    page = gestor_client.get("/sandbox/loja-integrada/").content.decode()
    assert "Adicionar um pedido pago" in page and sandbox_store.api_key in page
    gestor_client.post(
        f"/sandbox/loja-integrada/stores/{sandbox_store.pk}/orders/", {"situacao": "pedido_pago"}
    )
    order = SandboxOrder.objects.get(store=sandbox_store)
    assert order.situacao_codigo == "pedido_pago"


def test_the_page_is_for_staff_only(client, transactional_db):
    assert client.get("/sandbox/loja-integrada/").status_code == 302


def test_the_page_moves_an_order_to_another_situation(sandbox_api, gestor_client, sandbox_store):
    order = sandbox.add_paid_order(sandbox_store)
    page = gestor_client.get("/sandbox/loja-integrada/").content.decode()
    assert "Mudar a situação" in page
    gestor_client.post(
        f"/sandbox/loja-integrada/orders/{order.pk}/situation/", {"situacao": "pedido_chargeback"}
    )
    order.refresh_from_db()
    assert order.situacao_codigo == "pedido_chargeback"
    assert sandbox.render_summary(order)["situacao"]["nome"] == "Pagamento em chargeback"


def test_the_store_helpers_cancel_refund_and_charge_back(sandbox_api, sandbox_store):
    order = sandbox.add_paid_order(sandbox_store)
    for change, code in [
        (sandbox.cancel_order, "pedido_cancelado"),
        (sandbox.refund_order, "pagamento_devolvido"),
        (sandbox.charge_back, "pedido_chargeback"),
    ]:
        changed_before = order.data_modificacao
        change(order)
        assert order.situacao_codigo == code and order.data_modificacao >= changed_before
