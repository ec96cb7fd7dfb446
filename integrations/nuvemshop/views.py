"""Nuvemshop pages: the install (Integrar agora → Conectar com Nuvemshop → store → back), and the webhook.

Thin: the install logic is in .connect (connect_flow), the webhook's in .webhooks.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.request_ids import bad_id_response, parse_id
from core.views import admin_page_context
from integrations.models import Integration

from . import connect as connect_flow
from . import tasks, webhooks

logger = logging.getLogger(__name__)

MANAGE = "integrations.add_integration"


def manager_only(view):
    """Staff login (else the admin login page), then the Gestor's permission (else 403)."""
    return staff_member_required(permission_required(MANAGE, raise_exception=True)(view))


def _nuvemshop(pk) -> Integration:
    return get_object_or_404(Integration, pk=pk, provider=Integration.Provider.NUVEMSHOP)


@require_GET
@manager_only
def install_page(request):
    """Integrações › Nuvemshop › Integrar agora; with ?integration=<pk>, "Conectar novamente"."""
    chosen = request.GET.get("integration")
    integration_id = parse_id(chosen)
    if chosen and integration_id is None:
        return bad_id_response(request, _("The integration in the address is not a number."))
    integration = _nuvemshop(integration_id) if integration_id else None
    context = admin_page_context(
        request,
        title=_("Nuvemshop: integrate now"),
        integration=integration,
        integrations=Integration.objects.filter(provider=Integration.Provider.NUVEMSHOP),
        configured=connect_flow.is_configured(),
    )
    return render(request, "nuvemshop/install.html", context)


@require_http_methods(["GET", "POST"])
@manager_only
@never_cache
def connect(request):
    """Start the install: a one-time state in this session, then off to the store's page."""
    if request.method == "GET":
        return redirect("nuvemshop:install")
    integration_id = request.POST.get("integration")
    try:
        url = connect_flow.start_install(request.session, integration_id=parse_id(integration_id))
    except connect_flow.InstallFailure as failure:
        return _failed(request, failure)
    return HttpResponseRedirect(url)


@require_GET
@never_cache
def callback(request):
    """The store sends the browser back here: finish the install, or say what happened.

    Without a state the merchant installed Ponte from the store's side: the code is kept for a
    Gestor to confirm (whoever is logged in, or after logging in), never exchanged on this GET."""
    if connect_flow.is_store_side_install(request.GET):
        connect_flow.remember_store_install(request.session, request.GET["code"])
        return redirect("nuvemshop:confirm_install")
    return _callback_with_state(request)


@manager_only
def _callback_with_state(request):
    try:
        installed = connect_flow.finish_install(
            params=request.GET, session=request.session, user=request.user
        )
    except connect_flow.InstallFailure as failure:
        return _failed(request, failure)
    return _installed(request, installed)


@require_http_methods(["GET", "POST"])
@staff_member_required
@never_cache
def confirm_install(request):
    """ "Conectar esta loja ao Ponte?": an install started in the store completes only on this POST.

    Anonymous users log in first and come back here (the code waits in their session); a user who
    is not a Gestor is refused, in words, and the code is left unused."""
    if not request.user.has_perm(MANAGE):
        context = admin_page_context(request, title=_("Only a Gestor can connect a store"))
        return render(request, "nuvemshop/install_refused.html", context, status=403)
    try:
        connect_flow.pending_store_install(request.session)
    except connect_flow.InstallFailure as failure:
        return _failed(request, failure)
    if request.method == "POST" and "_cancel" in request.POST:
        connect_flow.forget_store_install(request.session)
        messages.info(request, _("The Nuvemshop store was not connected."))
        return redirect("integrations:list")
    if request.method == "POST":
        try:
            installed = connect_flow.finish_store_install(session=request.session, user=request.user)
        except connect_flow.InstallFailure as failure:
            return _failed(request, failure)
        return _installed(request, installed)
    context = admin_page_context(request, title=_("Connect a Nuvemshop store to Ponte?"))
    return render(request, "nuvemshop/confirm_install.html", context)


def _installed(request, installed: connect_flow.Installed):
    request.session["nuvemshop_installed"] = {"pk": installed.integration.pk, "created": installed.created}
    return redirect("nuvemshop:ready", pk=installed.integration.pk)


def _failed(request, failure: connect_flow.InstallFailure):
    logger.warning("nuvemshop install failed: %s", failure)
    context = admin_page_context(
        request, title=_("The Nuvemshop integration was not completed"), failure=failure
    )
    return render(request, "nuvemshop/failed.html", context, status=400)


@require_GET
@manager_only
def ready(request, pk: int):
    """The integration is ready: its activation date, and what happens from now on."""
    integration = _nuvemshop(pk)
    just = request.session.get("nuvemshop_installed") or {}
    context = admin_page_context(
        request,
        title=_("Nuvemshop integration ready"),
        integration=integration,
        reconnected=just.get("pk") == integration.pk and not just.get("created"),
    )
    return render(request, "nuvemshop/ready.html", context)


@csrf_exempt
@require_POST
def webhook(request):
    """Signed notifications. 401 and nothing stored unless the signature is right; else 200 at once."""
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > webhooks.MAX_BODY_BYTES:
        return HttpResponse(status=413)
    body = request.read(webhooks.MAX_BODY_BYTES + 1)
    if len(body) > webhooks.MAX_BODY_BYTES:
        return HttpResponse(status=413)
    if not webhooks.signature_is_valid(body, request.headers.get(webhooks.SIGNATURE_HEADER)):
        return HttpResponse(status=401)
    receipt = webhooks.receive(body)
    if receipt.outcome == "malformed":
        return JsonResponse({"status": "malformed"}, status=400)
    if receipt.event is not None:
        tasks.queue_webhook_event(receipt.event)
    return JsonResponse({"status": receipt.outcome})
