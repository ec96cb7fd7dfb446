"""Staff roles as Django groups: Financeiro reviews and confirms; Gestor also runs the integrations.

The groups are created by a migration; their permissions are (re)applied after every migrate, so a
model added later gets its permissions in the right roles without another data migration.
"""

from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_migrate
from django.dispatch import receiver

FINANCEIRO = "Financeiro"
GESTOR = "Gestor"

FINANCEIRO_PERMISSIONS = [
    "sales.view_sale",
    "sales.change_sale",
    "sales.confirm_sale",
    "sales.cancel_sale",
    "sales.view_saleitem",
    "sales.add_saleitem",
    "sales.change_saleitem",
    "sales.delete_saleitem",
    "sales.view_receivable",
    "customers.view_customer",
    "customers.add_customer",
    "customers.change_customer",
    "catalog.view_product",
    "catalog.add_product",
    "catalog.change_product",
    "catalog.view_stockmovement",
]

GESTOR_PERMISSIONS = [
    *FINANCEIRO_PERMISSIONS,
    "sales.add_sale",
    "catalog.view_stocksettings",
    "catalog.change_stocksettings",
    "catalog.add_stockmovement",
    "fiscal.view_companyfiscalsettings",
    "fiscal.change_companyfiscalsettings",
    "integrations.view_integration",
    "integrations.add_integration",
    "integrations.change_integration",
    "integrations.run_import",
    "integrations.view_importrecord",
    "integrations.view_importrun",
    "integrations.view_webhookevent",
    "integrations.view_storeproductlink",
    "integrations.change_storeproductlink",
    "integrations.delete_storeproductlink",
    "audit.view_auditentry",
    # LGPD requests from Nuvemshop; the model may not exist yet, and missing ones are skipped.
    "nuvemshop.view_privacyrequest",
]

ROLE_PERMISSIONS = {FINANCEIRO: FINANCEIRO_PERMISSIONS, GESTOR: GESTOR_PERMISSIONS}


def apply_role_permissions() -> None:
    """Give each role exactly its permissions (those whose models exist yet)."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                permissions.append(permission)
        group.permissions.set(permissions)


@receiver(post_migrate)
def _apply_roles_after_migrate(sender, **kwargs):
    # Permissions are created per app by post_migrate too; wait for the last app's turn.
    if sender.label == list(django_apps.get_app_configs())[-1].label:
        apply_role_permissions()
