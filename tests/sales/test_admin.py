from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from catalog.models import StockMovement, StockSettings
from catalog.services import record_in
from sales.models import BulkConfirmation, Receivable, Sale
from sales.services import ItemLine, confirm_sale
from tests.catalog.factories import ProductFactory
from tests.customers.factories import CustomerFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sales_sale_changelist")


def review_url(sale):
    return reverse("admin:sales_sale_review", args=[sale.pk])


def terms(sale, **changes):
    data = {
        "payment_method": sale.payment_method,
        "installments": sale.installments,
        "first_due_date": sale.first_due_date.isoformat(),
        "seller": sale.seller_id,
    }
    return {**data, **changes}


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def sale(financeiro):
    coat = ProductFactory(description="Casaco infantil")
    return PendingSaleFactory(
        seller=financeiro,
        customer=CustomerFactory(name="Maria Silva", document="529.982.247-25"),
        lines=[
            ItemLine(
                product=coat,
                quantity=Decimal("2"),
                unit_price=Decimal("45.00"),
                details="Casaco infantil azul, tamanho 4",
            )
        ],
        shipping_amount=Decimal("15.00"),
        discount_amount=Decimal("5.00"),
        # Pinned with its due date: the typed dates below must stay after the sale date.
        sale_date=date(2026, 11, 20),
        first_due_date=date(2026, 12, 10),
    )


def test_changelist_of_all_sales_lists_the_newest_first(financeiro_client, financeiro):
    older = PendingSaleFactory(sale_date=date(2026, 11, 2))
    confirmed = PendingSaleFactory(sale_date=date(2026, 11, 20))
    confirm_sale(confirmed, financeiro)
    same_day_later = PendingSaleFactory(sale_date=date(2026, 11, 20))
    response = financeiro_client.get(CHANGELIST, {"status": "all"})
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert [s.pk for s in listed] == [same_day_later.pk, confirmed.pk, older.pk]
    assert "Revisão pendente" in response.content.decode()


@pytest.mark.parametrize("term", ["529.982.247-25", "52998224725", "maria silva"])
def test_changelist_search_finds_by_customer_document_or_name(financeiro_client, sale, term):
    PendingSaleFactory()
    response = financeiro_client.get(CHANGELIST, {"q": term})
    assert [s.pk for s in response.context["cl"].result_list] == [sale.pk]


def test_changelist_search_finds_by_sale_number(financeiro_client, sale):
    PendingSaleFactory()
    response = financeiro_client.get(CHANGELIST, {"q": str(sale.number)})
    assert [s.pk for s in response.context["cl"].result_list] == [sale.pk]


def test_changelist_filters_by_status(financeiro_client, sale, financeiro):
    other = PendingSaleFactory()
    confirm_sale(other, financeiro)
    response = financeiro_client.get(CHANGELIST, {"status": "confirmed"})
    assert [s.pk for s in response.context["cl"].result_list] == [other.pk]


def test_review_page_shows_everything_the_clerk_checks(financeiro_client, sale):
    response = financeiro_client.get(review_url(sale))
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "Maria Silva",
        "529.982.247-25",
        "Casaco infantil azul, tamanho 4",
        "Detalhes do item",
        "R$ 45,00",
        "R$ 90,00",  # items
        "R$ 15,00",  # freight
        "R$ 5,00",  # discount
        "R$ 100,00",  # total
        "Dinheiro",
        "10/12/2026",
        "Confirmar venda",
    ]:
        assert text in page, text


def test_preview_recomputes_the_installments_without_saving(financeiro_client, sale):
    response = financeiro_client.post(
        review_url(sale), terms(sale, installments=3, payment_method="boleto", _preview="1")
    )
    assert response.status_code == 200
    assert [(p.amount, p.due_date) for p in response.context["plan"]] == [
        (Decimal("33.34"), date(2026, 12, 10)),
        (Decimal("33.33"), date(2027, 1, 10)),
        (Decimal("33.33"), date(2027, 2, 10)),
    ]
    page = response.content.decode()
    assert "R$ 33,34" in page and "10/02/2027" in page
    sale.refresh_from_db()
    assert sale.installments == 1 and sale.payment_method == "cash"
    assert not Receivable.objects.exists()


def test_confirm_saves_the_clerks_terms_and_books_the_sale(financeiro_client, sale, gestor):
    response = financeiro_client.post(
        review_url(sale),
        terms(
            sale,
            installments=2,
            payment_method="credit_card",
            first_due_date="2027-01-31",
            seller=gestor.pk,
            _confirm="1",
        ),
    )
    assert response.status_code == 302 and response.url == CHANGELIST
    assert messages_of(response) == [f"Venda {sale.number} confirmada."]
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CONFIRMED
    assert (sale.payment_method, sale.installments, sale.seller) == ("credit_card", 2, gestor)
    assert list(sale.receivables.order_by("number").values_list("due_date", "amount")) == [
        (date(2027, 1, 31), Decimal("50.00")),
        (date(2027, 2, 28), Decimal("50.00")),
    ]
    assert StockMovement.objects.filter(sale=sale).count() == 1


def test_confirm_of_a_confirmed_sale_is_refused_and_changes_nothing(financeiro_client, sale, financeiro):
    confirm_sale(sale, financeiro)
    response = financeiro_client.post(review_url(sale), terms(sale, installments=4, _confirm="1"))
    assert response.status_code == 200
    assert "não está em revisão pendente" in messages_of(response)[0]
    assert Receivable.objects.filter(sale=sale).count() == 1
    assert StockMovement.objects.filter(sale=sale).count() == 1
    sale.refresh_from_db()
    assert sale.installments == 1


def test_confirm_short_of_stock_says_why_and_keeps_the_sale_and_its_terms(financeiro_client, sale):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    record_in(product=sale.items.get().product, quantity=Decimal("1"))
    response = financeiro_client.post(review_url(sale), terms(sale, installments=3, _confirm="1"))
    assert response.status_code == 200
    assert messages_of(response) == ["estoque insuficiente: Casaco infantil, quantidade 2, disponível 1"]
    # The form keeps what the clerk typed; the database keeps the old terms.
    assert response.context["form"].data["installments"] == "3"
    sale.refresh_from_db()
    assert sale.status == Sale.Status.REVIEW_PENDING and sale.installments == 1
    assert not Receivable.objects.exists()


def test_invalid_terms_are_shown_and_nothing_is_confirmed(financeiro_client, sale):
    response = financeiro_client.post(review_url(sale), terms(sale, installments=0, _confirm="1"))
    assert response.status_code == 200
    assert response.context["form"].errors["installments"]
    sale.refresh_from_db()
    assert sale.status == Sale.Status.REVIEW_PENDING


def test_confirm_needs_the_csrf_token(financeiro, sale):
    client = Client(enforce_csrf_checks=True)
    client.force_login(financeiro)
    response = client.post(review_url(sale), terms(sale, _confirm="1"))
    assert response.status_code == 403
    sale.refresh_from_db()
    assert sale.status == Sale.Status.REVIEW_PENDING


def test_bulk_confirm_reports_each_sale_and_confirms_the_pending_ones(financeiro_client, financeiro):
    """A few sales are confirmed during the click; the page the clerk lands on is already done."""
    first, second, already = PendingSaleFactory(), PendingSaleFactory(), PendingSaleFactory()
    confirm_sale(already, financeiro)
    # From the "Todas" list: the action applies to the sales ticked in the list shown.
    response = financeiro_client.post(
        f"{CHANGELIST}?status=all",
        {"action": "confirm_selected", "post": "yes", "_selected_action": [first.pk, second.pk, already.pk]},
    )
    # The clerk lands on the bulk confirmation's page: counts, then what stayed pending and why.
    batch = BulkConfirmation.objects.get()
    assert response["Location"] == reverse("admin:sales_sale_bulk_confirmation", args=[batch.pk])
    page = financeiro_client.get(response["Location"])
    assert (batch.status, batch.total, batch.confirmed, batch.failed) == ("done", 3, 2, 1)
    assert batch.sale_ids == sorted([first.pk, second.pk, already.pk])
    text = page.content.decode()
    assert "Concluída" in text
    refused = f"A venda {already.number} não está em revisão pendente (está confirmada); nada foi alterado."
    assert refused in text
    assert Sale.objects.filter(status=Sale.Status.CONFIRMED).count() == 3
    assert Receivable.objects.count() == 3


def test_bulk_confirm_one_refusal_does_not_undo_the_others(financeiro_client):
    StockSettings.objects.update_or_create(pk=1, defaults={"check_stock_on_sale": True})
    stocked = ProductFactory()
    record_in(product=stocked, quantity=Decimal("5"))
    fine = PendingSaleFactory(
        lines=[ItemLine(product=stocked, quantity=Decimal("1"), unit_price=Decimal("1"))]
    )
    short = PendingSaleFactory()
    financeiro_client.post(
        CHANGELIST, {"action": "confirm_selected", "post": "yes", "_selected_action": [fine.pk, short.pk]}
    )
    fine.refresh_from_db()
    short.refresh_from_db()
    assert fine.status == Sale.Status.CONFIRMED
    assert short.status == Sale.Status.REVIEW_PENDING


def test_bulk_cancel_cancels_pending_and_refuses_confirmed(financeiro_client, financeiro):
    pending, confirmed = PendingSaleFactory(), PendingSaleFactory()
    confirm_sale(confirmed, financeiro)
    response = financeiro_client.post(
        f"{CHANGELIST}?status=all",
        {"action": "cancel_selected", "_selected_action": [pending.pk, confirmed.pk]},
    )
    assert messages_of(response)[0] == f"Venda {pending.number} cancelada."
    pending.refresh_from_db()
    confirmed.refresh_from_db()
    assert pending.status == Sale.Status.CANCELLED
    assert confirmed.status == Sale.Status.CONFIRMED


def change_form_data(sale, **fields):
    """What the sale's change form posts: the sale's fields and its one item row."""
    item = sale.items.get()
    data = {
        "customer": sale.customer_id,
        "seller": sale.seller_id,
        "sale_date": "23/11/2026",
        "payment_method": "cash",
        "installments": "1",
        "first_due_date": "23/11/2026",
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
    }
    return {**data, **fields}


def test_change_form_recomputes_the_total_when_freight_changes(financeiro_client, sale):
    url = reverse("admin:sales_sale_change", args=[sale.pk])
    assert financeiro_client.get(url).status_code == 200
    data = change_form_data(
        sale,
        payment_method="pix",
        shipping_amount="20,10",
        discount_amount="0,20",
        **{"items-0-details": "Casaco azul"},
    )
    response = financeiro_client.post(url, data)
    assert response.status_code == 302
    sale.refresh_from_db()
    assert sale.total_amount == Decimal("109.90")
    assert sale.items.get().details == "Casaco azul"


def test_a_product_changed_on_the_full_form_is_audited_like_on_the_review_page(
    financeiro_client, sale, financeiro
):
    other = ProductFactory(description="Casaco infantil vermelho")
    url = reverse("admin:sales_sale_change", args=[sale.pk])
    data = change_form_data(
        sale, shipping_amount="15,00", discount_amount="5,00", **{"items-0-product": other.pk}
    )
    assert financeiro_client.post(url, data).status_code == 302
    assert sale.items.get().product == other
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SALE_ITEM_PRODUCT_CHANGED)
    assert entry.actor == financeiro
    assert entry.changes["items.1.product"][1] == f"Casaco infantil vermelho (#{other.pk})"


def test_change_form_refuses_a_discount_larger_than_the_sale(financeiro_client, sale):
    url = reverse("admin:sales_sale_change", args=[sale.pk])
    response = financeiro_client.post(url, change_form_data(sale, discount_amount="1000"))
    assert response.status_code == 200
    assert "O desconto não pode ser maior" in response.content.decode()
    sale.refresh_from_db()
    assert sale.discount_amount == Decimal("5.00")


def test_confirmed_sale_is_read_only(financeiro_client, sale, financeiro):
    confirm_sale(sale, financeiro)
    response = financeiro_client.get(reverse("admin:sales_sale_change", args=[sale.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_a_seller_who_is_not_staff_can_stay_the_seller(financeiro_client):
    # The integration's seller may be a plain account; confirming must not force a change.
    sale = PendingSaleFactory()
    assert not sale.seller.is_staff
    response = financeiro_client.post(review_url(sale), terms(sale, _confirm="1"))
    assert response.status_code == 302
    sale.refresh_from_db()
    assert sale.status == Sale.Status.CONFIRMED


def test_change_form_of_a_pending_sale_leads_to_its_review(financeiro_client, sale, financeiro):
    url = reverse("admin:sales_sale_change", args=[sale.pk])
    assert review_url(sale) in financeiro_client.get(url).content.decode()
    assert (
        reverse("admin:sales_sale_change", args=[sale.pk])
        in financeiro_client.get(review_url(sale)).content.decode()
    )
    confirm_sale(sale, financeiro)
    assert review_url(sale) not in financeiro_client.get(url).content.decode()


def test_the_sale_form_shows_quantities_and_money_as_people_write_them(financeiro_client):
    coat = ProductFactory(description="Casaco infantil")
    sale = PendingSaleFactory(
        lines=[ItemLine(product=coat, quantity=Decimal("2"), unit_price=Decimal("11.1"))],
        shipping_amount=Decimal("29.90"),
    )
    page = financeiro_client.get(
        reverse("admin:sales_sale_change", args=[sale.pk]), HTTP_ACCEPT_LANGUAGE="pt-BR"
    ).content.decode()
    assert "2 × Casaco infantil" in page and "2.000 ×" not in page
    assert "R$ 11,10" in page and "11,1000" not in page and "2,000" not in page
    assert "R$ 22,20" in page  # Itens, as money
    assert "R$ 52,10" in page  # Total


def test_receivables_and_stock_movements_link_their_sale(financeiro_client, financeiro):
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("5"))
    sale = confirm_sale(
        PendingSaleFactory(
            lines=[ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("101.80"))]
        ),
        financeiro,
    )
    link = f'<a href="{reverse("admin:sales_sale_change", args=[sale.pk])}">Venda {sale.number}</a>'
    for url in [
        reverse("admin:sales_receivable_changelist"),
        reverse("admin:catalog_stockmovement_changelist"),
    ]:
        assert link in financeiro_client.get(url, HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode(), url
    receivable = sale.receivables.get()
    page = financeiro_client.get(
        reverse("admin:sales_receivable_change", args=[receivable.pk])
    ).content.decode()
    assert "R$ 101,80" in page and link in page
