from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .documents import normalise_document
from .models import Customer, normalise_name
from .selectors import search_customers


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
            "name",
            "document",
            "email",
            "business_phone",
            "mobile_phone",
            *Customer.ADDRESS_FIELDS,
            "state_registration",
            "ie_indicator",
        ]

    def clean(self):
        """Same name and same CPF/CNPJ is the same customer (the matching rule): say so instead of failing."""
        cleaned = super().clean()
        document = normalise_document(cleaned.get("document"))
        name = cleaned.get("name")
        if document and name:
            twins = Customer.objects.filter(name_key=normalise_name(name), document=document)
            if self.instance.pk:
                twins = twins.exclude(pk=self.instance.pk)
            if twins.exists():
                raise forms.ValidationError(
                    _("A customer with this name and this CPF/CNPJ already exists."), code="duplicate"
                )
        return cleaned


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = CustomerForm
    list_display = ["name", "formatted_document", "document_kind", "email", "mobile_phone", "origin"]
    list_filter = ["document_kind", "origin", "origin_integration"]
    # Shows the search box; get_search_results answers it with indexed lookups (search_customers).
    search_fields = ["name_key", "=document", "=email"]
    search_help_text = _("Start of the name, CPF/CNPJ or e-mail.")
    # Counting every customer for "N total" is a scan of the table on each page.
    show_full_result_count = False
    readonly_fields = ["document_kind", "origin", "origin_integration", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "document", "email", "business_phone", "mobile_phone"]}),
        (
            _("Billing address"),
            {
                "fields": [
                    ("street", "street_number"),
                    ("address_complement", "district"),
                    ("postal_code", "city", "state"),
                    "city_code",
                ]
            },
        ),
        (_("Tax data"), {"fields": ["state_registration", "ie_indicator"]}),
        (
            _("Origin"),
            {"fields": ["document_kind", "origin", "origin_integration", "created_at", "updated_at"]},
        ),
    ]

    @admin.display(description=_("CPF/CNPJ"), ordering="document")
    def formatted_document(self, customer):
        return customer.formatted_document

    def get_search_results(self, request, queryset, search_term):
        """CPF/CNPJ (bare or formatted), e-mail, or the start of the name: see search_customers."""
        return search_customers(queryset, search_term), False

    def has_delete_permission(self, request, obj=None):
        # Sales point at customers; a customer is never deleted from the admin.
        return False
