"""Who may drive a sandbox's control panel: the Gestor (and the superuser), as with the real stores.

The panels uninstall and suspend the app, create stores and orders and show the fake keys in
full, which is what connecting a store asks of a manager; Financeiro and staff without a role are
refused (403), anonymous users sent to the login. The store-facing pages (authorize, token, the
API) are not panels: the app and the merchant reach them as they reach the real store.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required

# Connecting a store is the Gestor's; a sandbox is a store to connect.
PANEL_PERMISSION = "integrations.add_integration"


def control_panel(view):
    """Staff login (else the admin login page), then the Gestor's permission (else 403)."""
    return staff_member_required(permission_required(PANEL_PERMISSION, raise_exception=True)(view))
