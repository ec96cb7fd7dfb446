"""Bulk confirm with progress: a recorded batch, confirmed chunk by chunk on a worker when large."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.models import StockSettings
from catalog.services import record_in
from sales import tasks
from sales.models import BulkConfirmation, Sale
from sales.services import ItemLine, bulk_confirmation, confirm_sale
from tests.catalog.factories import ProductFactory
from tests.core.factories import UserFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sales_sale_changelist")


def page_url(batch, fragment=False):
    return reverse("admin:sales_sale_bulk_confirmation", args=[batch.pk]) + (
        "?fragment=1" if fragment else ""
    )


@pytest.fixture
def queued_tasks(monkeypatch):
    """What the action hands to the task queue, held instead of run (the tests run tasks in-line)."""
    held = []
    monkeypatch.setattr(
        bulk_confirmation, "async_task", lambda name, *args, **kwargs: held.append((name, args))
    )
    return held


@pytest.fixture
def small_inline_limit(settings):
    settings.SALES_BULK_CONFIRM_INLINE_LIMIT = 2


def stocked_sales(count):
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("100"))
    return [
        PendingSaleFactory(lines=[ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("10"))])
        for _ in range(count)
    ]


def test_a_large_selection_is_queued_and_the_page_shows_it_waiting(
    financeiro_client, financeiro, queued_tasks, small_inline_limit
):
    sales = stocked_sales(3)
    response = financeiro_client.post(
        CHANGELIST,
        {"action": "confirm_selected", "post": "yes", "_selected_action": [sale.pk for sale in sales]},
    )
    batch = BulkConfirmation.objects.get()
    assert response["Location"] == page_url(batch)
    assert queued_tasks == [("sales.tasks.confirm_sales_in_bulk", (batch.pk,))]
    assert (batch.status, batch.total, batch.requested_by) == ("queued", 3, financeiro)
    assert not Sale.objects.filter(status=Sale.Status.CONFIRMED).exists()

    page = financeiro_client.get(page_url(batch)).content.decode()
    assert "Na fila" in page and "esta página se atualiza sozinha" in page and "data-poll-url" in page

    tasks.confirm_sales_in_bulk(batch.pk)  # the worker
    fragment = financeiro_client.get(page_url(batch, fragment=True)).content.decode()
    assert "data-finished" in fragment and "Concluída" in fragment and "<html" not in fragment
    batch.refresh_from_db()
    assert (batch.status, batch.processed, batch.confirmed, batch.failed) == ("done", 3, 3, 0)
    assert Sale.objects.filter(status=Sale.Status.CONFIRMED).count() == 3


def test_chunks_are_counted_as_they_go_and_failures_keep_their_reason(financeiro, monkeypatch):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    monkeypatch.setattr(bulk_confirmation, "CHUNK_SIZE", 2)
    fine = stocked_sales(3)
    short = PendingSaleFactory(
        lines=[
            ItemLine(
                product=ProductFactory(description="Cachecol listrado"), quantity=Decimal("1"), unit_price=1
            )
        ]
    )
    seen = []
    confirm_sales = bulk_confirmation.confirmation.confirm_sales

    def watching(sales, user):
        # The counts the page shows while this chunk runs.
        seen.append(BulkConfirmation.objects.values_list("processed", "confirmed", "failed").get())
        return confirm_sales(sales, user)

    monkeypatch.setattr(bulk_confirmation.confirmation, "confirm_sales", watching)
    batch = BulkConfirmation.objects.create(
        requested_by=financeiro, sale_ids=[*(s.pk for s in fine), short.pk], total=4, language="pt-br"
    )
    batch = bulk_confirmation.run_bulk_confirmation(batch.pk)

    assert seen == [(0, 0, 0), (2, 2, 0)]
    assert (batch.status, batch.processed, batch.confirmed, batch.failed) == ("done", 4, 3, 1)
    assert batch.failures == [
        {
            "sale": short.pk,
            "number": short.number,
            "reason": "estoque insuficiente: Cachecol listrado, quantidade 1, disponível 0",
        }
    ]
    assert batch.started_at and batch.finished_at


def test_the_reasons_are_in_the_language_of_who_asked(financeiro):
    sale = PendingSaleFactory()
    confirm_sale(sale, financeiro)
    batch = BulkConfirmation.objects.create(
        requested_by=financeiro, sale_ids=[sale.pk], total=1, language="pt-br"
    )
    with translation.override("en"):  # the worker's own language
        batch = bulk_confirmation.run_bulk_confirmation(batch.pk)
    assert "não está em revisão pendente" in batch.failures[0]["reason"]


def test_a_task_delivered_again_resumes_where_it_stopped(financeiro):
    sales = stocked_sales(4)
    for sale in sales[:2]:
        confirm_sale(sale, financeiro)
    batch = BulkConfirmation.objects.create(
        requested_by=financeiro,
        sale_ids=[s.pk for s in sales],
        total=4,
        status=BulkConfirmation.Status.RUNNING,
        processed=2,
        confirmed=2,
    )
    batch = bulk_confirmation.run_bulk_confirmation(batch.pk)
    assert (batch.status, batch.processed, batch.confirmed, batch.failed) == ("done", 4, 4, 0)


def test_a_finished_batch_is_not_run_again(financeiro):
    sale = PendingSaleFactory()
    batch = BulkConfirmation.objects.create(
        requested_by=financeiro, sale_ids=[sale.pk], total=1, status=BulkConfirmation.Status.DONE
    )
    bulk_confirmation.run_bulk_confirmation(batch.pk)
    sale.refresh_from_db()
    assert sale.status == Sale.Status.REVIEW_PENDING


def test_when_the_queue_is_down_the_page_says_so(financeiro, monkeypatch, small_inline_limit):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(bulk_confirmation, "async_task", broker_down)
    batch = bulk_confirmation.start_bulk_confirmation([s.pk for s in stocked_sales(3)], financeiro)
    assert (batch.status, batch.error) == ("failed", "broker unreachable")
    assert not Sale.objects.filter(status=Sale.Status.CONFIRMED).exists()


def test_only_who_may_confirm_sees_the_page(client, financeiro):
    batch = BulkConfirmation.objects.create(requested_by=financeiro, sale_ids=[], total=0)
    viewer = UserFactory(is_staff=True)
    client.force_login(viewer)
    assert client.get(page_url(batch)).status_code == 403
