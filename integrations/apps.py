from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedule(sender, using="default", **kwargs):
    from .tasks import ensure_import_schedule

    ensure_import_schedule(using)


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        # After every migrate (once the django_q tables exist), the import schedule exists once.
        post_migrate.connect(_ensure_schedule, sender=self, dispatch_uid="integrations_import_schedule")

        from sales.signals import sale_item_product_replaced

        from .receivers import repoint_on_product_replaced

        sale_item_product_replaced.connect(
            repoint_on_product_replaced, dispatch_uid="integrations_repoint_store_product"
        )
