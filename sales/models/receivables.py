"""Contas a receber and their receipts (baixas)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .sales import Sale


class Receivable(models.Model):
    """Contas a receber: one per installment of a confirmed sale.

    Open until receipts settle its whole amount; a partial receipt leaves the rest open on the same
    receivable (`open_amount`), so the installment keeps its number and due date. The totals of
    its standing receipts are kept here, in the row the receipt services lock, so lists and exports
    read them without a join. The sale's payment method and integration are copied here at
    confirm (neither changes once a sale is confirmed), so the list filters on them by index
    without reading the sales.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    sale = models.ForeignKey(
        Sale, verbose_name=_("sale"), on_delete=models.PROTECT, related_name="receivables"
    )
    number = models.PositiveSmallIntegerField(_("installment"))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    payment_method = models.CharField(
        _("payment method"),
        max_length=20,
        choices=Sale.PaymentMethod.choices,
        default=Sale.PaymentMethod.CASH,
        db_default=Sale.PaymentMethod.CASH,
        editable=False,
    )
    integration = models.ForeignKey(
        "integrations.Integration",
        verbose_name=_("integration"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,  # led by the (integration, status, due_date) index below
    )
    # Sums of the standing receipts: the part of `amount` settled, the money that came in, the fees
    # withheld (card acquirer, discount) and the interest/fine paid on top; received_on is the
    # latest receipt's date.
    settled_amount = models.DecimalField(
        _("settled"), max_digits=12, decimal_places=2, default=0, db_default=0, editable=False
    )
    received_amount = models.DecimalField(
        _("received"), max_digits=12, decimal_places=2, default=0, db_default=0, editable=False
    )
    fees_amount = models.DecimalField(
        _("fees"), max_digits=12, decimal_places=2, default=0, db_default=0, editable=False
    )
    interest_amount = models.DecimalField(
        _("interest"), max_digits=12, decimal_places=2, default=0, db_default=0, editable=False
    )
    received_on = models.DateField(_("received on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        ordering = ["due_date", "sale", "number"]
        permissions = [
            ("register_receipt", _("Can register receipts")),
            ("undo_receipt", _("Can undo receipts")),
        ]
        # The list's page is read along an index in its own order (due date, then id: naming `id`
        # keeps the tie-break in the index, so no filtered row is sorted), and its totals are summed
        # from the index alone.
        indexes = [
            # Open ones due soonest (the list's default, Vencidos, Vencem hoje, Próximos 7 / 30 dias).
            models.Index(
                fields=["status", "due_date", "id", "amount", "settled_amount"], name="receivable_due_idx"
            ),
            # Recebidos, newest first.
            models.Index(fields=["status", "received_on"], name="receivable_received_idx"),
            # Every receivable, latest due first.
            models.Index(fields=["due_date"], name="receivable_due_date_idx"),
            # Recebidos no período, newest first, and what came in over a period.
            models.Index(
                fields=["received_on", "id", "status", "received_amount"], name="receivable_received_on_idx"
            ),
            # By integration and by payment method, open ones due soonest.
            models.Index(
                fields=["integration", "status", "due_date", "id", "amount", "settled_amount"],
                name="receivable_integration_idx",
            ),
            models.Index(
                fields=["payment_method", "status", "due_date", "id", "amount", "settled_amount"],
                name="receivable_method_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["sale", "number"], name="receivable_unique_installment"),
            models.CheckConstraint(condition=Q(number__gte=1), name="receivable_number_from_one"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="receivable_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(settled_amount__gte=0, settled_amount__lte=F("amount")),
                name="receivable_settled_within_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status="received") | Q(settled_amount=F("amount"), received_on__isnull=False),
                name="receivable_received_is_settled",
            ),
        ]

    def __str__(self):
        return f"{self.sale} — {self.number}"

    @property
    def open_amount(self) -> Decimal:
        """What is still to be received (nothing once received or cancelled)."""
        if self.status != self.Status.OPEN:
            return Decimal("0.00")
        return self.amount - self.settled_amount

    @property
    def is_overdue(self) -> bool:
        """Vencido: open past its due date."""
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()

    @property
    def display_status(self) -> str:
        if self.is_overdue:
            return str(_("Overdue"))
        if self.status == self.Status.OPEN and self.settled_amount:
            return str(_("Partly received"))
        return self.get_status_display()


class Receipt(models.Model):
    """One baixa of a receivable: the day money came in, how much, and what was withheld or added.

    `settled` is the part of the receivable it pays off: received + fees − interest (a R$ 100,00
    installment paid by card arrives as R$ 97,00 with R$ 3,00 of acquirer fee; paid late, as
    R$ 102,00 with R$ 2,00 of interest). An undone receipt stays, marked, with who and why.
    """

    receivable = models.ForeignKey(
        Receivable, verbose_name=_("receivable"), on_delete=models.PROTECT, related_name="receipts"
    )
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount received"), max_digits=12, decimal_places=2)
    fees = models.DecimalField(_("fees / discount"), max_digits=12, decimal_places=2, default=0)
    interest = models.DecimalField(_("interest / fine"), max_digits=12, decimal_places=2, default=0)
    settled = models.DecimalField(_("settled"), max_digits=12, decimal_places=2)
    note = models.CharField(_("account / note"), max_length=255, blank=True)
    # The form's one-time token: the same submit sent twice registers one receipt.
    key = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    undo_reason = models.TextField(_("why undone"), blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["receivable", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["receivable", "key"], condition=~Q(key=""), name="receipt_unique_submit"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0, fees__gte=0, interest__gte=0, settled__gt=0),
                name="receipt_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(settled=Round(F("amount") + F("fees") - F("interest"), 2)),
                name="receipt_settled_is_received_plus_fees_minus_interest",
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | ~Q(undo_reason=""), name="receipt_undone_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.receivable}: {self.amount} ({self.received_on})"

    @property
    def is_standing(self) -> bool:
        return self.undone_at is None
