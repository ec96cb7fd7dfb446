from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditHistoryMixin
from core.formatting import brl, format_quantity, unit_price
from core.widgets import PreloadedAutocompleteSelect

from . import extensions, selectors, services
from .admin_columns import SaleColumnsMixin
from .admin_exports import SaleExportMixin
from .admin_reversal import ReversalPagesMixin
from .admin_review import ReviewPagesMixin
from .changelist import CappedCountPaginator, SaleChangeList
from .filters import QueueStatusFilter, StoreChangeFilter
from .forms import SaleAdminForm
from .models import Receivable, Sale, SaleItem
from .receivable_admin import ReceivableAdmin

CONFIRM_PERMISSION = "sales.confirm_sale"


class SaleItemForm(forms.ModelForm):
    class Meta:
        model = SaleItem
        fields = ["product", "details"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("product")
        if field is not None and self.instance.product_id:
            # Label the chosen product from the row's select_related product, not one query per row.
            getattr(field.widget, "widget", field.widget).preloaded = self.instance.product


class SaleItemInline(admin.TabularInline):
    """Quantities and prices come from the order; the clerk may pick another product or edit details."""

    model = SaleItem
    form = SaleItemForm
    fields = ["position", "product", "details", "quantity_shown", "unit_price_shown", "line_total"]
    readonly_fields = ["position", "quantity_shown", "unit_price_shown", "line_total"]
    autocomplete_fields = ["product"]
    extra = 0
    can_delete = False

    @admin.display(description=_("total"))
    def line_total(self, item):
        return brl(item.total)

    @admin.display(description=_("quantity"))
    def quantity_shown(self, item):
        return format_quantity(item.quantity)  # 2, 1,5: not 2,000

    @admin.display(description=_("unit price"))
    def unit_price_shown(self, item):
        return unit_price(item.unit_price)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "product":
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_pending)


class SaleAdmin(
    SaleColumnsMixin,
    AuditHistoryMixin,
    ReviewPagesMixin,
    ReversalPagesMixin,
    SaleExportMixin,
    admin.ModelAdmin,
):
    form = SaleAdminForm
    # Money typed the Brazilian way: 1.234,56.
    formfield_overrides = {models.DecimalField: {"localize": True}}
    # What a clerk scans, narrow enough to fit beside the side menu at 1280 px: the number opens
    # the review page, the customer's CPF/CNPJ sits under the name, the terms in one short cell.
    list_display = [
        "sale_number",
        "store_order",
        "date",
        "status_badge",
        "customer_and_document",
        "total",
        "terms",
        "flags",
    ]
    list_display_links = None
    list_filter = [QueueStatusFilter, StoreChangeFilter, "integration", "sale_date", "seller"]
    # Not joined: SaleChangeList reads them for the page's rows.
    list_select_related = False
    # Shows the search box; get_search_results answers it with indexed lookups (selectors.search_sales).
    search_fields = ["customer__name_key", "=customer__document", "=number", "=external_number"]
    # A filtered list shows "N results" without a second COUNT(*) over the whole table, and counts
    # its own rows only up to CappedCountPaginator.CAP.
    show_full_result_count = False
    paginator = CappedCountPaginator
    search_help_text = _("Start of the customer's name, CPF/CNPJ, sale number or store order number.")
    # No date_hierarchy: its year links are a SELECT DISTINCT over every filtered sale (seconds at
    # a million); the sale_date filter (today, past 7 days, this month, this year) stays.
    list_per_page = 50
    inlines = [SaleItemInline]
    actions = ["confirm_selected", "confirm_with_store_payment", "cancel_selected", "reverse_selected"]
    readonly_fields = [
        "sale_number",
        "status",
        "integration",
        "external_number",
        "items_amount_shown",
        "total_amount_shown",
        "store_total_amount_shown",
        "attention_reason",
        "confirmed_by",
        "confirmed_at",
        "cancelled_by",
        "cancelled_at",
        "reversal_details",
    ]
    fieldsets = [
        (None, {"fields": ["sale_number", "status", "customer", "seller", "sale_date", "attention_reason"]}),
        (
            _("Payment"),
            {"fields": ["payment_method", "installments", "first_due_date"]},
        ),
        (
            _("Amounts"),
            {
                "fields": [
                    "items_amount_shown",
                    "shipping_amount",
                    "discount_amount",
                    "total_amount_shown",
                    "store_total_amount_shown",
                ]
            },
        ),
        (_("Store"), {"fields": ["integration", "external_number"]}),
        (None, {"fields": ["notes", "confirmed_by", "confirmed_at", "cancelled_by", "cancelled_at"]}),
        (_("Reversal"), {"fields": ["reversal_details"]}),
    ]
    autocomplete_fields = ["customer"]

    # The amounts the form shows but does not edit, as money (R$ 52,10), not bare numbers.
    @admin.display(description=_("items"))
    def items_amount_shown(self, sale):
        return brl(sale.items_amount)

    @admin.display(description=_("total"))
    def total_amount_shown(self, sale):
        return brl(sale.total_amount)

    @admin.display(description=Sale._meta.get_field("store_total_amount").verbose_name)
    def store_total_amount_shown(self, sale):
        return brl(sale.store_total_amount) or "—"

    def get_changelist(self, request, **kwargs):
        return SaleChangeList

    def changelist_view(self, request, extra_context=None):
        if QueueStatusFilter.shows_queue(request):
            extra_context = {"title": gettext("Sales pending review"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_list_display(self, request):
        # Every sale in the queue is pending: the status column would only take room from the flags.
        if QueueStatusFilter.shows_queue(request):
            return [name for name in self.list_display if name != "status_badge"]
        return self.list_display

    def get_ordering(self, request):
        """The queue oldest first; every other list newest first (the queue is where pending ones wait)."""
        if QueueStatusFilter.shows_queue(request):
            return list(selectors.QUEUE_ORDERING)
        return list(selectors.LIST_ORDERING)

    def get_search_results(self, request, queryset, search_term):
        """Sale or store order number, CPF/CNPJ (bare or formatted), or the start of a customer's name."""
        return selectors.search_sales(queryset, search_term), False

    def has_add_permission(self, request):
        # Sales arrive from the stores through the import pipeline; hand entry is not built yet.
        return False

    def has_delete_permission(self, request, obj=None):
        # A sale is cancelled, never deleted: receivables and stock movements point at it.
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.is_pending)

    def has_confirm_permission(self, request):
        return request.user.has_perm(CONFIRM_PERMISSION)

    def has_cancel_permission(self, request):
        return request.user.has_perm("sales.cancel_sale")

    def save_model(self, request, obj, form, change):
        editable = {field.name for field in Sale._meta.concrete_fields if field.editable}
        try:
            services.save_sale_changes(
                obj, [name for name in form.fields if name in editable], by=request.user
            )
        except services.SaleNotPending as error:
            # Confirmed or cancelled while the form was open: nothing is saved.
            raise PermissionDenied(str(error)) from error

    def save_formset(self, request, form, formset, change):
        """A line's product changed on the full form goes through the same service as on the review
        page: audited, and the store's next orders of that product follow it."""
        if formset.model is SaleItem:
            for item_form in formset.forms:
                if item_form.instance.pk and "product" in item_form.changed_data:
                    try:
                        services.replace_item_product(
                            item_form.instance, item_form.cleaned_data["product"], by=request.user
                        )
                    except services.SaleNotPending as error:
                        raise PermissionDenied(str(error)) from error
        super().save_formset(request, form, formset, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action in extensions.list_actions():
            actions[action.__name__] = self.get_action(action)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        sale = self.get_object(request, object_id)
        panels = extensions.panels(request, sale) if sale is not None else []
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "extension_panels": panels}
        )

    # --- bulk actions -----------------------------------------------------------------------------
    @admin.action(description=_("Confirm selected sales"), permissions=["confirm"])
    def confirm_selected(self, request, queryset):
        """First the admin's "are you sure" page listing what will be booked (total, method,
        installments); on "Sim, confirmar" each sale in its own transaction, and the clerk watches
        the counts, then reads which sales were confirmed and which stayed pending."""
        if request.POST.get("post") != "yes":
            question = selectors.bulk_confirmation_question(queryset)
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Confirm the selected sales?"),
                "opts": self.model._meta,
                "question": question,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "select_across": request.POST.get("select_across") == "1",
            }
            return TemplateResponse(request, "admin/sales/sale/bulk_confirm_question.html", context)
        selected = Sale.objects.filter(pk__in=queryset.values("pk")).order_by("pk")
        batch = services.start_bulk_confirmation(list(selected.values_list("pk", flat=True)), request.user)
        return HttpResponseRedirect(reverse("admin:sales_sale_bulk_confirmation", args=[batch.pk]))

    @admin.action(description=_("Confirm selected sales with the store's payment"), permissions=["confirm"])
    def confirm_with_store_payment(self, request, queryset):
        """The store's method and installments on each selected sale, then the bulk confirmation."""
        selected = Sale.objects.filter(pk__in=queryset.values("pk")).order_by("pk")
        outcome = services.use_store_payment_for(selected, by=request.user)
        for reason in outcome.refused[:20]:
            self.message_user(request, reason, messages.WARNING)
        if not outcome.applied:
            return None
        batch = services.start_bulk_confirmation(outcome.applied, request.user)
        return HttpResponseRedirect(reverse("admin:sales_sale_bulk_confirmation", args=[batch.pk]))

    @admin.action(description=_("Cancel selected sales"), permissions=["cancel"])
    def cancel_selected(self, request, queryset):
        for sale in queryset.order_by("pk"):
            try:
                services.cancel_sale(sale, request.user)
            except services.SaleError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request, gettext("Sale %(number)s cancelled.") % {"number": sale.number}, messages.SUCCESS
                )


admin.site.register(Sale, SaleAdmin)
admin.site.register(Receivable, ReceivableAdmin)
