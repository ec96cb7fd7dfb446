"""The admin's "Estornar venda": the button, the page asking why, the bulk action, who may use them."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.services import record_in
from sales.models import Receivable, Sale
from sales.services import ItemLine, confirm_sale, flag_for_attention
from tests.catalog.factories import ProductFactory
from tests.core.factories import UserFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

# Every status: the list opens on the queue (pending sales only), where no sale is reversible.
CHANGELIST = reverse("admin:sales_sale_changelist") + "?status=all"


def reverse_url(sale):
    return reverse("admin:sales_sale_reverse", args=[sale.pk])


def reversal_of(sale):
    """The bulk action's second post: the sale selected, the reason page answered."""
    return {"action": "reverse_selected", "_selected_action": [sale.pk], "_reverse": "1"}


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def confirmed(financeiro):
    product = ProductFactory(description="Bolsa de couro")
    record_in(product=product, quantity=Decimal("4"))
    sale = PendingSaleFactory(
        lines=[ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("80.00"))], installments=2
    )
    return confirm_sale(sale, financeiro)


def test_the_confirmed_sale_page_offers_the_reversal_to_financeiro(financeiro_client, confirmed):
    page = financeiro_client.get(reverse("admin:sales_sale_change", args=[confirmed.pk]))
    assert page.status_code == 200
    assert reverse_url(confirmed) in page.content.decode() and "Estornar venda" in page.content.decode()
    review = financeiro_client.get(reverse("admin:sales_sale_review", args=[confirmed.pk]))
    assert reverse_url(confirmed) in review.content.decode()


def test_the_reversal_asks_why_first_and_reverses_only_on_the_post(financeiro_client, financeiro, confirmed):
    page = financeiro_client.get(reverse_url(confirmed))
    body = page.content.decode()
    assert page.status_code == 200 and "csrfmiddlewaretoken" in body
    assert "Por que a venda está sendo estornada?" in body and "Bolsa de couro" in body
    assert Sale.objects.get(pk=confirmed.pk).status == Sale.Status.CONFIRMED

    missing = financeiro_client.post(reverse_url(confirmed), {"reason": ""})
    assert missing.status_code == 200 and "Este campo é obrigatório" in missing.content.decode()
    assert Sale.objects.get(pk=confirmed.pk).status == Sale.Status.CONFIRMED

    done = financeiro_client.post(reverse_url(confirmed), {"reason": "Cliente desistiu"})
    assert done.status_code == 302 and done["Location"] == reverse(
        "admin:sales_sale_change", args=[confirmed.pk]
    )
    sale = Sale.objects.get(pk=confirmed.pk)
    assert (sale.status, sale.reversal.reversed_by, sale.reversal.reason) == (
        Sale.Status.CANCELLED,
        financeiro,
        "Cliente desistiu",
    )
    assert messages_of(done) == [
        f"Venda {sale.number} estornada: contas a receber canceladas e estoque devolvido."
    ]
    after = financeiro_client.get(reverse("admin:sales_sale_change", args=[sale.pk])).content.decode()
    assert reverse_url(sale) not in after and "Cliente desistiu" in after


def test_the_post_needs_the_csrf_token(financeiro, confirmed):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(financeiro)
    response = browser.post(reverse_url(confirmed), {"reason": "Sem token"})
    assert response.status_code == 403
    assert Sale.objects.get(pk=confirmed.pk).status == Sale.Status.CONFIRMED


def test_the_bulk_action_asks_why_then_reverses_each_and_says_what_it_refused(financeiro_client, confirmed):
    pending = PendingSaleFactory()
    selection = {"action": "reverse_selected", "_selected_action": [confirmed.pk, pending.pk]}

    asking = financeiro_client.post(CHANGELIST, selection)
    assert asking.status_code == 200 and 'name="_reverse"' in asking.content.decode()
    assert Sale.objects.get(pk=confirmed.pk).status == Sale.Status.CONFIRMED

    done = financeiro_client.post(CHANGELIST, {**selection, "_reverse": "1", "reason": "Devolução em loja"})

    assert done.status_code == 302
    assert Sale.objects.get(pk=confirmed.pk).status == Sale.Status.CANCELLED
    assert Sale.objects.get(pk=pending.pk).status == Sale.Status.REVIEW_PENDING
    said = messages_of(done)
    assert any("estornada: contas a receber canceladas" in text for text in said)
    assert any("ainda está em revisão pendente: cancele-a" in text for text in said)


def test_a_received_installment_is_named_on_the_screen_and_nothing_changes(financeiro_client, confirmed):
    Receivable.objects.filter(sale=confirmed, number=2).update(
        status=Receivable.Status.RECEIVED, settled_amount=F("amount"), received_on=timezone.localdate()
    )
    response = financeiro_client.post(reverse_url(confirmed), {"reason": "Cliente devolveu"})
    assert messages_of(response) == [
        f"A venda {confirmed.number} não pode ser estornada: a parcela 2 já foi recebida. "
        "Desfaça esse recebimento antes; nada foi alterado."
    ]
    assert Sale.objects.get(pk=confirmed.pk).status == Sale.Status.CONFIRMED


def test_a_flagged_sale_reversed_from_the_list_notes_it_was_handled(financeiro_client, confirmed):
    flag_for_attention(confirmed, note="Pedido estornado na loja depois da confirmação.")
    financeiro_client.post(
        CHANGELIST,
        {
            "action": "reverse_selected",
            "_selected_action": [confirmed.pk],
            "_reverse": "1",
            "reason": "Estorno",
        },
    )
    assert "Resolvido: venda estornada em" in Sale.objects.get(pk=confirmed.pk).attention_reason


def test_staff_without_the_role_can_neither_see_nor_use_the_reversal(client, confirmed):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_sale"))
    client.force_login(clerk)

    assert client.get(reverse_url(confirmed)).status_code == 403
    assert client.post(reverse_url(confirmed), {"reason": "x"}).status_code == 403
    page = client.get(reverse("admin:sales_sale_change", args=[confirmed.pk])).content.decode()
    assert reverse_url(confirmed) not in page
    listing = client.get(CHANGELIST).content.decode()
    assert "reverse_selected" not in listing
    client.post(
        CHANGELIST,
        {"action": "reverse_selected", "_selected_action": [confirmed.pk], "_reverse": "1", "reason": "x"},
    )
    assert Sale.objects.get(pk=confirmed.pk).status == Sale.Status.CONFIRMED


def test_financeiro_and_gestor_hold_the_reversal_permission(financeiro, gestor):
    assert financeiro.has_perm("sales.reverse_sale") and gestor.has_perm("sales.reverse_sale")
    assert not UserFactory(is_staff=True).has_perm("sales.reverse_sale")
