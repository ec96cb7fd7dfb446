"""NF-e drafts of confirmed sales: numbering, building, checking, and the zip of many.

Rules: only a confirmed sale has a draft; a sale whose NF-e would lack something (see
fiscal.readiness) has none and the reasons are given instead; a sale keeps the series and number
its first draft took, so downloading it again gives the same invoice; numbers come from the
company's series, one after the other, never twice.
"""

from __future__ import annotations

import secrets
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sales.models import Sale

from . import nfe_schema, nfe_xml
from .models import CompanyFiscalSettings, NfeDraftNumber
from .readiness import Missing, company_gaps, sale_gaps, with_fiscal_data


class SaleNotReady(Exception):
    """The sale has no NF-e draft: it is not confirmed, or its NF-e would lack `missing`."""

    def __init__(self, sale: Sale, missing: list[Missing]):
        self.sale = sale
        self.missing = missing
        super().__init__("; ".join(item.message for item in missing))


class DraftInvalid(Exception):
    """The draft built does not pass the official schema: a defect of Ponte, not of the data."""


@dataclass(frozen=True)
class NfeDraft:
    sale: Sale
    key: str
    xml: str

    @property
    def filename(self) -> str:
        return f"{self.key}-nfe.xml"


def _not_confirmed(sale: Sale) -> list[Missing]:
    if sale.status == Sale.Status.CONFIRMED:
        return []
    return [
        Missing(
            _("Only a confirmed sale has an NF-e draft; sale %(number)s is %(status)s.")
            % {"number": sale.number, "status": sale.get_status_display().lower()}
        )
    ]


def _new_key_code(number: int) -> str:
    # cNF is random so the key cannot be guessed from the number, and never equal to the number.
    while True:
        code = f"{secrets.randbelow(10**8):08d}"
        if code != f"{number:08d}"[-8:]:
            return code


def assign_numbers(sales: list[Sale], company: CompanyFiscalSettings) -> dict[int, NfeDraftNumber]:
    """The draft number of each sale: the one it already has, or the next ones of the company's
    series, taken under a lock of the settings row so two workers never hand out the same."""
    existing = {row.sale_id: row for row in NfeDraftNumber.objects.filter(sale__in=[s.pk for s in sales])}
    wanting = [sale for sale in sales if sale.pk not in existing]
    if not wanting:
        return existing
    with transaction.atomic():
        locked = CompanyFiscalSettings.objects.select_for_update().get(pk=company.pk)
        # Another worker may have numbered some of them since we looked.
        existing.update(
            {row.sale_id: row for row in NfeDraftNumber.objects.filter(sale__in=[s.pk for s in wanting])}
        )
        wanting = sorted((sale for sale in wanting if sale.pk not in existing), key=lambda sale: sale.number)
        now = timezone.now()
        rows = []
        for offset, sale in enumerate(wanting, start=1):
            number = locked.nfe_last_number + offset
            rows.append(
                NfeDraftNumber(
                    sale=sale,
                    series=locked.nfe_series,
                    number=number,
                    key_code=_new_key_code(number),
                    issued_at=now,
                )
            )
        NfeDraftNumber.objects.bulk_create(rows)
        locked.nfe_last_number += len(rows)
        locked.save(update_fields=["nfe_last_number"])
        company.nfe_last_number = locked.nfe_last_number
    existing.update({row.sale_id: row for row in rows})
    return existing


def _draft(sale: Sale, company: CompanyFiscalSettings, numbering: NfeDraftNumber) -> NfeDraft:
    nfe = nfe_xml.build_nfe(
        sale,
        company,
        nfe_xml.DraftNumbering(
            series=numbering.series,
            number=numbering.number,
            key_code=numbering.key_code,
            issued_at=numbering.issued_at,
        ),
    )
    xml = nfe_schema.render(nfe)
    errors = nfe_schema.schema_errors(xml)
    if errors:
        raise DraftInvalid("; ".join(errors))
    return NfeDraft(sale=sale, key=nfe.infNFe.Id.removeprefix("NFe"), xml=xml)


def nfe_draft(sale: Sale) -> NfeDraft:
    """The NF-e draft of one confirmed, ready sale; raises SaleNotReady with what is missing."""
    sale = with_fiscal_data(Sale.objects.filter(pk=sale.pk)).get()
    company = CompanyFiscalSettings.get_solo()
    missing = _not_confirmed(sale) or sale_gaps(sale, company)
    if missing:
        raise SaleNotReady(sale, missing)
    numbering = assign_numbers([sale], company)[sale.pk]
    return _draft(sale, company, numbering)


def nfe_drafts(sales, *, chunk_size: int = 200) -> Iterator[NfeDraft | SaleNotReady]:
    """The draft of each sale of the queryset, in number order, a chunk at a time; a sale without
    one yields its SaleNotReady instead of stopping the others."""
    company = CompanyFiscalSettings.get_solo()
    company_missing = company_gaps(company)
    ids = list(sales.order_by("number").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk_size):
        chunk = list(
            with_fiscal_data(Sale.objects.filter(pk__in=ids[start : start + chunk_size])).order_by("number")
        )
        ready = []
        for sale in chunk:
            missing = _not_confirmed(sale) or company_missing + sale_gaps(sale, company, with_company=False)
            if missing:
                yield SaleNotReady(sale, missing)
            else:
                ready.append(sale)
        numbers = assign_numbers(ready, company) if ready else {}
        for sale in ready:
            yield _draft(sale, company, numbers[sale.pk])


class _Chunks:
    """A write-only file whose bytes are taken out as they come, for a zip streamed as it is made."""

    def __init__(self):
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def stream_drafts_zip(sales) -> Iterator[bytes]:
    """A zip of the drafts of these sales, produced file by file (never whole in memory).
    Sales without a draft are listed, with what they lack, in PENDENCIAS.txt inside the zip."""
    out = _Chunks()
    pending: list[str] = []
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for result in nfe_drafts(sales):
            if isinstance(result, SaleNotReady):
                reasons = "\n".join(f"  - {item.message}" for item in result.missing)
                pending.append(_("Sale %(number)s:") % {"number": result.sale.number} + "\n" + reasons)
                continue
            archive.writestr(result.filename, result.xml)
            yield out.take()
        if pending:
            archive.writestr("PENDENCIAS.txt", "\n".join(pending) + "\n")
    yield out.take()


def missing_messages(missing: Iterable[Missing]) -> list[str]:
    return [item.message for item in missing]
