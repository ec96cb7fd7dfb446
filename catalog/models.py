import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from solo.models import SingletonModel
from stdnum import ean

from customers.models import normalise_name


def normalise_description(value: str) -> str:
    """A product description as compared by the matching rule: no case, no extra spaces."""
    return normalise_name(value)


_NOT_DIGIT = re.compile(r"\D")


def normalise_gtin(value: str) -> str:
    """The GTIN/EAN as stored: its digits, or "" when it is not a valid GTIN-8/12/13/14
    (stores send "SEM GTIN", blanks or internal codes in the same field)."""
    digits = _NOT_DIGIT.sub("", value or "")
    if len(digits) in (8, 12, 13, 14) and ean.is_valid(digits):
        return digits
    return ""


class Product(models.Model):
    class Origin(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Created by a store import")

    class GoodsOrigin(models.TextChoices):
        # The NF-e's "origem da mercadoria" (orig), table A of the ICMS CST.
        NATIONAL = "0", _("0 – National")
        FOREIGN_DIRECT = "1", _("1 – Foreign, imported directly")
        FOREIGN_DOMESTIC = "2", _("2 – Foreign, bought in Brazil")
        # xgettext:no-python-format
        NATIONAL_40 = "3", _("3 – National, over 40% imported content")
        NATIONAL_PPB = "4", _("4 – National, basic production processes")
        # xgettext:no-python-format
        NATIONAL_UNDER_40 = "5", _("5 – National, up to 40% imported content")
        FOREIGN_DIRECT_NO_SIMILAR = "6", _("6 – Foreign, imported directly, no national similar")
        FOREIGN_DOMESTIC_NO_SIMILAR = "7", _("7 – Foreign, bought in Brazil, no national similar")
        # xgettext:no-python-format
        NATIONAL_OVER_70 = "8", _("8 – National, over 70% imported content")

    description = models.CharField(_("description"), max_length=255)
    description_key = models.CharField(max_length=255, editable=False, db_index=True)
    sku = models.CharField(_("SKU"), max_length=100, blank=True)
    sale_price = models.DecimalField(_("sale price"), max_digits=12, decimal_places=2, default=0)
    # Always equal to the sum of the product's stock movements: only catalog.services changes it,
    # in the same transaction as the movement, with F() arithmetic.
    stock_quantity = models.DecimalField(
        _("stock quantity"), max_digits=14, decimal_places=3, default=0, editable=False
    )
    active = models.BooleanField(_("active"), default=True)
    ncm = models.CharField(
        _("NCM"), max_length=8, blank=True, help_text=_("The 8 digits of the Mercosur classification.")
    )
    cest = models.CharField(
        _("CEST"), max_length=7, blank=True, help_text=_("7 digits; only for goods under ICMS-ST.")
    )
    goods_origin = models.CharField(
        _("goods origin"), max_length=1, choices=GoodsOrigin.choices, default=GoodsOrigin.NATIONAL
    )
    unit = models.CharField(_("commercial unit"), max_length=6, default="UN")
    gtin = models.CharField(_("GTIN/EAN"), max_length=14, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    origin_integration = models.ForeignKey(
        "integrations.Integration",
        verbose_name=_("created by the integration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["description", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sku"], condition=~Q(sku=""), name="product_unique_sku"),
            models.CheckConstraint(condition=Q(sale_price__gte=0), name="product_sale_price_not_negative"),
            models.CheckConstraint(
                condition=Q(ncm="") | Q(ncm__regex=r"^[0-9]{8}$"), name="product_ncm_is_8_digits"
            ),
            models.CheckConstraint(
                condition=Q(cest="") | Q(cest__regex=r"^[0-9]{7}$"), name="product_cest_is_7_digits"
            ),
        ]

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        self.description = " ".join((self.description or "").split())
        self.description_key = normalise_description(self.description)
        self.sku = (self.sku or "").strip()
        self.ncm = _NOT_DIGIT.sub("", self.ncm or "")
        self.cest = _NOT_DIGIT.sub("", self.cest or "")
        self.unit = (self.unit or "").strip().upper() or "UN"
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        self.ncm = _NOT_DIGIT.sub("", self.ncm or "")
        if self.ncm and len(self.ncm) != 8:
            errors["ncm"] = ValidationError(_("The NCM has 8 digits (e.g. 6109.10.00)."))
        self.cest = _NOT_DIGIT.sub("", self.cest or "")
        if self.cest and len(self.cest) != 7:
            errors["cest"] = ValidationError(_("The CEST has 7 digits (e.g. 28.038.00)."))
        if self.gtin:
            gtin = normalise_gtin(self.gtin)
            if not gtin:
                errors["gtin"] = ValidationError(
                    _("%(value)s is not a valid GTIN/EAN (8, 12, 13 or 14 digits with its check digit)."),
                    params={"value": self.gtin},
                )
            self.gtin = gtin or self.gtin
        if errors:
            raise ValidationError(errors)


class StockMovement(models.Model):
    """One change of a product's stock. Append-only: a mistake is corrected by another movement."""

    class Kind(models.TextChoices):
        SALE_OUT = "sale_out", _("Sale (out)")
        ADJUSTMENT_IN = "adjustment_in", _("Adjustment (in)")
        ADJUSTMENT_OUT = "adjustment_out", _("Adjustment (out)")
        PURCHASE_IN = "purchase_in", _("Purchase (in)")

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="stock_movements"
    )
    # Signed: negative is out.
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sale = models.ForeignKey(
        "sales.Sale",
        verbose_name=_("sale"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_movements",
    )
    sale_item = models.ForeignKey(
        "sales.SaleItem",
        verbose_name=_("sale item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_movements",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["product", "-created_at"], name="stockmove_product_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stockmove_quantity_not_zero"),
            models.CheckConstraint(
                condition=~Q(kind="sale_out")
                | (Q(quantity__lt=0) & Q(sale__isnull=False) & Q(sale_item__isnull=False)),
                name="stockmove_sale_out_is_negative_and_linked",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["adjustment_in", "purchase_in"]) | Q(quantity__gt=0),
                name="stockmove_in_is_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind="adjustment_out") | Q(quantity__lt=0),
                name="stockmove_adjustment_out_is_negative",
            ),
            # A sale item leaves stock once, however many times its sale is confirmed.
            models.UniqueConstraint(
                fields=["sale_item"], condition=Q(kind="sale_out"), name="stockmove_one_out_per_sale_item"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.product} {self.quantity}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("Stock movements cannot be changed; record a new movement instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Stock movements cannot be deleted; record a new movement instead."))


class StockSettings(SingletonModel):
    """The company's stock settings (one row)."""

    check_stock_on_sale = models.BooleanField(
        _("Check stock when creating a sale"),
        default=False,
        help_text=_(
            "When on, a sale can only be made with enough stock available. Store orders whose "
            "quantities exceed the stock are not imported until the stock is there."
        ),
    )

    class Meta:
        verbose_name = _("stock settings")
        verbose_name_plural = _("stock settings")

    def __str__(self):
        return str(_("Stock settings"))
