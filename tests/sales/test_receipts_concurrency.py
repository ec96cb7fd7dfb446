"""Two clerks settling the same receivable at the same instant: the row lock lets one through."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from sales.models import Receivable
from sales.services import register_receipt
from sales.services.receipts import ReceiptError
from tests.concurrency import run_together
from tests.sales.factories import confirmed_sale

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="row locks (select_for_update) need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_clerks_receiving_the_same_installment_at_once_settle_it_once(financeiro, gestor):
    receivable = confirmed_sale(total=Decimal("80.00"), user=financeiro).receivables.get()

    def receive(user, amount):
        return lambda: register_receipt(
            receivable, amount=amount, received_on=timezone.localdate(), user=user
        )

    results = run_together(receive(financeiro, Decimal("80")), receive(gestor, Decimal("50")))

    assert sum(isinstance(result, Receivable) for result in results) == 1
    assert sum(isinstance(result, ReceiptError) for result in results) == 1
    receivable.refresh_from_db()
    assert receivable.settled_amount == sum(r.settled for r in receivable.receipts.all())
    assert receivable.receipts.count() == 1
