"""A sale the store changed after the import: flagged by sales.services.flag_store_change, found
under *Alterada na loja* in the sales list and flagged in the queue, with a link to its page."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from sales.models import Sale
from sales.services import confirm_sale, flag_store_change
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sales_sale_changelist")
NOTE = "Loja X (Nuvemshop): o pedido 7 foi reembolsado na loja."


def test_flagging_keeps_earlier_notes_and_is_audited_as_the_store(financeiro):
    sale = confirm_sale(PendingSaleFactory(attention_reason="Documento inválido."), financeiro)
    flagged = flag_store_change(sale, note=NOTE)
    assert flagged.attention_reason == f"Documento inválido.\n{NOTE}"
    assert flagged.store_changed_at is not None and flagged.status == Sale.Status.CONFIRMED
    entry = AuditEntry.objects.get(object_id=str(sale.pk), action=AuditEntry.Action.SALE_CHANGED)
    assert entry.actor is None and entry.note == NOTE


def test_the_filter_shows_every_status_of_the_sales_changed_at_the_store(financeiro_client, financeiro):
    confirmed = flag_store_change(confirm_sale(PendingSaleFactory(), financeiro), note=NOTE)
    pending = flag_store_change(PendingSaleFactory(), note=NOTE)
    untouched = confirm_sale(PendingSaleFactory(), financeiro)

    queue = financeiro_client.get(CHANGELIST).content.decode()
    assert "Alterada na loja" in queue
    # The filter's link from the queue asks for every status, not only the pending ones.
    assert "?status=all&amp;store_changed=yes" in queue or "?store_changed=yes&amp;status=all" in queue

    listed = financeiro_client.get(CHANGELIST, {"status": "all", "store_changed": "yes"})
    shown = {sale.pk for sale in listed.context["cl"].result_list}
    assert shown == {confirmed.pk, pending.pk}
    assert untouched.pk not in shown


def test_the_flag_links_to_the_sales_page_with_the_note(financeiro_client):
    sale = flag_store_change(PendingSaleFactory(), note=NOTE)
    page = financeiro_client.get(CHANGELIST).content.decode()
    change_url = reverse("admin:sales_sale_change", args=[sale.pk])
    assert f'href="{change_url}" title="{NOTE}">Alterada na loja</a>' in page


def test_a_sale_the_store_did_not_change_has_no_store_flag(financeiro_client):
    PendingSaleFactory()
    page = financeiro_client.get(CHANGELIST).content.decode()
    assert "ponte-flag-store" not in page
