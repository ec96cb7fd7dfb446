from django.apps import AppConfig


class NuvemshopConfig(AppConfig):
    """Nuvemshop: app install (OAuth), client, mapper to StoreOrder, webhooks."""

    name = "integrations.nuvemshop"
    label = "nuvemshop"
    verbose_name = "Nuvemshop"
