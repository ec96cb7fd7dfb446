from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from audit.services import history
from catalog.models import StockMovement, StockSettings
from catalog.services import record_in
from sales.models import Receivable, Sale
from sales.services import (
    InsufficientStock,
    ItemLine,
    SaleNotPending,
    confirm_sale,
    confirm_sales,
    confirmation,
    installment_plan,
)
from tests.catalog.factories import ProductFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db


def test_installments_balance_the_cents_and_fall_a_month_apart():
    plan = installment_plan(Decimal("100.00"), 3, date(2026, 1, 31))
    assert [part.amount for part in plan] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert [part.due_date for part in plan] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert sum(part.amount for part in plan) == Decimal("100.00")


def test_confirm_writes_receivables_and_one_movement_per_item(financeiro):
    coat, shirt = ProductFactory(description="Casaco infantil"), ProductFactory(description="Camiseta")
    record_in(product=coat, quantity=Decimal("5"))
    sale = PendingSaleFactory(
        lines=[
            ItemLine(product=coat, quantity=Decimal("2"), unit_price=Decimal("45.50")),
            ItemLine(product=shirt, quantity=Decimal("1"), unit_price=Decimal("20.00")),
        ],
        shipping_amount=Decimal("15.00"),
        discount_amount=Decimal("10.00"),
        installments=3,
        first_due_date=date(2026, 12, 10),
    )
    assert sale.total_amount == Decimal("116.00")

    confirmed = confirm_sale(sale, financeiro)

    assert confirmed.status == Sale.Status.CONFIRMED
    assert confirmed.confirmed_by == financeiro and confirmed.confirmed_at is not None
    receivables = list(Receivable.objects.filter(sale=sale).order_by("number"))
    assert [(r.number, r.due_date, r.amount) for r in receivables] == [
        (1, date(2026, 12, 10), Decimal("38.67")),
        (2, date(2027, 1, 10), Decimal("38.67")),
        (3, date(2027, 2, 10), Decimal("38.66")),
    ]
    movements = StockMovement.objects.filter(sale=sale, kind=StockMovement.Kind.SALE_OUT)
    assert sorted((m.product_id, m.quantity) for m in movements) == sorted(
        [(coat.pk, Decimal("-2")), (shirt.pk, Decimal("-1"))]
    )
    coat.refresh_from_db()
    shirt.refresh_from_db()
    assert coat.stock_quantity == Decimal("3")
    assert shirt.stock_quantity == Decimal("-1")


def test_confirm_twice_changes_nothing_the_second_time(financeiro):
    sale = PendingSaleFactory()
    confirm_sale(sale, financeiro)
    with pytest.raises(SaleNotPending):
        confirm_sale(sale, financeiro)
    assert Receivable.objects.filter(sale=sale).count() == 1
    assert StockMovement.objects.filter(sale=sale).count() == 1


def test_stock_check_on_refuses_and_lists_every_short_item(financeiro):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    coat = ProductFactory(description="Casaco infantil")
    record_in(product=coat, quantity=Decimal("1"))
    sale = PendingSaleFactory(lines=[ItemLine(product=coat, quantity=Decimal("2"), unit_price=Decimal("10"))])
    with pytest.raises(InsufficientStock) as refused:
        confirm_sale(sale, financeiro)
    assert str(refused.value) == "estoque insuficiente: Casaco infantil, quantidade 2, disponível 1"
    sale.refresh_from_db()
    assert sale.status == Sale.Status.REVIEW_PENDING
    assert not Receivable.objects.exists()


def test_stock_check_off_lets_stock_go_negative(financeiro):
    coat = ProductFactory()
    sale = PendingSaleFactory(lines=[ItemLine(product=coat, quantity=Decimal("2"), unit_price=Decimal("10"))])
    confirm_sale(sale, financeiro)
    coat.refresh_from_db()
    assert coat.stock_quantity == Decimal("-2")


def stocked_product(quantity):
    product = ProductFactory(description="Casaco infantil")
    record_in(product=product, quantity=Decimal(quantity))
    return product


def pending_sale_of(product, quantity):
    return PendingSaleFactory(
        lines=[ItemLine(product=product, quantity=Decimal(quantity), unit_price=Decimal("10"))]
    )


def test_bulk_confirm_checks_each_sale_against_the_stock_the_earlier_ones_left(financeiro):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    coat = stocked_product(3)
    first, short, last = pending_sale_of(coat, 2), pending_sale_of(coat, 2), pending_sale_of(coat, 1)

    outcomes = confirm_sales(
        Sale.objects.filter(pk__in=[first.pk, short.pk, last.pk]).order_by("pk"), financeiro
    )

    assert [(o.sale.pk, o.confirmed) for o in outcomes] == [
        (first.pk, True),
        (short.pk, False),
        (last.pk, True),
    ]
    assert outcomes[1].message == "estoque insuficiente: Casaco infantil, quantidade 2, disponível 1"
    assert outcomes[0].message == f"Venda {first.number} confirmada."
    short.refresh_from_db()
    assert short.status == Sale.Status.REVIEW_PENDING
    assert not Receivable.objects.filter(sale=short).exists()
    assert not StockMovement.objects.filter(sale=short).exists()
    coat.refresh_from_db()
    assert coat.stock_quantity == Decimal("0")
    assert coat.stock_quantity == sum(m.quantity for m in coat.stock_movements.all())


def test_bulk_confirm_carries_the_stock_from_one_chunk_to_the_next(financeiro, monkeypatch):
    monkeypatch.setattr(confirmation, "CONFIRM_CHUNK", 2)
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    coat = stocked_product(3)
    sales = [pending_sale_of(coat, 1) for _ in range(5)]

    outcomes = confirm_sales(Sale.objects.filter(pk__in=[s.pk for s in sales]).order_by("pk"), financeiro)

    assert [o.confirmed for o in outcomes] == [True, True, True, False, False]
    coat.refresh_from_db()
    assert coat.stock_quantity == Decimal("0")


def test_bulk_confirm_books_each_sale_as_a_single_confirm_does(financeiro):
    coat, shirt = stocked_product(10), ProductFactory(description="Camiseta")
    sale = PendingSaleFactory(
        lines=[
            ItemLine(product=coat, quantity=Decimal("2"), unit_price=Decimal("45.50")),
            ItemLine(product=shirt, quantity=Decimal("1"), unit_price=Decimal("20.00")),
            ItemLine(product=coat, quantity=Decimal("1"), unit_price=Decimal("45.50")),
        ],
        shipping_amount=Decimal("15.00"),
        installments=3,
        first_due_date=date(2026, 12, 10),
    )
    confirmed_before = PendingSaleFactory()
    confirm_sale(confirmed_before, financeiro)

    outcomes = confirm_sales([sale, confirmed_before, sale], financeiro)

    assert [o.confirmed for o in outcomes] == [True, False, False]
    assert "não está em revisão pendente" in outcomes[1].message
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CONFIRMED
    assert sale.confirmed_by == financeiro and sale.confirmed_at is not None
    assert [(r.number, r.due_date, r.amount) for r in sale.receivables.order_by("number")] == [
        (1, date(2026, 12, 10), Decimal("57.17")),
        (2, date(2027, 1, 10), Decimal("57.17")),
        (3, date(2027, 2, 10), Decimal("57.16")),
    ]
    assert sorted((m.product_id, m.quantity) for m in StockMovement.objects.filter(sale=sale)) == sorted(
        [(coat.pk, Decimal("-2")), (shirt.pk, Decimal("-1")), (coat.pk, Decimal("-1"))]
    )
    coat.refresh_from_db()
    shirt.refresh_from_db()
    assert (coat.stock_quantity, shirt.stock_quantity) == (Decimal("7"), Decimal("-1"))
    entry = history(sale).get()
    assert (entry.action, entry.actor, entry.changes) == (
        AuditEntry.Action.SALE_CONFIRMED,
        financeiro,
        {"status": ["review_pending", "confirmed"]},
    )


def test_bulk_confirm_costs_the_same_few_queries_for_3_or_30_sales(financeiro, django_assert_max_num_queries):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    products = [stocked_product(100) for _ in range(3)]

    def pending(count):
        return Sale.objects.filter(
            pk__in=[
                PendingSaleFactory(
                    lines=[
                        ItemLine(product=p, quantity=Decimal("1"), unit_price=Decimal("10")) for p in products
                    ]
                ).pk
                for _ in range(count)
            ]
        ).order_by("pk")

    few, many = pending(3), pending(30)
    with CaptureQueriesContext(connection) as for_few:
        confirm_sales(few, financeiro)
    # One chunk: the sales, their items, products locked, the stock setting, three bulk inserts,
    # two updates, the transaction's savepoint or begin/commit.
    with django_assert_max_num_queries(12) as for_many:
        outcomes = confirm_sales(many, financeiro)
    assert all(o.confirmed for o in outcomes)
    assert len(for_many) == len(for_few)
