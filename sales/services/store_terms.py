"""The store's payment as the sale's terms: the review page's "Usar pagamento da loja" and the bulk
"Confirmar com o pagamento da loja"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import Sale
from .refusals import SaleError
from .review import update_sale_terms


def store_payment_terms(sale: Sale) -> dict | None:
    """How the customer paid in the store, as the terms a clerk confirms; None when the store did not
    say a method Ponte knows."""
    if not sale.store_payment_method:
        return None
    return {"payment_method": sale.store_payment_method, "installments": sale.store_installments or 1}


def use_store_payment(sale: Sale, *, by) -> Sale:
    """Set a pending sale's method and installments to the store's (audited like any change of terms)."""
    terms = store_payment_terms(sale)
    if terms is None:
        raise SaleError(_("Sale %(number)s has no payment from the store to use.") % {"number": sale.number})
    return update_sale_terms(sale, **terms, first_due_date=sale.first_due_date, seller=sale.seller, by=by)


@dataclass(frozen=True)
class StoreTermsOutcome:
    applied: list[int]
    refused: list[str]


def use_store_payment_for(sales: Iterable[Sale], *, by) -> StoreTermsOutcome:
    """use_store_payment on each sale (its own transaction); those that cannot take it are listed."""
    applied, refused = [], []
    for sale in sales:
        try:
            use_store_payment(sale, by=by)
        except SaleError as error:
            refused.append(str(error))
        else:
            applied.append(sale.pk)
    return StoreTermsOutcome(applied=applied, refused=refused)
