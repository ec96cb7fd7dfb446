from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, Value, When
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import Product, StockMovement, StockSettings, normalise_description


def find_or_create_product(
    *,
    description: str,
    sku: str = "",
    sale_price: Decimal | None = None,
    origin: str = Product.Origin.MANUAL,
    origin_integration=None,
) -> tuple[Product, bool]:
    """Select the product with the same description; if there is none, create it.

    An exact SKU match is tried first (when the order names one), then the description compared
    without case or extra spaces; the oldest match wins. A new product gets the order's SKU when
    no other product holds it. Returns (product, created).
    """
    description = " ".join((description or "").split())
    sku = (sku or "").strip()
    if sku:
        by_sku = Product.objects.filter(sku=sku).first()
        if by_sku is not None:
            return by_sku, False
    key = normalise_description(description)
    by_description = Product.objects.filter(description_key=key).order_by("pk").first()
    if by_description is not None:
        return by_description, False

    product = Product(
        description=description,
        sku=sku,
        sale_price=sale_price or Decimal("0"),
        origin=origin,
        origin_integration=origin_integration,
    )
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        # Created meanwhile by another worker (same SKU).
        return Product.objects.get(sku=sku), False
    return product, True


def stock_check_enabled() -> bool:
    """The company setting "Verificar estoque ao criar uma venda"."""
    return StockSettings.get_solo().check_stock_on_sale


def available(product: Product) -> Decimal:
    """The stock available now, read from the database (not from a possibly stale instance)."""
    return Product.objects.values_list("stock_quantity", flat=True).get(pk=product.pk)


def format_quantity(value: Decimal) -> str:
    """2 rather than 2.000; 1,5 rather than 1.500."""
    normalised = value.normalize()
    places = max(0, -normalised.as_tuple().exponent)
    return number_format(normalised, decimal_pos=places, use_l10n=True)


@dataclass(frozen=True)
class Shortage:
    product: Product
    requested: Decimal
    available: Decimal

    def __str__(self):
        return _("insufficient stock: %(product)s, ordered %(requested)s, available %(available)s") % {
            "product": self.product.description,
            "requested": format_quantity(self.requested),
            "available": format_quantity(self.available),
        }


def find_shortages(lines: Iterable[tuple[Product, Decimal]]) -> list[Shortage]:
    """Every product whose summed quantity exceeds its stock (the same product on two lines adds up)."""
    lines = list(lines)
    ids = {product.pk for product, _quantity in lines}
    stock = dict(Product.objects.filter(pk__in=ids).values_list("pk", "stock_quantity"))
    return shortages_against(lines, stock)


def requested_quantities(lines: Iterable[tuple[Product, Decimal]]) -> dict[int, Decimal]:
    """{product pk: summed quantity} of a sale's lines."""
    requested: dict[int, Decimal] = defaultdict(Decimal)
    for product, quantity in lines:
        requested[product.pk] += quantity
    return requested


def shortages_against(lines: Iterable[tuple[Product, Decimal]], stock: dict[int, Decimal]) -> list[Shortage]:
    """find_shortages against stock the caller already read (and locked), {product pk: quantity}.

    A bulk confirm reads its products' stock once and lowers it in memory sale by sale, so each
    sale is checked against what the sales before it left.
    """
    lines = list(lines)
    products = {product.pk: product for product, _quantity in lines}
    return [
        Shortage(product=products[pk], requested=quantity, available=stock[pk])
        for pk, quantity in sorted(requested_quantities(lines).items())
        if quantity > stock[pk]
    ]


def lock_products(product_ids: Iterable[int]) -> list[Product]:
    """Row-lock products in primary-key order, so two transactions never wait on each other crosswise."""
    return list(Product.objects.select_for_update().filter(pk__in=set(product_ids)).order_by("pk"))


def record_out(*, sale, user, lines: Iterable[tuple]) -> list[StockMovement]:
    """One movement out per sale item; each product's stock goes down in the database (F()).

    `lines` are (sale_item, product, quantity). Call inside the caller's transaction, after
    lock_products(). The one-out-per-item constraint makes a repeat impossible.
    """
    return record_sales_out(
        user=user, lines=((sale, sale_item, product, quantity) for sale_item, product, quantity in lines)
    )


def record_sales_out(*, user, lines: Iterable[tuple]) -> list[StockMovement]:
    """record_out for many sales at once: `lines` are (sale, sale_item, product, quantity).

    The movements go in with one bulk insert and every product's stock goes down by its summed
    quantity in one UPDATE (relative, F()), so a chunk of sales costs a few statements, not a few
    per item. Call inside the caller's transaction, after lock_products().
    """
    movements = []
    per_product: dict[int, Decimal] = defaultdict(Decimal)
    for sale, sale_item, product, quantity in lines:
        movements.append(
            StockMovement(
                product=product,
                quantity=-quantity,
                kind=StockMovement.Kind.SALE_OUT,
                sale=sale,
                sale_item=sale_item,
                created_by=user,
            )
        )
        per_product[product.pk] += quantity
    created = StockMovement.objects.bulk_create(movements)
    if per_product:
        used = Case(
            *(When(pk=pk, then=Value(quantity)) for pk, quantity in per_product.items()),
            output_field=DecimalField(max_digits=14, decimal_places=3),
        )
        Product.objects.filter(pk__in=per_product).update(stock_quantity=F("stock_quantity") - used)
    return created


def record_in(
    *, product: Product, quantity: Decimal, user=None, kind=StockMovement.Kind.ADJUSTMENT_IN, note=""
):
    """Stock coming in (purchase, count adjustment)."""
    if quantity <= 0:
        raise ValueError("quantity in must be positive")
    with transaction.atomic():
        movement = StockMovement.objects.create(
            product=product, quantity=quantity, kind=kind, created_by=user, note=note
        )
        Product.objects.filter(pk=product.pk).update(stock_quantity=F("stock_quantity") + quantity)
    return movement


def record_adjustment(*, product: Product, kind: str, quantity: Decimal, user=None, note: str = ""):
    """Stock counted or bought by hand. `quantity` is positive; the kind says which way it goes."""
    if quantity <= 0:
        raise ValueError("quantity must be positive; the kind gives the direction")
    if kind != StockMovement.Kind.ADJUSTMENT_OUT:
        return record_in(product=product, quantity=quantity, user=user, kind=kind, note=note)
    with transaction.atomic():
        movement = StockMovement.objects.create(
            product=product, quantity=-quantity, kind=kind, created_by=user, note=note
        )
        Product.objects.filter(pk=product.pk).update(stock_quantity=F("stock_quantity") - quantity)
    return movement
