"""A queued "Confirmar vendas selecionadas" and its progress."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BulkConfirmation(models.Model):
    """One "Confirmar vendas selecionadas": which sales, who asked, and how far the worker got.

    The progress page reads it while the task confirms the sales chunk by chunk; `failures` lists
    each sale that stayed pending with the reason ({"sale", "number", "reason"}).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    # The reasons are written by the worker, in the language of whoever asked.
    language = models.CharField(max_length=10, blank=True)
    sale_ids = models.JSONField(_("sales"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("selected"), default=0)
    # How many of `sale_ids` the worker has been through, so a re-delivered task resumes there.
    processed = models.PositiveIntegerField(_("processed"), default=0)
    confirmed = models.PositiveIntegerField(_("confirmed"), default=0)
    failed = models.PositiveIntegerField(_("not confirmed"), default=0)
    failures = models.JSONField(_("reasons"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk confirmation")
        verbose_name_plural = _("bulk confirmations")
        ordering = ["-queued_at", "-pk"]

    def __str__(self):
        return f"{self.get_status_display()}: {self.confirmed}/{self.total}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
