from django.apps import AppConfig


class LojaIntegradaConfig(AppConfig):
    """Loja Integrada: API-key connection, client, mapper to StoreOrder."""

    name = "integrations.loja_integrada"
    label = "loja_integrada"
    verbose_name = "Loja Integrada"
