"""Connecting a Loja Integrada store: the key is checked against the store before anything is saved."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from integrations import services as integration_services
from integrations.errors import AppCredentialsRefused, AuthError, StoreError
from integrations.models import Integration

from .client import LojaIntegradaClient


class ConnectError(Exception):
    """The store could not be connected; the message says why, for the person connecting it."""


def check_api_key(api_key: str) -> None:
    """Ask the store whether it accepts this key; ConnectError with a readable reason if not."""
    api_key = (api_key or "").strip()
    if not api_key:
        raise ConnectError(_("Paste the API key created at Loja Integrada."))
    try:
        LojaIntegradaClient(api_key, new_key=True).check_key()
    except AppCredentialsRefused as error:
        raise ConnectError(str(error)) from None
    except AuthError:
        raise ConnectError(
            _(
                "Loja Integrada did not accept this API key. Check that you copied the whole key "
                "(Configurações › Chave para API) and that it was not deleted."
            )
        ) from None
    except StoreError as error:
        raise ConnectError(
            _("Loja Integrada could not be reached to check the key (%(error)s). Try again in a few minutes.")
            % {"error": error}
        ) from None


def connect_loja_integrada(
    *, name: str, api_key: str, seller, integration: Integration | None = None
) -> Integration:
    """Connect a store by its API key, or give a disconnected integration a new key.

    The key is checked against the store first: a key it refuses saves nothing. A new integration
    is activated now (only orders placed from now on are imported) with `seller` as the seller of
    its sales. An existing one keeps its activation date, seller, cursor and history, so nothing
    is imported twice and nothing placed while it was disconnected is lost.
    """
    api_key = (api_key or "").strip()
    _refuse_a_key_in_use(api_key, integration)
    check_api_key(api_key)
    with transaction.atomic():
        if integration is not None:
            integration = Integration.objects.select_for_update().get(pk=integration.pk)
            if integration.provider != Integration.Provider.LOJA_INTEGRADA:
                raise ConnectError(_("This integration is not a Loja Integrada store."))
            if name:
                integration.name = name
                integration.save(update_fields=["name", "updated_at"])
            return integration_services.replace_credential(integration, api_key, by=seller)
        integration, _created = integration_services.activate_integration(
            provider=Integration.Provider.LOJA_INTEGRADA,
            name=name.strip() or "Loja Integrada",
            credential=api_key,
            seller=seller,
        )
        return integration


def _refuse_a_key_in_use(api_key: str, integration: Integration | None) -> None:
    """The same key twice would import the same store twice (keys name no store, and import
    records are per integration). Credentials are encrypted, so they are compared decrypted."""
    others = Integration.objects.filter(provider=Integration.Provider.LOJA_INTEGRADA)
    if integration is not None:
        others = others.exclude(pk=integration.pk)
    for other in others.only("pk", "name", "credential"):
        if api_key and other.credential == api_key:
            raise ConnectError(
                _("This API key is already used by the integration “%(name)s”.") % {"name": other.name}
            )
