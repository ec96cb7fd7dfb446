from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditHistoryMixin
from core.admin import ReadOnlyModelAdmin
from core.formatting import brl
from core.widgets import PreloadedAutocompleteSelect
from customers.models import Customer

from . import extensions, selectors, services
from .admin_review import ReviewPagesMixin
from .changelist import CappedCountPaginator, SaleChangeList
from .filters import QueueStatusFilter, StoreChangeFilter
from .forms import SaleAdminForm
from .models import Receivable, Sale, SaleItem

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
    fields = ["position", "product", "details", "quantity", "unit_price", "line_total"]
    readonly_fields = ["position", "quantity", "unit_price", "line_total"]
    autocomplete_fields = ["product"]
    extra = 0
    can_delete = False

    @admin.display(description=_("total"))
    def line_total(self, item):
        return brl(item.total)

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


class SaleAdmin(AuditHistoryMixin, ReviewPagesMixin, admin.ModelAdmin):
    form = SaleAdminForm
    # Money typed the Brazilian way: 1.234,56.
    formfield_overrides = {models.DecimalField: {"localize": True}}
    list_display = [
        "sale_number",
        "review_link",
        "store_order",
        "sale_date",
        "status_badge",
        "customer_name",
        "customer_document",
        "total",
        "items_count",
        "flags",
    ]
    list_display_links = ["sale_number"]
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
    actions = ["confirm_selected", "cancel_selected"]
    readonly_fields = [
        "sale_number",
        "status",
        "integration",
        "external_number",
        "items_amount",
        "total_amount",
        "store_total_amount",
        "attention_reason",
        "confirmed_by",
        "confirmed_at",
        "cancelled_by",
        "cancelled_at",
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
                    "items_amount",
                    "shipping_amount",
                    "discount_amount",
                    "total_amount",
                    "store_total_amount",
                ]
            },
        ),
        (_("Store"), {"fields": ["integration", "external_number"]}),
        (None, {"fields": ["notes", "confirmed_by", "confirmed_at", "cancelled_by", "cancelled_at"]}),
    ]
    autocomplete_fields = ["customer"]

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

    # --- columns ----------------------------------------------------------------------------------
    @admin.display(description=_("number"), ordering="number")
    def sale_number(self, sale):
        # A document number, read and typed as is: never grouped like a quantity ("1.079").
        return str(sale.number)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, sale):
        return sale.get_status_display()

    @admin.display(description=_("customer"), ordering="customer__name")
    def customer_name(self, sale):
        return sale.customer.name

    @admin.display(description=_("store order"), ordering="integration__name")
    def store_order(self, sale):
        if sale.integration is None:
            return "—"
        return format_html(
            '{}<br><span style="white-space: nowrap">nº {}</span>',
            sale.integration.name,
            sale.external_number,
        )

    @admin.display(description=_("CPF/CNPJ"), ordering="customer__document")
    def customer_document(self, sale):
        return format_html(
            '<span style="white-space: nowrap">{}</span>', sale.customer.formatted_document or "—"
        )

    @admin.display(description=_("items"))
    def items_count(self, sale):
        return sale.items_count

    @admin.display(description=_("check"))
    def flags(self, sale):
        """What deserves a second look before confirming, as short labels with the detail on hover."""
        flags = []
        if sale.store_total_difference:
            flags.append(
                (
                    gettext("Store total differs"),
                    gettext("The store's total was %(total)s.") % {"total": brl(sale.store_total_amount)},
                )
            )
        if sale.has_imported_product:
            flags.append(
                (
                    gettext("New product"),
                    gettext("A product was created by the import; check for duplicates."),
                )
            )
        if sale.customer.origin == Customer.Origin.IMPORT:
            flags.append((gettext("New customer"), gettext("The customer was created by the import.")))
        if sale.possible_duplicate_customer:
            flags.append(
                (
                    gettext("Possible duplicate customer"),
                    gettext("Another customer has the same CPF/CNPJ under another name."),
                )
            )
        flags.extend((flag.label, flag.hint) for flag in getattr(sale, "extension_flags", ()))
        labels = format_html_join(
            " ", '<span class="ponte-flag" title="{}">{}</span>', ((hint, label) for label, hint in flags)
        )
        if sale.store_changed_at is None:
            return labels
        # The store changed the order after the import: the sale's page says what, and is where
        # the clerk decides (reverse it, adjust it).
        changed = format_html(
            '<a class="ponte-flag ponte-flag-store" href="{}" title="{}">{}</a>',
            reverse("admin:sales_sale_change", args=[sale.pk]),
            sale.attention_reason,
            gettext("Changed at the store"),
        )
        return format_html("{} {}", changed, labels)

    @admin.display(description=_("total"), ordering="total_amount")
    def total(self, sale):
        return format_html('<span style="white-space: nowrap">{}</span>', brl(sale.total_amount))

    @admin.display(description="")
    def review_link(self, sale):
        if not sale.is_pending:
            return ""
        return format_html(
            '<a href="{}" style="white-space: nowrap">{}</a>',
            reverse("admin:sales_sale_review", args=[sale.pk]),
            gettext("Review and confirm"),
        )

    # --- permissions ------------------------------------------------------------------------------
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
        """Each sale in its own transaction; the clerk watches the counts, then reads what stayed pending."""
        selected = Sale.objects.filter(pk__in=queryset.values("pk")).order_by("pk")
        batch = services.start_bulk_confirmation(list(selected.values_list("pk", flat=True)), request.user)
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


class ReceivableAdmin(ReadOnlyModelAdmin):
    """Contas a receber: written by the confirm service only, so read-only here."""

    list_display = ["sale", "customer", "number", "due_date", "amount_brl", "status"]
    list_filter = ["status", "due_date"]
    list_select_related = ["sale__customer"]
    search_fields = ["sale__customer__name", "=sale__number"]
    # A filtered list shows "N results" without a second COUNT(*) over the whole table.
    show_full_result_count = False
    # No date_hierarchy, as on the sales list: its year links read every receivable.

    @admin.display(description=_("customer"), ordering="sale__customer__name")
    def customer(self, receivable):
        return receivable.sale.customer.name

    @admin.display(description=_("amount"), ordering="amount")
    def amount_brl(self, receivable):
        return brl(receivable.amount)


admin.site.register(Sale, SaleAdmin)
admin.site.register(Receivable, ReceivableAdmin)
