from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from solo.models import SingletonModel

from customers.addresses import validate_state_registration
from customers.documents import CNPJ, document_kind, format_document, normalise_document
from customers.models import BrazilianAddress


class CompanyFiscalSettings(BrazilianAddress, SingletonModel):
    """The issuing company's fiscal data (one row): who the NF-e is from and how it is numbered."""

    class TaxRegime(models.TextChoices):
        # The NF-e's CRT.
        SIMPLES_NACIONAL = "1", _("Simples Nacional")
        SIMPLES_EXCESS = "2", _("Simples Nacional, over the gross revenue sub-limit")
        NORMAL = "3", _("Normal regime")

    legal_name = models.CharField(_("legal name (razão social)"), max_length=60, blank=True)
    trade_name = models.CharField(_("trade name"), max_length=60, blank=True)
    cnpj = models.CharField(_("CNPJ"), max_length=14, blank=True)
    state_registration = models.CharField(_("state registration (IE)"), max_length=14, blank=True)
    tax_regime = models.CharField(
        _("tax regime"), max_length=1, choices=TaxRegime.choices, default=TaxRegime.SIMPLES_NACIONAL
    )
    phone = models.CharField(_("phone"), max_length=14, blank=True)
    cfop_inside_state = models.CharField(_("CFOP for sales inside the state"), max_length=4, default="5102")
    cfop_outside_state = models.CharField(_("CFOP for sales to another state"), max_length=4, default="6102")
    operation_nature = models.CharField(
        _("nature of the operation"), max_length=60, default="Venda de mercadoria"
    )
    nfe_series = models.PositiveSmallIntegerField(
        _("NF-e series"), default=1, help_text=_("0 to 889; the emitter's series for these invoices.")
    )
    # The last number handed to a draft; the next draft takes the one after it.
    nfe_last_number = models.PositiveIntegerField(
        _("last NF-e number used"),
        default=0,
        help_text=_("Drafts are numbered from the one after this."),
    )

    class Meta:
        verbose_name = _("company fiscal data")
        verbose_name_plural = _("company fiscal data")
        constraints = [
            models.CheckConstraint(condition=Q(nfe_series__lte=889), name="company_nfe_series_range"),
            models.CheckConstraint(
                condition=Q(nfe_last_number__lt=999999999), name="company_nfe_number_range"
            ),
            models.CheckConstraint(
                condition=Q(cfop_inside_state__regex=r"^5[0-9]{3}$"), name="company_cfop_inside_starts_5"
            ),
            models.CheckConstraint(
                condition=Q(cfop_outside_state__regex=r"^6[0-9]{3}$"), name="company_cfop_outside_starts_6"
            ),
        ]

    def __str__(self):
        return str(_("Company fiscal data"))

    @property
    def formatted_cnpj(self) -> str:
        return format_document(self.cnpj)

    def save(self, *args, **kwargs):
        self.cnpj = normalise_document(self.cnpj)
        self.phone = "".join(char for char in self.phone or "" if char.isdigit())
        self.normalise_address()
        super().save(*args, **kwargs)

    def clean(self):
        errors = self.clean_address()
        self.cnpj = normalise_document(self.cnpj)
        if self.cnpj:
            try:
                if document_kind(self.cnpj) != CNPJ:
                    errors["cnpj"] = ValidationError(_("The company's document must be a CNPJ."))
            except ValidationError as error:
                errors["cnpj"] = error
        try:
            self.state_registration = validate_state_registration(self.state_registration, self.state)
        except ValidationError as error:
            errors["state_registration"] = error
        if not (self.cfop_inside_state or "").startswith("5"):
            errors["cfop_inside_state"] = ValidationError(
                _("A CFOP for sales inside the state starts with 5.")
            )
        if not (self.cfop_outside_state or "").startswith("6"):
            errors["cfop_outside_state"] = ValidationError(
                _("A CFOP for sales to another state starts with 6.")
            )
        if errors:
            raise ValidationError(errors)


class NfeDraftNumber(models.Model):
    """The series and number a confirmed sale's NF-e draft carries: taken once, from the company's
    series, the first time the draft is made, so every later download of it is the same invoice."""

    sale = models.OneToOneField(
        "sales.Sale", verbose_name=_("sale"), on_delete=models.PROTECT, related_name="nfe_draft_number"
    )
    series = models.PositiveSmallIntegerField(_("series"))
    number = models.PositiveIntegerField(_("number"))
    # The random part of the access key (cNF), kept so the key never changes.
    key_code = models.CharField(max_length=8)
    issued_at = models.DateTimeField(_("draft date"))

    class Meta:
        verbose_name = _("NF-e draft number")
        verbose_name_plural = _("NF-e draft numbers")
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="nfe_draft_unique_series_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="nfe_draft_number_from_one"),
        ]

    def __str__(self):
        return f"{self.series}/{self.number}"
