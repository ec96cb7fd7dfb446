from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")

# The dates a clerk may type. Anything outside is a typo (01/01/1900, 31/12/9999) that would make
# receivables nobody can collect, or dates past the calendar's end once the installments are added.
EARLIEST_SALE_DATE = date(2000, 1, 1)
SALE_DATE_MAX_AHEAD = relativedelta(years=1)
FIRST_DUE_MAX_AHEAD = relativedelta(years=10)
MAX_INSTALLMENTS = 120


def _shown(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def sale_date_problem(sale_date: date | None) -> str | None:
    """Why a sale date may not be typed (before 01/01/2000, or more than a year from today), or None."""
    if sale_date is None:
        return None
    latest = timezone.localdate() + SALE_DATE_MAX_AHEAD
    if not EARLIEST_SALE_DATE <= sale_date <= latest:
        return gettext("The sale date must be between %(earliest)s and %(latest)s.") % {
            "earliest": _shown(EARLIEST_SALE_DATE),
            "latest": _shown(latest),
        }
    return None


def first_due_date_problem(sale_date: date | None, first_due_date: date | None) -> str | None:
    """Why a first due date may not be typed, or None: it falls on the sale date or after it, and at
    most ten years after it."""
    if sale_date is None or first_due_date is None or sale_date_problem(sale_date):
        return None
    latest = sale_date + FIRST_DUE_MAX_AHEAD
    if not sale_date <= first_due_date <= latest:
        return gettext("The first due date must be between the sale date (%(sale_date)s) and %(latest)s.") % {
            "sale_date": _shown(sale_date),
            "latest": _shown(latest),
        }
    return None


def to_cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class SaleNumber(models.Model):
    """The counter behind sale numbers: one row, advanced atomically by sales.services."""

    last_number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("sale number counter")

    def __str__(self):
        return str(self.last_number)


def _decided_by(verbose_name) -> models.ForeignKey:
    """Who confirmed or cancelled a sale: set by the services only, and a user with books behind
    their name is never deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )


class Sale(models.Model):
    class Status(models.TextChoices):
        REVIEW_PENDING = "review_pending", _("Review pending")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    class PaymentMethod(models.TextChoices):
        CASH = "cash", _("Cash")
        PIX = "pix", _("Pix")
        CREDIT_CARD = "credit_card", _("Credit card")
        DEBIT_CARD = "debit_card", _("Debit card")
        BOLETO = "boleto", _("Boleto")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        STORE_CREDIT = "store_credit", _("Store credit")
        OTHER = "other", _("Other")

    number = models.PositiveBigIntegerField(_("number"), unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REVIEW_PENDING, db_index=True
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="sales"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("seller"), on_delete=models.PROTECT, related_name="sales"
    )
    sale_date = models.DateField(_("sale date"), default=timezone.localdate)
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.CASH
    )
    installments = models.PositiveSmallIntegerField(_("installments"), default=1)
    first_due_date = models.DateField(_("first due date"), default=timezone.localdate)
    # Sum of the items' totals; kept by sales.services whenever items change.
    items_amount = models.DecimalField(_("items"), max_digits=12, decimal_places=2, default=0, editable=False)
    shipping_amount = models.DecimalField(_("freight"), max_digits=12, decimal_places=2, default=0)
    discount_amount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=0)
    # items + freight − discount (database-checked).
    total_amount = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=0, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    # Where the sale came from, when a store import made it.
    integration = models.ForeignKey(
        "integrations.Integration",
        verbose_name=_("integration"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
    )
    external_id = models.CharField(_("store order id"), max_length=64, blank=True)
    external_number = models.CharField(_("store order number"), max_length=64, blank=True)
    # The store's own total; when it differs from ours the sale is flagged for review.
    store_total_amount = models.DecimalField(
        _("store total"), max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    # How the customer paid in the store, beside the terms the clerk confirms (which start as the
    # seeds' Dinheiro in one installment unless the integration says to take the store's).
    store_payment_method = models.CharField(
        _("store payment method"),
        max_length=20,
        choices=PaymentMethod.choices,
        blank=True,
        editable=False,
        db_default="",  # rows written by raw SQL (benches, data loads) need not name it
    )
    store_installments = models.PositiveSmallIntegerField(
        _("store installments"), null=True, blank=True, editable=False
    )
    store_payment_label = models.CharField(
        _("payment in the store"), max_length=255, blank=True, editable=False, db_default=""
    )
    # Something a person must look at (store cancelled a confirmed sale, invalid document, …).
    attention_reason = models.TextField(_("needs attention"), blank=True)
    # When the store last changed the order after the import in a way a person must look at
    # (cancelled, refunded, charged back, paid again): the sales list's "Changed at the store".
    store_changed_at = models.DateTimeField(_("changed at the store"), null=True, blank=True, editable=False)

    confirmed_by = _decided_by(_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    cancelled_by = _decided_by(_("cancelled by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-sale_date", "-number"]
        permissions = [
            ("confirm_sale", _("Can confirm sales")),
            ("cancel_sale", _("Can cancel sales")),
            ("reverse_sale", _("Can reverse confirmed sales")),
        ]
        # One per filter and ordering of the sales list (sales.admin, sales.selectors), so a page of
        # 50 is read in index order at any table size.
        indexes = [
            # The queue (status = pending, oldest first) and any status filter, newest first.
            models.Index(fields=["status", "sale_date", "number"], name="sale_queue_idx"),
            # "All sales", newest first.
            models.Index(fields=["sale_date", "number"], name="sale_date_idx"),
            models.Index(
                fields=["integration", "status", "sale_date", "number"], name="sale_integration_idx"
            ),
            models.Index(fields=["seller", "sale_date"], name="sale_seller_idx"),
            # The search box's store order number.
            models.Index(fields=["external_number"], name="sale_store_number_idx"),
            # The integrations page's chart: sales per day of the last 30 days, per integration.
            models.Index(fields=["integration", "created_at"], name="sale_integration_created_idx"),
            # "Changed at the store": the few sales the store changed after the import.
            models.Index(
                fields=["store_changed_at"],
                condition=Q(store_changed_at__isnull=False),
                name="sale_store_changed_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "external_id"],
                condition=Q(integration__isnull=False),
                name="sale_unique_store_order",
            ),
            models.CheckConstraint(
                condition=Q(integration__isnull=True) | ~Q(external_id=""), name="sale_store_order_has_id"
            ),
            models.CheckConstraint(
                condition=Q(installments__gte=1, installments__lte=MAX_INSTALLMENTS),
                name="sale_installments_range",
                violation_error_message=_("The number of installments must be between 1 and 120."),
            ),
            models.CheckConstraint(
                condition=Q(shipping_amount__gte=0, discount_amount__gte=0, items_amount__gte=0),
                name="sale_amounts_not_negative",
            ),
            # Rounded to the cent because SQLite evaluates this sum in floating point, where
            # 0.10 + 0.20 is not 0.30; on PostgreSQL numeric is exact and the rounding is a no-op.
            models.CheckConstraint(
                condition=Q(
                    total_amount=Round(F("items_amount") + F("shipping_amount") - F("discount_amount"), 2)
                ),
                name="sale_total_is_items_plus_freight_minus_discount",
            ),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="sale_total_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="sale_confirmed_has_who_and_when",
            ),
        ]

    def __str__(self):
        return str(_("Sale %(number)s") % {"number": self.number})

    def clean(self):
        """Dates within what may be typed (sale_date_problem, first_due_date_problem)."""
        super().clean()
        if problem := sale_date_problem(self.sale_date):
            raise ValidationError({"sale_date": problem})
        if problem := first_due_date_problem(self.sale_date, self.first_due_date):
            raise ValidationError({"first_due_date": problem})

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.REVIEW_PENDING

    @property
    def has_store_payment(self) -> bool:
        return bool(self.store_payment_method)

    @property
    def terms_differ_from_store(self) -> bool:
        """The terms to confirm are not how the customer paid in the store (when the store said so)."""
        if not self.store_payment_method:
            return False
        return (self.payment_method, self.installments) != (
            self.store_payment_method,
            self.store_installments or 1,
        )

    @property
    def is_reversible(self) -> bool:
        """Confirmed and not yet reversed: what the "Estornar venda" button is offered on."""
        return self.status == self.Status.CONFIRMED

    @property
    def store_total_difference(self) -> Decimal | None:
        """Our total minus the store's, when the store told us one and they differ."""
        if self.store_total_amount is None or self.store_total_amount == self.total_amount:
            return None
        return self.total_amount - self.store_total_amount


class SaleReversal(models.Model):
    """Estorno: a confirmed sale undone (receivables cancelled, stock back in), by whom, when, why.

    A row of its own rather than columns of Sale: one per sale (a second reversal has nowhere to
    go), and the sales table, written in bulk by the import, stays as narrow as it was.
    """

    sale = models.OneToOneField(
        Sale, verbose_name=_("sale"), on_delete=models.PROTECT, related_name="reversal", editable=False
    )
    reversed_by = _decided_by(_("reversed by"))
    reversed_at = models.DateTimeField(_("reversed at"), editable=False)
    reason = models.TextField(_("why reversed"), editable=False)
    receivables_cancelled = models.PositiveSmallIntegerField(_("receivables cancelled"), default=0)

    class Meta:
        verbose_name = _("sale reversal")
        verbose_name_plural = _("sale reversals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason="") & Q(reversed_by__isnull=False), name="salereversal_has_who_and_why"
            )
        ]

    def __str__(self):
        return str(_("Reversal of sale %(number)s") % {"number": self.sale.number})


class SaleItem(models.Model):
    sale = models.ForeignKey(Sale, verbose_name=_("sale"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("line"), default=0)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="sale_items"
    )
    # "Detalhes do item": the store's own description of what was sold.
    details = models.CharField(_("item details"), max_length=500, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    # Stores send unit prices with up to 4 decimals; line and sale totals are to the cent.
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["sale", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="saleitem_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="saleitem_unit_price_not_negative"),
        ]

    def __str__(self):
        # 2 × Casaco infantil, not 2.000 × (quantities are stored with three decimals).
        return f"{number_format(self.quantity.normalize(), use_l10n=True)} × {self.product}"

    @property
    def total(self) -> Decimal:
        return to_cents(self.quantity * self.unit_price)


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
