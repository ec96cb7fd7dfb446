"""What a page of orders needs from the database, read once per page, and what the page adds.

The import plans every order of a page against these lookups in memory (rules.plan_order), then
the unit of work writes the page's new customers, products, links and sales in a few bulk
statements. Matching uses the customers' and the catalogue's own rules; the store links come from
the binder. What an order adds (a new customer, product or link, a customer's missing contact)
stays with that order until its plan has succeeded, so an order that fails leaves nothing the
page's later orders could reuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from audit import services as audit_services
from catalog import services as catalog_services
from catalog.models import Product, normalise_gtin
from core.bulk_insert import insert_new
from customers import services as customer_services
from customers.models import Customer

from ..models import Integration
from ..store_order import StoreOrder, StoreOrderItem
from . import binder


@dataclass
class _OrderAdditions:
    """What the order being planned adds; kept for the page only if its plan succeeds."""

    links: dict[tuple[str, str], Product] = field(default_factory=dict)
    customers: dict[tuple[str, str, str], Customer] = field(default_factory=dict)
    products: catalog_services.ProductMatches = field(
        default_factory=lambda: catalog_services.ProductMatches(by_sku={}, by_description={})
    )
    new_products: list[Product] = field(default_factory=list)
    contacts: list[tuple[Customer, dict[str, str]]] = field(default_factory=list)
    addresses: list[tuple[Customer, customer_services.StoreAddressFields, datetime | None]] = field(
        default_factory=list
    )


@dataclass
class PageLookups:
    """The page's store product links, matching customers and products, stock and stock setting.

    `links`: store items already matched to a product, by (store product id, variant id).
    `stock`: each known product's stock as read with the page (import never changes stock, and
    pending sales do not reserve it, so every order of the page is checked against the same figures).
    """

    integration: Integration
    links: dict[tuple[str, str], Product]
    customers: dict[tuple[str, str, str], Customer]
    products: catalog_services.ProductMatches
    check_stock: bool
    stock: dict[int, Decimal]
    new_links: dict[tuple[str, str], Product] = field(default_factory=dict)
    new_customers: list[Customer] = field(default_factory=list)
    new_products: list[Product] = field(default_factory=list)
    # Existing customers and the contact fields the page's orders gave them.
    contacts: dict[int, tuple[Customer, set[str]]] = field(default_factory=dict)
    # Existing customers and the newest store address the page's orders gave them.
    addresses: dict[int, tuple[Customer, customer_services.StoreAddressFields, datetime | None]] = field(
        default_factory=dict
    )
    order: _OrderAdditions = field(default_factory=_OrderAdditions)
    keys: dict[tuple[str, str, str], customer_services.CustomerKey] = field(default_factory=dict)

    @classmethod
    def for_page(cls, integration: Integration, orders: Iterable[StoreOrder]) -> PageLookups:
        """Read what the orders refer to: links, customers and products, one query each."""
        orders = list(orders)
        items = [item for order in orders for item in order.items]
        links = binder.linked_products(
            integration,
            {(item.store_product_id, item.store_variant_id) for item in items if item.store_product_id},
        )
        unlinked = [item for item in items if (item.store_product_id, item.store_variant_id) not in links]
        products = catalog_services.ProductMatches.read(
            skus=[item.sku for item in unlinked], descriptions=[item.description for item in unlinked]
        )
        keys = _customer_keys(orders)
        customers = customer_services.customers_matching(keys.values())
        known = [*links.values(), *products.by_sku.values(), *products.by_description.values()]
        return cls(
            integration=integration,
            links=links,
            customers=customers,
            products=products,
            check_stock=catalog_services.stock_check_enabled(),
            stock={product.pk: product.stock_quantity for product in known},
            keys=keys,
        )

    def begin_order(self) -> None:
        self.order = _OrderAdditions()

    def keep_order(self) -> None:
        """The order's plan succeeded: what it added serves the page's later orders."""
        added, self.order = self.order, _OrderAdditions()
        self.links.update(added.links)
        self.new_links.update(added.links)
        self.customers.update(added.customers)
        self.new_customers.extend(added.customers.values())
        for product in added.new_products:
            self.products.add(product)
        self.new_products.extend(added.new_products)
        for customer, missing in added.contacts:
            for name, value in missing.items():
                setattr(customer, name, value)
            if customer.pk is not None:
                self.contacts.setdefault(customer.pk, (customer, set()))[1].update(missing)
        for customer, address, as_of in added.addresses:
            known = self.addresses.get(customer.pk)
            if known is None or (as_of and known[2] and as_of >= known[2]):
                self.addresses[customer.pk] = (customer, address, as_of)

    def linked_product(self, item: StoreOrderItem) -> Product | None:
        """The product this store item was matched to before, if any."""
        if not item.store_product_id:
            return None
        key = (item.store_product_id, item.store_variant_id)
        return self.order.links.get(key) or self.links.get(key)

    def product(self, item: StoreOrderItem) -> Product:
        """The product the catalogue's rule selects (an exact SKU, then the same description) among
        the known products and those the page created; else a new product. The store item is
        linked to it."""
        sku = (item.sku or "").strip()
        product = catalog_services.match_product(
            [self.products, self.order.products], description=item.description, sku=sku
        )
        if product is None:
            product = catalog_services.new_product(
                description=item.description,
                sku=sku,
                sale_price=item.unit_price.quantize(Decimal("0.01")),
                gtin=normalise_gtin(item.gtin),
                origin=Product.Origin.IMPORT,
                origin_integration=self.integration,
            )
            self.order.products.add(product)
            self.order.new_products.append(product)
        if item.store_product_id:
            self.order.links[(item.store_product_id, item.store_variant_id)] = product
        return product

    def customer_key(self, *, name: str, document: str, email: str) -> customer_services.CustomerKey:
        """CustomerKey.of, remembered for the page (validating a CPF/CNPJ is not free)."""
        key = self.keys.get((name, document, email))
        if key is None:
            key = customer_services.CustomerKey.of(name=name, document=document, email=email)
            self.keys[(name, document, email)] = key
        return key

    def customer(
        self,
        key: customer_services.CustomerKey,
        *,
        address: customer_services.StoreAddressFields | None = None,
        as_of: datetime | None = None,
        **contacts,
    ) -> Customer:
        """The customer the customers' rule matches to `key` (same name and CPF/CNPJ), gaining
        contacts it lacked and the store's newer address; else a new customer with that address."""
        customer = self.customers.get(key.match) or self.order.customers.get(key.match)
        if customer is None:
            customer = customer_services.new_customer(
                key,
                business_phone=contacts["business_phone"],
                mobile_phone=contacts["mobile_phone"],
                origin=Customer.Origin.IMPORT,
                origin_integration=self.integration,
            )
            if address is not None:
                customer_services.apply_store_address(customer, address, as_of)
            self.order.customers[key.match] = customer
            return customer
        if address is not None and customer.pk is not None:
            self.order.addresses.append((customer, address, as_of))
        missing = customer_services.missing_contacts(customer, **contacts)
        if missing:
            self.order.contacts.append((customer, missing))
        return customer

    def save_new(self, *, customers: set[int], products: set[int]) -> None:
        """Write the page's new customers, contacts, products and links that the sales being
        written use (`customers`, `products`: id() of the objects), in key order so two
        workers writing overlapping pages take their row locks in the same order."""
        new_customers = sorted(
            (c for c in self.new_customers if id(c) in customers), key=customer_services.match_of
        )
        insert_new(Customer, new_customers)
        for customer, names in self.contacts.values():
            if id(customer) in customers:
                customer.save(update_fields=[*sorted(names), "updated_at"])
        # A reused customer takes the store's newer address; each change is audited.
        audit_services.record_audits(
            entry
            for customer, address, as_of in sorted(self.addresses.values(), key=lambda row: row[0].pk)
            if id(customer) in customers
            and (entry := customer_services.apply_store_address(customer, address, as_of)) is not None
        )
        new_products = sorted(
            (p for p in self.new_products if id(p) in products), key=lambda p: (p.sku, p.description_key)
        )
        insert_new(Product, new_products)
        binder.save_links(self.integration, self.new_links)


def _customer_keys(orders: Iterable[StoreOrder]) -> dict[tuple[str, str, str], customer_services.CustomerKey]:
    """Each order's customer key, by (name, document, e-mail) as sent; an invalid document is
    matched without it, as rules.plan_order does."""
    keys = {}
    for order in orders:
        data = order.customer
        for document in (data.document, ""):
            try:
                keys[(data.name, document, data.email)] = customer_services.CustomerKey.of(
                    name=data.name, document=document, email=data.email
                )
                break
            except ValidationError:
                continue
    return keys
