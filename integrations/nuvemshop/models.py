from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivacyRequest(models.Model):
    """An LGPD request Nuvemshop relayed (store/redact, customers/redact, customers/data_request),
    and what Ponte did about it. The report names what was erased or held, for the manager."""

    class Kind(models.TextChoices):
        STORE_REDACT = "store/redact", _("Erase the store's personal data")
        CUSTOMER_REDACT = "customers/redact", _("Erase a customer's personal data")
        DATA_REQUEST = "customers/data_request", _("Report a customer's data")

    integration = models.ForeignKey(
        "integrations.Integration",
        verbose_name=_("integration"),
        on_delete=models.CASCADE,
        related_name="privacy_requests",
    )
    kind = models.CharField(_("request"), max_length=30, choices=Kind.choices)
    store_customer_id = models.CharField(_("customer id at the store"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    summary = models.TextField(_("what was done"), blank=True)
    # For a data request: the customer's data Ponte holds. For erasures: counts and ids only.
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("LGPD request")
        verbose_name_plural = _("LGPD requests")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.received_at:%d/%m/%Y})"
