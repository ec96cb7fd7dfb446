"""The receivables list the clerk follows, the receipt page, "Registrar recebimento" and the export."""

import io
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sales.models import Receivable, Sale
from sales.services import register_receipt
from tests.core.factories import UserFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory, confirmed_sale

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = timezone.localdate
LIST = "/admin/sales/receivable/"


def receivable_due(days: int, amount="100.00", **sale_kwargs) -> Receivable:
    receivable = confirmed_sale(total=D(amount), **sale_kwargs).receivables.get()
    Receivable.objects.filter(pk=receivable.pk).update(due_date=TODAY() + timedelta(days=days))
    receivable.refresh_from_db()
    return receivable


@pytest.fixture
def book(financeiro):
    """Overdue, due today, in 5 days, in 20 days, in 60 days, and one received yesterday."""
    rows = {name: receivable_due(days) for name, days in
            [("overdue", -3), ("today", 0), ("in5", 5), ("in20", 20), ("in60", 60)]}  # fmt: skip
    rows["received"] = receivable_due(-10, amount="50.00")
    register_receipt(
        rows["received"], amount=D("50"), received_on=TODAY() - timedelta(days=1), user=financeiro
    )
    return rows


def shown(response) -> list[int]:
    return [receivable.pk for receivable in response.context["cl"].result_list]


def test_the_list_opens_on_open_ones_due_soonest_with_totals(financeiro_client, book):
    response = financeiro_client.get(LIST)
    assert response.status_code == 200
    assert shown(response) == [book[name].pk for name in ["overdue", "today", "in5", "in20", "in60"]]
    totals = response.context["totals"]
    assert (totals.open, totals.overdue, totals.received) == (D("500.00"), D("100.00"), D("0.00"))
    content = response.content.decode()
    assert "R$ 500,00" in content and "Vencida" in content and "Exportar CSV" in content
    # The chart: the next 30 days, R$ 100,00 due today.
    chart = response.context["chart"]
    assert len(chart.bars) == 30 and chart.bars[0].label == f"{TODAY():%d/%m/%Y}: R$ 100,00"
    assert chart.total == D("300.00")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("situacao=overdue", ["overdue"]),
        ("situacao=today", ["today"]),
        ("situacao=next7", ["today", "in5"]),
        ("situacao=next30", ["today", "in5", "in20"]),
        ("situacao=received", ["received"]),
        ("recebidos=7d", ["received"]),
        ("recebidos=today", []),
    ],
)
def test_filters(financeiro_client, book, query, expected):
    response = financeiro_client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert shown(response) == [book[name].pk for name in expected]


def test_received_in_the_period_totals_what_came_in(financeiro_client, book):
    totals = financeiro_client.get(f"{LIST}?recebidos=7d").context["totals"]
    assert totals.received == D("50.00") and totals.open == 0


def test_filter_by_integration_and_payment_method(financeiro_client, financeiro):
    store = IntegrationFactory()
    from_store = receivable_due(3, integration=store, external_id="1", payment_method=Sale.PaymentMethod.PIX)
    receivable_due(4)
    response = financeiro_client.get(f"{LIST}?integration__id__exact={store.pk}")
    assert shown(response) == [from_store.pk]
    assert shown(financeiro_client.get(f"{LIST}?forma=pix")) == [from_store.pk]


def test_the_list_costs_the_same_few_queries_for_many_rows(financeiro_client, django_assert_max_num_queries):
    for days in range(30):
        receivable_due(days, integration=IntegrationFactory(), external_id=str(days))
    with django_assert_max_num_queries(19):
        assert financeiro_client.get(LIST).status_code == 200


def test_receipt_page_registers_a_partial_receipt_then_undoes_it(financeiro_client, book):
    receivable = book["in5"]
    url = reverse("admin:sales_receivable_receipt", args=[receivable.pk])
    page = financeiro_client.get(url)
    assert page.status_code == 200 and "R$ 100,00" in page.content.decode()
    form = {"_register": "1", "received_on": TODAY().strftime("%d/%m/%Y"), "amount": "58,20", "fees": "1,80",
            "interest": "", "note": "Banco do Brasil", "key": "k1"}  # fmt: skip
    assert financeiro_client.post(url, form).status_code == 302
    assert financeiro_client.post(url, form).status_code == 302  # the same submit again
    receivable.refresh_from_db()
    assert receivable.open_amount == D("40.00") and receivable.receipts.count() == 1
    receipt = receivable.receipts.get()
    response = financeiro_client.post(url, {"_undo": "1", "receipt": receipt.pk, "reason": "valor errado"})
    assert response.status_code == 302
    receivable.refresh_from_db()
    assert receivable.open_amount == D("100.00")


def test_receipt_page_says_why_a_receipt_is_refused(financeiro_client, book):
    url = reverse("admin:sales_receivable_receipt", args=[book["in5"].pk])
    form = {"_register": "1", "received_on": TODAY().strftime("%d/%m/%Y"), "amount": "150,00", "key": "k2"}
    response = financeiro_client.post(url, form)
    assert response.status_code == 200
    assert "mais que os R$ 100,00 em aberto" in response.content.decode()


def test_bulk_receipt_asks_the_date_then_receives_each_in_full(financeiro_client, book):
    selected = [book["overdue"].pk, book["today"].pk, book["received"].pk]
    action = {"action": "receive_selected", "_selected_action": selected}
    page = financeiro_client.post(f"{LIST}?situacao=all", action)
    assert page.status_code == 200 and "Registrar recebimento" in page.content.decode()
    done = financeiro_client.post(
        f"{LIST}?situacao=all", {**action, "apply": "1", "received_on": TODAY().strftime("%d/%m/%Y")}
    )
    assert done.status_code == 302
    statuses = dict(Receivable.objects.filter(pk__in=selected).values_list("pk", "status"))
    assert set(statuses.values()) == {Receivable.Status.RECEIVED}


def test_a_staff_user_without_a_role_cannot_see_or_receive(client, book):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(LIST).status_code == 403
    url = reverse("admin:sales_receivable_receipt", args=[book["in5"].pk])
    assert client.post(url, {"_register": "1"}).status_code == 403


def test_csv_export_of_the_filtered_list_in_the_accountants_format(financeiro_client, book):
    response = financeiro_client.get(
        reverse("admin:sales_receivable_export", args=["csv"]) + "?situacao=overdue"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffVenda;Parcela;Cliente;CPF/CNPJ;Integração")
    assert len(lines) == 2
    row = lines[1].split(";")
    due = (TODAY() - timedelta(days=3)).strftime("%d/%m/%Y")
    assert row[7:10] == [due, "100,00", "Vencida"] and row[-1] == "100,00"


def test_xlsx_export_is_a_workbook_with_dates_and_numbers(financeiro_client, book):
    response = financeiro_client.get(
        reverse("admin:sales_receivable_export", args=["xlsx"]) + "?situacao=all"
    )
    assert response.status_code == 200
    workbook = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    strings = (
        workbook.read("xl/sharedStrings.xml").decode()
        if "xl/sharedStrings.xml" in workbook.namelist()
        else ""
    )
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "Vencimento" in (strings + sheet) and sheet.count("<row ") == 1 + len(book)


def test_a_receivable_carries_its_sales_payment_method_and_integration(financeiro):
    """Copied at confirm, so the list filters on them by index without reading the sales."""
    store = IntegrationFactory()
    sale = confirmed_sale(
        total=D("90.00"),
        integration=store,
        external_id="7",
        payment_method=Sale.PaymentMethod.BOLETO,
        installments=3,
    )
    assert {(r.payment_method, r.integration_id) for r in sale.receivables.all()} == {
        (Sale.PaymentMethod.BOLETO, store.pk)
    }


def test_the_filters_are_named_as_the_clerk_says_them(financeiro_client, book):
    content = financeiro_client.get(LIST).content.decode()
    for label in [
        "Situação",
        "Vencidos",
        "Vencem hoje",
        "Próximos 7 dias",
        "Próximos 30 dias",
        "Recebidos no período",
    ]:
        assert re.search(rf">\s*{label}\s*<", content), label
    assert "Por situação" not in content


def test_every_receivable_lists_latest_due_first(financeiro_client, book):
    response = financeiro_client.get(f"{LIST}?situacao=all")
    expected = sorted(book.values(), key=lambda r: (r.due_date, r.pk), reverse=True)
    assert shown(response) == [r.pk for r in expected]


def test_confirmed_sales_export_from_the_sales_list(financeiro_client, financeiro):
    confirmed_sale(total=D("120.00"), payment_method=Sale.PaymentMethod.PIX)
    PendingSaleFactory()
    sales_list = financeiro_client.get("/admin/sales/sale/").content.decode()  # the queue
    assert "Exportar vendas confirmadas (CSV)" in sales_list

    response = financeiro_client.get(reverse("admin:sales_sale_export", args=["csv"]))
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffVenda;Data da venda;Cliente")
    assert len(lines) == 2 and ";Pix;" in lines[1] and lines[1].split(";")[11] == "120,00"

    workbook = financeiro_client.get(reverse("admin:sales_sale_export", args=["xlsx"]))
    sheet = zipfile.ZipFile(io.BytesIO(b"".join(workbook.streaming_content))).read("xl/worksheets/sheet1.xml")
    assert sheet.decode().count("<row ") == 2
    assert financeiro_client.get(reverse("admin:sales_sale_export", args=["pdf"])).status_code == 404


def test_the_received_total_covers_the_chosen_period_else_this_month(financeiro_client, financeiro):
    """A list of every receivable sums this month's receipts, not years of them, on each page."""
    first_of_month = TODAY().replace(day=1)
    earlier = receivable_due(-60, amount="30.00")
    register_receipt(earlier, amount=D("30"), received_on=first_of_month - timedelta(days=1), user=financeiro)
    recent = receivable_due(-2, amount="20.00")
    register_receipt(recent, amount=D("20"), received_on=TODAY(), user=financeiro)

    every = financeiro_client.get(f"{LIST}?situacao=all")
    assert every.context["totals"].received == D("20.00")
    assert f"Recebido de {first_of_month:%d/%m} a {TODAY():%d/%m/%Y}" in every.content.decode()
    assert financeiro_client.get(f"{LIST}?recebidos=last_month").context["totals"].received == D("30.00")
