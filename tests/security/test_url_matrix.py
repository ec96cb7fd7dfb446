"""Every URL × anonymous, staff without a role, Financeiro, Gestor and superuser, the expected
outcome derived from the permissions the role grants:

- every admin page of every registered model (list, add, change, delete, history);
- every admin action of every model, POSTed on a real row: it runs only for a user holding the
  action's permissions; for anyone else it is refused and the table is left exactly as it was;
- the integration pages and buttons, the import log, an import run's page, the connect and install
  views, the Nuvemshop webhook, and the sandbox pages as the demo mounts them.

Admin pages, actions and integrations added later are covered without touching this test.
"""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django_q.models import Schedule

from catalog.services import record_in
from core.admin import ReadOnlyModelAdmin
from fiscal.models import CompanyFiscalSettings
from integrations.models import ImportRecord, ImportRun, Integration
from sales import services as sale_services
from sales.services import ItemLine
from tests.catalog.factories import ProductFactory
from tests.customers.factories import CustomerFactory
from tests.integrations.factories import IntegrationFactory
from tests.sales.factories import PendingSaleFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no_role", "financeiro", "gestor", "superuser"]


@pytest.fixture
def world(financeiro):
    """A row of (nearly) every model, so each change page and each action has something to act on."""
    product = ProductFactory()
    record_in(product=product, quantity=Decimal("50"))
    line = [ItemLine(product=product, quantity=Decimal("1"), unit_price=Decimal("10"))]
    integration = IntegrationFactory(enabled=False)  # no import may reach out to a store
    pending = PendingSaleFactory(lines=line)
    sale_services.confirm_sale(PendingSaleFactory(lines=line), financeiro)  # receivables, audit entries
    CustomerFactory()
    CompanyFiscalSettings.get_solo()  # a singleton's row, made on first read like the stock settings'
    run = ImportRun.objects.create(integration=integration, status=ImportRun.Status.DONE)
    ImportRecord.objects.create(
        integration=integration, store_order_id="900", status=ImportRecord.Status.FAILED, reason="x"
    )
    Schedule.objects.create(func="integrations.tasks.import_all", name="matrix")
    return {"integration": integration, "run": run, "sale": pending}


def login(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


def registered():
    for model, model_admin in admin.site._registry.items():
        try:
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        yield model, model_admin


def perm(model, action: str) -> str:
    return f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"


def may_view(user, model) -> bool:
    return user.has_perm(perm(model, "view")) or user.has_perm(perm(model, "change"))


def read_only(model_admin) -> bool:
    return isinstance(model_admin, ReadOnlyModelAdmin)


def assert_to_login(response, where):
    assert response.status_code == 302, (where, response.status_code)
    assert "login" in response["Location"], (where, response["Location"])


class Count:
    checks = 0


@pytest.fixture
def count():
    counter = Count()
    yield counter
    print(f"\n{counter.checks} URL × role checks")


def test_every_admin_page_opens_only_for_the_roles_that_may_see_it(client, users, world, count):
    for role in ROLES:
        user = users[role]
        login(client, user)
        for model, model_admin in registered():
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            obj = model._default_manager.order_by("pk").first()
            pages = {"changelist": (reverse(f"{name}_changelist"), "view")}
            if not read_only(model_admin) and model_admin.has_add_permission(_request_of(users["superuser"])):
                pages["add"] = (reverse(f"{name}_add"), "add")
            if obj is not None:
                pages["change"] = (reverse(f"{name}_change", args=[obj.pk]), "view")
                pages["history"] = (reverse(f"{name}_history", args=[obj.pk]), "view")
                if not read_only(model_admin) and model_admin.has_delete_permission(
                    _request_of(users["superuser"]), obj
                ):
                    pages["delete"] = (reverse(f"{name}_delete", args=[obj.pk]), "delete")
            for page, (url, needed) in pages.items():
                response = client.get(url)
                where = (role, page, url)
                if user is None:
                    assert_to_login(response, where)
                else:
                    may = may_view(user, model) if needed == "view" else user.has_perm(perm(model, needed))
                    assert response.status_code == (200 if may else 403), (*where, response.status_code)
                count.checks += 1
    assert count.checks >= 5 * 55


def _request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def actions_of(model_admin):
    """(name, the permissions it needs) of every action the admin offers anyone."""
    for func, name, _description in model_admin._get_base_actions():
        yield name, getattr(func, "allowed_permissions", ())


def said_now(response) -> list[str]:
    """The messages this request added (not those still waiting from an earlier redirect)."""
    storage = get_messages(response.wsgi_request)
    return [str(message) for message in getattr(storage, "_queued_messages", storage)]


def snapshot(model) -> list[dict]:
    return list(model._default_manager.order_by("pk").values())


def holds(user, model, needed: str) -> bool:
    """An action's permission: `confirm` on Sale is sales.confirm_sale; `run_import` is its own."""
    return user.has_perm(perm(model, needed)) or user.has_perm(f"{model._meta.app_label}.{needed}")


def test_every_admin_action_runs_only_for_the_roles_holding_its_permissions(client, users, world, count):
    actions = 0
    # What the admin offers at all (e.g. no deleting customers, whoever asks).
    offered = {
        model: set(model_admin.get_actions(_request_of(users["superuser"])))
        for model, model_admin in registered()
    }
    for role in ROLES:  # the superuser last: its actions really run
        user = users[role]
        login(client, user)
        for model, model_admin in registered():
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            for name, needs in actions_of(model_admin):
                obj = model._default_manager.order_by("pk").first()
                selected = [str(obj.pk)] if obj is not None else []
                before = snapshot(model)
                response = client.post(url, {"action": name, "_selected_action": selected, "index": 0})
                where = (role, model._meta.label, name)
                count.checks += 1
                actions += 1
                if user is None:
                    assert_to_login(response, where)
                    assert snapshot(model) == before, where
                    continue
                allowed = (
                    may_view(user, model)
                    and name in offered[model]
                    and all(holds(user, model, needed) for needed in needs)
                )
                said = said_now(response)
                if not may_view(user, model):
                    assert response.status_code == 403, (*where, response.status_code)
                elif not allowed:
                    # Not among the user's actions: the list (or a singleton's form) again, never
                    # the action's own page.
                    assert response.status_code in (200, 302), (*where, response.status_code)
                    assert "delete_selected_confirmation" not in str(
                        getattr(response, "template_name", "")
                    ), where
                if not allowed:
                    assert snapshot(model) == before, (where, "the refused action changed rows")
                    continue
                assert response.status_code in (200, 302), (*where, response.status_code)
                assert not any("No action" in m or "Nenhuma ação" in m for m in said), (*where, said)
                if name == "delete_selected" and selected:
                    # Its confirmation page (which may also say which related rows protect them).
                    assert response.status_code == 200, where
                    assert "delete_selected_confirmation" in str(response.template_name), where
    assert actions >= 5 * 20


def test_every_integration_page_and_button_by_role(client, users, world, count):
    integration, run = world["integration"], world["run"]
    pk = integration.pk
    # (method, url, data, the permission it needs, the staff-only login of the admin?)
    checks = [
        ("get", reverse("integrations:list"), None, "integrations.view_integration"),
        ("get", reverse("integrations:import_log"), None, "integrations.view_importrecord"),
        ("post", reverse("integrations:retry"), {"records": []}, "integrations.run_import"),
        ("get", reverse("integrations:detail", args=[pk]), None, "integrations.view_integration"),
        (
            "post",
            reverse("integrations:toggle", args=[pk]),
            {"enabled": "0"},
            "integrations.change_integration",
        ),
        ("get", reverse("integrations:confirm_disable", args=[pk]), None, "integrations.change_integration"),
        ("post", reverse("integrations:import_now", args=[pk]), {}, "integrations.run_import"),
        ("get", reverse("integrations:run", args=[pk, run.pk]), None, "integrations.view_integration"),
        (
            "get",
            reverse("integrations:run", args=[pk, run.pk]) + "?fragment=1",
            None,
            "integrations.view_integration",
        ),
        ("get", reverse("loja_integrada:connect"), None, "integrations.add_integration"),
        (
            "get",
            reverse("loja_integrada:connect") + f"?integration={pk}",
            None,
            "integrations.change_integration",
        ),
        ("get", reverse("nuvemshop:install"), None, "integrations.add_integration"),
        ("get", reverse("nuvemshop:connect"), None, "integrations.add_integration"),
        ("post", reverse("nuvemshop:connect"), {}, "integrations.add_integration"),
        ("get", reverse("nuvemshop:callback") + "?code=x&state=y", None, "integrations.add_integration"),
        ("get", reverse("admin:index"), None, None),
    ]
    for role in ROLES:
        user = users[role]
        login(client, user)
        for method, url, data, needed in checks:
            Integration.objects.filter(pk=pk).update(enabled=False)
            response = getattr(client, method)(url, data or {})
            where = (role, method, url)
            count.checks += 1
            if user is None:
                assert_to_login(response, where)
            elif needed is not None and not user.has_perm(needed):
                assert response.status_code == 403, (*where, response.status_code)
            else:
                # Allowed: the page, a redirect to where the button leads (never to the login), or
                # the install's own refusal of a made-up code (400).
                assert response.status_code in (200, 302, 400), (*where, response.status_code)
                if response.status_code == 302:
                    assert "login" not in response["Location"], where
                if "callback" in url:
                    assert response.status_code == 400, where
    assert count.checks >= 5 * len(checks)


def test_buttons_refuse_get_and_the_webhook_refuses_everyone_without_a_signature(client, users, world, count):
    pk = world["integration"].pk
    buttons = [
        reverse("integrations:retry"),
        reverse("integrations:toggle", args=[pk]),
        reverse("integrations:import_now", args=[pk]),
    ]
    for role in ROLES:
        user = users[role]
        login(client, user)
        for url in buttons:
            assert client.get(url).status_code == 405, (role, url)  # a link can never press a button
            count.checks += 1
        response = client.post(reverse("nuvemshop:webhook"), b"{}", content_type="application/json")
        assert response.status_code == 401, role  # whoever is logged in: only the signature counts
        count.checks += 1
    assert count.checks == 5 * 4


def test_sandbox_pages_as_the_demo_mounts_them(client, users, count):
    """The fake stores' side (never mounted in production: settings refuse STORE_SANDBOXES). The
    control panels of both sandboxes (they create stores and orders, uninstall and suspend the
    app, show the fake keys in full) are the Gestor's: Financeiro and staff without a role get 403;
    the Nuvemshop install page plays the merchant's side, open like the real store's; both APIs
    refuse a call without the store's key."""
    from sandboxes.loja_integrada import store as li_sandbox
    from sandboxes.nuvemshop import services as ns_sandbox

    li_store = li_sandbox.create_store("Matriz")
    li_order = li_sandbox.add_order(li_store)
    ns_store = ns_sandbox.create_store(name="Matriz", store_id=817999)
    pages = [
        ("get", reverse("loja_integrada_sandbox:index"), None, "gestor"),
        ("post", reverse("loja_integrada_sandbox:create_store"), {"name": "x"}, "gestor"),
        ("post", reverse("loja_integrada_sandbox:add_order", args=[li_store.pk]), {}, "gestor"),
        (
            "post",
            reverse("loja_integrada_sandbox:change_situation", args=[li_order.pk]),
            {"situacao": "cancelado"},
            "gestor",
        ),
        ("get", reverse("nuvemshop_sandbox:home"), None, "gestor"),
        ("post", reverse("nuvemshop_sandbox:home"), {"action": "new_order", "store": ns_store.pk}, "gestor"),
        ("post", reverse("nuvemshop_sandbox:home"), {"action": "suspend", "store": ns_store.pk}, "gestor"),
        ("post", reverse("nuvemshop_sandbox:home"), {"action": "uninstall", "store": ns_store.pk}, "gestor"),
        ("get", reverse("nuvemshop_sandbox:authorize", args=["4321"]), None, "anyone"),
        ("get", reverse("loja_integrada_sandbox:order_search"), None, "key"),
        ("get", "/sandbox/nuvemshop/v1/817495/orders", None, "key"),
    ]
    for role in ROLES:
        user = users[role]
        login(client, user)
        for method, url, data, who in pages:
            stores = (snapshot(type(li_store)), snapshot(type(ns_store)))
            response = getattr(client, method)(url, data or {}, HTTP_USER_AGENT="matrix")
            where = (role, method, url)
            count.checks += 1
            if who == "key":
                assert response.status_code == 401, (*where, response.status_code)
            elif who == "gestor" and user is None:
                assert_to_login(response, where)
            elif who == "gestor" and not user.has_perm("integrations.add_integration"):
                assert response.status_code == 403, (*where, response.status_code)
                assert (snapshot(type(li_store)), snapshot(type(ns_store))) == stores, where
            else:
                assert response.status_code in (200, 302), (*where, response.status_code)
    assert count.checks == 5 * len(pages)
