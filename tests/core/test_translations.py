"""Every admin page in pt-BR: no string of Ponte's own catalogue may reach it in English."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from audit.models import AuditEntry
from catalog.models import StockSettings
from catalog.services import record_in
from integrations.models import ImportRecord, ImportRun, WebhookEvent
from sales.services import ItemLine, confirm_sale, start_bulk_confirmation
from tests.catalog.factories import ProductFactory
from tests.catalogue_english import ROOT, english_left, english_patterns
from tests.core.factories import UserFactory
from tests.customers.factories import CustomerFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(gestor):
    """One row of every kind a page lists, with the flags and states that bring out their labels."""
    store = IntegrationFactory(name="Loja Bela", seller=gestor)
    coat = ProductFactory(description="Casaco infantil", sku="CAS-4")
    record_in(product=coat, quantity=Decimal("1.5"), user=gestor)
    pending = PendingSaleFactory(
        seller=gestor,
        customer=CustomerFactory(name="Maria Silva"),
        lines=[ItemLine(product=coat, quantity=Decimal("2"), unit_price=Decimal("11.10"))],
        integration=store,
        external_id="ns-1",
        external_number="1001",
        store_total_amount=Decimal("30.00"),
    )
    confirmed = confirm_sale(PendingSaleFactory(seller=gestor), gestor)
    ImportRecord.objects.create(
        integration=store,
        store_order_id="77",
        store_order_number="77",
        status=ImportRecord.Status.FAILED,
        reason="Estoque insuficiente",
        attempts=1,
        last_attempt_at=timezone.now(),
    )
    run = ImportRun.objects.create(integration=store, trigger="manual", status=ImportRun.Status.DONE)
    WebhookEvent.objects.create(integration=store, event="order/paid", resource_id="77")
    batch = start_bulk_confirmation([pending.pk], gestor)
    return {"store": store, "pending": pending, "confirmed": confirmed, "run": run, "batch": batch}


def admin_pages(superuser) -> list[str]:
    """Every registered model's list, add page (when it has one), first object's page and history."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = superuser
    urls = [reverse("admin:index")]
    apps = set()
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not is_ponte_app(opts.app_config):
            continue  # Django's, allauth's and django-q's pages speak their own catalogues
        apps.add(opts.app_label)
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{prefix}_add"))
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is not None and not getattr(model_admin, "singleton_instance_id", None):
            urls.append(reverse(f"{prefix}_change", args=[obj.pk]))
            urls.append(reverse(f"{prefix}_history", args=[obj.pk]))
    urls += [reverse("admin:app_list", args=[app]) for app in sorted(apps)]
    return urls


def is_ponte_app(app_config) -> bool:
    return Path(app_config.path).is_relative_to(ROOT) and ".venv" not in Path(app_config.path).parts


def ponte_pages(data) -> list[str]:
    store, run = data["store"], data["run"]
    names = [
        ("admin:sales_sale_review", [data["pending"].pk]),
        ("admin:sales_sale_review", [data["confirmed"].pk]),
        ("admin:sales_sale_bulk_confirmation", [data["batch"].pk]),
        ("integrations:list", []),
        ("integrations:detail", [store.pk]),
        ("integrations:import_log", []),
        ("integrations:run", [store.pk, run.pk]),
        ("loja_integrada:connect", []),
        ("nuvemshop:install", []),
    ]
    urls = []
    for name, args in names:
        try:
            urls.append(reverse(name, args=args))
        except NoReverseMatch:  # a page this build does not have
            continue
    return urls


def test_the_catalogue_patterns_are_read():
    msgids = dict(english_patterns())
    assert "Review and confirm" in msgids and "Confirm and next" in msgids


def test_every_admin_page_is_in_portuguese(client, gestor, everything):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    english = {}
    for url in [*admin_pages(superuser), *ponte_pages(everything)]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="pt-BR")
        assert response.status_code == 200, url
        for msgid, text in english_left(response.content.decode()):
            english.setdefault(url, []).append(f"{msgid!r} in {text!r}")
    assert not english, "\n".join(f"{url}: {hits}" for url, hits in english.items())


def test_messages_after_saving_are_in_portuguese(gestor_client):
    response = gestor_client.post(
        reverse("admin:catalog_stocksettings_change", args=[]),
        {"check_stock_on_sale": "on"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="pt-BR",
    )
    assert StockSettings.get_solo().check_stock_on_sale
    assert "was changed successfully" not in response.content.decode()
    assert not english_left(response.content.decode())
    assert AuditEntry.objects.count() >= 0
