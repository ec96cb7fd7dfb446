from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .addresses import (
    EXEMPT,
    STATE_CHOICES,
    municipality_code,
    municipality_of,
    normalise_postal_code,
    normalise_state,
    normalise_state_registration,
    validate_postal_code,
    validate_state_registration,
)
from .documents import CNPJ, CPF, document_kind, format_document, normalise_document


def normalise_name(value: str) -> str:
    """The name as compared by the matching rule: no case, no surrounding or doubled spaces."""
    return " ".join((value or "").split()).casefold()


class BrazilianAddress(models.Model):
    """An address as an NF-e writes it; the lengths are the NF-e's own (xLgr, nro, xCpl, … 60)."""

    street = models.CharField(_("street"), max_length=60, blank=True)
    street_number = models.CharField(_("number"), max_length=60, blank=True)
    address_complement = models.CharField(_("complement"), max_length=60, blank=True)
    district = models.CharField(_("district"), max_length=60, blank=True)
    postal_code = models.CharField(_("CEP"), max_length=8, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    # Filled from the city and the UF against IBGE's list when left blank.
    city_code = models.CharField(
        _("IBGE municipality code"),
        max_length=7,
        blank=True,
        help_text=_("Filled in from the city and the state when left blank."),
    )
    state = models.CharField(_("state (UF)"), max_length=2, choices=STATE_CHOICES, blank=True)
    # When the store last gave this address; an older order's address does not overwrite it.
    address_updated_at = models.DateTimeField(_("address updated at"), null=True, blank=True, editable=False)

    ADDRESS_FIELDS = (
        "street",
        "street_number",
        "address_complement",
        "district",
        "postal_code",
        "city",
        "city_code",
        "state",
    )

    class Meta:
        abstract = True

    def normalise_address(self) -> None:
        """Stored forms: CEP digits, UF abbreviation, the IBGE code looked up when missing."""
        for name in ("street", "street_number", "address_complement", "district", "city"):
            setattr(self, name, " ".join((getattr(self, name) or "").split())[:60])
        self.postal_code = normalise_postal_code(self.postal_code)[:8]
        self.state = normalise_state(self.state)
        self.city_code = (self.city_code or "").strip()
        if not self.city_code and self.city and self.state:
            self.city_code = municipality_code(self.city, self.state)

    def clean_address(self) -> dict[str, ValidationError]:
        """The address's errors by field (CEP, and a city that is not in the UF's IBGE list)."""
        self.normalise_address()
        errors: dict[str, ValidationError] = {}
        if self.postal_code:
            try:
                validate_postal_code(self.postal_code)
            except ValidationError as error:
                errors["postal_code"] = error
        if self.city_code:
            found = municipality_of(self.city_code)
            if found is None or (self.state and found[1] != self.state):
                errors["city_code"] = ValidationError(
                    _("%(code)s is not the IBGE code of a municipality of %(state)s."),
                    params={"code": self.city_code, "state": self.state or "—"},
                )
        elif self.city and self.state:
            errors["city"] = ValidationError(
                _("%(city)s is not a municipality of %(state)s in IBGE's list."),
                params={"city": self.city, "state": self.state},
            )
        return errors


class Customer(BrazilianAddress):
    class DocumentKind(models.TextChoices):
        NONE = "", _("None")
        CPF = CPF, "CPF"
        CNPJ = CNPJ, "CNPJ"

    class Origin(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Created by a store import")

    class IeIndicator(models.TextChoices):
        # The NF-e's indIEDest: a company registered with the state, exempt, or not a taxpayer.
        CONTRIBUTOR = "1", _("ICMS taxpayer (has an IE)")
        EXEMPT = "2", _("Exempt from the IE")
        NON_CONTRIBUTOR = "9", _("Not an ICMS taxpayer")

    name = models.CharField(_("name"), max_length=200)
    # Kept in step with `name` by save(); the matching rule compares this, and the index serves it.
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    document = models.CharField(_("CPF/CNPJ"), max_length=14, blank=True)
    document_kind = models.CharField(
        _("document type"), max_length=4, choices=DocumentKind.choices, blank=True, editable=False
    )
    email = models.EmailField(_("e-mail"), blank=True)
    business_phone = models.CharField(_("business phone"), max_length=30, blank=True)
    mobile_phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    state_registration = models.CharField(
        _("state registration (IE)"), max_length=14, blank=True, help_text=_("Digits, or ISENTO.")
    )
    ie_indicator = models.CharField(
        _("IE indicator"),
        max_length=1,
        choices=IeIndicator.choices,
        default=IeIndicator.NON_CONTRIBUTOR,
        blank=True,  # left empty on a form: not a taxpayer
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    origin_integration = models.ForeignKey(
        "integrations.Integration",
        verbose_name=_("created by the integration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["document"], name="customer_document_idx"),
            # The customers list's search by e-mail, in any case (customers.selectors).
            models.Index(Lower("email"), name="customer_email_lower_idx"),
        ]
        constraints = [
            # The matching rule (same name AND same document → same customer) as a key, so two
            # imports racing for the same new customer create it once.
            models.UniqueConstraint(
                fields=["name_key", "document"],
                condition=~Q(document=""),
                name="customer_unique_name_document",
            ),
            models.CheckConstraint(
                condition=(
                    Q(document="", document_kind="") | Q(document_kind="cpf", document__regex=r"^[0-9]{11}$")
                )
                | Q(document_kind="cnpj", document__regex=r"^[0-9A-Z]{12}[0-9]{2}$"),
                name="customer_document_matches_kind",
            ),
        ]

    def __str__(self):
        if self.document:
            return f"{self.name} ({self.formatted_document})"
        return self.name

    def save(self, *args, **kwargs):
        self.name = " ".join((self.name or "").split())
        self.name_key = normalise_name(self.name)
        self.document = normalise_document(self.document)
        if not self.document:
            self.document_kind = ""
        elif not self.document_kind:
            self.document_kind = document_kind(self.document)
        self.normalise_address()
        self.state_registration = normalise_state_registration(self.state_registration)
        self.ie_indicator = self.ie_indicator or self.IeIndicator.NON_CONTRIBUTOR
        super().save(*args, **kwargs)

    def clean(self):
        self.document = normalise_document(self.document)
        if self.document:
            try:
                self.document_kind = document_kind(self.document)
            except ValidationError as error:
                raise ValidationError({"document": error}) from error
        else:
            self.document_kind = ""
        errors = self.clean_address()
        try:
            self.state_registration = validate_state_registration(self.state_registration, self.state)
        except ValidationError as error:
            errors["state_registration"] = error
        if self.ie_indicator == self.IeIndicator.CONTRIBUTOR and self.state_registration in ("", EXEMPT):
            errors["ie_indicator"] = ValidationError(_("An ICMS taxpayer needs its state registration (IE)."))
        if self.ie_indicator == self.IeIndicator.EXEMPT and self.state_registration not in ("", EXEMPT):
            errors["ie_indicator"] = ValidationError(
                _("A customer with a state registration (IE) is not exempt from it.")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def formatted_document(self) -> str:
        return format_document(self.document)
