from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def sandboxes_off_in_production(app_configs, **kwargs):
    """The fake stores accept any install and any order: they must never face the internet."""
    if settings.STORE_SANDBOXES:
        return [
            Error(
                "STORE_SANDBOXES is on.",
                hint="The store sandboxes are for the demo and the tests; switch them off in production.",
                id="ponte.E001",
            )
        ]
    return []


@register(Tags.security)
def encryption_key_present(app_configs, **kwargs):
    if not settings.FIELD_ENCRYPTION_KEY:
        return [
            Error(
                "FIELD_ENCRYPTION_KEY is not set.",
                hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="ponte.E002",
            )
        ]
    return []
