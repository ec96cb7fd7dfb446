"""Background tasks (django-q2) of the sales app: thin wrappers around the services."""

from __future__ import annotations

from .services import bulk_confirmation


def confirm_sales_in_bulk(batch_id: int):
    """Confirm the sales of one "Confirmar vendas selecionadas" (see start_bulk_confirmation)."""
    batch = bulk_confirmation.run_bulk_confirmation(batch_id)
    if batch is None:
        return None
    return {"batch": batch.pk, "status": batch.status, "confirmed": batch.confirmed, "failed": batch.failed}
