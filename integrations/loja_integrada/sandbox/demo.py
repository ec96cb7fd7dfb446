"""Demo data for Loja Integrada: a sandbox store with a few orders, and an integration connected to it.

`manage.py demo` (core) calls `seed(gestor=…)` and prints the lines it returns. The integration's
API address is settings.LOJA_INTEGRADA_API_URL, which with STORE_SANDBOXES on defaults to this
server's sandbox (PUBLIC_BASE_URL + /sandbox/loja-integrada/v1).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from integrations import services as integration_services
from integrations.models import Integration

from . import store as sandbox

PERSON = {
    "nome": "Maria Souza",
    "cpf": "529.982.247-25",
    "email": "maria@example.com",
    "telefone_principal": "1133334444",
    "telefone_celular": "11988887777",
}
COMPANY = {
    "nome": "João Compras",
    "razao_social": "Empresa Exemplo Ltda",
    "cnpj": "11.222.333/0001-81",
    "cpf": None,
    "email": "compras@empresa.example",
    "telefone_principal": "",
    "telefone_celular": None,
}


def seed(*, gestor) -> list[str]:
    """Create the sandbox store and its orders, connect an integration to it; lines to print.

    Orders: one paid before the activation (skipped), three paid after it (one by a company,
    with a CNPJ), one awaiting payment and one in dispute (neither imported). The key is not
    checked over HTTP here: the server that answers for the sandbox may not be running yet, and
    the key is valid by construction.
    """
    now = timezone.now()
    store = sandbox.create_store("Loja Integrada (demonstração)")
    early = sandbox.add_paid_order(
        store, placed_at=now - timedelta(days=2), changed_at=now, customer=PERSON, numero=101
    )
    integration, _created = integration_services.activate_integration(
        provider=Integration.Provider.LOJA_INTEGRADA,
        name="Loja Integrada (sandbox)",
        credential=store.api_key,
        seller=gestor,
    )
    after = integration.activated_at + timedelta(seconds=1)
    paid = [
        sandbox.add_paid_order(store, placed_at=after, customer=PERSON),
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
                {"nome": "Gorro de lã", "sku": "gorro-la-p", "quantidade": "1.00", "preco": "29.9000"},
            ],
            discount="5.00",
        ),
        sandbox.add_order(store, situacao="pedido_enviado", placed_at=after),
    ]
    unpaid = sandbox.add_order(store, situacao="aguardando_pagamento", placed_at=after)
    dispute = sandbox.add_order(store, situacao="pagamento_em_disputa", placed_at=after)

    activated = formats.date_format(timezone.localtime(integration.activated_at), "SHORT_DATETIME_FORMAT")
    return [
        _("Loja Integrada: integration “%(name)s” (#%(pk)s) activated on %(date)s, seller %(seller)s.")
        % {
            "name": integration.name,
            "pk": integration.pk,
            "date": activated,
            "seller": gestor.get_username(),
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
        % {"numbers": ", ".join(str(order.numero) for order in paid)},
        "  "
        + _("Order %(number)s: paid, but placed before the activation (skipped).") % {"number": early.numero},
        "  "
        + _("Order %(unpaid)s: awaiting payment; order %(dispute)s: payment in dispute (not imported).")
        % {"unpaid": unpaid.numero, "dispute": dispute.numero},
        "  " + _("Import with: python manage.py import_sales (or the Importar agora button)."),
    ]
