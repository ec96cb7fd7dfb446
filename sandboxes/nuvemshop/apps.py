from django.apps import AppConfig


class NuvemshopSandboxConfig(AppConfig):
    """A fake Nuvemshop (install page, token endpoint, API, webhooks) served by this project."""

    name = "sandboxes.nuvemshop"
    label = "nuvemshop_sandbox"
    verbose_name = "Nuvemshop (sandbox)"
