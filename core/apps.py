from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every room shares: staff roles, login policy, money and date presentation, the demo."""

    name = "core"
    verbose_name = _("Ponte")

    def ready(self):
        from . import cache_table, checks, roles  # noqa: F401  (system check, post_migrate hooks)
