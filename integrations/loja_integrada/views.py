"""The connect screen: the steps to create the key at Loja Integrada, and the key pasted here."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.request_ids import bad_id_response, parse_id
from core.views import admin_page_context
from integrations.models import Integration

from .connect import ConnectError, connect_loja_integrada
from .forms import ConnectForm


def integration_page_url(integration: Integration) -> str:
    """The integration's own page; the admin's until that page exists."""
    for name in ("integrations:detail", "admin:integrations_integration_change"):
        try:
            return reverse(name, args=[integration.pk])
        except NoReverseMatch:
            continue
    return reverse("admin:index")


@staff_member_required
def connect(request):
    """Gestor only. `?integration=<pk>`: paste a new key for a disconnected integration."""
    if not request.user.has_perm("integrations.add_integration"):
        raise PermissionDenied
    integration = None
    if request.GET.get("integration"):
        if not request.user.has_perm("integrations.change_integration"):
            raise PermissionDenied
        integration_id = parse_id(request.GET["integration"])
        if integration_id is None:
            return bad_id_response(request, _("The integration in the address is not a number."))
        integration = get_object_or_404(
            Integration, pk=integration_id, provider=Integration.Provider.LOJA_INTEGRADA
        )

    initial = {"name": integration.name} if integration else {}
    form = ConnectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            integration = connect_loja_integrada(
                name=form.cleaned_data["name"],
                api_key=form.cleaned_data["api_key"],
                seller=request.user,
                integration=integration,
            )
        except ConnectError as error:
            form.add_error("api_key", str(error))
        else:
            messages.success(
                request,
                _("Loja Integrada connected. Sales concluded from %(date)s on come in as Revisão pendente.")
                % {"date": _local_date(integration)},
            )
            return redirect(integration_page_url(integration))

    title = (
        _("Connect Loja Integrada")
        if integration is None
        else _("New API key for %(name)s") % {"name": integration.name}
    )
    context = admin_page_context(
        request, title=title, form=form, integration=integration, integrations_url=_integrations_list_url()
    )
    return render(request, "loja_integrada/connect.html", context)


def _integrations_list_url() -> str | None:
    """Integrações › Todas as integrações, for the breadcrumb (another package's page)."""
    try:
        return reverse("integrations:list")
    except NoReverseMatch:
        return None


def _local_date(integration: Integration) -> str:
    return formats.date_format(timezone.localtime(integration.activated_at), "SHORT_DATETIME_FORMAT")
