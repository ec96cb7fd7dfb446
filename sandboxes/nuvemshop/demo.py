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
        },
        "paid": False,
    },
]


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
        f"Nuvemshop (sandbox): loja “{store.name}” ({store.store_id}) com {store.orders.count()} pedidos "
        "anteriores à integração (não serão importados: não há importação retroativa).",
        f"  Conectar: entre como {gestor.get_username()}, abra {base}{reverse('nuvemshop:install')} "
        "e clique em Conectar com Nuvemshop; na página da loja, clique em Instalar.",
        f"  Vender: em {base}/sandbox/nuvemshop/ clique em Novo pedido pago; a venda aparece em "
        "Revisão pendente em segundos (com o qcluster rodando).",
    ]
