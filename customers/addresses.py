"""Brazilian addresses and state registrations: CEP, UF, the IBGE municipality code, the IE.

The municipality list is IBGE's own (code;name;UF, 5,571 rows including Brasília), shipped in
`customers/data/ibge_municipalities.csv` so the lookup never needs the network. It is the copy
that brazilfiscalreport 1.3.1 ships (`danfse/municipios_ibge.csv`), checked against IBGE's check
digit in the tests. The IE is validated per UF by erpbrasil.base (the OCA/Akretion library that
nfelib's users rely on); python-stdnum knows CPF and CNPJ but no Brazilian IE.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from erpbrasil.base.fiscal import ie as erpbrasil_ie

MUNICIPALITIES_FILE = Path(__file__).resolve().parent / "data" / "ibge_municipalities.csv"

# UF → IBGE state code (the first two digits of its municipalities' codes and of an NF-e key).
STATE_CODES = {
    "RO": "11", "AC": "12", "AM": "13", "RR": "14", "PA": "15", "AP": "16", "TO": "17",
    "MA": "21", "PI": "22", "CE": "23", "RN": "24", "PB": "25", "PE": "26", "AL": "27",
    "SE": "28", "BA": "29", "MG": "31", "ES": "32", "RJ": "33", "SP": "35", "PR": "41",
    "SC": "42", "RS": "43", "MS": "50", "MT": "51", "GO": "52", "DF": "53",
}  # fmt: skip

STATE_NAMES = {
    "acre": "AC", "alagoas": "AL", "amapa": "AP", "amazonas": "AM", "bahia": "BA", "ceara": "CE",
    "distrito federal": "DF", "espirito santo": "ES", "goias": "GO", "maranhao": "MA",
    "mato grosso": "MT", "mato grosso do sul": "MS", "minas gerais": "MG", "para": "PA",
    "paraiba": "PB", "parana": "PR", "pernambuco": "PE", "piaui": "PI", "rio de janeiro": "RJ",
    "rio grande do norte": "RN", "rio grande do sul": "RS", "rondonia": "RO", "roraima": "RR",
    "santa catarina": "SC", "sao paulo": "SP", "sergipe": "SE", "tocantins": "TO",
}  # fmt: skip

STATE_CHOICES = [(uf, uf) for uf in sorted(STATE_CODES)]

EXEMPT = "ISENTO"  # what the NF-e and the stores write for a company exempt from the IE

_NOT_DIGIT = re.compile(r"\D")


def place_key(value: str) -> str:
    """A place name as compared: no accents, case, punctuation or extra spaces
    ("Alta Floresta D'Oeste" and "alta floresta d oeste" are the same)."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def normalise_state(value: str) -> str:
    """The UF of a state given by its abbreviation or its name ("São Paulo" → "SP"), or ""."""
    text = (value or "").strip()
    if text.upper() in STATE_CODES:
        return text.upper()
    return STATE_NAMES.get(place_key(text), "")


def normalise_postal_code(value: str) -> str:
    """The CEP's digits ("18010-220" → "18010220")."""
    return _NOT_DIGIT.sub("", value or "")


def validate_postal_code(value: str) -> str:
    """The CEP's 8 digits; raises ValidationError when it is not a possible CEP."""
    digits = normalise_postal_code(value)
    if len(digits) != 8:
        raise ValidationError(
            _("The CEP %(value)s must have 8 digits."), code="invalid_cep", params={"value": value}
        )
    if digits == "0" * 8 or int(digits[:5]) < 1000:
        # CEPs start at 01000-000 (São Paulo); 00000-000 is a placeholder, not an address.
        raise ValidationError(
            _("The CEP %(value)s does not exist."), code="invalid_cep", params={"value": value}
        )
    return digits


@cache
def _municipalities() -> tuple[dict[tuple[str, str], tuple[str, str]], dict[str, tuple[str, str]]]:
    by_name: dict[tuple[str, str], tuple[str, str]] = {}
    by_code: dict[str, tuple[str, str]] = {}
    with MUNICIPALITIES_FILE.open(encoding="utf-8", newline="") as rows:
        for code, name, state in csv.reader(rows, delimiter=";"):
            by_name[(place_key(name), state)] = (code, name)
            by_code[code] = (name, state)
    return by_name, by_code


def municipality_code(city: str, state: str) -> str:
    """The IBGE code of the municipality named `city` in the UF `state`, or "" when there is none.

    Accents, case and punctuation don't matter; the state may be its name or its UF.
    """
    uf = normalise_state(state)
    if not uf or not city:
        return ""
    found = _municipalities()[0].get((place_key(city), uf))
    return found[0] if found else ""


def municipality_of(code: str) -> tuple[str, str] | None:
    """(official name, UF) of an IBGE municipality code, or None when the list has no such code."""
    return _municipalities()[1].get((code or "").strip())


def normalise_state_registration(value: str) -> str:
    """The IE as stored: its digits, or ISENTO for an exempt company."""
    text = (value or "").strip()
    if place_key(text) in ("isento", "isenta"):
        return EXEMPT
    return _NOT_DIGIT.sub("", text)


def validate_state_registration(value: str, state: str) -> str:
    """The IE normalised; raises ValidationError when it is not valid in the UF `state`."""
    registration = normalise_state_registration(value)
    if not registration or registration == EXEMPT:
        return registration
    uf = normalise_state(state)
    if not uf:
        raise ValidationError(
            _("Choose the state (UF) to check the state registration %(value)s."),
            code="ie_without_state",
            params={"value": value},
        )
    if not erpbrasil_ie.validar(uf.lower(), registration):
        raise ValidationError(
            _("The state registration (IE) %(value)s is not valid in %(state)s."),
            code="invalid_ie",
            params={"value": value, "state": uf},
        )
    return registration
