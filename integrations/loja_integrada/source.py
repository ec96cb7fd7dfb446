"""Loja Integrada as an OrderSource: which orders changed, and each one's detail as a StoreOrder.

The walk: list every summary changed at or after the cursor minus an overlap (`since_atualizado`
is inclusive and in São Paulo local time; the overlap absorbs orders written in the same second
and small clock differences), following `meta.next` to the end; then fetch the detail of each
candidate in order of last change and hand them over in pages. Each page's cursor is the last
change of its last order, so the sync moves the cursor only past orders that were processed; a
crash mid-page resumes from the previous page, and the pipeline passes over what it imported.

Search rows are cheap (50 per request); details cost one request each out of the store's
100/minute, so a candidate whose import record already matches its last change (skipped/failed
with nothing new at the store) is not fetched again. An order already imported is never fetched
again either: the search row carries its `situacao` whole, which is all the pipeline needs to
apply a later cancellation, refund or chargeback, so it is handed over as that state alone (the
pipeline tells whether it is news). Failed orders are retried by the sync through `fetch`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from integrations.models import ImportRecord, Integration
from integrations.order_source import FetchedOrder, OrderPage
from integrations.store_order import StoreOrderError

from .client import LojaIntegradaClient, NotFound
from .mapper import map_order, summary_key, summary_state

logger = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=5)
DETAILS_PER_PAGE = 25


class LojaIntegradaSource:
    def __init__(self, integration: Integration, client: LojaIntegradaClient | None = None):
        self.integration = integration
        self.client = client or LojaIntegradaClient(integration.credential)

    def pages(self, since: datetime | None) -> Iterator[OrderPage]:
        start = since or self.integration.activated_at
        candidates, newest = self._candidates(start - OVERLAP)
        for first in range(0, len(candidates), DETAILS_PER_PAGE):
            chunk = candidates[first : first + DETAILS_PER_PAGE]
            orders = [state or self._detail(number, updated) for number, updated, state in chunk]
            yield OrderPage(orders=orders, cursor=chunk[-1][1])
        if newest is not None and (not candidates or newest > candidates[-1][1]):
            # Everything listed was processed or already up to date: the cursor may reach the
            # newest change seen, so the next walk does not list those orders again.
            yield OrderPage(orders=[], cursor=newest)

    def fetch(self, store_order_id: str) -> FetchedOrder:
        return self._detail(store_order_id, None)

    def _candidates(
        self, since: datetime
    ) -> tuple[list[tuple[str, datetime, FetchedOrder | None]], datetime | None]:
        """(numero, last change, the state alone for an imported order) of every order changed
        since, oldest change first, minus those whose import record already reflects that change;
        and the newest change listed."""
        latest: dict[str, datetime] = {}
        rows: dict[str, dict] = {}
        for summary in self.client.iter_order_summaries(since):
            try:
                number, updated = summary_key(summary)
            except (TypeError, ValueError):
                # A row without a number cannot be fetched; one without a date still can.
                number = str((summary or {}).get("numero") or "") if isinstance(summary, dict) else ""
                if not number:
                    logger.warning("Loja Integrada search row without numero skipped")
                    continue
                updated = since
            if updated >= latest.get(number, updated):
                rows[number] = summary
            latest[number] = max(updated, latest.get(number, updated))
        records = {}
        numbers = list(latest)
        for first in range(0, len(numbers), 500):  # bounded IN lists for a long backlog
            records.update(
                (store_order_id, (status, store_updated_at))
                for store_order_id, status, store_updated_at in ImportRecord.objects.filter(
                    integration=self.integration, store_order_id__in=numbers[first : first + 500]
                ).values_list("store_order_id", "status", "store_updated_at")
            )
        pending = []
        for number, updated in latest.items():
            status, seen_updated = records.get(number, (None, None))
            if status == ImportRecord.Status.IMPORTED:
                pending.append((number, updated, _state_only(number, updated, rows.get(number))))
            elif status is None or seen_updated != updated:
                pending.append((number, updated, None))
        newest = max(latest.values(), default=None)
        return sorted(pending, key=lambda row: (row[1], _numeric(row[0]))), newest

    def _detail(self, number: str, updated: datetime | None) -> FetchedOrder:
        try:
            data = self.client.order(number)
        except NotFound:
            error = StoreOrderError(
                _("Order %(number)s: the store no longer finds it.") % {"number": number},
                store_order_id=number,
                number=number,
            )
            return FetchedOrder.unmappable(error, updated_at=updated)
        try:
            return FetchedOrder.mapped(map_order(data))
        except StoreOrderError as error:
            if not error.store_order_id:
                error.store_order_id = error.number = number
            return FetchedOrder.unmappable(error, updated_at=updated)


def _state_only(number: str, updated: datetime, summary) -> FetchedOrder:
    """An imported order as its search row says it now is: its state, no detail."""
    said = summary_state(summary)
    state, label = said if said is not None else ("", "")
    return FetchedOrder.state_only(
        number, number=number, updated_at=updated, store_state=state, status_label=label
    )


def _numeric(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (0, number)


def order_source(integration: Integration) -> LojaIntegradaSource:
    """The OrderSource of a Loja Integrada integration (integrations.order_source)."""
    return LojaIntegradaSource(integration)
