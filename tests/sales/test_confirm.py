from datetime import date
from decimal import Decimal

import pytest

from catalog.models import StockMovement, StockSettings
from catalog.services import record_in
from sales.models import Receivable, Sale
from sales.services import (
    InsufficientStock,
    ItemLine,
    SaleNotPending,
    confirm_sale,
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
    assert str(refused.value) == "estoque insuficiente: Casaco infantil, pedido 2, disponível 1"
    sale.refresh_from_db()
    assert sale.status == Sale.Status.REVIEW_PENDING
    assert not Receivable.objects.exists()


def test_stock_check_off_lets_stock_go_negative(financeiro):
    coat = ProductFactory()
    sale = PendingSaleFactory(lines=[ItemLine(product=coat, quantity=Decimal("2"), unit_price=Decimal("10"))])
    confirm_sale(sale, financeiro)
    coat.refresh_from_db()
    assert coat.stock_quantity == Decimal("-2")
