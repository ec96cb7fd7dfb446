"""What a careless clerk broke: far-off dates, one bad sale in a bulk confirmation, any user as the
seller, 0 installments. Each sale succeeds or fails alone; typed dates are bounded; no page 500s."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from catalog import services as catalog_services
from catalog.services import record_in
from sales.models import BulkConfirmation, Receivable, Sale
from sales.services import DueDatesOutOfRange, ItemLine, installment_plan, start_bulk_confirmation
from sales.services import confirmation as confirmation_module
from tests.catalog.factories import ProductFactory
from tests.core.factories import UserFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

FAR_FUTURE = date(9999, 12, 31)


def stocked_sale(seller=None, **fields) -> Sale:
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("10"))
    line = [ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("100.00"))]
    return PendingSaleFactory(lines=line, **({"seller": seller} if seller else {}), **fields)


def holding_date(sale: Sale, first_due_date: date, installments: int = 2) -> Sale:
    """A sale saved with such a date before dates were bounded (straight to the database)."""
    Sale.objects.filter(pk=sale.pk).update(first_due_date=first_due_date, installments=installments)
    sale.refresh_from_db()
    return sale


def review_url(sale):
    return reverse("admin:sales_sale_review", args=[sale.pk])


def terms(sale, **changes):
    data = {
        "payment_method": "pix",
        "installments": "2",
        "first_due_date": timezone.localdate().strftime("%d/%m/%Y"),
        "seller": sale.seller_id,
    }
    return {**data, **changes}


# --- installments past the calendar -----------------------------------------------------------------
def test_an_installment_plan_past_the_year_9999_is_refused_with_a_clear_error():
    with pytest.raises(DueDatesOutOfRange, match="31/12/9999"):
        installment_plan(Decimal("100"), 2, FAR_FUTURE)
    assert len(installment_plan(Decimal("100"), 1, FAR_FUTURE)) == 1


def test_one_sale_with_a_date_past_the_calendar_fails_alone_in_a_bulk_confirmation(financeiro):
    good = stocked_sale()
    bad = holding_date(stocked_sale(), FAR_FUTURE)
    batch = start_bulk_confirmation([bad.pk, good.pk], financeiro)
    assert batch.status == BulkConfirmation.Status.DONE
    assert (batch.confirmed, batch.failed) == (1, 1)
    [failure] = batch.failures
    assert failure["sale"] == bad.pk and "31/12/9999" in failure["reason"]
    assert Sale.objects.get(pk=good.pk).status == Sale.Status.CONFIRMED
    assert Sale.objects.get(pk=bad.pk).status == Sale.Status.REVIEW_PENDING
    assert not Receivable.objects.filter(sale=bad).exists()


def test_an_unexpected_error_in_one_sale_does_not_fail_the_chunk(financeiro, monkeypatch):
    good, odd = stocked_sale(), stocked_sale()
    real_plan = confirmation_module.installment_plan

    def plan(total, installments, first_due_date, *, _odd=odd):
        if first_due_date == date(2030, 1, 1):
            raise ZeroDivisionError("a bug nobody foresaw")
        return real_plan(total, installments, first_due_date)

    holding_date(odd, date(2030, 1, 1), installments=1)
    monkeypatch.setattr(confirmation_module, "installment_plan", plan)
    batch = start_bulk_confirmation([odd.pk, good.pk], financeiro)
    assert batch.status == BulkConfirmation.Status.DONE and (batch.confirmed, batch.failed) == (1, 1)
    assert "ZeroDivisionError" in batch.failures[0]["reason"]
    assert Sale.objects.get(pk=good.pk).status == Sale.Status.CONFIRMED


def test_a_chunk_whose_writing_fails_is_confirmed_sale_by_sale(financeiro, monkeypatch):
    good, poisoned = stocked_sale(), stocked_sale()
    real_out = catalog_services.record_sales_out

    def record_sales_out(*, user, lines):
        if any(sale.pk == poisoned.pk for sale, *_rest in lines):
            raise RuntimeError("the database refused this one")
        return real_out(user=user, lines=lines)

    monkeypatch.setattr(catalog_services, "record_sales_out", record_sales_out)
    batch = start_bulk_confirmation([poisoned.pk, good.pk], financeiro)
    assert batch.status == BulkConfirmation.Status.DONE and (batch.confirmed, batch.failed) == (1, 1)
    assert batch.failures[0]["sale"] == poisoned.pk and "RuntimeError" in batch.failures[0]["reason"]
    assert Sale.objects.get(pk=good.pk).status == Sale.Status.CONFIRMED
    assert Sale.objects.get(pk=poisoned.pk).status == Sale.Status.REVIEW_PENDING


def test_the_review_page_of_a_sale_holding_a_date_past_the_calendar_still_opens(financeiro_client):
    sale = holding_date(stocked_sale(), FAR_FUTURE)
    for _ in range(2):  # and every later GET
        response = financeiro_client.get(review_url(sale))
        assert response.status_code == 200
        assert "31/12/9999" in response.content.decode()
    preview = financeiro_client.post(review_url(sale), {**terms(sale), "_fragment": "preview"})
    assert preview.status_code == 200


# --- dates bounded where they are typed -------------------------------------------------------------
@pytest.mark.parametrize("typed", ["31/12/9999", "01/01/1900"])
def test_the_review_form_refuses_a_first_due_date_far_off_in_portuguese(financeiro_client, financeiro, typed):
    sale = stocked_sale(seller=financeiro)
    preview = financeiro_client.post(
        review_url(sale), {**terms(sale, first_due_date=typed), "_fragment": "preview"}
    )
    assert preview.status_code == 200 and "Corrija os campos de pagamento" in preview.content.decode()
    for extra in ({}, {"_confirm": "1"}):
        response = financeiro_client.post(review_url(sale), {**terms(sale, first_due_date=typed), **extra})
        assert response.status_code == 200
        assert "O primeiro vencimento deve estar entre a data da venda" in response.content.decode()
    sale.refresh_from_db()
    assert sale.status == Sale.Status.REVIEW_PENDING and sale.first_due_date != FAR_FUTURE


def test_the_review_form_accepts_a_first_due_date_up_to_ten_years_after_the_sale(
    financeiro_client, financeiro
):
    sale = stocked_sale(seller=financeiro)
    latest = sale.sale_date.replace(year=sale.sale_date.year + 10)
    response = financeiro_client.post(
        review_url(sale), {**terms(sale, first_due_date=latest.strftime("%d/%m/%Y")), "_confirm": "1"}
    )
    assert response.status_code == 302
    assert Sale.objects.get(pk=sale.pk).status == Sale.Status.CONFIRMED


def test_the_model_clean_bounds_both_dates():
    sale = stocked_sale()
    sale.first_due_date = FAR_FUTURE
    with pytest.raises(ValidationError) as refused:
        sale.clean()
    assert "first_due_date" in refused.value.message_dict
    sale.first_due_date = sale.sale_date - timedelta(days=1)
    with pytest.raises(ValidationError):
        sale.clean()
    sale.first_due_date, sale.sale_date = date(2030, 1, 1), date(1900, 1, 1)
    with pytest.raises(ValidationError) as refused:
        sale.clean()
    assert "sale_date" in refused.value.message_dict
    sale.sale_date = sale.first_due_date = timezone.localdate()
    sale.clean()


def change_form_data(sale, **fields):
    item = sale.items.get()
    today = timezone.localdate().strftime("%d/%m/%Y")
    data = {
        "customer": sale.customer_id,
        "seller": sale.seller_id,
        "sale_date": today,
        "payment_method": "cash",
        "installments": "1",
        "first_due_date": today,
        "shipping_amount": "0",
        "discount_amount": "0",
        "notes": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-id": item.pk,
        "items-0-sale": sale.pk,
        "items-0-product": item.product_id,
        "items-0-details": item.details,
        "items-0-quantity": "1",
        "items-0-unit_price": "100,00",
    }
    return {**data, **fields}


def change_url(sale):
    return reverse("admin:sales_sale_change", args=[sale.pk])


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("first_due_date", "31/12/9999", "O primeiro vencimento deve estar entre a data da venda"),
        ("first_due_date", "01/01/1900", "O primeiro vencimento deve estar entre a data da venda"),
        ("sale_date", "01/01/1900", "A data da venda deve estar entre 01/01/2000"),
        ("sale_date", "31/12/9999", "A data da venda deve estar entre 01/01/2000"),
    ],
)
def test_the_change_form_refuses_dates_far_off_in_portuguese(financeiro_client, field, typed, said):
    sale = stocked_sale()
    response = financeiro_client.post(change_url(sale), change_form_data(sale, **{field: typed}))
    assert response.status_code == 200 and said in response.content.decode()
    assert Sale.objects.get(pk=sale.pk).first_due_date != FAR_FUTURE


# --- installments on the change form ----------------------------------------------------------------
def test_the_change_form_installments_start_at_one(financeiro_client):
    sale = stocked_sale()
    page = financeiro_client.get(change_url(sale)).content.decode()
    assert 'name="installments"' in page and 'min="1"' in page and 'min="0"' not in page


@pytest.mark.parametrize("typed", ["0", "121", "-3"])
def test_out_of_range_installments_get_a_portuguese_sentence_not_the_constraint_name(
    financeiro_client, typed
):
    sale = stocked_sale()
    response = financeiro_client.post(change_url(sale), change_form_data(sale, installments=typed))
    page = response.content.decode()
    assert response.status_code == 200
    assert "sale_installments_range" not in page and "Restrição" not in page
    assert "Certifique-se que este valor seja" in page
    assert Sale.objects.get(pk=sale.pk).installments == 1


def test_the_installments_constraint_explains_itself_in_portuguese():
    sale = stocked_sale()
    sale.installments = 0
    with pytest.raises(ValidationError) as refused:
        sale.validate_constraints()
    assert "O número de parcelas deve estar entre 1 e 120." in str(refused.value)


# --- who may be the seller --------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["not staff", "inactive"])
def test_the_change_form_neither_lists_nor_accepts_a_seller_who_may_not_sell(financeiro_client, who):
    sale = stocked_sale(seller=UserFactory(username="vendedora", is_staff=True))
    intruder = UserFactory(username="intruso", is_staff=(who != "not staff"), is_active=(who != "inactive"))
    # The seller field's own choices (a bare `value="<pk>"` may be another select's product or customer).
    offered = financeiro_client.get(change_url(sale)).context["adminform"].form.fields["seller"].queryset
    assert offered.filter(pk=sale.seller_id).exists() and not offered.filter(pk=intruder.pk).exists()
    response = financeiro_client.post(change_url(sale), change_form_data(sale, seller=intruder.pk))
    assert response.status_code == 200 and "Faça uma escolha válida" in response.content.decode()
    assert Sale.objects.get(pk=sale.pk).seller_id != intruder.pk
    review = financeiro_client.post(review_url(sale), {**terms(sale, seller=intruder.pk), "_confirm": "1"})
    assert review.status_code == 200 and Sale.objects.get(pk=sale.pk).seller_id != intruder.pk


def test_an_active_staff_user_may_be_chosen_on_the_change_form(financeiro_client):
    sale = stocked_sale(seller=UserFactory(username="vendedora", is_staff=True))
    colleague = UserFactory(username="colega", is_staff=True)
    response = financeiro_client.post(change_url(sale), change_form_data(sale, seller=colleague.pk))
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Sale.objects.get(pk=sale.pk).seller_id == colleague.pk
