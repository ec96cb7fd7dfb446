from django.apps import AppConfig


class LojaIntegradaSandboxConfig(AppConfig):
    """A fake Loja Integrada API served by this project (demo and tests only)."""

    name = "sandboxes.loja_integrada"
    label = "loja_integrada_sandbox"
    verbose_name = "Loja Integrada (sandbox)"
