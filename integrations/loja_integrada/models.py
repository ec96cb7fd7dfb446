"""What Ponte knows about its own Loja Integrada application key (LOJA_INTEGRADA_APP_KEY)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationKeyStatus(models.Model):
    """One row: whether Loja Integrada refuses Ponte's own application key, and the evidence so far.

    Loja Integrada answers a refused merchant key and a refused application key (a wrong key, or an
    application bound to other IP addresses) the same way, so the verdict comes from comparing
    stores: two merchant keys refused with none accepted since means the key they share is at fault.
    Keys are kept as digests only.
    """

    # Digest of the application key the verdict and evidence are about: a new key starts afresh.
    key_digest = models.CharField(max_length=64, blank=True)
    refused_at = models.DateTimeField(_("application key refused at"), null=True, blank=True)
    # Digests of merchant keys refused since a call was last accepted, and how many.
    refused_keys = models.JSONField(default=list, blank=True)
    refusals = models.PositiveIntegerField(default=0)
    # When a call last tested a refused application key again.
    last_probe_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Loja Integrada application key status")

    def __str__(self):
        return "refused" if self.refused_at else "ok"
