"""The sales list's columns (SaleAdmin.list_display says which and in what order)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formatting import brl


class SaleColumnsMixin:
    """How each column of the sales list shows a sale: money as R$, dates dd/mm/aaaa, the flags
    that deserve a second look before confirming."""

    @admin.display(description=_("number"), ordering="number")
    def sale_number(self, sale):
        """The number, as typed (never grouped like a quantity), opening the review page of a
        pending sale and the sale's page otherwise."""
        if sale.is_pending:
            return format_html(
                '<a href="{}" title="{}">{}</a>',
                reverse("admin:sales_sale_review", args=[sale.pk]),
                gettext("Review and confirm"),
                str(sale.number),
            )
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:sales_sale_change", args=[sale.pk]), sale.number
        )

    @admin.display(description=_("date"), ordering="sale_date")
    def date(self, sale):
        return date_format(sale.sale_date, "SHORT_DATE_FORMAT")

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, sale):
        return sale.get_status_display()

    @admin.display(description=_("customer"), ordering="customer__name")
    def customer_and_document(self, sale):
        return format_html(
            '{}<br><span class="ponte-quiet">{}</span>',
            sale.customer.name,
            sale.customer.formatted_document or "—",
        )

    @admin.display(description=_("store order"), ordering="integration__name")
    def store_order(self, sale):
        if sale.integration is None:
            return "—"
        return format_html(
            '{}<br><span class="ponte-quiet">nº {}</span>', sale.integration.name, sale.external_number
        )

    @admin.display(description=_("Payment"))
    def terms(self, sale):
        return format_html(
            '{}x<br><span class="ponte-quiet">{}</span>', sale.installments, sale.get_payment_method_display()
        )

    @admin.display(description=_("check"))
    def flags(self, sale):
        """What deserves a second look before confirming, as short labels with the detail on hover."""
        flags = []
        if sale.short_of_stock:
            flags.append(
                (
                    gettext("Out of stock"),
                    gettext(
                        "An item needs more than the stock has; "
                        "with the stock check on, confirming is refused."
                    ),
                )
            )
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
        if sale.terms_differ_from_store:
            flags.append(
                (
                    gettext("Terms differ from the store"),
                    gettext("Paid in the store: %(payment)s.") % {"payment": sale.store_payment_label},
                )
            )
        if sale.new_customer:
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
        return format_html('<span class="ponte-nowrap">{}</span>', brl(sale.total_amount))

    # --- permissions ------------------------------------------------------------------------------
