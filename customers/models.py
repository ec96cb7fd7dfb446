from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .documents import CNPJ, CPF, document_kind, format_document, normalise_document


def normalise_name(value: str) -> str:
    """The name as compared by the matching rule: no case, no surrounding or doubled spaces."""
    return " ".join((value or "").split()).casefold()


class Customer(models.Model):
    class DocumentKind(models.TextChoices):
        NONE = "", _("None")
        CPF = CPF, "CPF"
        CNPJ = CNPJ, "CNPJ"

    class Origin(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Created by a store import")

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

    @property
    def formatted_document(self) -> str:
        return format_document(self.document)
