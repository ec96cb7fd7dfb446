"""The sandbox's page: its stores and orders, and buttons to add a store or a paid order."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import admin_page_context
from sandboxes.access import control_panel

from . import store as sandbox
from .models import SandboxOrder, SandboxStore


@control_panel
def index(request):
    stores = SandboxStore.objects.prefetch_related("orders")
    context = admin_page_context(
        request,
        title=_("Loja Integrada sandbox"),
        stores=stores,
        situations=sandbox.situations(),
    )
    return render(request, "loja_integrada_sandbox/index.html", context)


@control_panel
@require_POST
def create_store(request):
    name = request.POST.get("name", "").strip() or _("Sandbox store")
    created = sandbox.create_store(name)
    messages.success(request, _("Store “%(name)s” created.") % {"name": created.name})
    return redirect("loja_integrada_sandbox:index")


@control_panel
@require_POST
def add_order(request, pk: int):
    target = get_object_or_404(SandboxStore, pk=pk)
    code = request.POST.get("situacao") or sandbox.PAID
    order = sandbox.add_order(target, situacao=code)
    messages.success(
        request, _("Order %(number)s added to “%(store)s”.") % {"number": order.numero, "store": target.name}
    )
    return redirect("loja_integrada_sandbox:index")


@control_panel
@require_POST
def change_situation(request, pk: int):
    """The merchant moves an order to another situation (cancelled, refunded, chargeback, paid
    again…); the store sends no webhook: Ponte reads it on its next run."""
    order = get_object_or_404(SandboxOrder, pk=pk)
    code = request.POST.get("situacao") or sandbox.PAID
    sandbox.set_situation(order, code)
    messages.success(
        request,
        _("Order %(number)s is now “%(situation)s”.")
        % {"number": order.numero, "situation": sandbox.situation(code)["nome"]},
    )
    return redirect("loja_integrada_sandbox:index")
