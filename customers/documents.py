"""CPF and CNPJ: normalisation and validation (python-stdnum knows the alphanumeric CNPJ)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.br import cnpj, cpf

CPF = "cpf"
CNPJ = "cnpj"

_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]")


def normalise_document(value: str | None) -> str:
    """The document as stored and compared: digits, or the uppercase characters of an alphanumeric CNPJ."""
    if not value:
        return ""
    return _NOT_ALPHANUMERIC.sub("", str(value)).upper()


def document_kind(value: str) -> str:
    """`cpf` or `cnpj` for a valid normalised document; raises ValidationError otherwise."""
    if len(value) == 11 and value.isdigit():
        if cpf.is_valid(value):
            return CPF
        raise ValidationError(_("Invalid CPF: %(value)s."), code="invalid_cpf", params={"value": value})
    if len(value) == 14:
        if cnpj.is_valid(value):
            return CNPJ
        raise ValidationError(_("Invalid CNPJ: %(value)s."), code="invalid_cnpj", params={"value": value})
    raise ValidationError(
        _("%(value)s is neither a CPF (11 digits) nor a CNPJ (14 characters)."),
        code="invalid_document",
        params={"value": value},
    )


def format_document(value: str) -> str:
    """000.000.000-00 or 00.000.000/0000-00, for display."""
    if len(value) == 11:
        return cpf.format(value)
    if len(value) == 14:
        return cnpj.format(value)
    return value


def searched_document(term: str) -> str:
    """The stored form of a search typed as a CPF/CNPJ, bare or with dots, dashes and slashes
    ("529.982.247-25" → "52998224725"), or "" when the term is not one (wrong length, or the
    last two characters, a CNPJ's check digits, are not digits)."""
    document = normalise_document(term)
    if len(document) in (11, 14) and document[-2:].isdigit():
        return document
    return ""
