from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import Action, record_audit
from core.formatting import format_quantity

from .models import Product, StockMovement, StockSettings, normalise_description


def new_product(*, description: str, sku: str = "", sale_price: Decimal | None = None, **fields) -> Product:
    """An unsaved product, its derived fields set (bulk_create does not call save())."""
    description = " ".join((description or "").split())
    return Product(
        description=description,
        description_key=normalise_description(description),
        sku=(sku or "").strip(),
        sale_price=sale_price or Decimal("0"),
        **fields,
    )


@dataclass
class ProductMatches:
    """Existing products by SKU and by description key (the oldest per key), read in one query."""

    by_sku: dict[str, Product]
    by_description: dict[str, Product]

    @classmethod
    def read(cls, *, skus: Iterable[str], descriptions: Iterable[str]) -> ProductMatches:
        skus = {sku.strip() for sku in skus if sku and sku.strip()}
        keys = {_description_key(d) for d in descriptions}
        by_sku: dict[str, Product] = {}
        by_description: dict[str, Product] = {}
        if skus or keys:
            for product in Product.objects.filter(Q(sku__in=skus) | Q(description_key__in=keys)).order_by(
                "pk"
            ):
                if product.sku in skus:
                    by_sku.setdefault(product.sku, product)
                if product.description_key in keys:
                    by_description.setdefault(product.description_key, product)
        return cls(by_sku=by_sku, by_description=by_description)

    def find(self, *, description: str, sku: str = "") -> Product | None:
        """The product the matching rule selects among these (see match_product)."""
        return match_product([self], description=description, sku=sku)

    def add(self, product: Product) -> None:
        """A product created after the read: later lookups find it (the older ones still win)."""
        if product.sku:
            self.by_sku.setdefault(product.sku, product)
        self.by_description.setdefault(product.description_key, product)


def _description_key(description: str) -> str:
    return normalise_description(" ".join((description or "").split()))


def match_product(known: Iterable[ProductMatches], *, description: str, sku: str = "") -> Product | None:
    """The existing product an order's item is, by the product matching rule: the one with the
    same description (compared without case or extra spaces), tried after an exact SKU when the
    item names one. `known` are sets of products read or created earlier; an SKU match in any of
    them wins over a description match, and an earlier set wins over a later one."""
    known = list(known)
    sku = (sku or "").strip()
    if sku:
        found = next((matches.by_sku[sku] for matches in known if sku in matches.by_sku), None)
        if found is not None:
            return found
    key = _description_key(description)
    return next((matches.by_description[key] for matches in known if key in matches.by_description), None)


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
    existing = match_product(
        [ProductMatches.read(skus=[sku], descriptions=[description])], description=description, sku=sku
    )
    if existing is not None:
        return existing, False
    product = new_product(
        description=description,
        sku=sku,
        sale_price=sale_price,
        origin=origin,
        origin_integration=origin_integration,
    )
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        # Created meanwhile by another worker (same SKU).
        return Product.objects.get(sku=product.sku), False
    return product, True


def stock_check_enabled() -> bool:
    """The company setting "Verificar estoque ao criar uma venda"."""
    return StockSettings.get_solo().check_stock_on_sale


def available(product: Product) -> Decimal:
    """The stock available now, read from the database (not from a possibly stale instance)."""
    return Product.objects.values_list("stock_quantity", flat=True).get(pk=product.pk)


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


def _stock_key(product: Product):
    # A product the import is about to create has no pk and no stock yet: keyed apart.
    return product.pk if product.pk is not None else ("unsaved", id(product))


def requested_quantities(lines: Iterable[tuple[Product, Decimal]]) -> dict:
    """{product pk: summed quantity} of a sale's lines (an unsaved product keyed apart)."""
    requested: dict = defaultdict(Decimal)
    for product, quantity in lines:
        requested[_stock_key(product)] += quantity
    return requested


def shortages_against(lines: Iterable[tuple[Product, Decimal]], stock: dict) -> list[Shortage]:
    """Every product whose summed quantity exceeds its stock (the same product on two lines adds up),
    against stock the caller already read, {product pk: quantity}; a product not in it, or not saved
    yet, has none.

    A bulk confirm reads its products' stock once and lowers it in memory sale by sale, so each
    sale is checked against what the sales before it left; an import page checks each order
    against the stock read at the start of the page (pending sales reserve nothing).
    """
    lines = list(lines)
    products = {_stock_key(product): product for product, _quantity in lines}
    found = [
        Shortage(product=products[key], requested=quantity, available=stock.get(key, Decimal("0")))
        for key, quantity in requested_quantities(lines).items()
        if quantity > stock.get(key, Decimal("0"))
    ]
    return sorted(found, key=lambda shortage: (shortage.product.pk is None, shortage.product.pk or 0))


def lock_products(product_ids: Iterable[int]) -> list[Product]:
    """Row-lock products in primary-key order, so two transactions never wait on each other crosswise."""
    return list(Product.objects.select_for_update().filter(pk__in=set(product_ids)).order_by("pk"))


def record_sales_out(*, user, lines: Iterable[tuple]) -> list[StockMovement]:
    """One movement out per sale item, for many sales at once: `lines` are (sale, sale_item, product,
    quantity). The one-out-per-item constraint makes a repeat impossible.

    The movements go in with one bulk insert and every product's stock goes down by its summed
    quantity in one UPDATE (relative, F()), so a chunk of sales costs a few statements, not a few
    per item. Call inside the caller's transaction, after lock_products().
    """
    return _record_sale_lines(user=user, lines=lines, kind=StockMovement.Kind.SALE_OUT, sign=-1)


def record_sales_back_in(*, user, lines: Iterable[tuple], note: str = "") -> list[StockMovement]:
    """Reversed sales (estorno): each item's quantity back in stock, linked to its sale and item.

    `lines` are (sale, sale_item, product, quantity), as for record_sales_out; one movement in per
    sale item (the one-reversal-per-item constraint makes a repeat impossible), in the same few
    statements. Call inside the caller's transaction, after lock_products().
    """
    return _record_sale_lines(
        user=user, lines=lines, kind=StockMovement.Kind.SALE_REVERSAL_IN, sign=1, note=note
    )


def _record_sale_lines(*, user, lines: Iterable[tuple], kind: str, sign: int, note: str = ""):
    """Sale-linked movements in one bulk insert, and each product's stock moved by its summed
    quantity (`sign` says which way) in one relative UPDATE."""
    movements = []
    per_product: dict[int, Decimal] = defaultdict(Decimal)
    for sale, sale_item, product, quantity in lines:
        movements.append(
            StockMovement(
                product=product,
                quantity=sign * quantity,
                kind=kind,
                sale=sale,
                sale_item=sale_item,
                created_by=user,
                note=note[:255],
            )
        )
        per_product[product.pk] += sign * quantity
    created = StockMovement.objects.bulk_create(movements)
    if per_product:
        moved = Case(
            *(When(pk=pk, then=Value(quantity)) for pk, quantity in per_product.items()),
            output_field=DecimalField(max_digits=14, decimal_places=3),
        )
        Product.objects.filter(pk__in=per_product).update(stock_quantity=F("stock_quantity") + moved)
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


class ProductNotRemovable(Exception):
    """A product that must stay; the message says why, for the person who asked."""


def product_label(product: Product) -> str:
    """A product as the audit trail and the clerk read it: duplicates share a description, not an id."""
    return f"{product.description} (#{product.pk})"


def product_choice_label(product: Product) -> str:
    """A product as a picker offers it: description, SKU when it has one, and the stock now, so a
    clerk choosing between two alike sees which one is which and which one can be sold."""
    stock = _("stock %(quantity)s") % {"quantity": format_quantity(product.stock_quantity)}
    if product.sku:
        return f"{product.description} · SKU {product.sku} · {stock}"
    return f"{product.description} · {stock}"


def product_uses(product: Product) -> list[str]:
    """What still uses this product, in words: sale items, stock movements, store product links."""
    counts = [
        (
            product.sale_items.count(),
            lambda n: ngettext("it is on %(count)s sale item", "it is on %(count)s sale items", n),
        ),
        (
            product.stock_movements.count(),
            lambda n: ngettext("it has %(count)s stock movement", "it has %(count)s stock movements", n),
        ),
        (
            product.store_links.count(),
            lambda n: ngettext(
                "a store's product still comes in as it (%(count)s link)",
                "store products still come in as it (%(count)s links)",
                n,
            ),
        ),
    ]
    return [text(count) % {"count": count} for count, text in counts if count]


def remove_imported_product(product: Product, *, by=None, audit_on=None) -> None:
    """Delete a product the store import created that nothing uses any more (a duplicate replaced by a
    product of the catalogue). A product entered by hand, or one still on a sale item, a stock
    movement or a store product link, stays: ProductNotRemovable says why.

    The product row is locked while checking, so an import cannot start using it unseen. The removal
    is recorded in the audit trail under `audit_on` (the sale being reviewed) or the product itself.
    """
    with transaction.atomic():
        locked = Product.objects.select_for_update().filter(pk=product.pk).first()
        if locked is None:
            raise ProductNotRemovable(_("The product was already removed."))
        if locked.origin != Product.Origin.IMPORT:
            raise ProductNotRemovable(
                _("%(product)s was entered by hand; only products a store import created are removed here.")
                % {"product": locked.description}
            )
        uses = product_uses(locked)
        if uses:
            raise ProductNotRemovable(
                _("%(product)s cannot be removed: %(uses)s.")
                % {"product": locked.description, "uses": "; ".join(uses)}
            )
        record_audit(
            actor=by,
            action=Action.PRODUCT_REMOVED,
            obj=audit_on or locked,
            changes={"product": (product_label(locked), None)},
        )
        locked.delete()
