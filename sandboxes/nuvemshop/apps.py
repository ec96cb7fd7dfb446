from django.apps import AppConfig


class NuvemshopSandboxConfig(AppConfig):
    """A fake Nuvemshop (install page, token endpoint, API, webhooks) served by this project."""

    name = "integrations.nuvemshop.sandbox"
    label = "nuvemshop_sandbox"
    verbose_name = "Nuvemshop (sandbox)"
