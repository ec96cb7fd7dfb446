"""Demo data for the Nuvemshop sandbox: a store with orders, to be connected in the browser.

The store is not connected here on purpose: the demo user goes through the real install flow
(Integrar agora → Conectar com Nuvemshop → Instalar), offline, against the sandbox.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from . import services
from .models import SandboxStore

DEMO_STORE_ID = 817001


def _address(street, number, district, cep, city, state) -> dict:
    """An address object as Nuvemshop writes one (2025-03 `billing_address`, `shipping_address`)."""
    return {"address": street, "number": number, "floor": "", "locality": district, "zipcode": cep,
            "city": city, "province": state, "country": "BR"}  # fmt: skip


DEMO_ORDERS = [
    # Placed yesterday and paid: before any activation, so never imported (no retroactive import).
    {
        "items": [{"name": "Caneca esmaltada 350 ml", "sku": "CAN-350", "price": "49.90", "quantity": 2}],
        "paid": True,
    },
    {
        "items": [
            {"name": "Camiseta básica azul", "sku": "CAM-AZ-M", "price": "59.90", "quantity": 1},
            {"name": "Boné aba curva", "sku": None, "price": "79.00", "quantity": "1"},
        ],
        "customer": {
            "name": "Bruno Lima",
            "email": "bruno.lima@example.com.br",
            "identification": "11144477735",
            "phone": "(21) 3222-1100",
            "billing_address": _address(
                "Rua Voluntários da Pátria", "45", "Botafogo", "22270000", "Rio de Janeiro", "RJ"
            ),
        },
        "paid": False,
    },
]
# A company buying from the store, in the 2025-03 shape (billing object, CNPJ and its IE in SP):
# the sandbox's orders for a company buyer, e.g. `services.create_order(store, customer=COMPANY_BUYER)`.
COMPANY_BUYER = {
    "name": "Ateliê Horizonte Ltda",
    "email": "compras@atelie-horizonte.example",
    "identification": "11.444.777/0001-61",
    "phone": "(15) 3327-6436",
    "billing_state_registration": "388108598269",
    "billing_address": _address(
        "Rua Doutor Azevedo Sampaio", "50", "Centro", "18010-220", "Sorocaba", "São Paulo"
    ),
}


def seed(*, gestor) -> list[str]:
    """Create the sandbox store and its earlier orders (once); return what to do next, in pt-BR."""
    store = SandboxStore.objects.filter(store_id=DEMO_STORE_ID).first()
    if store is None:
        store = services.create_store(name="Loja Demo Nuvemshop", store_id=DEMO_STORE_ID)
        yesterday = timezone.now() - timedelta(days=1)
        for spec in DEMO_ORDERS:
            services.create_order(
                store,
                items=spec["items"],
                customer=spec.get("customer"),
                created_at=yesterday,
                paid=spec["paid"],
            )
    base = settings.PUBLIC_BASE_URL
    return [
        f"Nuvemshop (sandbox): store “{store.name}” ({store.store_id}) with {store.orders.count()} orders "
        "placed before the integration (not imported: there is no retroactive import).",
        f"  Connect: log in as {gestor.get_username()}, open {base}{reverse('nuvemshop:install')} "
        "and click Conectar com Nuvemshop; on the store's page, click Instalar.",
        f"  Sell: at {base}/sandbox/nuvemshop/ click Novo pedido pago; the sale shows up in "
        "Revisão pendente within seconds (with qcluster running).",
    ]
