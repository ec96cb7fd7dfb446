from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


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
                condition=Q(installments__gte=1, installments__lte=120), name="sale_installments_range"
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

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.REVIEW_PENDING

    @property
    def store_total_difference(self) -> Decimal | None:
        """Our total minus the store's, when the store told us one and they differ."""
        if self.store_total_amount is None or self.store_total_amount == self.total_amount:
            return None
        return self.total_amount - self.store_total_amount


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
        return f"{self.quantity} × {self.product}"

    @property
    def total(self) -> Decimal:
        return to_cents(self.quantity * self.unit_price)


class Receivable(models.Model):
    """Contas a receber: one per installment of a confirmed sale."""

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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        ordering = ["due_date", "sale", "number"]
        indexes = [models.Index(fields=["status", "due_date"], name="receivable_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["sale", "number"], name="receivable_unique_installment"),
            models.CheckConstraint(condition=Q(number__gte=1), name="receivable_number_from_one"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="receivable_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.sale} — {self.number}"


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
