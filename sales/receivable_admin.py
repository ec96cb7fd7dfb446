"""Contas a receber in the admin: the list the finance clerk follows (open ones due soonest, totals
and the due chart at the top), the receipt page of one receivable, "Registrar recebimento" on many,
and the export of the filtered list. The rules are in sales.services.receipts; this module only calls them."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyModelAdmin
from core.formatting import brl

from . import exports
from . import receivable_selectors as selectors
from .changelist import CappedCountPaginator
from .models import Receivable, Sale
from .receivable_filters import DueFilter, IntegrationFilter, PaymentMethodFilter, ReceivedPeriodFilter
from .services import receipts

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/aaaa", "size": 10})


def sale_link(sale) -> str:
    """*Venda N*, linked to the sale's page, wherever a row points at a sale."""
    if sale is None:
        return "—"
    return format_html('<a href="{}">{}</a>', reverse("admin:sales_sale_change", args=[sale.pk]), str(sale))


class ReceiptForm(forms.Form):
    received_on = forms.DateField(label=_("received on"), widget=DATE_INPUT)
    amount = forms.DecimalField(label=_("amount received"), max_digits=12, decimal_places=2, localize=True)
    fees = forms.DecimalField(
        label=_("fees / discount"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        required=False,
        help_text=_("Withheld by the card acquirer or given as a discount."),
    )
    interest = forms.DecimalField(
        label=_("interest / fine"), max_digits=12, decimal_places=2, localize=True, required=False
    )
    note = forms.CharField(label=_("account / note"), max_length=255, required=False)
    key = forms.CharField(widget=forms.HiddenInput)


class UndoForm(forms.Form):
    reason = forms.CharField(label=_("why"), max_length=500)
    receipt = forms.IntegerField(widget=forms.HiddenInput)


class BulkReceiptForm(forms.Form):
    received_on = forms.DateField(label=_("received on"), widget=DATE_INPUT)


class ReceivableChangeList(ChangeList):
    """The page's 50 receivables read alone in index order, then their sales, customers and
    integrations by primary key (joined into the page query, a planner may sort every row first)."""

    def get_results(self, request):
        super().get_results(request)
        page = list(self.result_list)
        # One query for the page's sales with their customers and integrations, by primary key.
        sales = Sale.objects.select_related("customer", "integration")
        prefetch_related_objects(page, Prefetch("sale", queryset=sales))
        self.result_list = page

    @property
    def count_capped(self) -> bool:
        return getattr(self.paginator, "capped", False)

    @property
    def capped_count_label(self) -> str:
        return gettext("more than %(count)s receivables") % {"count": self._cap}

    @property
    def capped_select_all_label(self) -> str:
        return gettext("Select all receivables of this list (more than %(count)s)") % {"count": self._cap}

    @property
    def capped_all_selected_label(self) -> str:
        return gettext("All receivables of this list selected (more than %(count)s)") % {"count": self._cap}

    @property
    def _cap(self) -> str:
        return number_format(CappedCountPaginator.CAP, force_grouping=True)


class ReceivableAdmin(ReadOnlyModelAdmin):
    """Contas a receber: written by the confirm service, settled by the receipt services."""

    # Seven columns, two lines where a line is short, so nothing is cut off at 1440 px beside the
    # menu and the filters: sale and installment, customer with the store and method, due date,
    # amount, open, situation with the receipt, the link.
    list_display = [
        "sale_number",
        "customer",
        "due_date",
        "amount_brl",
        "open_brl",
        "status_badge",
        "receipt_link",
    ]
    list_display_links = None
    # The receivable's own page (read-only); receipts are on its receipt page.
    fields = [
        "sale_page",
        "number",
        "due_date",
        "amount_on_page",
        "status",
        "payment_method",
        "integration",
        "received_on",
        "created_at",
    ]
    list_filter = [DueFilter, ReceivedPeriodFilter, ("integration", IntegrationFilter), PaymentMethodFilter]
    list_select_related = False
    search_fields = ["=sale__number"]
    search_help_text = _("Sale number.")
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    actions = ["receive_selected"]

    def get_changelist(self, request, **kwargs):
        return ReceivableChangeList

    def get_ordering(self, request):
        if DueFilter.shows_open(request):
            return list(selectors.DUE_ORDERING)
        if DueFilter.shows_received(request):
            return list(selectors.RECEIVED_ORDERING)
        return list(selectors.LATEST_DUE_ORDERING)

    def get_urls(self):
        pages = [
            path(
                "<int:pk>/receipt/",
                self.admin_site.admin_view(self.receipt_view),
                name="sales_receivable_receipt",
            ),
            path(
                "export.<str:kind>",
                self.admin_site.admin_view(self.export_view),
                name="sales_receivable_export",
            ),
        ]
        return [*pages, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:
            today = timezone.localdate()
            response.context_data.update(
                totals=selectors.totals(
                    cl.queryset,
                    today,
                    selectors.period(request.GET.get(ReceivedPeriodFilter.parameter_name, ""), today),
                ),
                chart=selectors.due_chart(today),
                export_query=request.GET.urlencode(),
            )
        return response

    # --- columns -----------------------------------------------------------------------------------
    @admin.display(description=_("sale"), ordering="sale__number")
    def sale_number(self, receivable):
        return format_html(
            '{}<br><span class="ponte-quiet ponte-nowrap">{}</span>',
            sale_link(receivable.sale),
            gettext("installment %(number)s/%(count)s")
            % {"number": receivable.number, "count": receivable.sale.installments},
        )

    @admin.display(description=_("sale"))
    def sale_page(self, receivable):
        return sale_link(receivable.sale)

    @admin.display(description=_("amount"))
    def amount_on_page(self, receivable):
        return brl(receivable.amount)

    @admin.display(description=_("customer"))
    def customer(self, receivable):
        method = receivable.get_payment_method_display()
        store = receivable.sale.integration  # read with the page's sales (the same as the receivable's)
        where = f"{store.name} · {method}" if store else method
        return format_html('{}<br><span class="ponte-quiet">{}</span>', receivable.sale.customer.name, where)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_brl(self, receivable):
        return format_html('<span class="ponte-money">{}</span>', brl(receivable.amount))

    @admin.display(description=_("open"))
    def open_brl(self, receivable):
        return format_html('<span class="ponte-money">{}</span>', brl(receivable.open_amount))

    @admin.display(description=_("situation"), ordering="status")
    def status_badge(self, receivable):
        css = "ponte-overdue" if receivable.is_overdue else f"ponte-{receivable.status}"
        badge = format_html('<span class="ponte-status {}">{}</span>', css, receivable.display_status)
        if not receivable.received_on:
            return badge
        return format_html(
            '{}<br><span class="ponte-quiet ponte-nowrap">{} {}</span>',
            badge,
            receivable.received_on.strftime("%d/%m/%Y"),
            brl(receivable.received_amount),
        )

    @admin.display(description="")
    def receipt_link(self, receivable):
        label = gettext("Receive") if receivable.status == Receivable.Status.OPEN else gettext("Receipts")
        url = reverse("admin:sales_receivable_receipt", args=[receivable.pk])
        return format_html('<a href="{}" style="white-space: nowrap">{}</a>', url, label)

    # --- permissions -------------------------------------------------------------------------------
    def has_register_receipt_permission(self, request):
        return request.user.has_perm(receipts.REGISTER_PERMISSION)

    def has_undo_receipt_permission(self, request):
        return request.user.has_perm(receipts.UNDO_PERMISSION)

    # --- one receivable ----------------------------------------------------------------------------
    def receipt_view(self, request, pk):
        """The receivable, its receipts, and the forms to register one or undo the latest."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        receivable = get_object_or_404(
            Receivable.objects.select_related("sale__customer", "sale__integration"), pk=pk
        )
        url = reverse("admin:sales_receivable_receipt", args=[pk])
        receipt_form = ReceiptForm(
            initial={
                "received_on": timezone.localdate(),
                "amount": receivable.open_amount,
                "key": uuid.uuid4().hex,
            }
        )
        undo_form = UndoForm()
        if request.method == "POST" and "_register" in request.POST:
            if not self.has_register_receipt_permission(request):
                raise PermissionDenied
            receipt_form = ReceiptForm(request.POST)
            if receipt_form.is_valid():
                data = receipt_form.cleaned_data
                try:
                    receipts.register_receipt(
                        receivable,
                        user=request.user,
                        amount=data["amount"],
                        received_on=data["received_on"],
                        fees=data["fees"] or 0,
                        interest=data["interest"] or 0,
                        note=data["note"],
                        key=data["key"],
                    )
                except receipts.ReceiptError as error:
                    receipt_form.add_error(None, str(error))
                else:
                    self.message_user(request, gettext("Receipt registered."), messages.SUCCESS)
                    return HttpResponseRedirect(url)
        if request.method == "POST" and "_undo" in request.POST:
            if not self.has_undo_receipt_permission(request):
                raise PermissionDenied
            undo_form = UndoForm(request.POST)
            if undo_form.is_valid():
                chosen = receivable.receipts.filter(pk=undo_form.cleaned_data["receipt"]).first()
                try:
                    receipts.undo_receipt(
                        receivable, user=request.user, reason=undo_form.cleaned_data["reason"], receipt=chosen
                    )
                except receipts.ReceiptError as error:
                    undo_form.add_error(None, str(error))
                else:
                    self.message_user(request, gettext("Receipt undone."), messages.SUCCESS)
                    return HttpResponseRedirect(url)
        history = list(
            receivable.receipts.select_related("created_by", "undone_by").order_by("created_at", "pk")
        )
        standing = [receipt for receipt in history if receipt.is_standing]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Receipts of %(receivable)s") % {"receivable": receivable},
            "opts": self.model._meta,
            "receivable": receivable,
            "receipts": history,
            "latest_standing": standing[-1] if standing else None,
            "receipt_form": receipt_form,
            "undo_form": undo_form,
            "can_register": self.has_register_receipt_permission(request)
            and receivable.status == Receivable.Status.OPEN,
            "can_undo": self.has_undo_receipt_permission(request)
            and receivable.status != Receivable.Status.CANCELLED,
        }
        return TemplateResponse(request, "admin/sales/receivable/receipt.html", context)

    # --- many receivables --------------------------------------------------------------------------
    @admin.action(description=_("Register receipt"), permissions=["register_receipt"])
    def receive_selected(self, request, queryset):
        """Asks for the date, then receives each selected open receivable in full on it."""
        form = BulkReceiptForm(
            request.POST if "apply" in request.POST else None, initial={"received_on": timezone.localdate()}
        )
        if "apply" in request.POST and form.is_valid():
            try:
                outcome = receipts.register_full_receipts(
                    queryset.order_by("pk"), received_on=form.cleaned_data["received_on"], user=request.user
                )
            except receipts.ReceiptError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "%(count)s receivable received.", "%(count)s receivables received.", outcome.received
                )
                % {"count": outcome.received},
                messages.SUCCESS,
            )
            for _receivable, reason in outcome.skipped[:20]:
                self.message_user(request, reason, messages.WARNING)
            return None
        selected = selectors.totals(queryset, timezone.localdate())
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Register receipt"),
            "opts": self.model._meta,
            "form": form,
            "count": queryset.count(),
            "open_total": selected.open,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action": "receive_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/sales/receivable/bulk_receipt.html", context)

    # --- export ------------------------------------------------------------------------------------
    def _filtered(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        cl = self.get_changelist_instance(request)
        return cl.queryset

    def export_view(self, request, kind):
        """The filtered list as CSV or XLSX, streamed (see sales.exports)."""
        if kind not in exports.KINDS:
            raise Http404
        rows = exports.receivable_rows(self._filtered(request))
        return exports.download(
            kind, exports.receivable_columns(), rows, name="contas-a-receber", sheet=gettext("Receivables")
        )
