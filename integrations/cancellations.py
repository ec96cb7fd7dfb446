"""Orders the store cancelled after Ponte imported them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sales import services as sales_services
from sales.models import Sale

from .models import ImportRecord, Integration


def cancel_store_order(integration: Integration, store_order_id: str, *, reason: str) -> ImportRecord | None:
    """The store cancelled an order: a sale still pending is cancelled; a confirmed one is flagged
    for a person (it has receivables and stock movements behind it); one not imported is skipped."""
    with transaction.atomic():
        record = (
            ImportRecord.objects.select_for_update(of=("self",))
            .filter(integration=integration, store_order_id=store_order_id)
            .select_related("sale")
            .first()
        )
        if record is None:
            return None
        if record.sale is None:
            record.status = ImportRecord.Status.SKIPPED
            record.reason_code = "cancelled"
            record.reason = reason
            record.save(update_fields=["status", "reason_code", "reason"])
            return record
        sale = record.sale
        if sale.status == Sale.Status.REVIEW_PENDING:
            sales_services.cancel_sale(sale, user=None, reason=reason)
        elif sale.status == Sale.Status.CONFIRMED:
            note = _("The store cancelled this order after the sale was confirmed: %(reason)s") % {
                "reason": reason
            }
            sales_services.flag_for_attention(sale, note=note)
        return record
