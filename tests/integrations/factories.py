from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from integrations.models import Integration
from integrations.store_order import StoreCustomer, StoreOrder, StoreOrderItem
from tests.core.factories import UserFactory

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


class IntegrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Integration

    provider = Integration.Provider.LOJA_INTEGRADA
    name = factory.Sequence(lambda n: f"Loja {n}")
    enabled = True
    activated_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    seller = factory.SubFactory(UserFactory)
    credential = factory.Sequence(lambda n: f"chave-api-secreta-{n:04d}")
    credential_hint = factory.LazyAttribute(lambda i: f"••••{i.credential[-4:]}")


class StoreCustomerFactory(factory.Factory):
    class Meta:
        model = StoreCustomer

    name = "Fulano de Tal"
    document = "12345678909"
    email = "fulano@example.com"
    mobile_phone = "21900000000"


class StoreOrderItemFactory(factory.Factory):
    class Meta:
        model = StoreOrderItem

    description = "Casaco infantil"
    quantity = Decimal("1")
    unit_price = Decimal("11.10")
    sku = ""
    store_product_id = factory.Sequence(lambda n: str(1000 + n))
    store_variant_id = ""


class StoreOrderFactory(factory.Factory):
    class Meta:
        model = StoreOrder

    store_order_id = factory.Sequence(lambda n: str(500 + n))
    number = factory.LazyAttribute(lambda o: o.store_order_id)
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    updated_at = factory.LazyAttribute(lambda o: o.placed_at)
    is_paid = True
    status_label = "Pedido Pago"
    currency = "BRL"
    customer = factory.SubFactory(StoreCustomerFactory)
    items = factory.LazyFunction(lambda: (StoreOrderItemFactory(),))
    shipping_amount = Decimal("21.38")
    discount_amount = Decimal("0.00")
    total_amount = factory.LazyAttribute(
        lambda o: (
            sum((i.quantity * i.unit_price for i in o.items), Decimal("0"))
            + o.shipping_amount
            - o.discount_amount
        )
    )
    raw = factory.LazyAttribute(lambda o: {"numero": o.store_order_id})


def sao_paulo(*args) -> datetime:
    return datetime(*args, tzinfo=SAO_PAULO)
