"""The audit trail's list: the object-type filter offers what people follow, changes read in words."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from audit.models import AuditEntry
from audit.selectors import changes_in_words, followed_object_types
from catalog.models import Product
from integrations.models import Integration
from sales.models import Sale

pytestmark = pytest.mark.django_db


def test_the_object_type_filter_offers_only_the_kinds_people_follow():
    offered = {ContentType.objects.get_for_id(pk).model_class() for pk, _ in followed_object_types()}
    assert {Sale, Product, Integration} <= offered
    labels = {app._meta.app_label for app in offered}
    assert labels <= {"sales", "catalog", "customers", "integrations"}
    assert len(offered) < 10  # not the ~40 tables the trail could name


def test_the_trail_page_filters_by_those_types(gestor_client):
    page = gestor_client.get(reverse("admin:audit_auditentry_changelist"), HTTP_ACCEPT_LANGUAGE="pt-BR")
    text = page.content.decode()
    filters = text[text.index('id="changelist-filter"') :]
    assert "Vendas" in filters and "sandbox" not in filters.lower() and "task" not in filters.lower()
    assert "registros de auditoria" in text


def test_changes_read_in_words():
    changes = changes_in_words(
        Sale,
        {
            "status": ["review_pending", "confirmed"],
            "shipping_amount": ["1234.5", "0"],
            "first_due_date": [None, "2026-12-10"],
        },
    )
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("Situação", "Revisão pendente", "Confirmada"),
        ("Frete", "R$ 1.234,50", "R$ 0,00"),
        ("Primeiro vencimento", "—", "10/12/2026"),
    ]
    assert changes_in_words(Product, {"stock_quantity": ["2.000", "1.500"]})[0].after == "1,5"
    assert changes_in_words(None, {"x": [1, 2]})[0].field == "x"
    assert AuditEntry.objects.count() == 0
