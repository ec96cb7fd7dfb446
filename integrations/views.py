"""The managers' pages: all integrations, one integration, the import log. Thin: selectors read,
services act. Gestor only (by permission); others get 403, anonymous users the login page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core import charts
from core.request_ids import bad_id_response, parse_id
from core.views import admin_page_context

from . import selectors, services
from .models import ImportRecord, ImportRun, Integration
from .providers import PROVIDERS, provider_for


def manager_action(permission: str):
    """A button's view: POST only; anonymous users to the login, users without `permission` get 403."""

    def decorate(view):
        return require_POST(login_required(permission_required(permission, raise_exception=True)(view)))

    return decorate


class IntegrationListView(PermissionRequiredMixin, TemplateView):
    permission_required = "integrations.view_integration"
    template_name = "integrations/list.html"

    def get_context_data(self, **kwargs):
        providers = [
            {"name": label, "help": PROVIDERS[value].connect_help, "url": PROVIDERS[value].connect_url()}
            for value, label in Integration.Provider.choices
        ]
        integrations = list(selectors.integrations_with_counts().order_by("name", "pk"))
        per_day = selectors.sales_per_day(integrations)
        cards = [
            {
                "integration": integration,
                "chart": charts.daily_chart(per_day[integration.pk]),
                "may_import": integration.may_import,
                "stopped_reason": selectors.import_stopped_reason(integration),
                "reconnect_url": provider_for(integration).connect_url(integration),
            }
            for integration in integrations
        ]
        return admin_page_context(
            self.request,
            title=_("All integrations"),
            providers=providers,
            cards=cards,
            can_change=self.request.user.has_perm("integrations.change_integration"),
            can_import=self.request.user.has_perm("integrations.run_import"),
            notices=[text for provider in PROVIDERS.values() for text in provider.notices()],
        )


class IntegrationDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "integrations.view_integration"
    template_name = "integrations/detail.html"

    def get_context_data(self, **kwargs):
        integration = get_object_or_404(Integration.objects.select_related("seller"), pk=kwargs["pk"])
        return admin_page_context(
            self.request,
            title=integration.name,
            integration=integration,
            counts=selectors.integration_counts(integration),
            failed_orders=selectors.failed_orders(integration),
            runs=selectors.recent_runs(integration),
            active_run=selectors.active_run(integration),
            may_import=integration.may_import,
            stopped_reason=selectors.import_stopped_reason(integration),
            notices=provider_for(integration).notices(),
            reconnect_url=provider_for(integration).connect_url(integration),
            can_change=self.request.user.has_perm("integrations.change_integration"),
            can_import=self.request.user.has_perm("integrations.run_import"),
        )


class ImportLogView(PermissionRequiredMixin, TemplateView):
    permission_required = "integrations.view_importrecord"
    template_name = "integrations/import_log.html"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        chosen = request.GET.get("integration")
        if chosen and parse_id(chosen) is None:
            return bad_id_response(
                request,
                _("The integration in the address is not a number."),
                back_url=reverse("integrations:import_log"),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        integration_id = parse_id(self.request.GET.get("integration"))
        status = self.request.GET.get("status") or ""
        records = selectors.import_log(integration_id=integration_id, status=status)
        page = Paginator(records, self.paginate_by).get_page(self.request.GET.get("page"))
        for record in page.object_list:
            record.retryable = services.may_retry(record)
        return admin_page_context(
            self.request,
            title=_("Import log"),
            page=page,
            integrations=Integration.objects.order_by("name"),
            statuses=[(s, ImportRecord.Status(s).label) for s in selectors.LOG_STATUSES],
            selected_integration=integration_id,
            selected_status=status,
            can_import=self.request.user.has_perm("integrations.run_import"),
        )


@login_required
@permission_required("integrations.change_integration", raise_exception=True)
def confirm_disable(request, pk):
    """*Desativar* stops the store's imports, so it first asks, on a page naming the integration;
    its answer posts to the switch (enabling is one click)."""
    integration = get_object_or_404(Integration, pk=pk)
    title = _("Disable %(integration)s?") % {"integration": integration.name}
    back = _safe_next(request, reverse("integrations:detail", args=[pk]))
    context = admin_page_context(request, title=title, integration=integration, next=back)
    return TemplateResponse(request, "integrations/disable_confirm.html", context)


@manager_action("integrations.change_integration")
def toggle_integration(request, pk):
    """The "Integração ativada" switch; the message names the integration."""
    integration = get_object_or_404(Integration, pk=pk)
    enabled = request.POST.get("enabled") == "1"
    services.set_enabled(integration, enabled, by=request.user)
    if enabled:
        text = _("Integration %(integration)s enabled: its imports start again.")
    else:
        text = _("Integration %(integration)s disabled: no more orders are imported until it is enabled.")
    messages.success(request, text % {"integration": integration.name})
    return redirect(_safe_next(request, reverse("integrations:detail", args=[pk])))


@manager_action("integrations.run_import")
def import_now(request, pk):
    """ "Importar agora": queue an import of this store (one at a time)."""
    integration = get_object_or_404(Integration, pk=pk)
    if not integration.may_import:
        # Nothing is queued, so a suspended store is not called, not even to check.
        messages.error(
            request, f"{selectors.import_stopped_reason(integration)} {_('Nothing was imported.')}"
        )
        return redirect("integrations:detail", pk=pk)
    run, queued = services.queue_import(integration, requested_by=request.user)
    if queued:
        messages.success(request, _("Import queued; new orders appear within a few minutes."))
    else:
        messages.info(request, _("An import of this store is already queued or running."))
    # The run's page shows it move from queued to done, with its counts.
    return redirect("integrations:run", pk=pk, run_pk=run.pk)


class ImportRunView(PermissionRequiredMixin, TemplateView):
    """One import's progress; `?fragment=1` returns only the status block the page polls."""

    permission_required = "integrations.view_integration"
    template_name = "integrations/run.html"

    def get_template_names(self):
        if self.request.GET.get("fragment"):
            return ["integrations/run_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        run = selectors.run_of(kwargs["pk"], kwargs["run_pk"])
        if run is None:
            raise Http404
        finished = run.status not in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)
        return admin_page_context(
            self.request,
            title=_("Import of %(store)s") % {"store": run.integration.name},
            run=run,
            finished=finished,
        )


@manager_action("integrations.run_import")
def retry_records(request):
    """ "Tentar novamente" for one order (the row's button) or for every order ticked."""
    ids = [request.POST["record"]] if request.POST.get("record") else request.POST.getlist("records")
    record_ids = [parse_id(value) for value in ids]
    if None in record_ids:
        return bad_id_response(
            request,
            _("An order to retry is not a number."),
            back_url=_safe_next(request, reverse("integrations:import_log")),
        )
    records = ImportRecord.objects.filter(
        pk__in=record_ids, status__in=selectors.LOG_STATUSES
    ).select_related("integration")
    if not records:
        messages.warning(request, _("Select at least one order to retry."))
    else:
        outcome = services.retry_imports(records)
        if outcome.queued:
            text = ngettext(
                "%(count)s order will be fetched from the store again.",
                "%(count)s orders will be fetched from the store again.",
                outcome.queued,
            )
            messages.success(request, text % {"count": outcome.queued})
        for integration in outcome.not_importing:
            messages.error(
                request,
                _("%(integration)s is disabled or disconnected; its orders were not retried.")
                % {"integration": integration},
            )
    return redirect(_safe_next(request, reverse("integrations:import_log")))


def _safe_next(request, default: str) -> str:
    """The page the button was on (`next`, posted or in the address), never another site."""
    back = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return default
    return back
