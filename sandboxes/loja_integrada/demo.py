"""Demo data for Loja Integrada: a sandbox store with a few orders, and an integration connected to it.

`manage.py demo` (core) calls `seed(gestor=…)` and prints the lines it returns. The integration's
API address is settings.LOJA_INTEGRADA_API_URL, which with STORE_SANDBOXES on defaults to this
server's sandbox (PUBLIC_BASE_URL + /sandbox/loja-integrada/v1).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations import services as integration_services
from integrations.loja_integrada.mapper import CONCLUDED_CODES
from integrations.models import Integration

from . import store as sandbox
from .models import SandboxStore

PERSON = {
    "nome": "Maria Souza",
    "cpf": "529.982.247-25",
    "email": "maria@example.com",
    "telefone_principal": "1133334444",
    "telefone_celular": "11988887777",
    "enderecos": [
        {"endereco": "Rua das Flores", "numero": "123", "complemento": "Apartamento 32",
         "bairro": "Freguesia do Ó", "cidade": "São Paulo", "estado": "SP", "cep": "02960-030",
         "pais": "Brasil", "principal": True},
    ],
}  # fmt: skip
COMPANY = {
    "nome": "João Compras",
    "razao_social": "Empresa Exemplo Ltda",
    "cnpj": "11.222.333/0001-81",
    "cpf": None,
    "email": "compras@empresa.example",
    "telefone_principal": "",
    "telefone_celular": None,
    "ie": "81199906",  # valid in RJ
    "enderecos": [
        {"endereco": "Rua Visconde de Sepetiba", "numero": "935", "complemento": "Loja 2",
         "bairro": "Centro", "cidade": "Niterói", "estado": "RJ", "cep": "24020206", "pais": "Brasil",
         "principal": True},
    ],
}  # fmt: skip


DEMO_STORE = "Loja Integrada (demonstração)"
DEMO_INTEGRATION = "Loja Integrada (sandbox)"


def seed(*, gestor) -> list[str]:
    """Create the sandbox store and its orders, connect an integration to it; lines to print.

    Orders: one paid before the activation (skipped), three paid after it (one by a company,
    with a CNPJ), one awaiting payment and one in dispute (neither imported). Running it again
    changes nothing and prints the same lines. The key is not checked over HTTP here: the server
    that answers for the sandbox may not be running yet, and the key is valid by construction.
    """
    store = SandboxStore.objects.filter(name=DEMO_STORE).first()
    integration = None
    if store is not None:
        integration = Integration.objects.filter(
            provider=Integration.Provider.LOJA_INTEGRADA, name=DEMO_INTEGRATION
        ).first()
    if store is None or integration is None:
        store, integration = _create(gestor)
    return _lines(store, integration)


def _create(gestor) -> tuple[SandboxStore, Integration]:
    now = timezone.now()
    store = sandbox.create_store(DEMO_STORE)
    sandbox.add_paid_order(store, placed_at=now - timedelta(days=2), changed_at=now, customer=PERSON)
    integration, _created = integration_services.activate_integration(
        provider=Integration.Provider.LOJA_INTEGRADA,
        name=DEMO_INTEGRATION,
        credential=store.api_key,
        seller=gestor,
    )
    after = integration.activated_at + timedelta(seconds=1)
    sandbox.add_paid_order(store, placed_at=after, customer=PERSON)
    sandbox.add_paid_order(
        store,
        placed_at=after,
        customer=COMPANY,
        items=[
            {
                "nome": "Casaco infantil",
                "sku": "casaco-azul-tam-m666",
                "quantidade": "2.00",
                "preco": "11.10",
            },
            {
                "nome": "Gorro de lã",
                "sku": "gorro-la-p",
                "quantidade": "1.00",
                "preco": "29.9000",
                "gtin": "7891020304062",
            },
        ],
        discount="5.00",
    )
    sandbox.add_order(store, situacao="pedido_enviado", placed_at=after)
    # Orders are paid in turn by Pix, boleto, card 1x, 3x and 6x and bank transfer: these three,
    # with the three above, show every one of them on the review page.
    for _turn in range(3):
        sandbox.add_paid_order(store, placed_at=after, customer=PERSON)
    sandbox.add_order(store, situacao="aguardando_pagamento", placed_at=after)
    sandbox.add_order(store, situacao="pagamento_em_disputa", placed_at=after)
    return store, integration


def _lines(store: SandboxStore, integration: Integration) -> list[str]:
    orders = list(store.orders.order_by("numero"))
    early = [o.numero for o in orders if o.data_criacao < integration.activated_at]
    paid = [
        o.numero
        for o in orders
        if o.data_criacao >= integration.activated_at and o.situacao_codigo in CONCLUDED_CODES
    ]
    unpaid = [o.numero for o in orders if o.situacao_codigo == "aguardando_pagamento"]
    dispute = [o.numero for o in orders if o.situacao_codigo == "pagamento_em_disputa"]

    def join(numbers):
        return ", ".join(str(n) for n in numbers)

    # The product's date format (dd/mm/aaaa) whatever language the command runs in.
    activated = timezone.localtime(integration.activated_at).strftime("%d/%m/%Y %H:%M")
    return [
        _("Loja Integrada: integration “%(name)s” (#%(pk)s) activated on %(date)s, seller %(seller)s.")
        % {
            "name": integration.name,
            "pk": integration.pk,
            "date": activated,
            "seller": integration.seller.get_username() if integration.seller else "—",
        },
        "  "
        + _("Sandbox store “%(store)s” at %(url)s (key %(hint)s; page: %(page)s).")
        % {
            "store": store.name,
            "url": settings.LOJA_INTEGRADA_API_URL,
            "hint": integration.credential_hint,
            "page": f"{settings.PUBLIC_BASE_URL}/sandbox/loja-integrada/",
        },
        "  "
        + _("Orders paid after the activation: %(numbers)s (they arrive as Revisão pendente).")
        % {"numbers": join(paid)},
        "  "
        + _("Order %(number)s: paid, but placed before the activation (skipped).") % {"number": join(early)},
        "  "
        + _("Order %(unpaid)s: awaiting payment; order %(dispute)s: payment in dispute (not imported).")
        % {"unpaid": join(unpaid), "dispute": join(dispute)},
        "  " + _("Import with: python manage.py import_sales (or the Importar agora button)."),
    ]
