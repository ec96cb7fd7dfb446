from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiscalConfig(AppConfig):
    name = "fiscal"
    verbose_name = _("Invoicing (NF-e)")

    def ready(self):
        # The sales pages show what an NF-e would lack through sales' extension points; sales
        # never imports this app (it sits above sales).
        from . import sales_extensions

        sales_extensions.register()
