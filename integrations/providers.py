"""The one registry of store providers: for each store package, where its order source, mapper
and connect page are, and what the managers' screen says about connecting it.

Store packages are imported when first asked for, not here: they import the integration models
and services, which must load without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from .models import Integration
from .order_source import OrderSource
from .store_order import StoreOrder


@dataclass(frozen=True)
class Provider:
    """One store platform, as the generic layers see it."""

    name: str  # an Integration.Provider value
    package: str  # the store package: its `source.order_source` and `mapper.map_order`
    connect_url_name: str  # the page where a manager connects (or, with ?integration=, reconnects)
    connect_help: str | Promise
    # A function of the store package run before each import (its module.name), e.g. subscribing
    # the webhooks an older install lacks; empty when the store needs nothing.
    before_run: str = ""

    @property
    def label(self) -> str:
        return Integration.Provider(self.name).label

    def order_source(self, integration: Integration) -> OrderSource:
        """The store package's OrderSource for this integration."""
        return import_module(f"{self.package}.source").order_source(integration)

    def prepare_run(self, integration: Integration) -> None:
        """What the store package does before each import of this integration (see before_run)."""
        if self.before_run:
            module, function = self.before_run.rsplit(".", 1)
            getattr(import_module(f"{self.package}.{module}"), function)(integration)

    def map_order(self, payload: Any) -> StoreOrder:
        """The order as the store sent it, mapped by the store's own mapper (StoreOrderError if not)."""
        return import_module(f"{self.package}.mapper").map_order(payload)

    def product_key(self, payload: Any, position: int) -> tuple[str, str] | None:
        """The store's (product id, variant id) of item `position` (from 1) of an order it sent, or
        None when the order does not say. Raises StoreOrderError when the order cannot be read."""
        order = self.map_order(payload)
        if not 1 <= position <= len(order.items):
            return None
        item = order.items[position - 1]
        return (item.store_product_id, item.store_variant_id) if item.store_product_id else None

    def connect_url(self, integration: Integration | None = None) -> str | None:
        """The connect page (with an integration: its reconnect page); None while it does not exist."""
        try:
            url = reverse(self.connect_url_name)
        except NoReverseMatch:
            return None
        return f"{url}?integration={integration.pk}" if integration is not None else url


PROVIDERS: dict[str, Provider] = {
    provider.name: provider
    for provider in (
        Provider(
            name=Integration.Provider.LOJA_INTEGRADA,
            package="integrations.loja_integrada",
            connect_url_name="loja_integrada:connect",
            connect_help=gettext_lazy(
                "Paste an API key created in the store (Configurações › Chave para API › Cadastrar nova "
                "chave, identification “Ponte”)."
            ),
        ),
        Provider(
            name=Integration.Provider.NUVEMSHOP,
            package="integrations.nuvemshop",
            connect_url_name="nuvemshop:install",
            connect_help=gettext_lazy("Install the Ponte app in your Nuvemshop store."),
            before_run="connect.subscribe_missing_webhooks",
        ),
    )
}


def provider_for(integration_or_name: Integration | str) -> Provider:
    """The Provider of an integration, or of a provider name ("nuvemshop", "loja_integrada")."""
    name = getattr(integration_or_name, "provider", integration_or_name)
    return PROVIDERS[name]


def order_source(integration: Integration) -> OrderSource:
    """The OrderSource of this integration's store."""
    return provider_for(integration).order_source(integration)
