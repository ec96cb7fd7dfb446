from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from solo.admin import SingletonModelAdmin

from .models import CompanyFiscalSettings


@admin.register(CompanyFiscalSettings)
class CompanyFiscalSettingsAdmin(SingletonModelAdmin):
    fieldsets = [
        (None, {"fields": ["legal_name", "trade_name", "cnpj", "state_registration", "tax_regime", "phone"]}),
        (
            _("Address"),
            {
                "fields": [
                    ("street", "street_number"),
                    ("address_complement", "district"),
                    ("postal_code", "city", "state"),
                    "city_code",
                ]
            },
        ),
        (
            _("NF-e defaults"),
            {
                "fields": [
                    "operation_nature",
                    ("cfop_inside_state", "cfop_outside_state"),
                    ("nfe_series", "nfe_last_number"),
                ]
            },
        ),
    ]
