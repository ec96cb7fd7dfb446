"""The fake Loja Integrada's data: stores (one per API key) and their orders, in the database so the
web server, the task worker and the tests all see the same store."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SandboxStore(models.Model):
    """A store as Loja Integrada sees it: its API key, its request limit, and test switches."""

    class Fault(models.IntegerChoices):
        TOO_MANY_REQUESTS = 429, "429"
        SERVER_ERROR = 500, "500"
        UNAUTHORIZED = 401, "401"
        # Network and body faults (not HTTP statuses): 200 with a cut body, 200 with a body that
        # is not JSON, an answer slower than the client's read timeout, a connection dropped
        # half-way through the answer.
        TRUNCATED_JSON = 1, "truncated JSON"
        MALFORMED_JSON = 2, "malformed JSON"
        SLOW = 3, "slower than the timeout"
        CONNECTION_DROPPED = 4, "connection dropped"

    class PageChange(models.TextChoices):
        # Once, between the reads of page 1 and page 2 of `pedido/search`, the store changes: a
        # paid order committed late under a lower number (it sorts ahead and shifts every page by
        # one), or the first listed order moved on to another situation (its last change is now).
        LATE_PAID_ORDER = "late_paid_order", _("a paid order committed late")
        ORDER_UPDATED = "order_updated", _("the first order updated")

    name = models.CharField(_("name"), max_length=120)
    # A fake key of a fake store: kept in clear so the sandbox page can show it to the demo user.
    api_key = models.CharField(_("API key"), max_length=64, unique=True)
    # Revoked: every call answers 401, as the real store does for a deleted key.
    revoked = models.BooleanField(_("key revoked"), default=False)

    # The store's published limit (100 a minute); benchmarks switch it off.
    enforce_rate_limit = models.BooleanField(_("enforce the rate limit"), default=True)
    rate_limit = models.PositiveIntegerField(_("requests per window"), default=100)
    rate_window_seconds = models.FloatField(_("window (seconds)"), default=60)
    window_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    # Forced faults for tests: every `fault_every`-th request answers `fault_status`, while
    # `fault_remaining` (None = without end) lasts.
    fault_status = models.PositiveSmallIntegerField(
        _("forced answer"), choices=Fault.choices, null=True, blank=True
    )
    fault_every = models.PositiveIntegerField(_("every n-th request"), default=1)
    fault_remaining = models.PositiveIntegerField(_("faults left"), null=True, blank=True)
    fault_retry_after = models.FloatField(_("Retry-After of forced 429s (seconds)"), default=0)

    page_change = models.CharField(
        _("change between two page reads"), max_length=20, choices=PageChange.choices, blank=True
    )

    requests_served = models.PositiveIntegerField(_("requests"), default=0, editable=False)
    faults_served = models.PositiveIntegerField(_("faults answered"), default=0, editable=False)

    class Meta:
        verbose_name = _("sandbox store")
        verbose_name_plural = _("sandbox stores")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class SandboxOrder(models.Model):
    """One order of a sandbox store; `payload` is the detail JSON without the fields kept here."""

    store = models.ForeignKey(SandboxStore, on_delete=models.CASCADE, related_name="orders")
    numero = models.PositiveIntegerField(_("number"))
    situacao_codigo = models.CharField(_("situation"), max_length=40)
    data_criacao = models.DateTimeField(_("created at"))
    data_modificacao = models.DateTimeField(_("changed at"), db_index=True)
    payload = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("sandbox order")
        verbose_name_plural = _("sandbox orders")
        ordering = ["store", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["store", "numero"], name="sandbox_li_order_unique_numero")
        ]

    def __str__(self):
        return f"{self.store} #{self.numero}"

    @property
    def situation_name(self) -> str:
        """The situation as the store names it ("Pedido pago"), not its code."""
        from .store import situation  # store.py builds on these models

        return situation(self.situacao_codigo).get("nome") or self.situacao_codigo
